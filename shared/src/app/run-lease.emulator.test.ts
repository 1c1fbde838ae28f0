import { Firestore } from '@google-cloud/firestore';
import { type RunningSimulator, SimulatorAdmin, startSimulator } from '@qrl-rebalancer/simulator';
import { loadConfig } from '../config/config';
import { parseProfile, type StrategyProfile } from '../domain/profile';
import type { AppError } from '../errors/app-error';
import { createMexcClient, type MexcClient } from '../exchange/mexc';
import { createDeps } from '../http/deps';
import type { DocStore } from '../ledger/doc-store';
import { createFirestoreLedger, type FirestoreLedger, FirestoreStore } from '../ledger/firestore';
import { ServerClock } from '../ledger/server-clock';
import { createStoreLedger } from '../ledger/store-ledger';
import { createLogger } from '../observability/logger';
import type { Clock } from '../ports/clock';
import type { Exchange } from '../ports/exchange';
import type { RebalanceDeps } from './contract';
import { rebalanceOnce } from './rebalance-once';
import { functionBudget } from './run-deadlines';

/**
 * Leases and locks on the real Firestore emulator, with ledgers built as production builds them
 * (no test clock: the ledger's clock is the database's server time) and the MEXC simulator over
 * loopback HTTP. Issue #18: an instance whose clock ran 6 minutes ahead took over a live lease and
 * sold a second time.
 */

const API_KEY = 'mx0-lease-test-key-0001';
const API_SECRET = 'lease-test-secret-0123456789abcdef';
/** the deployed lease: 120 s function timeout + 5 s margin */
const LEASE_MS = 125_000;
const SIX_MINUTES = 6 * 60_000;
/** at 0.5 USDT: 1000 + 100 USDT, far outside the band → one sell */
const SKEWED = { QRL: '2000', USDT: '100' };

let sequence = 0;
function uniqueId(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}-${Math.random().toString(36).slice(2, 10)}`;
}

let sim: RunningSimulator;
const closers: (() => Promise<void>)[] = [];
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  sim = await startSimulator({ seed: 18, apiKey: API_KEY, apiSecret: API_SECRET, config: { rateLimits: false } });
  closers.push(() => sim.stop());
});

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

beforeEach(async () => {
  await admin().reset();
  logLines.length = 0;
});

const admin = () => new SimulatorAdmin(sim.url);

async function simOrders() {
  return admin().orders();
}

/** A clock `offsetMs` off the real one, as a skewed instance has. */
function skewedClock(offsetMs: number): Clock {
  return { now: () => new Date(Date.now() + offsetMs) };
}

function mexc(clock: Clock): MexcClient {
  return createMexcClient(
    { baseUrl: sim.url, apiKey: API_KEY, apiSecret: API_SECRET, recvWindowMs: 5000 },
    { notFoundDelayMs: 50, backoffBaseMs: 10, backoffMaxMs: 20, timeoutMs: 5000, clock },
  );
}

/** A ledger as createDeps builds one: no clock handed in. */
function productionLedger(): FirestoreLedger {
  const l = createFirestoreLedger({ projectId: process.env.GOOGLE_CLOUD_PROJECT, retentionDays: 30 });
  closers.push(() => l.close());
  return l;
}

/** One function instance: its own wall clock, MEXC client and ledger client. */
function instance(p: StrategyProfile, clock: Clock, overrides: Partial<RebalanceDeps> = {}): RebalanceDeps {
  const client = mexc(clock);
  return {
    exchange: client,
    ledger: productionLedger(),
    clock,
    logger: createLogger('debug', (line) => logLines.push(JSON.parse(line) as Record<string, unknown>)),
    profiles: { [p.id]: p },
    liveTrading: true,
    owner: uniqueId('owner'),
    leaseMs: LEASE_MS,
    accountId: `acct-${p.id}`,
    exchangeCalls: () => client.metrics().calls,
    ...overrides,
  };
}

const input = (p: StrategyProfile, executionId: string) => ({
  executionId,
  profileId: p.id,
  dryRun: false,
  trigger: { kind: 'scheduler' },
});

/** An exchange whose placeOrder waits at a gate the test opens: a live attempt in the middle of its send. */
function heldAtSend(inner: Exchange): { exchange: Exchange; reached: Promise<void>; release: () => void } {
  let reach: () => void = () => undefined;
  let release: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const exchange: Exchange = Object.assign(Object.create(inner) as Exchange, {
    placeOrder: async (order: Parameters<Exchange['placeOrder']>[0]) => {
      reach();
      await gate;
      return inner.placeOrder(order);
    },
  });
  return { exchange, reached, release };
}

describe('leases are judged by the ledger clock (Firestore server time)', () => {
  it('an instance whose clock is 6 minutes ahead neither takes over a live lease nor its lock: one sell, turnover counts it once', async () => {
    await admin().setBalances(SKEWED);
    const p = parseProfile(uniqueId('pf'), {});
    const executionId = uniqueId('skew');
    const realClock = skewedClock(0);
    const first = instance(p, realClock);
    const held = heldAtSend(first.exchange);
    const running = rebalanceOnce(input(p, executionId), { ...first, exchange: held.exchange });
    await held.reached;

    // the first attempt is live, its order on its way; a second instance runs 6 minutes ahead
    const ahead = skewedClock(SIX_MINUTES);
    const retry = await rebalanceOnce(input(p, executionId), instance(p, ahead));
    expect(retry).toMatchObject({ status: 'in_progress', duplicate: true, attempt: 1 });
    const next = await rebalanceOnce(input(p, uniqueId('next')), instance(p, ahead));
    expect(next).toMatchObject({ status: 'skipped', reason: 'locked' });
    expect(next.orders).toEqual([]);
    expect(await simOrders()).toEqual([]);

    held.release();
    const done = await running;
    expect(done).toMatchObject({ status: 'completed', attempt: 1 });
    const placed = await simOrders();
    expect(placed).toHaveLength(1);
    expect(placed[0]?.status).toBe('FILLED');
    const intents = await first.ledger.listIntents(executionId);
    expect(intents.map((i) => i.status)).toEqual(['filled']);
    const account = await first.ledger.readAccount(`acct-${p.id}`);
    expect(account.turnover?.notional).toBe(placed[0]?.cummulativeQuoteQty);
    expect(account.lock).toBeNull();
    expect(logLines.filter((l) => l.message === 'run.claimed')).toHaveLength(1);

    // the skewed instance's next trigger, after the run ended, sees the cool-down, not a free account
    const later = await rebalanceOnce(input(p, uniqueId('later')), instance(p, ahead));
    expect(later.orders).toEqual([]);
    expect(await simOrders()).toHaveLength(1);
  });
});

/** Firestore that stops answering commits after the first `answered` ones (a hung connection); a new account takes two: its creation, the claim. */
function hangingAfter(inner: DocStore, answered: number): DocStore {
  let commits = 0;
  return {
    getAll: (paths) => inner.getAll(paths),
    list: (path) => inner.list(path),
    commit: (writes) => {
      commits += 1;
      return commits <= answered ? inner.commit(writes) : new Promise<never>(() => undefined);
    },
    transact: () => new Promise<never>(() => undefined),
  };
}

describe('deadlines: a run ends inside the function timeout', () => {
  it('Firestore hangs after the claim: the run gives up inside its budget (503); the retry after the lease records the fill once', async () => {
    await admin().setBalances(SKEWED);
    const p = parseProfile(uniqueId('pf'), {});
    const executionId = uniqueId('hang');
    const db = new Firestore({ projectId: process.env.GOOGLE_CLOUD_PROJECT });
    closers.push(() => db.terminate());
    const serverClock = new ServerClock();
    const hung = createStoreLedger(hangingAfter(new FirestoreStore(db, { serverClock }), 2), {
      retentionDays: 30,
      clock: serverClock,
    });
    // a function timeout of 10 s (the budget keeps 2 s of it for the answer), limits scaled to it
    const functionTimeoutS = 10;
    const leaseMs = 3_000;
    const limits = { finishReserveMs: 1_500, orderCallMs: 1_000, ledgerCallMs: 3_000, exchangeCallMs: 3_000 };
    const budget = functionBudget(functionTimeoutS, limits);
    const first = instance(p, skewedClock(0), { ledger: hung, leaseMs, budget });
    const startedAt = performance.now();
    const error = await rebalanceOnce(input(p, executionId), first).then(
      () => null,
      (e: unknown) => e,
    );
    const tookMs = performance.now() - startedAt;
    // 503, and the answer says what was done and what was not
    expect(error).toMatchObject({ code: 'ledger.unavailable', retryable: true });
    expect((error as AppError).what).toMatch(
      /^run \S+ sent order\(s\) rb-\S+-0, but the ledger could not record its end: the ledger could not finish the run: no answer within/,
    );
    expect((error as AppError).notDone).toMatch(/stays running until its lease ends/);
    // the request's whole point: it answered before its time was up
    expect(tookMs).toBeLessThan(functionTimeoutS * 1000);
    // the order had left before the hang: the exchange has it, the ledger still holds it submitted
    const placed = await simOrders();
    expect(placed).toHaveLength(1);
    const observer = productionLedger();
    expect((await observer.readRun(executionId))?.status).toBe('running');
    expect((await observer.listIntents(executionId)).map((i) => i.status)).toEqual(['submitted']);

    // Scheduler's retry after the lease ended takes the run over and records the fill, once
    const run = await observer.readRun(executionId);
    const wait = (run?.lease?.until.getTime() ?? 0) - observer.now().getTime() + 200;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const resumed = await rebalanceOnce(input(p, executionId), instance(p, skewedClock(0)));
    expect(resumed).toMatchObject({ status: 'completed', attempt: 2, duplicate: false });
    expect(resumed.orders.map((o) => o.status)).toEqual(['filled']);
    expect(await simOrders()).toHaveLength(1);
    const account = await observer.readAccount(`acct-${p.id}`);
    expect(account.turnover?.notional).toBe(placed[0]?.cummulativeQuoteQty);
    expect(account.lock).toBeNull();
  });

  it('an order call that hangs is given up inside the budget: the intent stays unknown for the next run, nothing is sent again', async () => {
    await admin().setBalances(SKEWED);
    // the order is held far past the function timeout
    await admin().addFault({ endpoint: 'POST /api/v3/order', kind: 'delay', delayMs: 20_000 });
    const p = parseProfile(uniqueId('pf'), {});
    const executionId = uniqueId('order-hang');
    const functionTimeoutS = 10;
    const limits = { finishReserveMs: 1_500, orderCallMs: 1_000, ledgerCallMs: 3_000, exchangeCallMs: 3_000 };
    const d = instance(p, skewedClock(0), { budget: functionBudget(functionTimeoutS, limits) });
    const startedAt = performance.now();
    const report = await rebalanceOnce(input(p, executionId), d);
    expect(performance.now() - startedAt).toBeLessThan(functionTimeoutS * 1000);
    // the run is recorded: failed, its order's outcome unknown (retryable), the account unlocked
    expect(report).toMatchObject({ status: 'failed', error: { retryable: true } });
    expect(report.orders.map((o) => o.status)).toEqual(['unknown']);
    const observer = productionLedger();
    expect((await observer.readRun(executionId))?.status).toBe('failed');
    expect((await observer.listIntents(executionId)).map((i) => i.status)).toEqual(['unknown']);
    expect((await observer.readAccount(`acct-${p.id}`)).lock).toBeNull();
    // one order request reached the exchange, and it was never sent again
    const requests = await admin().requests();
    expect(JSON.stringify(requests)).toMatch(/POST \/api\/v3\/order/);
  });
});

describe('the composition root builds the ledger as production runs it', () => {
  it('createDeps on a 6-minute-ahead instance: the ledger judges by server time, the lease is timeout + 5 s, the run has a budget', async () => {
    const config = loadConfig({
      AUTH_MODE: 'none',
      MEXC_BASE_URL: sim.url,
      LEDGER: 'firestore',
      GOOGLE_CLOUD_PROJECT: process.env.GOOGLE_CLOUD_PROJECT,
      FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
      FUNCTION_TIMEOUT_S: '120',
    });
    const logger = createLogger('error', () => undefined);
    const deps = createDeps(config, logger, { clock: skewedClock(SIX_MINUTES) });
    const run = deps.rebalanceDeps(logger, deps.newOwner());
    closers.push(async () => {
      const { ledger } = deps.adapters();
      if ('close' in ledger && typeof ledger.close === 'function') await ledger.close();
    });
    expect(run.leaseMs).toBe(125_000);
    expect(run.budget?.remainingMs()).toBeGreaterThan(100_000);
    expect(run.budget?.remainingMs()).toBeLessThanOrEqual(118_000);
    await run.ledger.readRun(uniqueId('absent'));
    // the instance clock is 6 minutes ahead; the ledger's is the database's (the emulator's: this machine's)
    expect(Math.abs(run.ledger.now().getTime() - Date.now())).toBeLessThan(30_000);
  });
});
