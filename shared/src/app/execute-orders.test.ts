import { InsufficientBalanceError, UnknownOutcomeError } from '../exchange/mexc/errors';
import { createMemoryLedger, MemoryStore } from '../ledger/memory';
import { rebalanceOnce } from './rebalance-once';
import { FakeExchange } from './testing/fake-exchange';
import { flakyLedger, ManualClock, runInput, testDeps } from './testing/run-deps';

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
    // one transient Firestore failure on the write that records the accepted order
    const flaky = flakyLedger(ledger(), (input) => {
      if (blipped || input.orderId === undefined) return false;
      blipped = true;
      return true;
    });
    const first = await rebalanceOnce(
      runInput('job-run-0001'),
      testDeps(exchange, flaky, clock, { knobs: { orderType: 'maker' } }),
    );
    expect(blipped).toBe(true);
    expect(exchange.openCount()).toBe(1);
    expect(first).toMatchObject({ status: 'failed', reason: 'run.unsettled_orders' });
    expect(first.error?.retryable).toBe(true);
    expect(first.orders.map((o) => o.status)).toEqual(['submitted']);
    const [intent] = await ledger().listIntents('job-run-0001');
    expect(intent?.status).not.toBe('rejected');
    expect(await ledger().listUnsettledIntents('default')).toHaveLength(1);

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
    expect(await ledger().listUnsettledIntents('default')).toEqual([]);
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
    clock.ms = sendBy + exchange.recvWindowMs + 4_000;
    const early = await rebalanceOnce(runInput('job-run-0002'), testDeps(exchange, ledger(), clock, { owner: 'o2' }));
    expect(early).toMatchObject({ status: 'failed', reason: 'run.unsettled_orders' });
    expect((await ledger().listIntents('job-run-0001'))[0]?.status).toBe('unknown');

    clock.ms = sendBy + exchange.recvWindowMs + 5_001;
    const late = await rebalanceOnce(runInput('job-run-0003'), testDeps(exchange, ledger(), clock, { owner: 'o3' }));
    expect((await ledger().listIntents('job-run-0001'))[0]?.status).toBe('absent');
    expect(late.status).toBe('completed');
    expect(exchange.sent).toHaveLength(1);
  });
});
