import { createPrng } from '../lib/prng';
import {
  checkBalances,
  checkCaps,
  checkLogs,
  checkNothingLeftBehind,
  checkOrderIds,
  checkOrdersMatchIntents,
  checkWorld,
  type InvariantContext,
} from './invariants';
import { CRASH_POINTS, scenarioFor } from './scenario';
import type { ExchangeOrder, ExchangeTrade, LedgerIntent, LedgerRun, World } from './world';

const T = Date.parse('2031-03-14T12:00:00Z');
const coid = (runId: string, leg: number) => `rb-${runId}-${leg}`;

const ctx: InvariantContext = {
  initialBalances: { QRL: '100', USDT: '100' },
  symbols: { QRLUSDT: { base: 'QRL', quote: 'USDT' } },
  maxOrderNotional: '50',
  maxDailyTurnover: '60',
  maxSlippageBps: 50,
  dayOf: () => 'day 0',
  clientOrderIdFor: coid,
};

function order(over: Partial<ExchangeOrder> = {}): ExchangeOrder {
  return {
    symbol: 'QRLUSDT',
    orderId: '1',
    clientOrderId: coid('a', 0),
    side: 'SELL',
    type: 'IMMEDIATE_OR_CANCEL',
    price: '0.5',
    origQty: '20',
    executedQty: '20',
    cummulativeQuoteQty: '10',
    status: 'FILLED',
    time: T,
    ...over,
  };
}
function trade(over: Partial<ExchangeTrade> = {}): ExchangeTrade {
  return {
    symbol: 'QRLUSDT',
    orderId: '1',
    clientOrderId: coid('a', 0),
    side: 'SELL',
    qty: '20',
    quoteQty: '10',
    commission: '0.005',
    commissionAsset: 'USDT',
    ...over,
  };
}
function intent(over: Partial<LedgerIntent> = {}): LedgerIntent {
  return {
    runId: 'a',
    clientOrderId: coid('a', 0),
    leg: 0,
    attempt: 1,
    status: 'filled',
    orderId: '1',
    executedQuantity: '20',
    executedQuote: '10',
    createdAt: T,
    updatedAt: T,
    ...over,
  };
}
function run(over: Partial<LedgerRun> = {}): LedgerRun {
  return {
    runId: 'a',
    status: 'completed',
    reason: null,
    attempt: 1,
    lease: { owner: 'o', until: T + 60_000 },
    startedAt: T,
    finishedAt: T + 1_000,
    errorCode: null,
    ...over,
  };
}
/** One sell of 20 QRL for 10 USDT, fee 0.005 USDT, recorded everywhere as it happened. */
function healthy(): World {
  return {
    now: T + 120_000,
    orders: [order()],
    trades: [trade()],
    balances: { QRL: { free: '80', locked: '0' }, USDT: { free: '109.995', locked: '0' } },
    runs: [run()],
    intents: [intent()],
  };
}

describe('chaos invariants', () => {
  it('a healthy world has no violation', () => {
    expect(checkWorld(healthy(), ctx)).toEqual([]);
  });

  it('1: an exchange order without an intent, or a settled intent that disagrees with its order', () => {
    expect(checkOrdersMatchIntents({ ...healthy(), intents: [] })).toHaveLength(1);
    expect(
      checkOrdersMatchIntents({ ...healthy(), intents: [intent({ executedQuantity: '19' })] })[0]?.message,
    ).toMatch(/filled 19, the exchange 20/);
    expect(checkOrdersMatchIntents({ ...healthy(), intents: [intent({ status: 'absent' })] })[0]?.message).toMatch(
      /never placed/,
    );
    expect(checkOrdersMatchIntents({ ...healthy(), orders: [order({ status: 'PARTIALLY_CANCELED' })] })).toHaveLength(
      1,
    );
  });

  it('2: a client order id used twice, a wrong id, or intents written by two attempts', () => {
    const twice = { ...healthy(), orders: [order(), order({ orderId: '2' })] };
    expect(checkOrderIds(twice, ctx)[0]?.message).toMatch(/used for 2 exchange orders/);
    const two = { ...healthy(), intents: [intent(), intent({ clientOrderId: coid('a', 1), leg: 1, attempt: 2 })] };
    expect(checkOrderIds(two, ctx)[0]?.message).toMatch(/2 attempts/);
    expect(checkOrderIds({ ...healthy(), intents: [intent({ leg: 3 })] }, ctx)).toHaveLength(1);
  });

  it('3: balances that do not add up to initial ± fills − fees', () => {
    const world = healthy();
    world.balances.USDT = { free: '110', locked: '0' };
    expect(checkBalances(world, ctx)[0]?.message).toMatch(
      /USDT: the exchange holds 110, initial ± fills − fees is 109.995/,
    );
  });

  it('4: a run left running after its lease and a later run; an unknown intent after the next run', () => {
    const dead = run({ runId: 'dead', status: 'running', lease: { owner: 'x', until: T - 1 }, startedAt: T - 5_000 });
    expect(checkNothingLeftBehind({ ...healthy(), runs: [dead, run()] })[0]?.message).toMatch(/dead is still running/);
    const unknown = intent({ runId: 'dead', status: 'unknown', updatedAt: T - 1 });
    expect(checkNothingLeftBehind({ ...healthy(), intents: [unknown] })[0]?.message).toMatch(
      /still unknown after run a/,
    );
    // a later run that could not reconcile (exchange down) does not count as "the next run"
    const failed = run({ status: 'failed', reason: 'run.unsettled_orders', errorCode: 'run.unsettled_orders' });
    expect(checkNothingLeftBehind({ ...healthy(), runs: [failed], intents: [unknown] })).toEqual([]);
    // nor a skip that ended at its claim without the lock (its read found nothing open)
    const lockFree = run({ status: 'skipped', reason: 'within_band', lease: null });
    expect(checkNothingLeftBehind({ ...healthy(), runs: [lockFree], intents: [unknown] })).toEqual([]);
  });

  it('5: an order above maxOrderNotional and a day above the turnover cap (+ the slippage on sells)', () => {
    const big = order({ origQty: '120', executedQty: '120', cummulativeQuoteQty: '60' });
    expect(checkCaps({ ...healthy(), orders: [big] }, ctx).map((v) => v.message)).toEqual([
      expect.stringMatching(/sent for 60 > maxOrderNotional 50/),
      expect.stringMatching(/traded 60 > maxOrderNotional 50/),
    ]);
    const many = [1, 2, 3, 4, 5, 6, 7].map((n) => order({ orderId: String(n), clientOrderId: coid(`r${n}`, 0) }));
    expect(checkCaps({ ...healthy(), orders: many }, ctx)[0]?.message).toMatch(
      /turnover of day .+ is 70 > maxDailyTurnover 60/,
    );
    expect(checkCaps({ ...healthy(), orders: [order({ cummulativeQuoteQty: '50' })] }, ctx)).toEqual([]);
    expect(checkCaps({ ...healthy(), orders: [order({ cummulativeQuoteQty: '50.01' })] }, ctx)).toHaveLength(1);
  });

  it('6: a log line with the secret or a token in it', () => {
    expect(checkLogs('{"message":"ok"}', ['sekret-0123456789'])).toEqual([]);
    const found = checkLogs('{"message":"sekret-0123456789"}', ['sekret-0123456789']);
    expect(found).toHaveLength(1);
    expect(found[0]?.message).not.toContain('sekret-0123456789');
  });
});

describe('chaos scenarios', () => {
  it('are the same for the same seed and differ between seeds', () => {
    const a = Array.from({ length: 50 }, (_, i) => scenarioFor(i, createPrng(7)));
    const b = Array.from({ length: 50 }, (_, i) => scenarioFor(i, createPrng(7)));
    const c = Array.from({ length: 50 }, (_, i) => scenarioFor(i, createPrng(8)));
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('cover every crash point and fault kind over a campaign', () => {
    const all = Array.from({ length: 300 }, (_, i) => scenarioFor(i, createPrng(1)));
    const points = new Set(all.flatMap((s) => (s.crash ? [s.crash.point] : [])));
    expect([...points].sort()).toEqual([...CRASH_POINTS].sort());
    const kinds = new Set(all.flatMap((s) => s.faults.map((f) => f.kind)));
    expect(kinds.size).toBe(5);
  });
});
