import Big from 'big.js';
import { httpStatus } from '../http/status';
import { createMemoryLedger, MemoryStore } from '../ledger/memory';
import { rebalanceOnce } from './rebalance-once';
import { FakeExchange } from './testing/fake-exchange';
import { ManualClock, runInput, testDeps } from './testing/run-deps';

/**
 * Issue #15, item 1: an empty book side (MEXC sends `""` for its quantity; docs, 24hr ticker
 * example) is a market state, not a failure. The run is `skipped` with `guard:emptyBook` naming
 * the side, answers 2xx, and sends nothing.
 */

const START = Date.parse('2026-03-10T12:00:00Z');

function world() {
  const clock = new ManualClock(START);
  const exchange = new FakeExchange(clock);
  const ledger = createMemoryLedger({ retentionDays: 30, clock, store: new MemoryStore() });
  return { clock, exchange, ledger };
}

describe('rebalanceOnce with an empty book side', () => {
  it('no ask: skipped guard:emptyBook, the side named, HTTP 200, no order', async () => {
    const { clock, exchange, ledger } = world();
    exchange.free = { QRL: new Big(100), USDT: new Big(900) }; // wants to buy
    exchange.emptySides = ['ask'];
    const report = await rebalanceOnce(runInput('job-empty-ask'), testDeps(exchange, ledger, clock));
    expect(report).toMatchObject({ status: 'skipped', reason: 'guard:emptyBook' });
    expect(report.message).toContain("no ask on QRLUSDT: the book's sell side is empty");
    expect(httpStatus({ report })).toBe(200);
    expect(exchange.sent).toHaveLength(0);
  });

  it('no bid: skipped naming the buy side', async () => {
    const { clock, exchange, ledger } = world();
    exchange.free = { QRL: new Big(2000), USDT: new Big(10) }; // wants to sell
    exchange.emptySides = ['bid'];
    const report = await rebalanceOnce(runInput('job-empty-bid'), testDeps(exchange, ledger, clock));
    expect(report).toMatchObject({ status: 'skipped', reason: 'guard:emptyBook' });
    expect(report.message).toContain("no bid on QRLUSDT: the book's buy side is empty");
    expect(httpStatus({ report })).toBe(200);
  });
});
