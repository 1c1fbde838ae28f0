import { InsufficientBalanceError, UnknownOutcomeError } from '../exchange/mexc/errors';
import { createMemoryLedger, MemoryStore } from '../ledger/memory';
import { LedgerUnavailableError } from '../ports/ledger';
import { rebalanceOnce } from './rebalance-once';
import { VISIBILITY_MARGIN_MS } from './send-window';
import { FakeExchange } from './testing/fake-exchange';
import { ManualClock, runInput, testDeps } from './testing/run-deps';

/** executeOrders through rebalanceOnce, over the memory ledger and the in-memory fake exchange. */

const START = Date.parse('2026-03-10T12:00:00Z');

function world() {
  const clock = new ManualClock(START);
  const store = new MemoryStore();
  const exchange = new FakeExchange(clock);
  const ledger = () => createMemoryLedger({ retentionDays: 30, clock, store });
  return { clock, store, exchange, ledger };
}

describe('executeOrders: what an order that left becomes', () => {
  it('regression: ledger blip after an accepted order leaves the intent unknown, never rejected', async () => {
    const { clock, exchange, ledger } = world();
    let blipped = false;
    // one transient Firestore failure on the write that records the accepted order (the finish's
    // conditional commit, and then its fallback that records the intent on its own)
    const inner = ledger();
    const flaky: typeof inner = Object.create(inner);
    flaky.finishRun = (input) => {
      if (blipped || !input.intents?.some((i) => i.orderId !== undefined)) return inner.finishRun(input);
      blipped = true;
      return Promise.reject(new LedgerUnavailableError('finish the run', new Error('4 DEADLINE_EXCEEDED')));
    };
    await expect(
      rebalanceOnce(runInput('job-run-0001'), testDeps(exchange, flaky, clock, { knobs: { orderType: 'maker' } })),
    ).rejects.toMatchObject({ code: 'ledger.unavailable', retryable: true });
    expect(blipped).toBe(true);
    expect(exchange.openCount()).toBe(1);
    const [intent] = await ledger().listIntents('job-run-0001');
    expect(intent?.status).not.toBe('rejected');
    expect(intent?.status).toBe('submitted');
    expect(await ledger().listUnsettledIntents('acct-test')).toHaveLength(1);

    // the next trigger finds the resting order instead of planning the same drift again
    clock.advance(5 * 60_000 + 1);
    const second = await rebalanceOnce(
      runInput('job-run-0002'),
      testDeps(exchange, ledger(), clock, { knobs: { orderType: 'maker' }, owner: 'instance-2' }),
    );
    expect(second).toMatchObject({ status: 'skipped', reason: 'open_orders' });
    expect(exchange.sent).toHaveLength(1);
    expect(exchange.openCount()).toBe(1);
    const [settled] = await ledger().listIntents('job-run-0001');
    expect(settled).toMatchObject({ status: 'open', orderId: 'C02__1' });
  });

  it('a definite refusal from the exchange still ends the intent rejected', async () => {
    const { clock, exchange, ledger } = world();
    exchange.beforeSend = async () => {
      throw new InsufficientBalanceError({ endpoint: 'POST /api/v3/order', mexcCode: 30004 });
    };
    const report = await rebalanceOnce(runInput('job-run-0101'), testDeps(exchange, ledger(), clock));
    expect(report).toMatchObject({ status: 'failed', reason: 'exchange.insufficient_balance' });
    expect(report.orders.map((o) => o.status)).toEqual(['rejected']);
    expect(await ledger().listUnsettledIntents('acct-test')).toEqual([]);
  });
});

describe('executeOrders: an unanswered send', () => {
  it('regression: not found right after an ambiguous send stays unknown and fails the run; the next run finds the order', async () => {
    const { clock, exchange, ledger } = world();
    // the order is accepted but the answer is lost, and it is not yet visible to the query
    exchange.afterAccept = (order) => {
      exchange.afterAccept = null;
      throw new UnknownOutcomeError({
        endpoint: 'POST /api/v3/order',
        symbol: order.symbol,
        clientOrderId: order.clientOrderId,
        mexcMessage: 'timeout',
      });
    };
    exchange.hideOrders = true;
    const knobs = { orderType: 'maker' };
    const first = await rebalanceOnce(runInput('job-run-0001'), testDeps(exchange, ledger(), clock, { knobs }));
    expect(first).toMatchObject({ status: 'failed', reason: 'run.unsettled_orders' });
    expect(first.error?.retryable).toBe(true);
    expect(first.orders.map((o) => o.status)).toEqual(['unknown']);

    exchange.hideOrders = false; // a moment later the order shows up, resting
    clock.advance(5 * 60_000);
    const second = await rebalanceOnce(
      runInput('job-run-0002'),
      testDeps(exchange, ledger(), clock, { knobs, owner: 'instance-2' }),
    );
    expect(second).toMatchObject({ status: 'skipped', reason: 'open_orders' });
    expect(exchange.sent).toHaveLength(1);
    expect((await ledger().listIntents('job-run-0001'))[0]).toMatchObject({ status: 'open', orderId: 'C02__1' });

    // it fills; the next run settles it, and the failed run's own document says how it ended
    exchange.fillResting();
    clock.advance(5 * 60_000);
    await rebalanceOnce(runInput('job-run-0003'), testDeps(exchange, ledger(), clock, { knobs, owner: 'instance-3' }));
    const [intent] = await ledger().listIntents('job-run-0001');
    expect(intent).toMatchObject({ status: 'filled', settledBy: 'job-run-0003' });
    const failed = await ledger().readRun('job-run-0001');
    expect(failed?.document.settledLater).toMatchObject({
      [intent?.clientOrderId ?? '?']: {
        status: 'filled',
        settledBy: 'job-run-0003',
        executedQuote: intent?.executedQuote,
      },
    });
    // and a repeated call of the failed run answers the order as it ended, not `unknown`
    const again = await rebalanceOnce(runInput('job-run-0001'), testDeps(exchange, ledger(), clock, { knobs }));
    expect(again).toMatchObject({ duplicate: true, status: 'failed' });
    expect(again.orders.map((o) => o.status)).toEqual(['filled']);
  });

  it('regression: an unseen sent order is declared absent only after sendBy + recvWindow + margin', async () => {
    const { clock, exchange, ledger } = world();
    // the connection drops before the order got there: it never will
    exchange.beforeSend = async (order) => {
      exchange.beforeSend = null;
      throw new UnknownOutcomeError({
        endpoint: 'POST /api/v3/order',
        symbol: order.symbol,
        clientOrderId: order.clientOrderId,
        mexcMessage: 'timeout',
      });
    };
    const first = await rebalanceOnce(runInput('job-run-0001'), testDeps(exchange, ledger(), clock));
    expect(first.orders.map((o) => o.status)).toEqual(['unknown']);
    const [intent] = await ledger().listIntents('job-run-0001');
    const sendBy = intent?.sendBy?.getTime() ?? Number.NaN;
    expect(sendBy).toBeGreaterThan(START);

    // still inside sendBy + recvWindow + margin: not final, nothing is planned
    clock.ms = sendBy + exchange.recvWindowMs + VISIBILITY_MARGIN_MS - 1_000;
    const early = await rebalanceOnce(runInput('job-run-0002'), testDeps(exchange, ledger(), clock, { owner: 'o2' }));
    expect(early).toMatchObject({ status: 'failed', reason: 'run.unsettled_orders' });
    expect((await ledger().listIntents('job-run-0001'))[0]?.status).toBe('unknown');

    clock.ms = sendBy + exchange.recvWindowMs + VISIBILITY_MARGIN_MS + 1;
    const late = await rebalanceOnce(runInput('job-run-0003'), testDeps(exchange, ledger(), clock, { owner: 'o3' }));
    expect((await ledger().listIntents('job-run-0001'))[0]?.status).toBe('absent');
    expect(late.status).toBe('completed');
    expect(exchange.sent).toHaveLength(1);
  });

  it('regression: a sent order the exchange shows late is not declared absent 16 s after it was sent (margin in minutes)', async () => {
    const { clock, exchange, ledger } = world();
    // the exchange takes the order, the answer is lost, and queries do not show it yet (engine backlog)
    exchange.afterAccept = () => {
      exchange.afterAccept = null;
      exchange.hideOrders = true;
      throw new Error('socket hang up');
    };
    const a = await rebalanceOnce(runInput('job-A-0001'), testDeps(exchange, ledger(), clock));
    expect(a).toMatchObject({ status: 'failed', reason: 'run.unsettled_orders' });
    clock.advance(16_000);
    const r = await rebalanceOnce(runInput('job-R-0002'), testDeps(exchange, ledger(), clock, { owner: 'inst-R' }));
    expect(r).toMatchObject({ status: 'failed', reason: 'run.unsettled_orders' });
    expect(r.orders).toEqual([]);
    expect((await ledger().listIntents('job-A-0001'))[0]?.status).toBe('unknown');
    expect(exchange.sent).toHaveLength(1);
  });

  it('regression: past the margin a sent order still found among the open orders is not declared absent', async () => {
    const { clock, exchange, ledger } = world();
    exchange.afterAccept = () => {
      exchange.afterAccept = null;
      exchange.hideOrders = true; // the lookup by client order id keeps missing it
      throw new Error('socket hang up');
    };
    const knobs = { orderType: 'maker' as const };
    await rebalanceOnce(runInput('job-A-0001'), testDeps(exchange, ledger(), clock, { knobs }));
    const [sent] = await ledger().listIntents('job-A-0001');
    clock.ms = (sent?.sendBy?.getTime() ?? 0) + exchange.recvWindowMs + VISIBILITY_MARGIN_MS + 1;
    const r = await rebalanceOnce(
      runInput('job-R-0002'),
      testDeps(exchange, ledger(), clock, { knobs, owner: 'inst-R' }),
    );
    const [intentA] = await ledger().listIntents('job-A-0001');
    expect(intentA?.status).toBe('open');
    expect(intentA?.orderId).not.toBeNull();
    expect(r.orders).toEqual([]);
    expect(exchange.sent).toHaveLength(1);
  });

  it('regression: the recvWindow is frozen on the intent at submit, so a smaller configured one later cannot shorten the wait', async () => {
    const { clock, exchange, ledger } = world();
    exchange.recvWindowMs = 60_000;
    exchange.beforeSend = async (order) => {
      exchange.beforeSend = null;
      throw new UnknownOutcomeError({
        endpoint: 'POST /api/v3/order',
        symbol: order.symbol,
        clientOrderId: order.clientOrderId,
        mexcMessage: 'timeout',
      });
    };
    await rebalanceOnce(runInput('job-A-0001'), testDeps(exchange, ledger(), clock));
    const [sent] = await ledger().listIntents('job-A-0001');
    expect(sent?.recvWindowMs).toBe(60_000);
    exchange.recvWindowMs = 5_000; // config changed before the next run
    clock.ms = (sent?.sendBy?.getTime() ?? 0) + 5_000 + VISIBILITY_MARGIN_MS + 1;
    const r = await rebalanceOnce(runInput('job-R-0002'), testDeps(exchange, ledger(), clock, { owner: 'inst-R' }));
    expect(r).toMatchObject({ status: 'failed', reason: 'run.unsettled_orders' });
    expect((await ledger().listIntents('job-A-0001'))[0]?.status).toBe('unknown');
  });
});
