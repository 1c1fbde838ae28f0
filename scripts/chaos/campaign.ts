/**
 * The fault campaign (issue #11): the real rebalance bundle under functions-framework, the MEXC
 * simulator and the Firestore emulator, driven through one seeded scenario per run — exchange
 * faults, SIGKILLs at chosen points of a run, duplicate/concurrent/late triggers, market moves and
 * clock skew — with the invariants checked after every run.
 *
 * Crashes need no hook in the product: the simulator holds the request the process makes at the
 * chosen point (a delay fault on one endpoint), the campaign sees that request arrive and kills
 * the process group while it waits. The function runs with a short FUNCTION_TIMEOUT_S, so a
 * killed attempt's lease is short and is often waited out for real; a lease longer than
 * LEASE_WAIT_MAX_MS, the end of a UTC day and the visibility margin of an order that provably never
 * reached the exchange are moved on in the ledger instead of slept through.
 *
 * Issue #18 adds: a second profile that trades LIMIT_MAKER orders, which rest and fill partly as
 * the campaign moves the book through them and are then cancelled by the product's TTL; dry runs; a
 * Scheduler retry sent while the first attempt is held inside the exchange (it must answer
 * in_progress); two more function processes whose wall clock is skewed by minutes
 * (skew-clock.cjs); a watchdog per run; and a final quiet settle run after which nothing may be open.
 */

import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { clientOrderIdFor } from '@qrl-rebalancer/shared/app';
import { apiKeyFingerprint } from '@qrl-rebalancer/shared/config';
import { compactUtc, dayBefore } from '@qrl-rebalancer/shared/domain';
import { SimulatorAdmin } from '@qrl-rebalancer/simulator';
import { buildFunctions } from '../build';
import { freePort } from '../lib/free-port';
import { type CallResult, callFunction, type LocalStack, startLocalStack } from '../lib/local-stack';
import { createPrng } from '../lib/prng';
import { type ServedFunction, serveFunction } from '../lib/serve-function';
import { checkLogs, checkWorld, type InvariantContext, type Violation } from './invariants';
import { type LedgerView, openLedgerView } from './ledger-view';
import {
  type ChaosSymbol,
  type CrashPoint,
  type CrashSpec,
  type FaultSpec,
  type Instance,
  type ProfileName,
  type Scenario,
  SYMBOLS,
  scenarioFor,
  type TriggerKind,
} from './scenario';
import type { ExchangeOrder, ExchangeTrade, HttpAnswer, OrderArrival, SpreadWindow, World } from './world';

export const PROFILE_ID = 'default';
const REPLAY_WINDOW_S = 900;
/** Holds a read at a crash point far longer than the kill takes (and shorter than the client's timeout would matter). */
const HOLD_MS = 4_000;
/**
 * The function's timeout (contract of issue #18): the product sizes its lease (timeout + 5 s) and
 * deadlines from it. The shortest it accepts (30 s: time to send an order and record it), so a
 * dead attempt's lease can be waited out for real.
 */
export const FUNCTION_TIMEOUT_S = 30;
/** A dead attempt's lease longer than this (a product that still leases 5 minutes) is ended in the ledger instead. */
const LEASE_WAIT_MAX_MS = 40_000;
/** No run of the campaign legitimately takes this long: past it the campaign fails, naming the run. */
export const WATCHDOG_MS = 120_000;
/** Every admin call to the simulator is bounded. */
const SIM_TIMEOUT_MS = 10_000;
/** An order request that arrived this long ago and was not held is processed or refused: final. */
const ARRIVAL_SETTLE_MS = 500;
/**
 * Moves an unseen order's sendBy back this far beyond its recvWindow: the product's
 * VISIBILITY_MARGIN_MS (2 min, shared/src/app/send-window.ts) plus the largest instance skew (4 min),
 * so the next run, on any instance, may declare it absent.
 */
const AGE_MARGIN_MS = 6 * 60_000 + 10_000;
/** The preload that skews a function's wall clock (a chaos seam, not a product hook). */
const SKEW_PRELOAD = resolve(__dirname, 'skew-clock.cjs');

/** Short cool-down and order TTL so consecutive runs trade; caps small enough to bind within a campaign. */
export const CHAOS_PROFILE = {
  targets: { QRL: '0.4', BTC: '0.3', USDT: '0.3' },
  // a 1-point band: the campaign's ±4–11 % moves cross it in most runs, so a third of them trade
  bandAbs: '0.01',
  cooldown: '1s',
  orderTtl: '1s',
  minTradeNotional: '5',
  maxOrderNotional: '120',
  maxDailyTurnover: '1500',
  orderType: 'ioc',
  maxSlippageBps: 50,
  maxSpreadBps: 150,
  // above the campaign's single moves (≤ 11 %), so the guard holds only moves that add up
  maxPriceMoveBps: 2000,
  // runs are a second apart: a blocked move is adopted after two blocked runs, so the campaign keeps trading
  priceMoveHoldRuns: 2,
  priceMoveHold: '0s',
  checkDepth: true,
} as const;

/**
 * The same profile with LIMIT_MAKER orders at the best bid/ask: they rest, fill as the book moves,
 * and are cancelled after orderTtl. The product refuses two profiles holding the same assets on one
 * account, so this is the default profile as another deploy of the service serves it (its own
 * process): one account, one ledger, orders of both kinds.
 */
export const MAKER_PROFILE = { ...CHAOS_PROFILE, orderType: 'maker' } as const;

export const INITIAL_BALANCES = { QRL: '2400', BTC: '0.016', USDT: '900' } as const;
const INITIAL_PRICES: Record<ChaosSymbol, number> = { QRLUSDT: 0.5, BTCUSDT: 50_000 };
const PRICE_DECIMALS: Record<ChaosSymbol, number> = { QRLUSDT: 4, BTCUSDT: 2 };

export interface CampaignOptions {
  runs: number;
  seed: number;
  /** an emulator already running (the jest harness); else the stack starts one */
  emulatorHost?: string;
  projectId?: string;
  /** progress lines (stderr in the CLI) */
  say?: (line: string) => void;
  /** per-run watchdog (default WATCHDOG_MS) */
  watchdogMs?: number;
  /** every line the function processes write, appended here (to read a failing seed afterwards) */
  logFile?: string;
}

export interface CrashRecord {
  planned: CrashPoint;
  /** where the process actually was when it died, read from the ledger and the exchange; `missed` = the run never got there */
  observed: CrashPoint | 'missed';
  followUp: CrashSpec['followUp'];
}

export interface RunRow {
  run: number;
  /** `quiet_settle`: the final runs with no faults after which nothing may be left open */
  trigger: TriggerKind | 'quiet_settle';
  executionIds: string[];
  faults: FaultSpec[];
  crash: CrashRecord | null;
  market: string;
  /** HTTP answers, `killed` for a request the SIGKILL cut off */
  http: string[];
  /** status[/reason] of each answer */
  statuses: string[];
  violations: Violation[];
  durationMs: number;
  /** order requests that reached the exchange during this run, and orders it placed */
  orderRequests?: number;
  ordersPlaced?: number;
  /** profile, dry run and instance of the trigger (issue #18) */
  profile?: ProfileName;
  dryRun?: boolean;
  instance?: Instance;
}

export interface CampaignResult {
  seed: number;
  runs: RunRow[];
  faultsByKind: Record<string, number>;
  crashes: Record<string, { planned: number; hit: number }>;
  statuses: Record<string, number>;
  ledgerStatuses: Record<string, number>;
  violations: (Violation & { run: number })[];
  exchangeOrders: number;
  fills: number;
  durationMs: number;
  /** runs (of those asked for) that placed at least one exchange order, over all runs */
  tradingShare: number;
  /** exchange orders by type and final status, e.g. LIMIT_MAKER/PARTIALLY_CANCELED */
  ordersByKind: Record<string, number>;
  /** the skew of the two skewed function processes (ms) */
  clockSkewMs: Record<Exclude<Instance, 'main'>, number>;
}

interface Answer {
  http: string;
  status: string;
}

/** Rejects after `ms`; the timer does not keep the process alive. */
function timeout(ms: number, message: () => string): { promise: Promise<never>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
    timer.unref();
  });
  return { promise, clear: () => clearTimeout(timer) };
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const say = options.say ?? (() => undefined);
  const started = Date.now();
  // A private build: restarts after a SIGKILL load the bundle again, and dist/ may be rebuilt
  // meanwhile by anything else on the machine (npm test, npm run build).
  const distDir = resolve(
    __dirname,
    '..',
    '..',
    'node_modules',
    '.cache',
    'qrl-chaos',
    `${process.pid}-${options.seed}`,
  );
  await buildFunctions({ outDir: distDir, quiet: true });
  let logs = '';
  let driver: Driver | undefined;
  const logFile = options.logFile;
  if (logFile) writeFileSync(logFile, '');
  const onFunctionOutput = (_name: string, chunk: string) => {
    if (logFile) appendFileSync(logFile, chunk);
    logs += chunk;
    driver?.watch(chunk);
  };
  const stack = await startLocalStack({
    functions: ['rebalance'],
    ledger: 'firestore',
    ...(options.emulatorHost ? { emulatorHost: options.emulatorHost } : {}),
    projectId: options.projectId ?? `demo-qrl-chaos-${options.seed}`,
    env: {
      STRATEGY_PROFILES: JSON.stringify({ [PROFILE_ID]: CHAOS_PROFILE }),
      REPLAY_WINDOW_S: String(REPLAY_WINDOW_S),
      FUNCTION_TIMEOUT_S: String(FUNCTION_TIMEOUT_S),
      LIVE_TRADING: 'true',
      LOG_LEVEL: 'info',
    },
    simulator: {
      // thin levels (QRL 75–225 per level, BTC 0.001–0.003) so a book moved one level through a
      // resting maker order fills it only partly; an IOC still finds its size within 5 levels
      symbols: [
        { symbol: 'QRLUSDT', price: '0.5', levelQty: '150' },
        {
          symbol: 'BTCUSDT',
          baseAsset: 'BTC',
          quoteAsset: 'USDT',
          price: '50000',
          baseAssetPrecision: 6,
          quoteAssetPrecision: 2,
          baseSizePrecision: '0.000001',
          levelQty: '0.002',
        },
      ],
      balances: { ...INITIAL_BALANCES },
      // the worst case: a reused client order id would place a second order, which invariant 2 sees
      duplicateClientOrderId: 'accept',
    },
    say,
    onFunctionOutput,
    distDir,
  });
  const emulatorHost = stack.emulatorHost;
  if (!emulatorHost) throw new Error('the campaign needs the Firestore emulator');
  const ledger = openLedgerView(stack.projectId, emulatorHost, apiKeyFingerprint(stack.simulator.apiKey));
  driver = new Driver(stack, ledger, options.seed, onFunctionOutput, distDir);
  const rows: RunRow[] = [];
  const violations: (Violation & { run: number })[] = [];
  const seen = new Set<string>();
  const watchdogMs = options.watchdogMs ?? WATCHDOG_MS;
  let inFlight: Promise<unknown> | null = null;
  try {
    await driver.startSkewed();
    const prng = createPrng(options.seed);
    for (let run = 0; run <= options.runs; run++) {
      const scenario = run < options.runs ? scenarioFor(run, prng) : null;
      const what = scenario
        ? `run ${run + 1}/${options.runs} (${scenario.trigger}${scenario.crash ? `, crash ${scenario.crash.point}` : ''})`
        : 'the quiet settle run';
      // a watchdog per run: a wait that never ends fails the campaign and names the run
      const dog = timeout(
        watchdogMs,
        () =>
          `the campaign stalled: ${what} of seed ${options.seed} made no progress for ${watchdogMs / 1000} s (last step: ${driver?.step ?? '?'}); replay with --seed ${options.seed} --runs ${run + 1}`,
      );
      const playing = driver.play(scenario ?? null, run);
      // after a stall nobody waits for the run any more; the cleanup gives it a moment to end
      playing.catch(() => undefined);
      inFlight = playing;
      const row = await Promise.race([playing, dog.promise]).finally(dog.clear);
      inFlight = null;
      row.violations.push(...checkLogs(logs, driver.secrets()));
      // a state that stays broken is reported at the run that broke it, not again after every run
      row.violations = row.violations.filter((v) => !seen.has(v.message));
      for (const v of row.violations) seen.add(v.message);
      rows.push(row);
      for (const v of row.violations) violations.push({ ...v, run });
      say(progressLine(row, options));
      // a leak found once is reported once
      if (row.violations.some((v) => v.invariant === 6)) logs = '';
    }
    const final = await driver.world();
    final.settled = true;
    const closing = checkWorld(final, driver.context());
    for (const v of closing) if (!violations.some((x) => x.message === v.message)) violations.push({ ...v, run: -1 });
    return summarize(options.seed, rows, violations, final, Date.now() - started, await ledger.runs(), driver.skews);
  } finally {
    // a stalled run still in flight: stopping the stack under it would only make it fail noisily
    if (inFlight)
      await Promise.race([inFlight.catch(() => undefined), new Promise((r) => setTimeout(r, 10_000).unref())]);
    await driver.stop();
    await ledger.close().catch(() => undefined);
    await stack.stop();
    rmSync(distDir, { recursive: true, force: true });
  }
}

function progressLine(row: RunRow, options: CampaignOptions): string {
  const crash = row.crash ? ` crash ${row.crash.planned}→${row.crash.observed}/${row.crash.followUp}` : '';
  const extra = `${row.profile === 'maker' ? ' maker' : ''}${row.dryRun ? ' dry' : ''}${row.instance && row.instance !== 'main' ? ` @${row.instance}` : ''}`;
  const sent = row.ordersPlaced ? ` [${row.ordersPlaced} order(s)]` : '';
  const faults = row.faults.length ? ` faults ${row.faults.map((f) => `${f.kind}@${f.endpoint}`).join(',')}` : '';
  const bad = row.violations.map((v) => `\n  VIOLATION of invariant ${v.invariant}: ${v.message}`).join('');
  const n = row.trigger === 'quiet_settle' ? 'quiet settle' : `run ${row.run + 1}/${options.runs}`;
  return `[seed ${options.seed}] ${n} ${row.trigger}${extra}${crash}${faults} → ${row.statuses.join(' ')}${sent} (${row.durationMs} ms)${bad}`;
}

class Driver {
  private fn: ServedFunction;
  private readonly url: string;
  private readonly tokens = new Set<string>();
  private readonly prices: Record<ChaosSymbol, number> = { ...INITIAL_PRICES };
  private readonly spreads: Record<ChaosSymbol, number> = { QRLUSDT: 20, BTCUSDT: 20 };
  private lastScheduleMs = 0;
  private turnoverDay = 0;
  private readonly dayOfRun = new Map<string, string>();
  /** triggers sent so far, for Scheduler-style retries of an earlier one */
  private readonly history: Trigger[] = [];
  /** a log line that, once written, kills the process on the spot (the crash before the claim) */
  private killOnLine: { needles: string[]; killed: () => void } | null = null;
  private bannedUntil = 0;
  /** the skewed processes (issue #18): same service, same audience, their wall clock off by minutes; and the maker deploy */
  private readonly skewed: Partial<Record<Exclude<Instance, 'main'> | 'maker', ServedFunction>> = {};
  readonly skews: Record<Exclude<Instance, 'main'>, number>;
  private readonly answers: HttpAnswer[] = [];
  private readonly spreadWindows: SpreadWindow[] = SYMBOLS.map((symbol) => ({
    symbol,
    spreadBps: 20,
    from: 0,
    to: null,
  }));
  private readonly dryRunIds = new Set<string>();
  /** execution ids a skewed instance served at least once */
  private readonly skewedRunIds = new Set<string>();
  /** sendBy as first seen: the campaign may move it back later (ageUnsettled), invariant 9 judges the original */
  private readonly firstSendBy = new Map<string, number>();
  /** turnover days the campaign closed, with what the ledger had counted in them */
  private readonly closedDays: { day: string; notional: string }[] = [];
  private movedTo: string | null = null;
  private last: World | null = null;
  /** until when a delay fault may still hold an order request in the simulator */
  private holdUntil = 0;
  /** what the run is doing now, for the watchdog's message */
  step = 'starting';
  private readonly admin: SimulatorAdmin;

  constructor(
    private readonly stack: LocalStack,
    private readonly ledger: LedgerView,
    private readonly seed: number,
    private readonly onOutput: (name: string, chunk: string) => void,
    private readonly distDir: string,
  ) {
    const fn = stack.functions.rebalance;
    if (!fn) throw new Error('the stack serves no rebalance function');
    this.fn = fn;
    this.url = fn.url;
    this.admin = new SimulatorAdmin(stack.simulator.url, { timeoutMs: SIM_TIMEOUT_MS });
    // one to four minutes either way: inside the 5-minute token and scheduler skew allowance
    const r = createPrng(seed).fork(0x5eed);
    this.skews = { ahead: r.int(60, 240) * 1000, behind: -r.int(60, 240) * 1000 };
  }

  /**
   * Two more instances of the service whose wall clocks are skewed (NODE_OPTIONS preload), and the
   * deploy whose default profile trades maker orders.
   */
  async startSkewed(): Promise<void> {
    for (const instance of ['ahead', 'behind', 'maker'] as const) {
      const port = await freePort();
      const env = {
        // the service's URL: every instance of one Cloud Run service has the same audience
        OIDC_AUDIENCE: this.url,
        ...this.stack.env,
        ...(instance === 'maker'
          ? { STRATEGY_PROFILES: JSON.stringify({ [PROFILE_ID]: MAKER_PROFILE }) }
          : { NODE_OPTIONS: `--require ${SKEW_PRELOAD}`, CHAOS_CLOCK_SKEW_MS: String(this.skews[instance]) }),
      };
      this.skewed[instance] = await serveFunction('rebalance', {
        port,
        env: () => env,
        onOutput: this.onOutput,
        distDir: this.distDir,
      });
    }
  }

  private urlOf(instance: Instance | 'maker'): string {
    return instance === 'main' ? this.url : (this.skewed[instance]?.url ?? this.url);
  }

  /** Sees every chunk the function writes, as it is written. */
  watch(chunk: string): void {
    const k = this.killOnLine;
    if (!k?.needles.every((n) => chunk.includes(n))) return;
    this.killOnLine = null;
    const pid = this.fn.process.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    k.killed();
  }

  secrets(): string[] {
    const out = [this.stack.simulator.apiKey, this.stack.simulator.apiSecret];
    for (const token of this.tokens) {
      out.push(token);
      const signature = token.split('.')[2];
      if (signature) out.push(signature);
    }
    return out;
  }

  context(): InvariantContext {
    return {
      initialBalances: INITIAL_BALANCES,
      symbols: { QRLUSDT: { base: 'QRL', quote: 'USDT' }, BTCUSDT: { base: 'BTC', quote: 'USDT' } },
      maxOrderNotional: CHAOS_PROFILE.maxOrderNotional,
      maxDailyTurnover: CHAOS_PROFILE.maxDailyTurnover,
      maxSlippageBps: CHAOS_PROFILE.maxSlippageBps,
      dayOf: (runId) => this.dayOfRun.get(runId) ?? `day ${this.turnoverDay}`,
      clientOrderIdFor,
      cooldownMs: 1_000,
      maxSpreadBps: CHAOS_PROFILE.maxSpreadBps,
      orderTtlMs: 1_000,
      // the exchange clock is skewed up to +9 s, and the product ages orders against it
      ttlToleranceMs: 10_000,
      skewedRunIds: this.skewedRunIds,
      dryRunIds: this.dryRunIds,
    };
  }

  /** One run of the campaign; `null`: the final quiet settle run. */
  async play(scenario: Scenario | null, index: number): Promise<RunRow> {
    const t0 = Date.now();
    const before = this.last ?? (await this.world());
    const row: RunRow = {
      run: index,
      trigger: scenario ? scenario.trigger : 'quiet_settle',
      executionIds: [],
      faults: scenario?.faults ?? [],
      crash: null,
      market: '—',
      http: [],
      statuses: [],
      violations: [],
      durationMs: 0,
      ...(scenario?.profile ? { profile: scenario.profile } : {}),
      // a crash run sends one plain trigger to the main process
      ...(scenario?.dryRun && scenario.trigger === 'manual' && !scenario.crash ? { dryRun: true } : {}),
      ...(scenario?.instance ? { instance: scenario.instance } : {}),
    };
    const record = (answers: Answer[]) => {
      for (const a of answers) {
        row.http.push(a.http);
        row.statuses.push(a.status);
      }
    };
    // an IP ban the last run drew is waited out (≤ 4 s): it would only block this run's reads
    this.step = 'waiting out an IP ban';
    await sleep(Math.max(0, this.bannedUntil - Date.now()));
    this.step = 'aging unseen orders';
    await this.ageUnsettled(before);
    if (!scenario) {
      await this.quietSettle(index, row, record);
    } else {
      if (scenario.dayRollover) {
        this.step = 'ending the turnover day';
        const closed = await this.ledger.endTurnoverDay();
        if (closed) {
          // the same day again: the product wrote nothing since the last roll-over
          if (closed.day !== this.movedTo) this.closedDays.push(closed);
          this.movedTo = dayBefore(closed.day);
          this.turnoverDay += 1;
        }
      }
      this.step = 'moving the market';
      row.market = await this.moveMarket(scenario);
      if (scenario.clockOffsetMs !== null)
        await this.admin.call('POST', '/__sim/clock', { offsetMs: scenario.clockOffsetMs });

      if (scenario.crash) {
        await this.crashRun(scenario, row, record);
      } else if (scenario.trigger === 'takeover_live') {
        await this.takeoverLive(scenario, row, record);
      } else {
        for (const fault of scenario.faults) {
          await this.admin.call('POST', '/__sim/faults', fault);
          if (fault.kind === '418') this.bannedUntil = Date.now() + ((fault.retryAfterS ?? 120) + 1) * 1000;
        }
        this.step = `waiting for the answers to ${scenario.trigger}`;
        record(await this.fire(scenario, row));
        // a request held past its sender's timeout may still be in the simulator after the answer
        for (const f of scenario.faults) {
          // the ban starts when the 418 is answered, at the latest as the run ends
          if (f.kind === '418')
            this.bannedUntil = Math.max(this.bannedUntil, Date.now() + ((f.retryAfterS ?? 120) + 1) * 1000);
          if (f.kind === 'delay' && (f.endpoint === '*' || f.endpoint === 'POST /api/v3/order'))
            this.holdUntil = Math.max(this.holdUntil, Date.now() + (f.delayMs ?? 1_000) + 300);
        }
      }
      await this.admin.call('DELETE', '/__sim/faults');
    }

    this.step = 'reading the world';
    const world = await this.world();
    if (!scenario) world.settled = true;
    row.orderRequests = (world.arrivals?.length ?? 0) - (before.arrivals?.length ?? 0);
    row.ordersPlaced = world.orders.length - before.orders.length;
    row.violations.push(...checkWorld(world, this.context()));
    row.durationMs = Date.now() - t0;
    this.step = 'between runs';
    return row;
  }

  /**
   * Issue #18 "quiet settle": no faults, the exchange clock true, normal spreads, every lease and
   * ban over; then runs until nothing is open (at most four, a cool-down apart).
   */
  private async quietSettle(index: number, row: RunRow, record: (a: Answer[]) => void): Promise<void> {
    this.step = 'quiet settle: clearing faults';
    await this.admin.call('DELETE', '/__sim/faults');
    await this.admin.call('POST', '/__sim/clock', { offsetMs: 0 });
    for (const symbol of SYMBOLS) if (this.spreads[symbol] !== 20) await this.setPrice(symbol, this.prices[symbol], 20);
    await sleep(Math.max(0, this.bannedUntil - Date.now()));
    for (let i = 0; i < 4; i++) {
      const world = await this.world();
      await this.ageUnsettled(world);
      for (const r of world.runs) if (r.status === 'running') await this.endLease(r.runId, true);
      // the cool-down and the order TTL (1 s each) have passed; an order placed while the exchange's
      // clock ran ahead carries that clock's time, so its TTL ends that much later
      const newest = Math.max(0, ...world.orders.map((o) => Number(o.time)));
      await sleep(Math.max(1_100, newest - Date.now() + 1_100));
      const trigger = this.freshManual(index, i + 1);
      row.executionIds.push(trigger.executionId);
      this.step = `quiet settle: waiting for ${trigger.executionId}`;
      record([await this.send(trigger)]);
      const after = await this.world();
      const open = after.intents.some(
        (x) => ['pending', 'submitted', 'unknown', 'open'].includes(x.status) || x.feesUnread === true,
      );
      if (!open && !after.runs.some((r) => r.status === 'running')) return;
    }
  }

  /**
   * An order that provably never reached the exchange (no request of it arrived, or the last one
   * arrived and no delay fault can still hold it, and the exchange has no such order) would be declared absent after sendBy + recvWindow + 2 minutes. The campaign moves its
   * sendBy back instead of blocking two minutes of runs with run.unsettled_orders.
   */
  private async ageUnsettled(world: World): Promise<void> {
    const now = Date.now();
    if (now < this.holdUntil) return;
    const onExchange = new Set(world.orders.map((o) => o.clientOrderId));
    const lastArrival = new Map<string, number>();
    for (const a of world.arrivals ?? [])
      if (a.clientOrderId !== null)
        lastArrival.set(a.clientOrderId, Math.max(lastArrival.get(a.clientOrderId) ?? 0, a.at - a.offsetMs));
    const ids = new Set(
      world.intents
        .filter(
          (i) =>
            (i.status === 'submitted' || i.status === 'unknown') &&
            i.orderId === null &&
            !onExchange.has(i.clientOrderId) &&
            now - (lastArrival.get(i.clientOrderId) ?? 0) > ARRIVAL_SETTLE_MS,
        )
        .map((i) => i.clientOrderId),
    );
    await this.ledger.ageSendWindows(ids, now, AGE_MARGIN_MS);
  }

  // --- market ------------------------------------------------------------------------------------

  private async setPrice(symbol: ChaosSymbol, price: number, spreadBps: number): Promise<void> {
    this.prices[symbol] = Number(price.toFixed(PRICE_DECIMALS[symbol]));
    if (spreadBps !== this.spreads[symbol]) {
      const now = Date.now();
      for (const w of this.spreadWindows) if (w.symbol === symbol && w.to === null) w.to = now;
      this.spreadWindows.push({ symbol, spreadBps, from: now, to: null });
    }
    this.spreads[symbol] = spreadBps;
    await this.admin.call('POST', '/__sim/price', {
      symbol,
      price: this.prices[symbol].toFixed(PRICE_DECIMALS[symbol]),
      spreadBps,
    });
  }

  private async moveMarket(scenario: Scenario): Promise<string> {
    const parts: string[] = [];
    // A resting maker order fills (partly) when the book moves through it: one level for a partial fill.
    if (scenario.makerFillLevels !== null && scenario.makerFillLevels !== undefined) {
      const resting = (await this.exchangeOrders()).find((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED');
      const symbol = SYMBOLS.find((x) => x === resting?.symbol);
      if (resting && symbol) {
        const spread = this.spreads[symbol];
        const through = (spread / 2 + 10 * scenario.makerFillLevels + 2) / 10_000;
        const price = Number(resting.price) * (resting.side === 'BUY' ? 1 - through : 1 + through);
        await this.setPrice(symbol, price, spread);
        parts.push(`${symbol} through ${resting.side} ${resting.clientOrderId} +${scenario.makerFillLevels}`);
      }
    }
    const move = scenario.market;
    if (!move) return parts.join(', ') || '—';
    if (move.steps > 0) {
      await this.admin.call('POST', '/__sim/step', { steps: move.steps });
      for (const symbol of SYMBOLS) {
        const body = (await this.admin.call('GET', `/api/v3/ticker/price?symbol=${symbol}`)) as { price?: string };
        if (body.price) this.prices[symbol] = Number(body.price);
      }
      parts.push(`walk ${move.steps}`);
    }
    for (const symbol of SYMBOLS) {
      const factor = move.factors[symbol];
      const spread = move.spreadBps[symbol] ?? 20;
      if (factor === 1 && spread === this.spreads[symbol]) continue;
      const init = INITIAL_PRICES[symbol];
      // moves revert toward the start so a long campaign keeps trading around one level
      const price = Math.min(init * 1.6, Math.max(init * 0.6, this.prices[symbol] * factor));
      await this.setPrice(symbol, price, spread);
      parts.push(`${symbol} ${((factor - 1) * 100).toFixed(1)}%${spread !== 20 ? ` spread ${spread}bps` : ''}`);
    }
    return parts.join(', ') || '—';
  }

  // --- triggers ----------------------------------------------------------------------------------

  private freshManual(run: number, n = 0, extra: { dryRun?: boolean } = {}): Trigger {
    const suffix = `${n ? `-${n}` : ''}${extra.dryRun ? '-dry' : ''}`;
    return {
      kind: 'manual',
      executionId: `chaos-${this.seed}-r${run}${suffix}`,
      ...(extra.dryRun ? { dryRun: true } : {}),
    };
  }

  private freshScheduled(): Trigger {
    // Scheduler ids have one-second resolution; keep them unique and inside the replay window.
    const floor = Math.floor(Date.now() / 1000) * 1000 - 120_000;
    this.lastScheduleMs = Math.max(this.lastScheduleMs + 1000, floor);
    const scheduleTime = new Date(this.lastScheduleMs);
    return { kind: 'scheduled', scheduleTime, executionId: schedulerId(scheduleTime) };
  }

  private async fire(scenario: Scenario, row: RunRow): Promise<Answer[]> {
    const run = scenario.run;
    const at: Instance | 'maker' = scenario.profile === 'maker' ? 'maker' : (scenario.instance ?? 'main');
    const one = async (t: Trigger, instance: Instance | 'maker' = at) => {
      row.executionIds.push(t.executionId);
      return this.send(t, instance);
    };
    switch (scenario.trigger) {
      case 'manual':
        return [await one(this.freshManual(run, 0, scenario.dryRun ? { dryRun: true } : {}))];
      case 'scheduled':
        return [await one(this.freshScheduled())];
      case 'duplicate': {
        const t = this.freshScheduled();
        return [await one(t), await one(t)];
      }
      case 'concurrent_same': {
        const t = this.freshManual(run);
        return Promise.all([one(t), one(t), one(t, 'main')]);
      }
      case 'concurrent_different':
        // two instances at once when the scenario names a skewed one: its clock must not win the lock
        return Promise.all([one(this.freshManual(run, 1)), one(this.freshScheduled(), 'main')]);
      case 'late_retry': {
        const scheduleTime = new Date(Math.floor(Date.now() / 1000) * 1000 - (REPLAY_WINDOW_S + 60) * 1000);
        return [await one({ kind: 'scheduled', scheduleTime, executionId: schedulerId(scheduleTime) })];
      }
      case 'retry_previous': {
        const r = createPrng(this.seed).fork(run * 7919 + 1);
        const previous = this.history.length > 0 ? r.pick(this.history) : this.freshManual(run);
        return [await one(previous)];
      }
      case 'takeover_live':
        throw new Error('takeover_live is played by takeoverLive()');
    }
  }

  private async send(trigger: Trigger, instance: Instance | 'maker' = 'main'): Promise<Answer> {
    if (!this.history.some((h) => h.executionId === trigger.executionId)) this.history.push(trigger);
    if (!this.dayOfRun.has(trigger.executionId)) this.dayOfRun.set(trigger.executionId, `day ${this.turnoverDay}`);
    if (trigger.kind === 'manual' && trigger.dryRun) this.dryRunIds.add(trigger.executionId);
    const token = this.stack.token('rebalance');
    this.tokens.add(token);
    const url = this.urlOf(instance);
    if (instance === 'ahead' || instance === 'behind') this.skewedRunIds.add(trigger.executionId);
    let result: CallResult;
    try {
      result =
        trigger.kind === 'scheduled'
          ? await callFunction(url, {
              token,
              scheduleTime: trigger.scheduleTime,
              body: '',
              contentType: 'application/octet-stream',
            })
          : await callFunction(url, {
              token,
              body: { executionId: trigger.executionId, ...(trigger.dryRun ? { dryRun: true } : {}) },
            });
    } catch {
      return { http: 'killed', status: 'killed' };
    }
    const j = result.json ?? {};
    const answer: HttpAnswer = { executionId: trigger.executionId, http: result.status };
    if (typeof j.status === 'string') {
      answer.status = j.status;
      answer.duplicate = j.duplicate === true;
    } else if (typeof j.error === 'string') answer.error = j.error;
    this.answers.push(answer);
    const status =
      typeof j.status === 'string'
        ? `${j.status}${typeof j.reason === 'string' ? `/${j.reason}` : ''}${j.duplicate === true ? '(dup)' : ''}`
        : `error/${typeof j.error === 'string' ? j.error : result.status}`;
    return { http: String(result.status), status };
  }

  // --- a retry while the first attempt is alive ------------------------------------------------------

  /**
   * A trading attempt claims the run (the claim's commit carries its first order) and is held at
   * its first order request; a Scheduler retry of the same id, to the instance the scenario names
   * (a skewed clock must not see the live lease as ended), must answer in_progress and trade
   * nothing; then the held order lands (under recvWindow) and the first attempt finishes.
   */
  private async takeoverLive(scenario: Scenario, row: RunRow, record: (a: Answer[]) => void): Promise<void> {
    await sleep(Math.max(1_100, this.bannedUntil - Date.now()));
    row.market = await this.moveMarket({
      ...scenario,
      makerFillLevels: null,
      market: { factors: { QRLUSDT: 1.09, BTCUSDT: 0.95 }, spreadBps: {}, steps: 0 },
    });
    const trigger = this.freshManual(scenario.run);
    row.executionIds.push(trigger.executionId, trigger.executionId);
    const endpoint = 'POST /api/v3/order';
    const deploy: Instance | 'maker' = scenario.profile === 'maker' ? 'maker' : 'main';
    const before = await this.requestCount(endpoint);
    await this.admin.call('POST', '/__sim/faults', { endpoint, kind: 'delay', delayMs: scenario.holdMs ?? 3_000 });
    let firstDone = false;
    const first = this.send(trigger, deploy).finally(() => {
      firstDone = true;
    });
    this.step = 'takeover_live: waiting for the first attempt to send its order';
    const reached = await until(async () => (await this.requestCount(endpoint)) > before, 8_000, first);
    if (!reached) {
      record([await first]);
      return;
    }
    this.step = 'takeover_live: the retry';
    const retry = await this.send(trigger, scenario.instance ?? 'main');
    const stillLive = !firstDone;
    this.step = 'takeover_live: waiting for the first attempt';
    record([await first, retry]);
    const inProgress = retry.status.startsWith('in_progress') || retry.status === 'error/run.in_progress';
    if (stillLive && !inProgress)
      row.violations.push({
        invariant: 8,
        message: `a retry of ${trigger.executionId} sent to the ${scenario.instance ?? 'main'} instance while the first attempt was live answered ${retry.http} ${retry.status}, not in_progress`,
      });
  }

  // --- crashes -----------------------------------------------------------------------------------

  private async crashRun(scenario: Scenario, row: RunRow, record: (a: Answer[]) => void): Promise<void> {
    const crash = scenario.crash as CrashSpec;
    // A crash at an order needs a run that trades: an IP ban must have passed, the cool-down too,
    // and the market moves far enough (QRL up, BTC down: a sell and a buy, two orders).
    await sleep(Math.max(1_100, this.bannedUntil - Date.now()));
    if (crash.point !== 'before_claim' && crash.point !== 'after_claim') {
      row.market = await this.moveMarket({
        ...scenario,
        makerFillLevels: null,
        market: { factors: { QRLUSDT: 1.09, BTCUSDT: 0.95 }, spreadBps: {}, steps: 0 },
      });
    }
    const trigger = scenario.trigger === 'scheduled' ? this.freshScheduled() : this.freshManual(scenario.run);
    row.executionIds.push(trigger.executionId);
    // The request the process makes at the chosen point, and how many of it to let through first.
    const hold: { endpoint: string; nth: number; delayMs: number } | null =
      crash.point === 'after_claim'
        ? { endpoint: 'GET /api/v3/account', nth: 1, delayMs: HOLD_MS }
        : crash.point === 'after_intents'
          ? { endpoint: 'POST /api/v3/order', nth: 1, delayMs: crash.orderDelayMs }
          : crash.point === 'between_orders'
            ? { endpoint: 'GET /api/v3/myTrades', nth: 1, delayMs: HOLD_MS }
            : crash.point === 'before_finish'
              ? { endpoint: 'GET /api/v3/account', nth: 2, delayMs: HOLD_MS }
              : null;
    const before = await this.requestCount(hold?.endpoint);
    if (hold) {
      for (let i = 1; i < hold.nth; i++)
        await this.admin.call('POST', '/__sim/faults', { endpoint: hold.endpoint, kind: 'delay', delayMs: 0 });
      await this.admin.call('POST', '/__sim/faults', { endpoint: hold.endpoint, kind: 'delay', delayMs: hold.delayMs });
    }
    let killedOnLine = false;
    if (!hold) {
      // killed the moment the request is accepted, before the claim's write reaches Firestore
      this.killOnLine = {
        needles: ['"request.accepted"', trigger.executionId],
        killed: () => {
          killedOnLine = true;
        },
      };
    }
    const answer = this.send(trigger);
    this.step = `crash ${crash.point}: waiting for the point`;
    let reached: boolean;
    if (hold) {
      reached = await until(async () => (await this.requestCount(hold.endpoint)) >= before + hold.nth, 8_000, answer);
    } else {
      reached = await until(async () => killedOnLine, 8_000, answer);
      this.killOnLine = null;
    }
    const heldSince = Date.now();
    if (!reached) {
      row.crash = { planned: crash.point, observed: 'missed', followUp: crash.followUp };
      record([await answer]);
      return;
    }
    this.step = `crash ${crash.point}: killing`;
    await this.kill();
    record([await answer]);
    row.crash = {
      planned: crash.point,
      observed: await this.observedPoint(trigger.executionId),
      followUp: crash.followUp,
    };
    await this.admin.call('DELETE', '/__sim/faults');
    // An order the dead process had on the wire lands (or is refused as stale) before time moves on.
    if (hold?.endpoint === 'POST /api/v3/order') await sleep(Math.max(0, heldSince + hold.delayMs + 300 - Date.now()));
    this.step = `crash ${crash.point}: restarting`;
    await this.restart();
    // The dead attempt's lease must end first: Scheduler's retry (same id) then takes the run over,
    // the next schedule (new id) finds the lock free.
    this.step = `crash ${crash.point}: waiting for the lease to end`;
    await this.endLease(trigger.executionId, crash.waitLease === true);
    const next = crash.followUp === 'same_id' ? trigger : this.freshManual(scenario.run, 1);
    if (next !== trigger) row.executionIds.push(next.executionId);
    this.step = `crash ${crash.point}: waiting for the follow-up`;
    record([await this.send(next)]);
  }

  /**
   * A dead attempt's lease ends: waited out for real when asked and short enough (the lease is
   * sized to FUNCTION_TIMEOUT_S), else moved into the past in the ledger.
   */
  private async endLease(runId: string, wait: boolean): Promise<void> {
    const until = await this.ledger.leaseUntil(runId);
    const left = until === null ? 0 : until - Date.now();
    if (left <= 0) return;
    if (wait && left <= LEASE_WAIT_MAX_MS) await sleep(left + 250);
    else await this.ledger.expireLease(runId);
  }

  private async observedPoint(executionId: string): Promise<CrashPoint> {
    const runs = await this.ledger.runs();
    if (!runs.some((r) => r.runId === executionId)) return 'before_claim';
    const intents = (await this.ledger.intents()).filter((i) => i.runId === executionId);
    if (intents.length === 0) return 'after_claim';
    const ids = new Set(intents.map((i) => i.clientOrderId));
    const placed = (await this.exchangeOrders()).filter((o) => ids.has(o.clientOrderId)).length;
    if (placed === 0) return 'after_intents';
    return placed < intents.length ? 'between_orders' : 'before_finish';
  }

  private async kill(): Promise<void> {
    // SIGKILL of the group at once, as a crash; bounded: stop() rejects if it is still there 10 s later
    await this.fn.stop({ graceMs: 0 });
  }

  private async restart(): Promise<void> {
    const port = Number(new URL(this.url).port);
    this.fn = await serveFunction('rebalance', {
      port,
      env: () => ({ OIDC_AUDIENCE: this.url, ...this.stack.env }),
      onOutput: this.onOutput,
      distDir: this.distDir,
    });
  }

  async stop(): Promise<void> {
    // the stack stops the process it started; a restarted one and the skewed ones are ours
    const ours = [...Object.values(this.skewed), ...(this.fn !== this.stack.functions.rebalance ? [this.fn] : [])];
    await Promise.all(ours.map((fn) => fn.stop().catch(() => undefined)));
  }

  // --- state -------------------------------------------------------------------------------------

  async world(): Promise<World> {
    const [orders, trades, balances, runs, intents, arrivals, turnover] = await Promise.all([
      this.exchangeOrders(),
      this.admin.call('GET', '/__sim/trades') as Promise<{ trades: ExchangeTrade[] }>,
      this.admin.call('GET', '/__sim/balances') as Promise<{ balances: World['balances'] }>,
      this.ledger.runs(),
      this.ledger.intents(),
      this.admin.call('GET', '/__sim/order-arrivals') as Promise<{ arrivals: OrderArrival[] }>,
      this.ledger.turnover(),
    ]);
    for (const i of intents)
      if (typeof i.sendBy === 'number' && !this.firstSendBy.has(i.clientOrderId))
        this.firstSendBy.set(i.clientOrderId, i.sendBy);
    const errors = new Map(runs.map((r) => [r.runId, r]));
    const world: World = {
      now: Date.now(),
      orders,
      trades: trades.trades,
      balances: balances.balances,
      runs,
      intents: intents.map((i) => ({ ...i, sendBy: this.firstSendBy.get(i.clientOrderId) ?? i.sendBy ?? null })),
      arrivals: arrivals.arrivals,
      // the account's day is the last one closed when the product wrote nothing since
      turnover: [...this.closedDays, ...(turnover && turnover.day !== this.movedTo ? [turnover] : [])],
      answers: this.answers.map((a) => {
        const r = errors.get(a.executionId);
        return {
          ...a,
          retryable: r && a.error !== undefined && r.errorCode === a.error ? (r.errorRetryable ?? null) : null,
        };
      }),
      spreads: this.spreadWindows.map((w) => ({ ...w })),
    };
    this.last = world;
    return world;
  }

  private async exchangeOrders(): Promise<ExchangeOrder[]> {
    const body = (await this.admin.call('GET', '/__sim/orders')) as { orders: ExchangeOrder[] };
    return body.orders.map((o) => ({ ...o, orderId: String(o.orderId) }));
  }

  private async requestCount(endpoint: string | undefined): Promise<number> {
    if (!endpoint) return 0;
    const body = (await this.admin.call('GET', '/__sim/requests')) as { requests: Record<string, number> };
    return body.requests[endpoint] ?? 0;
  }
}

type Trigger =
  | { kind: 'manual'; executionId: string; dryRun?: boolean }
  | { kind: 'scheduled'; executionId: string; scheduleTime: Date };

function schedulerId(scheduleTime: Date): string {
  return `qrl-rebalance-${compactUtc(scheduleTime)}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until true, the deadline passes, or `settled` (the request) has finished. */
async function until(check: () => Promise<boolean>, timeoutMs: number, settled: Promise<unknown>): Promise<boolean> {
  let done = false;
  void settled.finally(() => {
    done = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    if (done) return check();
    await sleep(15);
  }
  return false;
}

function summarize(
  seed: number,
  rows: RunRow[],
  violations: (Violation & { run: number })[],
  world: World,
  durationMs: number,
  runs: World['runs'],
  clockSkewMs: CampaignResult['clockSkewMs'],
): CampaignResult {
  const count = (into: Record<string, number>, key: string) => {
    into[key] = (into[key] ?? 0) + 1;
  };
  const faultsByKind: Record<string, number> = {};
  const crashes: Record<string, { planned: number; hit: number }> = {};
  const statuses: Record<string, number> = {};
  for (const row of rows) {
    for (const f of row.faults) faultsByKind[f.kind] = (faultsByKind[f.kind] ?? 0) + f.count;
    if (row.crash) {
      const slot = (point: string) => {
        crashes[point] ??= { planned: 0, hit: 0 };
        return crashes[point];
      };
      slot(row.crash.planned).planned += 1;
      if (row.crash.observed !== 'missed') slot(row.crash.observed).hit += 1;
    }
    for (const s of row.statuses) count(statuses, s);
  }
  const ledgerStatuses: Record<string, number> = {};
  for (const r of runs) count(ledgerStatuses, `${r.status}${r.reason ? `/${r.reason}` : ''}`);
  const ordersByKind: Record<string, number> = {};
  for (const o of world.orders) count(ordersByKind, `${o.type}/${o.status}`);
  const asked = rows.filter((r) => r.trigger !== 'quiet_settle');
  const trading = asked.filter((r) => (r.ordersPlaced ?? 0) > 0).length;
  return {
    seed,
    runs: rows,
    faultsByKind,
    crashes,
    statuses,
    ledgerStatuses,
    violations,
    exchangeOrders: world.orders.length,
    fills: world.trades.length,
    durationMs,
    tradingShare: asked.length ? trading / asked.length : 0,
    ordersByKind,
    clockSkewMs,
  };
}
