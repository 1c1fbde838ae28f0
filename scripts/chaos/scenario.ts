import type { Prng } from '../lib/prng';

/** The campaign's portfolio: two traded assets against USDT, so a run can hold two orders. */
export const SYMBOLS = ['QRLUSDT', 'BTCUSDT'] as const;
export type ChaosSymbol = (typeof SYMBOLS)[number];

export const FAULT_KINDS = ['5xx', '429', '418', 'delay', 'accept_then_timeout'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What the simulator's /__sim/faults takes. */
export interface FaultSpec {
  endpoint: string;
  kind: FaultKind;
  count: number;
  delayMs?: number;
  retryAfterS?: number;
  status?: number;
  /** 5xx on an order: the exchange executes it first, then answers the error */
  accept?: boolean;
}

export const TRIGGER_KINDS = [
  'manual',
  'scheduled',
  'duplicate',
  'concurrent_same',
  'concurrent_different',
  'late_retry',
  'retry_previous',
  /** a Scheduler retry (same id) sent while the first attempt is held inside the exchange: it must answer in_progress */
  'takeover_live',
] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export const CRASH_POINTS = [
  'before_claim',
  'after_claim',
  'after_intents',
  'between_orders',
  'before_finish',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export interface CrashSpec {
  point: CrashPoint;
  /** after_intents: how long the simulator holds the order; under recvWindow it lands after the kill, over it MEXC refuses it */
  orderDelayMs: number;
  /** the trigger after the restart: a Scheduler retry of the same id (takeover) or the next schedule */
  followUp: 'same_id' | 'new_id';
  /** wait the dead attempt's lease out for real (else it is ended in the ledger) */
  waitLease?: boolean;
}

export interface MarketMove {
  /** multiplies the mid price; 1 = unchanged */
  factors: Record<ChaosSymbol, number>;
  /** spread blow-out on one book */
  spreadBps: Partial<Record<ChaosSymbol, number>>;
  /** random-walk steps */
  steps: number;
}

/** The function processes: the main one, and two whose wall clock is skewed (scripts/chaos/skew-clock.cjs). */
export const INSTANCES = ['main', 'ahead', 'behind'] as const;
export type Instance = (typeof INSTANCES)[number];

/** The campaign's profiles on one account: IOC orders, and LIMIT_MAKER orders that rest. */
export const PROFILES = ['default', 'maker'] as const;
export type ProfileName = (typeof PROFILES)[number];

export interface Scenario {
  run: number;
  market: MarketMove | null;
  /** exchange clock minus the function's; null leaves it as it is */
  clockOffsetMs: number | null;
  faults: FaultSpec[];
  trigger: TriggerKind;
  crash: CrashSpec | null;
  /** the UTC day ends before this run (the portfolio's turnover day is moved back) */
  dayRollover: boolean;
  // --- issue #18; optional so scenarios built elsewhere (the explorer) still type ---
  /** which deploy serves the trigger: the default profile with ioc orders, or with maker orders */
  profile?: ProfileName;
  /** a manual trigger with dryRun: true */
  dryRun?: boolean;
  /** the process the trigger goes to (crashes always hit main) */
  instance?: Instance;
  /** before the trigger, move the book through the first resting order by this many extra levels (0 = one level: a partial fill) */
  makerFillLevels?: number | null;
  /** takeover_live: how long the first attempt's first order request is held (under the 5 s recvWindow: it lands) */
  holdMs?: number;
}

const READ_ENDPOINTS = [
  'GET /api/v3/account',
  'GET /api/v3/ticker/bookTicker',
  'GET /api/v3/depth',
  'GET /api/v3/exchangeInfo',
  'GET /api/v3/defaultSymbols',
  'GET /api/v3/order',
  'GET /api/v3/myTrades',
  'GET /api/v3/time',
] as const;
const ORDER_ENDPOINT = 'POST /api/v3/order';

/** One run's scenario, from the run's own stream of the campaign seed. */
export function scenarioFor(run: number, prng: Prng): Scenario {
  const r = prng.fork(run);
  const market = r.chance(0.8) ? marketMove(r) : null;
  const clockOffsetMs = r.chance(0.1) ? r.pick([0, 0, -2_000, 1_500, 4_000, 9_000]) : null;
  const crash = run > 0 && r.chance(0.16) ? crashSpec(r) : null;
  // A crash run has no other faults, so the process stops where the crash hook holds it.
  const faults = !crash && r.chance(0.45) ? Array.from({ length: r.int(1, 3) }, () => fault(r)) : [];
  const trigger: TriggerKind = crash
    ? r.pick(['manual', 'scheduled'] as const)
    : run === 0
      ? 'manual'
      : r.pick(['manual', 'manual', 'manual', 'scheduled', 'scheduled', ...TRIGGER_KINDS.slice(2)]);
  const dayRollover = run > 0 && r.chance(0.15);
  // drawn after the issue-#11 draws, so those stay what they were for a seed
  // the maker deploy serves a quarter of the triggers that are not crashes
  const profile: ProfileName = !crash && r.chance(0.25) ? 'maker' : 'default';
  const dryRun = trigger === 'manual' && r.chance(0.15);
  const instance: Instance = crash
    ? 'main'
    : r.pick(['main', 'main', 'main', 'main', 'main', 'main', 'ahead', 'behind']);
  const makerFillLevels = r.chance(0.6) ? r.pick([0, 0, 0, 1, 3]) : null;
  const holdMs = r.int(1_500, 3_500);
  return {
    run,
    market,
    clockOffsetMs,
    faults,
    trigger,
    crash,
    dayRollover,
    profile,
    dryRun,
    instance,
    makerFillLevels,
    holdMs,
  };
}

/** 1 ± a move between `min` and `max` (fractions), up or down: small moves that stay inside the band are rare. */
function away(r: Prng, min: number, max: number): number {
  const size = r.between(min, max);
  return r.chance(0.5) ? 1 + size : 1 - size;
}

function marketMove(r: Prng): MarketMove {
  // under maxPriceMoveBps (12 %), so the price-move guard holds only the rare larger ones
  const qrl = r.chance(0.85) ? away(r, 0.04, 0.11) : 1;
  const btc = r.chance(0.6) ? away(r, 0.03, 0.07) : 1;
  // mostly against each other, so the weights drift apart instead of cancelling
  const against = r.chance(0.75);
  const sameWay = qrl !== 1 && btc !== 1 && qrl > 1 === btc > 1;
  const factors = { QRLUSDT: qrl, BTCUSDT: against && sameWay ? 2 - btc : btc };
  const spreadBps: Partial<Record<ChaosSymbol, number>> = {};
  if (r.chance(0.08)) spreadBps[r.pick(SYMBOLS)] = r.int(200, 900);
  return { factors, spreadBps, steps: r.chance(0.2) ? r.int(1, 5) : 0 };
}

function fault(r: Prng): FaultSpec {
  const onOrder = r.chance(0.35);
  const endpoint = onOrder ? ORDER_ENDPOINT : r.chance(0.12) ? '*' : r.pick(READ_ENDPOINTS);
  const kinds: FaultKind[] = onOrder ? [...FAULT_KINDS] : ['5xx', '429', '418', 'delay'];
  const kind = r.pick(kinds);
  const count = r.int(1, 2);
  switch (kind) {
    case '5xx':
      return {
        endpoint,
        kind,
        count,
        status: r.pick([500, 502, 503, 504]),
        ...(onOrder && r.chance(0.5) ? { accept: true } : {}),
      };
    case '429':
      return { endpoint, kind, count, retryAfterS: r.int(0, 2) };
    case '418':
      return { endpoint, kind, count: 1, retryAfterS: r.int(1, 3) };
    case 'delay':
      return { endpoint, kind, count, delayMs: r.int(100, 2_500) };
    case 'accept_then_timeout':
      return { endpoint, kind, count: 1, delayMs: r.int(0, 300) };
  }
}

function crashSpec(r: Prng): CrashSpec {
  return {
    point: r.pick(CRASH_POINTS),
    // under the 5 s recvWindow the held order lands after the kill; over it MEXC refuses it as stale
    orderDelayMs: r.pick([1_500, 3_000, 7_000]),
    followUp: r.chance(0.5) ? 'same_id' : 'new_id',
    // a real wait costs the lease (FUNCTION_TIMEOUT_S + 5 s = 35 s): one crash in ten
    waitLease: r.chance(0.1),
  };
}
