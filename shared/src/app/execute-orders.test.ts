import { InsufficientBalanceError } from '../exchange/mexc/errors';
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
