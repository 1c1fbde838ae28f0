import Big from 'big.js';
import { OrderUnconfirmedError } from '../exchange/mexc';
import { createMemoryLedger, MemoryStore } from '../ledger/memory';
import { rebalanceOnce } from './rebalance-once';
import { FakeExchange } from './testing/fake-exchange';
import { ManualClock, runInput, testDeps } from './testing/run-deps';

/**
 * Issue #15, item 3: MEXC accepted the order but does not show it yet (-2013 right after a create,
 * ccxt#21614). The adapter throws OrderUnconfirmedError instead of assuming NEW with no fills; the
 * use case keeps the intent `unknown` (not `rejected`, not `open` with nothing filled) and a later
 * run settles it from what MEXC then reports.
 */
describe('an accepted order the exchange does not show yet', () => {
  it('the intent stays unknown, then the next run records the real fill', async () => {
    const clock = new ManualClock(Date.parse('2026-03-10T12:00:00Z'));
    const store = new MemoryStore();
    const ledger = () => createMemoryLedger({ retentionDays: 30, clock, store });
    const exchange = new FakeExchange(clock);
    exchange.free = { QRL: new Big(2000), USDT: new Big(10) };
    exchange.afterAccept = (order) => {
      exchange.afterAccept = null;
      exchange.hideOrders = true;
      throw new OrderUnconfirmedError({
        endpoint: 'GET /api/v3/order',
        symbol: order.symbol,
        clientOrderId: order.clientOrderId,
        orderId: 'C02__1',
      });
    };
    const first = await rebalanceOnce(runInput('job-lag-0001'), testDeps(exchange, ledger(), clock));
    expect(first.status).toBe('failed');
    const [intent] = await ledger().listIntents('job-lag-0001');
    expect(intent).toMatchObject({ status: 'unknown', error: { code: 'exchange.order_unconfirmed' } });

    exchange.hideOrders = false; // visible a moment later: the IOC had filled
    clock.advance(15 * 60_000);
    await rebalanceOnce(runInput('job-lag-0002'), testDeps(exchange, ledger(), clock, { owner: 'o2' }));
    const [settled] = await ledger().listIntents('job-lag-0001');
    expect(settled?.status).toBe('filled');
    expect(exchange.sent).toHaveLength(1);
  });
});
