import Big from 'big.js';
import { createMemoryLedger, MemoryStore } from '../ledger/memory';
import { type Ledger, LedgerUnavailableError } from '../ports/ledger';
import { rebalanceOnce } from './rebalance-once';
import { FakeExchange } from './testing/fake-exchange';
import { ManualClock, runInput, testDeps } from './testing/run-deps';

/** rebalanceOnce over the memory ledger and the in-memory fake exchange: the money-safety regressions. */

const START = Date.parse('2026-03-10T12:00:00Z');

function world() {
  const clock = new ManualClock(START);
  const store = new MemoryStore();
  const exchange = new FakeExchange(clock);
  const ledger = () => createMemoryLedger({ retentionDays: 30, clock, store });
  return { clock, store, exchange, ledger };
}

function frozen(): { wait: Promise<void>; release: () => void; reached: Promise<void>; arrive: () => void } {
  let release: () => void = () => undefined;
  let arrive: () => void = () => undefined;
  const wait = new Promise<void>((resolve) => {
    release = resolve;
  });
  const reached = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  return { wait, release, reached, arrive };
}

describe('rebalanceOnce: a stalled attempt', () => {
  it('regression: a stalled attempt resumed after its lease expired never sends its order after another run traded', async () => {
    const { clock, exchange, ledger } = world();
    const stall = frozen();
    let first = true;
    // attempt A's process stalls between marking its intent `submitted` and signing the order
    exchange.beforeSend = async () => {
      if (!first) return;
      first = false;
      stall.arrive();
      await stall.wait;
    };
    const a = rebalanceOnce(runInput('rebalance-20260310T120000Z'), testDeps(exchange, ledger(), clock));
    await stall.reached;
    clock.advance(15 * 60_000); // the next trigger: A's lease and lock ran out long ago
    const b = await rebalanceOnce(
      runInput('rebalance-20260310T121500Z'),
      testDeps(exchange, ledger(), clock, { owner: 'instance-2' }),
    );
    expect(b.status).toBe('completed');
    expect(b.orders.map((o) => `${o.side} ${o.status}`)).toEqual(['SELL filled']);

    stall.release(); // A's process resumes
    const ra = await a;
    expect(ra.status).toBe('failed');
    expect(exchange.sent).toHaveLength(1);
    expect(exchange.sent[0]?.clientOrderId).toBe(b.orders[0]?.clientOrderId);
    const [intentA] = await ledger().listIntents('rebalance-20260310T120000Z');
    expect(intentA?.status).toBe('absent');
    expect(intentA?.executedQuantity).toBe('0');
    // the portfolio went to its target once, not past it
    const qrlValue = (exchange.free.QRL ?? new Big(0)).times(exchange.bid);
    const total = qrlValue.plus(exchange.free.USDT ?? 0);
    expect(qrlValue.div(total).toNumber()).toBeGreaterThan(0.45);
  });

  it('regression: an attempt that stalls after its claim cannot send once its send window passed, even if nobody took over', async () => {
    const { clock, exchange, ledger } = world();
    const stall = frozen();
    const inner = ledger();
    const stalling: Ledger = Object.create(inner) as Ledger;
    // the claim commit (lock + intents submitted) lands, then the process stalls before sending
    stalling.startRun = async (input) => {
      const started = await inner.startRun(input);
      stall.arrive();
      await stall.wait;
      return started;
    };
    const a = rebalanceOnce(runInput('rebalance-20260310T120000Z'), testDeps(exchange, stalling, clock));
    await stall.reached;
    clock.advance(6 * 60_000); // past the 5 min lease; no other run came
    stall.release();
    const report = await a;
    expect(report).toMatchObject({ status: 'failed', reason: 'run.send_deadline' });
    expect(exchange.sent).toHaveLength(0);
    // the next run settles the never-sent intent at once and trades from fresh prices
    const next = await rebalanceOnce(
      runInput('rebalance-20260310T121500Z'),
      testDeps(exchange, ledger(), clock, { owner: 'instance-2' }),
    );
    expect(next.status).toBe('completed');
    const [intent] = await inner.listIntents('rebalance-20260310T120000Z');
    expect(intent?.status).toBe('absent');
    expect(exchange.sent.map((o) => o.clientOrderId)).toEqual(next.orders.map((o) => o.clientOrderId));
  });
});

describe('rebalanceOnce: turnover and cool-down', () => {
  it('regression: maker fills discovered by reconcile count toward the daily turnover cap and start the cool-down', async () => {
    const { clock, exchange, ledger } = world();
    // cap the day at 150 USDT, cool-down 1 h, maker orders of at most 100 USDT each
    const knobs = { orderType: 'maker', maxDailyTurnover: '150', cooldown: '1h', maxOrderNotional: '100' };
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) {
      const report = await rebalanceOnce(
        runInput(`job-run-000${i}`),
        testDeps(exchange, ledger(), clock, { knobs, owner: `o${i}` }),
      );
      statuses.push(`${report.status}:${report.reason ?? ''}`);
      exchange.fillResting(); // the maker order fills after its run ended
      clock.advance(15 * 60_000);
    }
    const filled = [...exchange.orders.values()].filter((o) => o.status === 'FILLED');
    const traded = filled.reduce((sum, o) => sum.plus(o.executedQuote), new Big(0));
    expect(filled).toHaveLength(1);
    expect(traded.lte(150)).toBe(true);
    expect(statuses[0]).toBe('completed:');
    expect(statuses[1]).toBe('skipped:cooldown');
    const portfolio = await ledger().readAccount('acct-test');
    expect(portfolio.turnover?.notional).toBe(traded.toFixed());
    expect(portfolio.lastRebalanceAt).toEqual(new Date(START + 15 * 60_000));
  });

  /** a ledger on the same store whose finishRun fails as a Firestore outage would (503, retry later) */
  function failingFinish(inner: Ledger): Ledger {
    const failing: Ledger = Object.assign(Object.create(inner) as Ledger, {
      finishRun: () => Promise.reject(new LedgerUnavailableError('finish the run', new Error('UNAVAILABLE'))),
    });
    return failing;
  }

  function tradedOn(exchange: FakeExchange): Big {
    return [...exchange.orders.values()].reduce((sum, o) => sum.plus(o.executedQuote), new Big(0));
  }

  it('regression: a fill is counted once when a retry resumes a run whose order was already counted by another run', async () => {
    const { clock, exchange, ledger } = world();
    const knobs = { orderType: 'maker', cooldown: '10m' };
    // A places a resting maker order, then its finish hits a ledger outage: its lease and lock stay
    await expect(
      rebalanceOnce(runInput('job-A-0001'), testDeps(exchange, failingFinish(ledger()), clock, { knobs })),
    ).rejects.toBeInstanceOf(LedgerUnavailableError);
    expect(exchange.sent).toHaveLength(1);
    clock.advance(6 * 60_000); // A's lease and lock ran out
    exchange.fillResting(); // A's maker order filled meanwhile
    // A' (Scheduler's retry of A) takes A over, then is slow before the lock
    const stall = frozen();
    const inner = ledger();
    const slow: Ledger = Object.assign(Object.create(inner) as Ledger, {
      acquireLock: async (input: Parameters<Ledger['acquireLock']>[0]) => {
        stall.arrive();
        await stall.wait;
        return inner.acquireLock(input);
      },
    });
    const retry = rebalanceOnce(runInput('job-A-0001'), testDeps(exchange, slow, clock, { knobs, owner: 'inst-A2' }));
    await stall.reached;
    // R gets the expired lock; closing A is refused (A' holds A's lease); R's reconcile records the fill
    const r = await rebalanceOnce(
      runInput('job-R-0002'),
      testDeps(exchange, ledger(), clock, { knobs, owner: 'inst-R' }),
    );
    expect(r.status).toBe('skipped');
    stall.release();
    const ra = await retry;
    expect(ra.status).toBe('completed');
    expect(ra.message).toContain('resumed');
    const traded = tradedOn(exchange);
    expect(traded.gt(0)).toBe(true);
    const portfolio = await ledger().readAccount('acct-test');
    expect(portfolio.turnover).toEqual({ day: '2026-03-10', notional: traded.toFixed() });
    expect(portfolio.lastRebalanceAt).toEqual(clock.now());
  });

  it("regression: a fill found by reconcile counts toward turnover even when the reconciling run's finish fails", async () => {
    const { clock, exchange, ledger } = world();
    const knobs = { orderType: 'maker' };
    const a = await rebalanceOnce(runInput('job-A-0001'), testDeps(exchange, ledger(), clock, { knobs }));
    expect(a.orders.map((o) => `${o.side} ${o.status}`)).toEqual(['SELL open']);
    clock.advance(2 * 60_000);
    exchange.fillResting(); // the maker order fills after A ended
    const foundAt = clock.now();
    // R's reconcile records the fill; R's finish then hits a ledger outage (503)
    await expect(
      rebalanceOnce(
        runInput('job-R-0002'),
        testDeps(exchange, failingFinish(ledger()), clock, { knobs, owner: 'inst-R' }),
      ),
    ).rejects.toBeInstanceOf(LedgerUnavailableError);
    const traded = tradedOn(exchange);
    expect(traded.gt(0)).toBe(true);
    const counted = { day: '2026-03-10', notional: traded.toFixed() };
    expect((await ledger().readAccount('acct-test')).turnover).toEqual(counted);
    // the next run closes R as abandoned and adds nothing more
    clock.advance(6 * 60_000);
    await rebalanceOnce(runInput('job-R-0003'), testDeps(exchange, ledger(), clock, { knobs, owner: 'inst-R2' }));
    expect((await ledger().readRun('job-R-0002'))?.reason).toBe('run.abandoned');
    const portfolio = await ledger().readAccount('acct-test');
    expect(portfolio.turnover).toEqual(counted);
    expect(portfolio.lastRebalanceAt).toEqual(foundAt);
  });
});

describe('rebalanceOnce: execution ids', () => {
  it('regression: a reused execution id with another profile is refused (409), neither answered nor taken over', async () => {
    const { clock, exchange, ledger } = world();
    const a = testDeps(exchange, ledger(), clock, { profileId: 'alpha' });
    const first = await rebalanceOnce(runInput('job-run-0001', 'alpha'), a);
    expect(first.status).toBe('completed');
    const b = testDeps(exchange, ledger(), clock, { profileId: 'beta', owner: 'instance-2' });
    await expect(rebalanceOnce(runInput('job-run-0001', 'beta'), b)).rejects.toMatchObject({
      code: 'run.profile_mismatch',
    });
    // a running run of alpha whose lease ran out is not taken over for beta either
    const opened = await ledger().openRun({ runId: 'job-run-0002', accountId: 'acct-test' });
    await ledger().startRun({
      token: opened.token,
      as: 'locked',
      runId: 'job-run-0002',
      profileId: 'alpha',
      accountId: 'acct-test',
      trigger: { kind: 'scheduler' },
      dryRun: false,
      owner: 'dead-instance',
      leaseMs: 60_000,
      intents: [],
    });
    clock.advance(10 * 60_000);
    await expect(rebalanceOnce(runInput('job-run-0002', 'beta'), b)).rejects.toMatchObject({
      code: 'run.profile_mismatch',
    });
    expect((await ledger().readRun('job-run-0002'))?.attempt).toBe(1);
  });
});

describe('rebalanceOnce: MARKET buys', () => {
  it('regression: a MARKET buy is sent by quoteOrderQty, so a moved book cannot spend more than planned', async () => {
    const { clock, exchange, ledger } = world();
    exchange.free = { QRL: new Big(100), USDT: new Big(1000) };
    exchange.marketFillPrice = new Big('0.75'); // the book jumps 50% before the order lands
    const report = await rebalanceOnce(
      runInput('job-run-0001'),
      testDeps(exchange, ledger(), clock, { knobs: { orderType: 'market' } }),
    );
    expect(report.status).toBe('completed');
    const [sent] = exchange.sent;
    expect(sent).toMatchObject({ side: 'BUY', type: 'MARKET' });
    expect(sent?.quantity).toBeUndefined();
    const planned = new Big(report.orders[0]?.executedQuote ?? '0');
    expect(sent?.quoteQuantity?.gt(0)).toBe(true);
    // spent no more than the quote amount sent, whatever the price did
    expect(planned.lte(sent?.quoteQuantity ?? 0)).toBe(true);
    expect(exchange.free.USDT?.gte(new Big(1000).minus(sent?.quoteQuantity ?? 0))).toBe(true);
  });
});

describe('rebalanceOnce: dry runs and guards', () => {
  it('regression: a dry run (or LIVE_TRADING=false) never cancels a resting order older than orderTtl', async () => {
    const { clock, exchange, ledger } = world();
    const knobs = { orderType: 'maker' };
    const live = await rebalanceOnce(runInput('job-run-0001'), testDeps(exchange, ledger(), clock, { knobs }));
    expect(live.orders.map((o) => o.status)).toEqual(['open']);
    clock.advance(60 * 60_000); // far past orderTtl
    const dry = await rebalanceOnce(
      runInput('job-run-0002'),
      testDeps(exchange, ledger(), clock, { knobs, owner: 'o2', liveTrading: false }),
    );
    expect(dry.status).not.toBe('failed');
    expect(exchange.openCount()).toBe(1);
    // a live run does cancel it
    await rebalanceOnce(runInput('job-run-0003'), testDeps(exchange, ledger(), clock, { knobs, owner: 'o3' }));
    expect([...exchange.orders.values()][0]?.status).toBe('CANCELED');
  });
});

describe('rebalanceOnce: the price-move reference', () => {
  it('regression: a move that holds becomes the new reference; until then each blocked run says what unblocks it', async () => {
    const { clock, exchange, ledger } = world();
    const knobs = { maxPriceMoveBps: 500 };
    exchange.free = { QRL: new Big(1000), USDT: new Big(500) }; // balanced at 0.5: a hold that records 0.5
    const first = await rebalanceOnce(runInput('job-run-0001'), testDeps(exchange, ledger(), clock, { knobs }));
    expect(first.status).toBe('skipped');
    const reference = (await ledger().readAccount('acct-test')).priceReference.QRLUSDT?.price;
    expect(reference).toBe('0.5005');
    exchange.bid = new Big('0.8');
    exchange.ask = new Big('0.8001');
    const blocked: string[] = [];
    for (const n of [2, 3]) {
      clock.advance(15 * 60_000);
      const moved = await rebalanceOnce(
        runInput(`job-run-000${n}`),
        testDeps(exchange, ledger(), clock, { knobs, owner: `o${n}` }),
      );
      expect(moved).toMatchObject({ status: 'skipped', reason: 'guard:priceMove' });
      blocked.push(moved.message);
      // the reference stays where it was while the move is counted
      expect((await ledger().readAccount('acct-test')).priceReference.QRLUSDT).toMatchObject({
        price: reference,
        move: { price: '0.80005', runs: n - 1 },
      });
    }
    expect(blocked[0]).toContain(
      'becomes the new reference if it stays within 500 bps of 0.80005 for 2 more blocked run(s)',
    );
    expect(blocked[1]).toContain('1 more blocked run(s)');
    expect(exchange.sent).toHaveLength(0);
    // the third run at the new level, 30 minutes after the first: the move held, the price is the reference
    clock.advance(15 * 60_000);
    const adopted = await rebalanceOnce(
      runInput('job-run-0004'),
      testDeps(exchange, ledger(), clock, { knobs, owner: 'o4' }),
    );
    expect(adopted.status).toBe('completed');
    expect(exchange.sent).toHaveLength(1);
    expect((await ledger().readAccount('acct-test')).priceReference.QRLUSDT).toMatchObject({
      price: '0.80005',
      move: null,
    });
  });
});

describe('rebalanceOnce: the absent rule', () => {
  it('regression: an acknowledged order (orderId, status open) is never declared absent when a lookup misses it', async () => {
    const { clock, exchange, ledger } = world();
    const knobs = { orderType: 'maker' as const };
    const a = await rebalanceOnce(runInput('job-A-0001'), testDeps(exchange, ledger(), clock, { knobs }));
    expect(a.orders.map((o) => o.status)).toEqual(['open']);
    clock.advance(20 * 60_000); // past orderTtl and the cool-down
    exchange.hideOrders = true; // one lookup glitch: "order does not exist"
    const r = await rebalanceOnce(
      runInput('job-R-0002'),
      testDeps(exchange, ledger(), clock, { knobs, owner: 'inst-R' }),
    );
    exchange.hideOrders = false;
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('run.unsettled_orders');
    expect(r.orders).toEqual([]);
    const [intentA] = await ledger().listIntents('job-A-0001');
    expect(intentA?.status).toBe('open');
    expect(intentA?.orderId).not.toBeNull();
    expect(exchange.sent).toHaveLength(1);
    expect(exchange.openCount()).toBe(1);
  });
});

describe('rebalanceOnce: stale answers', () => {
  it('regression: a stalled attempt cannot write its stale answer over newer exchange truth, so a fill is counted once', async () => {
    const { clock, exchange, ledger } = world();
    const knobs = { orderType: 'maker' as const };
    const stall = frozen();
    const inner = ledger();
    const stalling: Ledger = Object.assign(Object.create(inner) as Ledger, {
      finishRun: async (input: Parameters<Ledger['finishRun']>[0]) => {
        if (input.intents?.some((i) => i.orderId && i.status === 'open')) {
          stall.arrive();
          await stall.wait;
        }
        return inner.finishRun(input);
      },
    });
    const a = rebalanceOnce(runInput('job-A-0001'), testDeps(exchange, stalling, clock, { knobs }));
    await stall.reached; // A's order rests on the book; A stalls before recording the answer
    clock.advance(6 * 60_000);
    exchange.fillResting();
    await rebalanceOnce(runInput('job-R-0002'), testDeps(exchange, ledger(), clock, { knobs, owner: 'inst-R' }));
    const counted = (await ledger().readAccount('acct-test')).turnover?.notional;
    stall.release();
    await a;
    const [intentA] = await ledger().listIntents('job-A-0001');
    expect(intentA?.status).toBe('filled');
    expect((await ledger().readAccount('acct-test')).openIntents).toEqual({});
    clock.advance(20 * 60_000);
    await rebalanceOnce(runInput('job-R-0003'), testDeps(exchange, ledger(), clock, { knobs, owner: 'inst-R2' }));
    const traded = [...exchange.orders.values()].reduce((s, o) => s.plus(o.executedQuote), new Big(0));
    expect((await ledger().readAccount('acct-test')).turnover?.notional).toBe(counted);
    expect(counted).toBe(traded.toFixed());
  });
});

describe('rebalanceOnce: an attempt that lost its lease', () => {
  it('regression: an abandoned run that resumes releases the lock it took and answers what the ledger holds', async () => {
    const { clock, exchange, ledger } = world();
    const stall = frozen();
    const inner = ledger();
    // attempt A's process stalls right after its claim (run, lock and intent in one commit), past its lease
    const stalled: Ledger = Object.create(inner);
    stalled.startRun = async (input) => {
      const started = await inner.startRun(input);
      stall.arrive();
      await stall.wait;
      return started;
    };
    const a = rebalanceOnce(runInput('job-A-0001'), testDeps(exchange, stalled, clock, { owner: 'inst-A' }));
    await stall.reached;
    clock.advance(6 * 60_000);
    // the next trigger closes A as abandoned and trades
    const r = await rebalanceOnce(runInput('job-R-0002'), testDeps(exchange, ledger(), clock, { owner: 'inst-R' }));
    expect(r.status).toBe('completed');
    expect((await ledger().readRun('job-A-0001'))?.reason).toBe('run.abandoned');
    clock.advance(60 * 60_000);
    stall.release();
    const resumed = await a;
    // A's finish was refused (lease lost): its answer is the ledger's, and it holds nothing
    expect(resumed).toMatchObject({ status: 'failed', reason: 'run.abandoned', duplicate: true });
    expect((await ledger().readAccount('acct-test')).lock).toBeNull();
    expect(exchange.sent).toHaveLength(1);
    clock.advance(60_000);
    const next = await rebalanceOnce(runInput('job-R-0003'), testDeps(exchange, ledger(), clock, { owner: 'inst-R3' }));
    expect(next.reason).not.toBe('locked');
  });
});

describe('rebalanceOnce: the account is the unit of safety', () => {
  it('two deployments with different profiles on one MEXC account never trade at once: the second is skipped locked', async () => {
    const { clock, exchange, ledger } = world();
    const stall = frozen();
    exchange.beforeSend = async () => {
      stall.arrive();
      await stall.wait;
    };
    // alpha's claim has landed (lock + intent); its order is on its way
    const alpha = rebalanceOnce(
      runInput('job-alpha-0001', 'alpha'),
      testDeps(exchange, ledger(), clock, { profileId: 'alpha', owner: 'inst-alpha' }),
    );
    await stall.reached;
    exchange.beforeSend = null;
    const beta = await rebalanceOnce(
      runInput('job-beta-0001', 'beta'),
      testDeps(exchange, ledger(), clock, { profileId: 'beta', owner: 'inst-beta' }),
    );
    expect(beta).toMatchObject({ status: 'skipped', reason: 'locked' });
    expect(beta.message).toContain('job-alpha-0001');
    stall.release();
    expect((await alpha).status).toBe('completed');
    expect(exchange.sent).toHaveLength(1);
    const account = await ledger().readAccount('acct-test');
    expect(account.lock).toBeNull();
    expect(Object.keys(account.profiles).sort()).toEqual(['alpha', 'beta']);
  });

  it('regression: a 50/50 and a 30/70 profile on one account share one daily turnover cap and one cool-down', async () => {
    const { clock, exchange, ledger } = world();
    exchange.free = { QRL: new Big(2000), USDT: new Big(1000) };
    const capped = { maxDailyTurnover: '600', cooldown: '30m' };
    for (let hour = 0; hour < 8; hour += 1) {
      const [id, knobs] =
        hour % 2 === 0
          ? ['fifty', { ...capped, targets: { QRL: '0.5', USDT: '0.5' } }]
          : ['thirty', { ...capped, targets: { QRL: '0.3', USDT: '0.7' } }];
      await rebalanceOnce(
        runInput(`job-${id}-${hour}`, id as string),
        testDeps(exchange, ledger(), clock, {
          profileId: id as string,
          knobs: knobs as Record<string, unknown>,
          owner: `o${hour}`,
        }),
      );
      clock.advance(60 * 60_000);
    }
    const traded = [...exchange.orders.values()].reduce((sum, o) => sum.plus(o.executedQuote), new Big(0));
    expect(traded.gt(0)).toBe(true);
    expect(traded.lte(600)).toBe(true);
    expect((await ledger().readAccount('acct-test')).turnover?.notional).toBe(traded.toFixed());
  });

  it('a live one-order run on a known account costs three ledger round trips, two before the order leaves', async () => {
    const { clock, exchange, ledger } = world();
    const seed = ledger();
    await rebalanceOnce(runInput('job-seed-0001', 'default', true), testDeps(exchange, seed, clock, { owner: 'o0' }));
    const view = ledger();
    let callsAtSend = -1;
    exchange.beforeSend = async () => {
      callsAtSend = view.calls();
    };
    const deps = testDeps(exchange, view, clock, { owner: 'o1' });
    const report = await rebalanceOnce(runInput('job-run-0001'), deps);
    expect(report.status).toBe('completed');
    expect(report.orders).toHaveLength(1);
    expect(callsAtSend).toBe(2);
    expect(view.calls()).toBe(3);
    expect(report.metrics?.firestoreCalls).toBe(3);
    expect((await ledger().readRun('job-run-0001'))?.document.metrics).toMatchObject({ firestoreCalls: 3 });
  });

  it('regression: fees that could not be read after a fill are read by the next run, so the ledger matches the trades', async () => {
    // found by the explorer: a 418 on GET myTrades after a fill left the intent `filled` with no
    // fees for good, and the ledger's fees fell short of the exchange's trades
    const { clock, exchange, ledger } = world();
    exchange.feeRate = new Big('0.001');
    exchange.tradesError = new Error('418 IP banned');
    const first = await rebalanceOnce(runInput('job-fees-0001'), testDeps(exchange, ledger(), clock));
    expect(first.status).toBe('completed');
    const [traded] = await ledger().listIntents('job-fees-0001');
    expect(traded).toMatchObject({ status: 'filled', fees: {}, feesUnread: true });
    expect(Object.keys((await ledger().readAccount('acct-test')).openIntents)).toEqual([traded?.clientOrderId]);

    exchange.tradesError = null;
    clock.advance(60 * 60_000);
    await rebalanceOnce(runInput('job-fees-0002'), testDeps(exchange, ledger(), clock, { owner: 'o2' }));
    const [settled] = await ledger().listIntents('job-fees-0001');
    const paid = new Big(traded?.executedQuote ?? '0').times('0.001');
    expect(settled).toMatchObject({ status: 'filled', feesUnread: false, settledBy: 'job-fees-0002' });
    expect(new Big(settled?.fees.USDT ?? '0').eq(paid)).toBe(true);
    expect((await ledger().readAccount('acct-test')).openIntents).toEqual({});
    expect(exchange.sent).toHaveLength(1);
  });
});
