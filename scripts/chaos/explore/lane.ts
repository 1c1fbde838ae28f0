/**
 * One lane of the explorer: its own MEXC simulator, the two proxies in front of it and of the
 * Firestore emulator, and one `rebalance` process at a time under functions-framework. A lane plays
 * one case after another; every case gets a fresh simulator state (/__sim/reset), a fresh emulator
 * project and ACCOUNT_ID and a fresh process, so a case replays alone exactly as in a full run.
 *
 * A case: arm the action at its point, fire one Scheduler trigger and Scheduler's retries of it at
 * the (scaled) back-off, then the next scheduled trigger, then a quiet settle run, each after the
 * schedule period has passed in the ledger; then check every invariant on the exchange's books and
 * the ledger.
 */

import { clientOrderIdFor } from '@qrl-rebalancer/shared/app';
import { type RunningSimulator, SimulatorAdmin, startSimulator } from '@qrl-rebalancer/simulator';
import { clearFirestoreEmulator } from '../../lib/firestore-emulator';
import { freePort } from '../../lib/free-port';
import type { LocalOidc } from '../../lib/local-oidc';
import { callFunction, LOCAL_CALLER } from '../../lib/local-stack';
import { type ServedFunction, serveFunction } from '../../lib/serve-function';
import { checkLogs, checkWorld, INVARIANT_NAMES, type InvariantContext } from '../invariants';
import { openLedgerView } from '../ledger-view';
import type { ExchangeOrder, ExchangeTrade, World } from '../world';
import { type Answer, answerOf, answerProblem, KILLED, settleProblem, succeeded, TIMED_OUT } from './answers';
import { type ExchangeProxy, startExchangeProxy } from './exchange-proxy';
import { type LedgerProxy, type LedgerVerdict, startLedgerProxy } from './ledger-proxy';
import { type CaseLedger, openCaseLedger } from './ledger-time';
import type { Action, CasePlan, RecordedCall, ScenarioName } from './points';
import { EXPLORE_SYMBOLS, type ExploreScenario, profileFor, SCENARIOS } from './scenarios';
import type { ExploreTiming } from './timing';

export interface CaseViolation {
  /** `invariant 1` … `invariant 6`, or one of the explorer's own checks: `answers`, `settled`, `ended` */
  check: string;
  message: string;
}

export interface PhaseAnswer extends Answer {
  /** `first`, `retry 1` …, `next`, `next retry 1` …, `settle` */
  phase: string;
}

export interface CaseResult {
  scenario: ScenarioName;
  /** the point's name, or `reference` */
  point: string;
  action: Action | 'none';
  /** ok, VIOLATION, n/a (the action could not apply here, with why), missed (the run never reached the point) */
  cell: 'ok' | 'VIOLATION' | 'n/a' | 'missed';
  note: string | null;
  answers: PhaseAnswer[];
  violations: CaseViolation[];
  /** every call the first attempt made, in order */
  calls: RecordedCall[];
  orders: number;
  durationMs: number;
}

interface Armed {
  plan: CasePlan;
  fired: boolean;
  note: string | null;
}

const UNSETTLED = new Set(['pending', 'submitted', 'unknown', 'open']);

export interface LaneDeps {
  emulatorHost: string;
  oidc: LocalOidc;
  distDir: string;
  timing: ExploreTiming;
  /** unique per explorer run, so two runs on one emulator never share a project */
  tag: string;
}

export class Lane {
  private fn: ServedFunction | null = null;
  private env: Record<string, string> = {};
  private calls: RecordedCall[] = [];
  private counts = new Map<string, number>();
  private armed: Armed | null = null;
  private killAtNext = false;
  private logs = '';
  private tokens: string[] = [];
  private caseLedger: CaseLedger | null = null;
  private lastScheduleMs = 0;
  private releases: Promise<void>[] = [];
  /** when a Retry-After the explorer injected ends on the wall clock (0: none) */
  private banEndsAt = 0;
  private readonly admin: SimulatorAdmin;

  private constructor(
    private readonly deps: LaneDeps,
    private readonly sim: RunningSimulator,
    private readonly port: number,
    private ledgerProxy: LedgerProxy | null = null,
    private exchangeProxy: ExchangeProxy | null = null,
  ) {
    this.admin = new SimulatorAdmin(sim.url);
  }

  static async start(deps: LaneDeps): Promise<Lane> {
    const sim = await startSimulator({
      config: {
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
        balances: { QRL: '0', BTC: '0', USDT: '0' },
        // a resend under a reused client order id would place a second order, which invariant 2 sees
        duplicateClientOrderId: 'accept',
      },
    });
    const lane = new Lane(deps, sim, await freePort());
    lane.ledgerProxy = await startLedgerProxy(deps.emulatorHost, {
      before: (call) => lane.beforeLedger(call.method),
      after: (call) => lane.afterCall('ledger', call.method),
    });
    lane.exchangeProxy = await startExchangeProxy(sim.url, {
      before: (call) => lane.beforeExchange(call.endpoint),
      after: (call) => lane.afterCall('exchange', call.endpoint),
    });
    return lane;
  }

  async stop(): Promise<void> {
    await this.stopFunction();
    await this.ledgerProxy?.close();
    await this.exchangeProxy?.close();
    await this.sim.stop();
  }

  // --- the gates: every call of the function passes here --------------------------------------------

  private record(kind: RecordedCall['kind'], label: string): number {
    this.calls.push({ kind, label });
    const key = `${kind} ${label}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n;
  }

  private armedAt(kind: RecordedCall['kind'], label: string, occurrence: number): Armed | null {
    const a = this.armed;
    if (!a || a.fired) return null;
    const p = a.plan.point;
    return p.kind === kind && p.label === label && p.occurrence === occurrence ? a : null;
  }

  private async beforeLedger(method: string): Promise<LedgerVerdict> {
    const occurrence = this.record('ledger', method);
    if (this.killAtNext) return this.killNow();
    const a = this.armedAt('ledger', method, occurrence);
    if (!a) return { kind: 'forward' };
    a.fired = true;
    switch (a.plan.action) {
      case 'kill-before':
        return this.killNow();
      case 'ledger-error':
        return { kind: 'fail', grpcStatus: 14, message: 'explorer: the ledger is unavailable' };
      case 'ledger-slow':
        // past the run's whole deadline: only the product's own deadline (or the platform) ends the wait
        await sleep(this.deps.timing.functionTimeoutS * 1000 + this.deps.timing.graceMs + 500);
        return { kind: 'forward' };
      case 'ledger-contention': {
        const wrote = await this.caseLedger?.contend(1_000);
        if (!wrote) a.note = 'n/a: the account document does not exist yet at this call';
        return { kind: 'forward' };
      }
      default:
        // kill-after: the call completes, the kill comes at the next one
        return { kind: 'forward' };
    }
  }

  private async beforeExchange(endpoint: string): Promise<{ kind: 'forward' } | { kind: 'swallow' }> {
    const occurrence = this.record('exchange', endpoint);
    if (this.killAtNext) return this.killNow();
    const a = this.armedAt('exchange', endpoint, occurrence);
    if (!a) return { kind: 'forward' };
    a.fired = true;
    if (a.plan.action === 'kill-before') return this.killNow();
    const fault = simulatorFault(a.plan.action, this.deps.timing);
    if (fault) await this.admin.call('POST', '/__sim/faults', { endpoint, ...fault });
    if (typeof fault?.retryAfterS === 'number')
      this.banEndsAt = Math.max(this.banEndsAt, Date.now() + fault.retryAfterS * 1000 + 500);
    return { kind: 'forward' };
  }

  private afterCall(kind: RecordedCall['kind'], label: string): void {
    const a = this.armed;
    if (!a?.fired || a.plan.action !== 'kill-after') return;
    const p = a.plan.point;
    if (p.kind === kind && p.label === label && this.counts.get(`${kind} ${label}`) === p.occurrence)
      this.killAtNext = true;
  }

  private async killNow(): Promise<{ kind: 'swallow' }> {
    this.killAtNext = false;
    if (this.armed?.plan.action === 'kill-after' || this.armed?.plan.action === 'kill-before') this.armed = null;
    await this.killFunction();
    return { kind: 'swallow' };
  }

  // --- the function process -------------------------------------------------------------------------

  private get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async startFunctionProcess(): Promise<void> {
    const env = { OIDC_AUDIENCE: this.url, ...this.env };
    this.fn = await serveFunction('rebalance', {
      port: this.port,
      env: () => env,
      distDir: this.deps.distDir,
      onOutput: (_n, chunk) => {
        this.logs += chunk;
      },
    });
  }

  private async killFunction(): Promise<void> {
    const fn = this.fn;
    this.fn = null;
    if (!fn || fn.exited()) return;
    this.releaseLocksLater();
    // SIGKILL of the group at once, as a crash; bounded: stop() rejects if it is still there 10 s later
    await fn.stop({ graceMs: 0 });
  }

  /** The dead process's open transactions end as Firestore ends idle ones, after the (scaled) idle time. */
  private releaseLocksLater(): void {
    const open = this.ledgerProxy?.takeTransactions() ?? [];
    const ledger = this.caseLedger;
    if (open.length === 0 || !ledger) return;
    const release = sleep(this.deps.timing.lockIdleMs).then(() => ledger.rollback(open));
    this.releases.push(release);
  }

  private async stopFunction(): Promise<void> {
    const fn = this.fn;
    this.fn = null;
    await fn?.stop();
  }

  /** One trigger as Cloud Scheduler sends it; a call past the function timeout is killed as the platform would. */
  private async trigger(scheduleTime: Date): Promise<Answer> {
    if (!this.fn) await this.startFunctionProcess();
    const token = this.deps.oidc.signIdToken({ aud: this.url, email: LOCAL_CALLER });
    this.tokens.push(token);
    const call = callFunction(this.url, {
      token,
      scheduleTime,
      body: '',
      contentType: 'application/octet-stream',
    }).then(answerOf, () => KILLED);
    const limitMs = this.deps.timing.functionTimeoutS * 1000 + this.deps.timing.graceMs;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), limitMs);
    });
    const first = await Promise.race([call, limit]);
    clearTimeout(timer);
    if (first === 'timeout') {
      await this.killFunction();
      await call;
      return TIMED_OUT;
    }
    // a kill-after at the run's last call: the process answered first; it dies all the same
    if (this.killAtNext) await this.killNow();
    return first;
  }

  private nextScheduleTime(): Date {
    this.lastScheduleMs = Math.max(this.lastScheduleMs + 1000, Math.floor(Date.now() / 1000) * 1000);
    return new Date(this.lastScheduleMs);
  }

  /** A Scheduler job firing once: the trigger, then a retry of the same execution id after each non-2xx. */
  private async scheduled(phase: string, answers: PhaseAnswer[], onFirst?: () => void): Promise<void> {
    const at = this.nextScheduleTime();
    let a = await this.trigger(at);
    answers.push({ phase, ...a });
    onFirst?.();
    let n = 0;
    for (const wait of this.deps.timing.backoffMs) {
      if (succeeded(a)) return;
      n += 1;
      const due = Date.now() + wait;
      // the platform starts a new instance for the retry while Scheduler waits
      if (!this.fn) await this.startFunctionProcess();
      await sleep(Math.max(0, due - Date.now()));
      a = await this.trigger(at);
      answers.push({ phase: `${phase === 'first' ? '' : `${phase} `}retry ${n}`, ...a });
    }
  }

  // --- one case -------------------------------------------------------------------------------------

  async runCase(caseNo: number, scenarioName: ScenarioName, plan: CasePlan | null): Promise<CaseResult> {
    const t0 = Date.now();
    const scenario = SCENARIOS[scenarioName];
    const projectId = `demo-qx-${this.deps.tag}-${caseNo}`;
    const accountId = `explore-${this.deps.tag}-${caseNo}`;
    const { emulatorHost, timing } = this.deps;
    await this.admin.call('POST', '/__sim/reset');
    await this.admin.call('POST', '/__sim/balances', { balances: scenario.atTargets });
    this.env = {
      MEXC_BASE_URL: this.exchangeProxy?.url ?? '',
      MEXC_API_KEY: this.sim.apiKey,
      MEXC_API_SECRET: this.sim.apiSecret,
      ACCOUNT_ID: accountId,
      LIVE_TRADING: 'true',
      AUTH_MODE: 'verify',
      OIDC_CERTS_URL: this.deps.oidc.certsUrl,
      OIDC_ALLOWED_EMAILS: LOCAL_CALLER,
      LEDGER: 'firestore',
      GOOGLE_CLOUD_PROJECT: projectId,
      FIRESTORE_EMULATOR_HOST: this.ledgerProxy?.host ?? '',
      REPLAY_WINDOW_S: '900',
      LOG_LEVEL: 'info',
      STRATEGY_PROFILES: profileFor(scenario),
      FUNCTION_TIMEOUT_S: String(timing.functionTimeoutS),
    };
    this.logs = '';
    this.tokens = [];
    this.killAtNext = false;
    this.banEndsAt = 0;
    this.caseLedger = openCaseLedger(emulatorHost, projectId, accountId);
    const view = openLedgerView(projectId, emulatorHost, accountId);
    const answers: PhaseAnswer[] = [];
    let firstCalls: RecordedCall[] = [];
    try {
      await this.startFunctionProcess();
      // the account's history: one quiet run at the targets, a schedule period ago
      const history = await this.trigger(this.nextScheduleTime());
      if (history.http !== '200' || !history.status.startsWith('skipped'))
        throw new Error(
          `the quiet run before case ${caseNo} (${scenarioName}) answered ${history.http} ${history.status}, not a skip: the case has no clean start`,
        );
      await this.admin.call('POST', '/__sim/balances', { balances: scenario.balances });
      await this.caseLedger.passTime(timing.schedulePeriodMs);
      // a cold instance: the case's first attempt makes every call a run can make, start-up reads included
      await this.stopFunction();
      await this.startFunctionProcess();
      this.calls = [];
      this.counts.clear();
      this.ledgerProxy?.takeTransactions();
      this.armed = plan ? { plan, fired: false, note: null } : null;
      const armed = this.armed;
      await this.scheduled('first', answers, () => {
        firstCalls = [...this.calls];
        // the action applies to the first attempt only; Scheduler's retries run the run again
        if (this.armed && !this.armed.fired) this.armed = null;
      });
      if (plan === null) {
        const world = await this.world(view);
        return this.result(scenario, plan, 'ok', null, answers, [], firstCalls, world, t0);
      }
      if (armed && !armed.fired)
        return this.result(
          scenario,
          plan,
          'missed',
          'the first attempt never made this call',
          answers,
          [],
          firstCalls,
          null,
          t0,
        );
      // The schedule period passes in the ledger; a ban from a 418/429 (Retry-After) is kept by the
      // instance on its own clock, which the ledger's time does not move: it is waited out instead,
      // as the minutes to the next trigger would in production.
      await this.caseLedger.passTime(timing.schedulePeriodMs);
      await sleep(Math.max(0, this.banEndsAt - Date.now()));
      await this.scheduled('next', answers);
      await this.caseLedger.passTime(timing.schedulePeriodMs);
      const settle = await this.trigger(this.nextScheduleTime());
      answers.push({ phase: 'settle', ...settle });
      const world = await this.world(view);
      const violations = this.check(world, scenario, answers);
      const note = armed?.note ?? null;
      const cell = violations.length > 0 ? 'VIOLATION' : note?.startsWith('n/a') ? 'n/a' : 'ok';
      return this.result(scenario, plan, cell, note, answers, violations, firstCalls, world, t0);
    } finally {
      this.armed = null;
      await this.stopFunction().catch(() => undefined);
      await Promise.all(this.releases.splice(0));
      await this.caseLedger.close().catch(() => undefined);
      this.caseLedger = null;
      await view.close().catch(() => undefined);
      await clearFirestoreEmulator(emulatorHost, projectId).catch(() => undefined);
    }
  }

  private result(
    scenario: ExploreScenario,
    plan: CasePlan | null,
    cell: CaseResult['cell'],
    note: string | null,
    answers: PhaseAnswer[],
    violations: CaseViolation[],
    calls: RecordedCall[],
    world: World | null,
    t0: number,
  ): CaseResult {
    return {
      scenario: scenario.name,
      point: plan?.point.name ?? 'reference',
      action: plan?.action ?? 'none',
      cell,
      note,
      answers,
      violations,
      calls,
      orders: world?.orders.length ?? 0,
      durationMs: Date.now() - t0,
    };
  }

  private check(world: World, scenario: ExploreScenario, answers: PhaseAnswer[]): CaseViolation[] {
    const ctx: InvariantContext = {
      initialBalances: scenario.balances,
      symbols: EXPLORE_SYMBOLS,
      maxOrderNotional: '120',
      maxDailyTurnover: '1500',
      maxSlippageBps: 50,
      dayOf: () => 'the case',
      clientOrderIdFor,
    };
    const out: CaseViolation[] = [];
    for (const v of [...checkWorld(world, ctx), ...checkLogs(this.logs, this.secrets())])
      out.push({ check: `invariant ${v.invariant} (${INVARIANT_NAMES[v.invariant]})`, message: v.message });
    for (const a of answers) {
      const problem = a.phase === 'settle' ? settleProblem(a) : answerProblem(a);
      if (problem) out.push({ check: 'answers', message: `${a.phase}: ${problem}` });
    }
    for (const i of world.intents)
      if (UNSETTLED.has(i.status))
        out.push({
          check: 'settled',
          message: `intent ${i.runId}/${i.clientOrderId} is still ${i.status} after the quiet run`,
        });
    for (const r of world.runs)
      if (r.status === 'running')
        out.push({
          check: 'ended',
          message: `run ${r.runId} is still running (attempt ${r.attempt}${r.lease ? `, lease until ${new Date(r.lease.until).toISOString()}` : ''}) after the quiet run`,
        });
    return out;
  }

  private secrets(): string[] {
    const out = [this.sim.apiKey, this.sim.apiSecret];
    for (const token of this.tokens) {
      out.push(token);
      const signature = token.split('.')[2];
      if (signature) out.push(signature);
    }
    return out;
  }

  private async world(view: ReturnType<typeof openLedgerView>): Promise<World> {
    const [orders, trades, balances, runs, intents] = await Promise.all([
      this.admin.call('GET', '/__sim/orders') as Promise<{ orders: ExchangeOrder[] }>,
      this.admin.call('GET', '/__sim/trades') as Promise<{ trades: ExchangeTrade[] }>,
      this.admin.call('GET', '/__sim/balances') as Promise<{ balances: World['balances'] }>,
      view.runs(),
      view.intents(),
    ]);
    return {
      now: Date.now(),
      orders: orders.orders.map((o) => ({ ...o, orderId: String(o.orderId) })),
      trades: trades.trades.map((t) => ({ ...t, orderId: String(t.orderId) })),
      balances: balances.balances,
      runs,
      intents,
    };
  }
}

/**
 * The simulator fault for an exchange action (simulator/src/faults.ts). `timeout` holds the answer
 * past the client's 10 s per-attempt timeout (shared/src/exchange/mexc/client.ts) and the whole
 * function timeout; 429 and 418 carry Retry-After scaled like the rest of the explorer's time.
 */
export function simulatorFault(action: Action, timing: ExploreTiming): Record<string, unknown> | null {
  switch (action) {
    case 'timeout':
      return { kind: 'delay', delayMs: Math.max(11_000, timing.functionTimeoutS * 1000 + timing.graceMs + 1_000) };
    case '5xx':
      return { kind: '5xx', status: 503 };
    case '429':
      return { kind: '429', retryAfterS: 1 };
    case '418':
      return { kind: '418', retryAfterS: 2 };
    case '403':
      return { kind: '403' };
    case 'accept_then_timeout':
      return { kind: 'accept_then_timeout' };
    case 'visibility_lag':
      return { kind: 'visibility_lag', delayMs: 3_000 };
    default:
      return null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
