import { createPrng } from '../lib/prng';
import {
  allowedStatuses,
  checkBalances,
  checkCaps,
  checkFillsRecorded,
  checkGuards,
  checkHttpAnswers,
  checkLogs,
  checkNothingLeftBehind,
  checkOneTraderAtATime,
  checkOrderIds,
  checkOrdersMatchIntents,
  checkSendBy,
  checkSettled,
  checkWorld,
  type InvariantContext,
} from './invariants';
import { CRASH_POINTS, scenarioFor } from './scenario';
import type { ExchangeOrder, ExchangeTrade, LedgerIntent, LedgerRun, OrderArrival, World } from './world';

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
    // nor a run whose times a skewed instance stamped
    expect(checkNothingLeftBehind({ ...healthy(), intents: [unknown] }, { skewedRunIds: new Set(['a']) })).toEqual([]);
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

/** ctx with every issue-#18 input */
const ctx18: InvariantContext = {
  ...ctx,
  cooldownMs: 1_000,
  maxSpreadBps: 150,
  orderTtlMs: 1_000,
  dryRunIds: new Set(['dry']),
};
function arrival(over: Partial<OrderArrival> = {}): OrderArrival {
  return { clientOrderId: coid('a', 0), symbol: 'QRLUSDT', at: T + 100, offsetMs: 0, ...over };
}
/** healthy() with everything the issue-#18 checks read: the same sell, sent once before its sendBy. */
function healthy18(): World {
  const w = healthy();
  return {
    ...w,
    intents: [intent({ symbol: 'QRLUSDT', side: 'SELL', fees: { USDT: '0.005' }, sendBy: T + 5_000 })],
    runs: [run({ dryRun: false })],
    arrivals: [arrival()],
    turnover: [{ day: '2031-03-14', notional: '10' }],
    answers: [{ executionId: 'a', http: 200, status: 'completed', duplicate: false }],
    spreads: [{ symbol: 'QRLUSDT', spreadBps: 20, from: T - 60_000, to: null }],
    settled: true,
  };
}
/** Run b: a second sell of 20 QRL for 10 USDT, sent at `at`, with its intent, order, trade and answer. */
function secondRun(w: World, at: number): World {
  const id = coid('b', 0);
  return {
    ...w,
    orders: [...w.orders, order({ orderId: '2', clientOrderId: id, time: at })],
    trades: [...w.trades, trade({ orderId: '2', clientOrderId: id })],
    balances: { QRL: { free: '60', locked: '0' }, USDT: { free: '119.99', locked: '0' } },
    runs: [...w.runs, run({ runId: 'b', startedAt: at - 100, dryRun: false })],
    intents: [
      ...w.intents,
      intent({
        runId: 'b',
        clientOrderId: id,
        orderId: '2',
        symbol: 'QRLUSDT',
        side: 'SELL',
        fees: { USDT: '0.005' },
        sendBy: at + 5_000,
        createdAt: at,
        updatedAt: at,
      }),
    ],
    arrivals: [...(w.arrivals ?? []), arrival({ clientOrderId: id, at })],
    turnover: [{ day: '2031-03-14', notional: '20' }],
  };
}

describe('chaos invariants of issue #18 (each catches a planted bug)', () => {
  it('a healthy world with every input has no violation, two runs a cool-down apart neither', () => {
    expect(checkWorld(healthy18(), ctx18)).toEqual([]);
    expect(checkWorld(secondRun(healthy18(), T + 2_000), ctx18)).toEqual([]);
  });

  it('3: balances that do not match the LEDGER fills (the simulator bookkeeping agrees with itself)', () => {
    // the exchange took a second fee the ledger never heard of: its own trades and balances agree
    const w = healthy18();
    w.trades = [trade(), trade({ qty: '0', quoteQty: '0', commission: '0.001' })];
    w.balances.USDT = { free: '109.994', locked: '0' };
    expect(checkBalances(w, ctx).map((v) => v.message)).toEqual([
      "USDT: the exchange holds 0.001 less than initial ± the ledger's fills − its fees",
    ]);
    // while an intent is still unknown the ledger cannot know its fills: no ledger-side check
    const pending = { ...w, intents: [...w.intents, intent({ runId: 'x', clientOrderId: 'x', status: 'unknown' })] };
    expect(checkBalances(pending, ctx)).toEqual([]);
  });

  it('4: an open (resting) intent older than orderTtl after a later run reconciled', () => {
    const resting = intent({ runId: 'old', clientOrderId: coid('old', 0), status: 'open', createdAt: T - 10_000 });
    const w = { ...healthy18(), intents: [resting] };
    expect(checkNothingLeftBehind(w, ctx18)[0]?.message).toMatch(/still rests \(open, older than orderTtl/);
    // without orderTtlMs the check is off (backward compatible), and a young resting order is fine
    expect(checkNothingLeftBehind(w)).toEqual([]);
    expect(checkNothingLeftBehind({ ...w, intents: [{ ...resting, createdAt: T - 500 }] }, ctx18)).toEqual([]);
    // a run on an instance with a skewed clock judges the age wrongly: it does not count
    expect(checkNothingLeftBehind(w, { ...ctx18, skewedRunIds: new Set(['a']) })).toEqual([]);
    expect(checkNothingLeftBehind(w, { ...ctx18, ttlToleranceMs: 20_000 })).toEqual([]);
  });

  it('7: fees or quote the ledger recorded that the exchange trades do not show; turnover double-counted or lost', () => {
    const fee = healthy18();
    fee.intents = [{ ...(fee.intents[0] as LedgerIntent), fees: { USDT: '0.004' } }];
    expect(checkFillsRecorded(fee).map((v) => v.message)).toEqual([
      expect.stringMatching(/recorded 0.004 USDT fees, its trades paid 0.005/),
    ]);
    const quote = healthy18();
    quote.trades = [trade({ quoteQty: '9.9' })];
    expect(checkFillsRecorded(quote)[0]?.message).toMatch(/recorded 10 quote, its trades 9.9/);
    const twice = { ...healthy18(), turnover: [{ day: '2031-03-14', notional: '20' }] };
    expect(checkFillsRecorded(twice)[0]?.message).toMatch(/counted 20 turnover .* traded only 10/);
    const lost = { ...healthy18(), turnover: [{ day: '2031-03-14', notional: '0' }] };
    expect(checkFillsRecorded(lost)[0]?.message).toMatch(/counted 0 turnover .*every intent final/);
    // lower turnover is fine while an intent is not final yet (its fills are not recorded)
    const unknown = intent({ runId: 'u', clientOrderId: 'u', status: 'unknown' });
    expect(checkFillsRecorded({ ...lost, intents: [...lost.intents, unknown] })).toEqual([]);
  });

  it('8: two runs whose order sends overlap, and a send with no intent', () => {
    const w = secondRun(healthy18(), T + 2_000);
    expect(checkOneTraderAtATime(w)).toEqual([]);
    // run a sent its second leg after run b had started sending
    const overlap = { ...w, arrivals: [...(w.arrivals ?? []), arrival({ at: T + 2_500 })] };
    expect(checkOneTraderAtATime(overlap)[0]?.message).toMatch(/run b sent an order at .* while run a was still/);
    // on a skewed exchange clock the machine time counts: b arrives 100 ms after a in real time
    const skewed = {
      ...w,
      arrivals: [
        arrival({ at: T + 100 + 60_000, offsetMs: 60_000 }),
        arrival({ clientOrderId: coid('b', 0), at: T + 200 }),
      ],
    };
    expect(checkOneTraderAtATime(skewed)).toEqual([]);
    expect(checkOneTraderAtATime({ ...w, arrivals: [arrival({ clientOrderId: 'stray' })] })[0]?.message).toMatch(
      /stray.*no intent in the ledger/,
    );
  });

  it('9: an order that reached the exchange after its sendBy (machine time, exchange offset removed)', () => {
    const late = { ...healthy18(), arrivals: [arrival({ at: T + 5_400 })] };
    expect(checkSendBy(late)[0]?.message).toMatch(/400 ms after its sendBy/);
    // the same arrival on an exchange clock 60 s ahead is on time
    expect(checkSendBy({ ...healthy18(), arrivals: [arrival({ at: T + 65_000, offsetMs: 60_000 })] })).toEqual([]);
    const noSendBy = { ...healthy18(), intents: [intent({ sendBy: null })] };
    expect(checkSendBy(noSendBy)[0]?.message).toMatch(/has no sendBy/);
  });

  it('10: a send inside the cool-down, on a too-wide book, or by a dry run', () => {
    expect(checkGuards(secondRun(healthy18(), T + 600), ctx18)[0]?.message).toMatch(
      /run b sent an order 500 ms after run a's last order, inside the 1000 ms cool-down/,
    );
    const wide = { ...healthy18(), spreads: [{ symbol: 'QRLUSDT', spreadBps: 400, from: T, to: T + 1_000 }] };
    expect(checkGuards(wide, ctx18)[0]?.message).toMatch(/spread was 400 bps > maxSpreadBps 150/);
    // a wide spread that had ended before the send does not count
    expect(checkGuards({ ...wide, spreads: [{ ...wide.spreads[0], to: T + 50 } as never] }, ctx18)).toEqual([]);
    const dry = { ...healthy18() };
    expect(checkGuards(dry, { ...ctx18, dryRunIds: new Set(['a']) }).map((v) => v.message)).toEqual([
      expect.stringMatching(/dry run a wrote intent/),
      expect.stringMatching(/dry run a sent order/),
      expect.stringMatching(/sent as a dry run but recorded as live/),
    ]);
  });

  it('11: after the quiet run, an intent still unknown or open, a run running, an order resting, a locked balance', () => {
    const w = healthy18();
    w.intents = [intent({ status: 'unknown' })];
    w.runs = [run({ status: 'running' })];
    w.orders = [order({ status: 'NEW', executedQty: '0', cummulativeQuoteQty: '0' })];
    w.balances.QRL = { free: '60', locked: '20' };
    expect(checkSettled(w).map((v) => v.message)).toEqual([
      expect.stringMatching(/still unknown after the quiet run/),
      expect.stringMatching(/run a is still running/),
      expect.stringMatching(/still rests \(NEW\)/),
      expect.stringMatching(/20 QRL is still locked/),
    ]);
    expect(checkSettled({ ...w, settled: false })).toEqual([]);
  });

  it('11: after the quiet run, a fill whose fees the ledger never read; before it, 3 and 7 wait for them', () => {
    const w = healthy18();
    const unread = w.intents.map((i) => {
      const { fees: _read, ...rest } = i;
      return { ...rest, feesUnread: true };
    });
    expect(checkSettled({ ...w, intents: unread }).map((v) => v.message)).toEqual(
      unread.map(() => expect.stringMatching(/fees unread after the quiet run/)),
    );
    expect(checkSettled({ ...w, intents: unread, settled: false })).toEqual([]);
  });

  it('12: an answer whose HTTP status is not the status table one for its body', () => {
    const answers = (a: NonNullable<World['answers']>) => checkHttpAnswers({ ...healthy18(), answers: a });
    expect(answers([{ executionId: 'x', http: 200, status: 'failed', duplicate: false }])[0]?.message).toMatch(
      /HTTP 200 for failed; the status table says 500/,
    );
    expect(
      answers([{ executionId: 'x', http: 200, error: 'ledger.unavailable', retryable: true }])[0]?.message,
    ).toMatch(/says 503/);
    expect(answers([{ executionId: 'x', http: 503, error: 'run.weird', retryable: false }])).toHaveLength(1);
    expect(answers([{ executionId: 'x', http: 200 }])[0]?.message).toMatch(/no JSON body, not in the table/);
    // right answers pass; an error whose retryability is unknown may be 500 or 503
    expect(
      answers([
        { executionId: 'x', http: 500, status: 'failed', duplicate: false },
        { executionId: 'x', http: 200, status: 'failed', duplicate: true },
        { executionId: 'x', http: 503, error: 'exchange.unavailable', retryable: null },
        { executionId: 'x', http: 401, error: 'auth.missing_token' },
        { executionId: 'x', http: 500, error: 'internal' },
      ]),
    ).toEqual([]);
    expect(allowedStatuses({ error: 'auth.no_such_code' })).toEqual([]);
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

  it('cover what issue #18 asks for: maker deploy, dry runs, retries of a live attempt, skewed instances', () => {
    const all = Array.from({ length: 300 }, (_, i) => scenarioFor(i, createPrng(1)));
    const count = (p: (s: (typeof all)[number]) => boolean) => all.filter(p).length;
    expect(count((s) => s.profile === 'maker')).toBeGreaterThan(30);
    expect(count((s) => s.dryRun === true)).toBeGreaterThan(5);
    expect(count((s) => s.trigger === 'takeover_live')).toBeGreaterThan(5);
    expect(count((s) => s.instance === 'ahead')).toBeGreaterThan(10);
    expect(count((s) => s.instance === 'behind')).toBeGreaterThan(10);
    expect(count((s) => s.makerFillLevels === 0)).toBeGreaterThan(50);
    // a crash always hits the main process (the one the campaign kills), with the ioc deploy
    expect(all.filter((s) => s.crash).every((s) => s.instance === 'main' && s.profile === 'default')).toBe(true);
    // moves stay under the price-move guard one at a time
    for (const s of all)
      if (s.market) for (const f of Object.values(s.market.factors)) expect(Math.abs(f - 1)).toBeLessThanOrEqual(0.11);
  });
});
