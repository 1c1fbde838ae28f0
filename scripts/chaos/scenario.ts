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
}

export const TRIGGER_KINDS = [
  'manual',
  'scheduled',
  'duplicate',
  'concurrent_same',
  'concurrent_different',
  'late_retry',
  'retry_previous',
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
}

export interface MarketMove {
  /** multiplies the mid price; 1 = unchanged */
  factors: Record<ChaosSymbol, number>;
  /** spread blow-out on one book */
  spreadBps: Partial<Record<ChaosSymbol, number>>;
  /** random-walk steps */
  steps: number;
}

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
  const market = r.chance(0.65) ? marketMove(r) : null;
  const clockOffsetMs = r.chance(0.1) ? r.pick([0, 0, -2_000, 1_500, 4_000, 9_000]) : null;
  const crash = run > 0 && r.chance(0.16) ? crashSpec(r) : null;
  // A crash run has no other faults, so the process stops where the crash hook holds it.
  const faults = !crash && r.chance(0.45) ? Array.from({ length: r.int(1, 3) }, () => fault(r)) : [];
  const trigger: TriggerKind = crash
    ? r.pick(['manual', 'scheduled'] as const)
    : run === 0
      ? 'manual'
      : r.pick(['manual', 'manual', 'scheduled', 'scheduled', ...TRIGGER_KINDS.slice(2)]);
  return { run, market, clockOffsetMs, faults, trigger, crash, dayRollover: run > 0 && r.chance(0.05) };
}

function marketMove(r: Prng): MarketMove {
  const factors = {
    QRLUSDT: r.chance(0.8) ? r.between(0.88, 1.12) : 1,
    BTCUSDT: r.chance(0.6) ? r.between(0.94, 1.06) : 1,
  };
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
      return { endpoint, kind, count, status: r.pick([500, 502, 503, 504]) };
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
  };
}
