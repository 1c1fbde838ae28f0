/**
 * The fault campaign (issue #11): the real rebalance bundle under functions-framework, the MEXC
 * simulator and the Firestore emulator, driven through one seeded scenario per run — exchange
 * faults, SIGKILLs at chosen points of a run, duplicate/concurrent/late triggers, market moves and
 * clock skew — with the invariants checked after every run.
 *
 * Crashes need no hook in the product: the simulator holds the request the process makes at the
 * chosen point (a delay fault on one endpoint), the campaign sees that request arrive and kills
 * the process group while it waits. Time the product would spend waiting (a 5-minute lease after a
 * crash, the end of a UTC day) is moved on in the ledger instead of slept through.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { clientOrderIdFor } from '@qrl-rebalancer/shared/app';
import { apiKeyFingerprint } from '@qrl-rebalancer/shared/config';
import { buildFunctions } from '../build';
import {
  type CallResult,
  callFunction,
  type FunctionProcess,
  type LocalStack,
  startFunction,
  startLocalStack,
} from '../lib/local-stack';
import { createPrng } from '../lib/prng';
import { checkLogs, checkWorld, type InvariantContext, type Violation } from './invariants';
import { type LedgerView, openLedgerView } from './ledger-view';
import {
  type ChaosSymbol,
  type CrashPoint,
  type CrashSpec,
  type FaultSpec,
  type Scenario,
  SYMBOLS,
  scenarioFor,
  type TriggerKind,
} from './scenario';
import type { ExchangeOrder, ExchangeTrade, World } from './world';

export const PROFILE_ID = 'default';
const REPLAY_WINDOW_S = 900;
/** Holds a read at a crash point far longer than the kill takes (and shorter than the client's timeout would matter). */
const HOLD_MS = 4_000;

/** Short cool-down and order TTL so consecutive runs trade; caps small enough to bind within a campaign. */
export const CHAOS_PROFILE = {
  targets: { QRL: '0.4', BTC: '0.3', USDT: '0.3' },
  bandAbs: '0.02',
  cooldown: '1s',
  orderTtl: '1s',
  minTradeNotional: '5',
  maxOrderNotional: '120',
  maxDailyTurnover: '1500',
  orderType: 'ioc',
  maxSlippageBps: 50,
  maxSpreadBps: 150,
  maxPriceMoveBps: 1200,
  // runs are a second apart: a blocked move is adopted after two blocked runs, so the campaign keeps trading
  priceMoveHoldRuns: 2,
  priceMoveHold: '0s',
  checkDepth: true,
} as const;

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
}

export interface CrashRecord {
  planned: CrashPoint;
  /** where the process actually was when it died, read from the ledger and the exchange; `missed` = the run never got there */
  observed: CrashPoint | 'missed';
  followUp: CrashSpec['followUp'];
}

export interface RunRow {
  run: number;
  trigger: TriggerKind;
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
}

interface Answer {
  http: string;
  status: string;
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
  const onFunctionOutput = (_name: string, chunk: string) => {
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
      LIVE_TRADING: 'true',
      LOG_LEVEL: 'info',
    },
    simulator: {
      symbols: [
        { symbol: 'QRLUSDT', price: '0.5' },
        {
          symbol: 'BTCUSDT',
          baseAsset: 'BTC',
          quoteAsset: 'USDT',
          price: '50000',
          baseAssetPrecision: 6,
          quoteAssetPrecision: 2,
          baseSizePrecision: '0.000001',
          levelQty: '0.05',
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
  try {
    const prng = createPrng(options.seed);
    for (let run = 0; run < options.runs; run++) {
      const row = await driver.play(scenarioFor(run, prng));
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
    const closing = checkWorld(final, driver.context());
    for (const v of closing) if (!violations.some((x) => x.message === v.message)) violations.push({ ...v, run: -1 });
    return summarize(options.seed, rows, violations, final, Date.now() - started, await ledger.runs());
  } finally {
    await driver.stop();
    await ledger.close().catch(() => undefined);
    await stack.stop();
    rmSync(distDir, { recursive: true, force: true });
  }
}

function progressLine(row: RunRow, options: CampaignOptions): string {
  const crash = row.crash ? ` crash ${row.crash.planned}→${row.crash.observed}/${row.crash.followUp}` : '';
  const faults = row.faults.length ? ` faults ${row.faults.map((f) => `${f.kind}@${f.endpoint}`).join(',')}` : '';
  const bad = row.violations.map((v) => `\n  VIOLATION of invariant ${v.invariant}: ${v.message}`).join('');
  return `[seed ${options.seed}] run ${row.run + 1}/${options.runs} ${row.trigger}${crash}${faults} → ${row.statuses.join(' ')} (${row.durationMs} ms)${bad}`;
}

class Driver {
  private fn: FunctionProcess;
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
    };
  }

  async play(scenario: Scenario): Promise<RunRow> {
    const t0 = Date.now();
    if (scenario.dayRollover && (await this.ledger.endTurnoverDay())) this.turnoverDay += 1;
    const market = await this.moveMarket(scenario);
    if (scenario.clockOffsetMs !== null) await this.sim('POST', '/__sim/clock', { offsetMs: scenario.clockOffsetMs });

    const row: RunRow = {
      run: scenario.run,
      trigger: scenario.trigger,
      executionIds: [],
      faults: scenario.faults,
      crash: null,
      market,
      http: [],
      statuses: [],
      violations: [],
      durationMs: 0,
    };
    const record = (answers: Answer[]) => {
      for (const a of answers) {
        row.http.push(a.http);
        row.statuses.push(a.status);
      }
    };

    if (scenario.crash) {
      await this.crashRun(scenario, row, record);
    } else {
      for (const fault of scenario.faults) {
        await this.sim('POST', '/__sim/faults', fault);
        if (fault.kind === '418') this.bannedUntil = Date.now() + ((fault.retryAfterS ?? 120) + 1) * 1000;
      }
      record(await this.fire(scenario, row));
    }
    await this.sim('DELETE', '/__sim/faults');

    const world = await this.world();
    row.violations.push(...checkWorld(world, this.context()));
    row.durationMs = Date.now() - t0;
    return row;
  }

  // --- market ------------------------------------------------------------------------------------

  private async moveMarket(scenario: Scenario): Promise<string> {
    const move = scenario.market;
    if (!move) return '—';
    const parts: string[] = [];
    if (move.steps > 0) {
      await this.sim('POST', '/__sim/step', { steps: move.steps });
      for (const symbol of SYMBOLS) {
        const body = (await this.sim('GET', `/api/v3/ticker/price?symbol=${symbol}`)) as { price?: string };
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
      this.prices[symbol] = Number(price.toFixed(PRICE_DECIMALS[symbol]));
      this.spreads[symbol] = spread;
      await this.sim('POST', '/__sim/price', {
        symbol,
        price: this.prices[symbol].toFixed(PRICE_DECIMALS[symbol]),
        spreadBps: spread,
      });
      parts.push(`${symbol} ${((factor - 1) * 100).toFixed(1)}%${spread !== 20 ? ` spread ${spread}bps` : ''}`);
    }
    return parts.join(', ') || '—';
  }

  // --- triggers ----------------------------------------------------------------------------------

  private freshManual(run: number, n = 0): Trigger {
    return { kind: 'manual', executionId: `chaos-${this.seed}-r${run}${n ? `-${n}` : ''}` };
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
    const one = async (t: Trigger) => {
      row.executionIds.push(t.executionId);
      return this.send(t);
    };
    switch (scenario.trigger) {
      case 'manual':
        return [await one(this.freshManual(run))];
      case 'scheduled':
        return [await one(this.freshScheduled())];
      case 'duplicate': {
        const t = this.freshScheduled();
        return [await one(t), await one(t)];
      }
      case 'concurrent_same': {
        const t = this.freshManual(run);
        return Promise.all([one(t), one(t), one(t)]);
      }
      case 'concurrent_different':
        return Promise.all([one(this.freshManual(run, 1)), one(this.freshScheduled())]);
      case 'late_retry': {
        const scheduleTime = new Date(Math.floor(Date.now() / 1000) * 1000 - (REPLAY_WINDOW_S + 60) * 1000);
        return [await one({ kind: 'scheduled', scheduleTime, executionId: schedulerId(scheduleTime) })];
      }
      case 'retry_previous': {
        const r = createPrng(this.seed).fork(run * 7919 + 1);
        const previous = this.history.length > 0 ? r.pick(this.history) : this.freshManual(run);
        return [await one(previous)];
      }
    }
  }

  private async send(trigger: Trigger): Promise<Answer> {
    if (!this.history.some((h) => h.executionId === trigger.executionId)) this.history.push(trigger);
    if (!this.dayOfRun.has(trigger.executionId)) this.dayOfRun.set(trigger.executionId, `day ${this.turnoverDay}`);
    const token = this.stack.token('rebalance');
    this.tokens.add(token);
    let result: CallResult;
    try {
      result =
        trigger.kind === 'scheduled'
          ? await callFunction(this.url, {
              token,
              scheduleTime: trigger.scheduleTime,
              body: '',
              contentType: 'application/octet-stream',
            })
          : await callFunction(this.url, { token, body: { executionId: trigger.executionId } });
    } catch {
      return { http: 'killed', status: 'killed' };
    }
    const j = result.json ?? {};
    const status =
      typeof j.status === 'string'
        ? `${j.status}${typeof j.reason === 'string' ? `/${j.reason}` : ''}${j.duplicate === true ? '(dup)' : ''}`
        : `error/${typeof j.error === 'string' ? j.error : result.status}`;
    return { http: String(result.status), status };
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
        await this.sim('POST', '/__sim/faults', { endpoint: hold.endpoint, kind: 'delay', delayMs: 0 });
      await this.sim('POST', '/__sim/faults', { endpoint: hold.endpoint, kind: 'delay', delayMs: hold.delayMs });
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
    await this.kill();
    record([await answer]);
    row.crash = {
      planned: crash.point,
      observed: await this.observedPoint(trigger.executionId),
      followUp: crash.followUp,
    };
    await this.sim('DELETE', '/__sim/faults');
    // An order the dead process had on the wire lands (or is refused as stale) before time moves on.
    if (hold?.endpoint === 'POST /api/v3/order') await sleep(Math.max(0, heldSince + hold.delayMs + 300 - Date.now()));
    await this.restart();
    // The restart took longer than the lease: Scheduler's retry (same id) takes the run over, the
    // next schedule (new id) finds the lock free.
    await this.ledger.expireLease(trigger.executionId);
    const next = crash.followUp === 'same_id' ? trigger : this.freshManual(scenario.run, 1);
    if (next !== trigger) row.executionIds.push(next.executionId);
    record([await this.send(next)]);
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
    const child = this.fn.process;
    // a process killed by a signal has exitCode null and signalCode set: it is gone all the same,
    // and its 'exit' event fired already, so waiting for it would never end
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    // bounded: a wait that cannot end must fail the campaign, not hang it
    await Promise.race([
      gone,
      sleep(10_000).then(() => Promise.reject(new Error(`rebalance pid ${child.pid} did not exit 10 s after SIGKILL`))),
    ]);
  }

  private async restart(): Promise<void> {
    const port = Number(new URL(this.url).port);
    this.fn = await startFunction(
      'rebalance',
      port,
      { OIDC_AUDIENCE: this.url, ...this.stack.env },
      { onOutput: this.onOutput, distDir: this.distDir },
    );
  }

  async stop(): Promise<void> {
    // the stack stops the process it started; a restarted one is ours
    if (this.fn !== this.stack.functions.rebalance) await this.fn.stop();
  }

  // --- state -------------------------------------------------------------------------------------

  async world(): Promise<World> {
    const [orders, trades, balances, runs, intents] = await Promise.all([
      this.exchangeOrders(),
      this.sim('GET', '/__sim/trades') as Promise<{ trades: ExchangeTrade[] }>,
      this.sim('GET', '/__sim/balances') as Promise<{ balances: World['balances'] }>,
      this.ledger.runs(),
      this.ledger.intents(),
    ]);
    return { now: Date.now(), orders, trades: trades.trades, balances: balances.balances, runs, intents };
  }

  private async exchangeOrders(): Promise<ExchangeOrder[]> {
    const body = (await this.sim('GET', '/__sim/orders')) as { orders: ExchangeOrder[] };
    return body.orders.map((o) => ({ ...o, orderId: String(o.orderId) }));
  }

  private async requestCount(endpoint: string | undefined): Promise<number> {
    if (!endpoint) return 0;
    const body = (await this.sim('GET', '/__sim/requests')) as { requests: Record<string, number> };
    return body.requests[endpoint] ?? 0;
  }

  private async sim(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.stack.simulator.url}${path}`, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}),
    });
    const json: unknown = await response.json();
    if (!response.ok) throw new Error(`simulator ${method} ${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
    return json;
  }
}

type Trigger = { kind: 'manual'; executionId: string } | { kind: 'scheduled'; executionId: string; scheduleTime: Date };

function schedulerId(scheduleTime: Date): string {
  return `qrl-rebalance-${scheduleTime.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
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
  };
}
