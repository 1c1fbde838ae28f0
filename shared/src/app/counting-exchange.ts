import type { Exchange } from '../ports/exchange';

export interface CountingExchange {
  exchange: Exchange;
  /** port calls made through `exchange` so far */
  calls(): number;
}

/**
 * Counts the port calls of one run, for its metrics when the adapter gives no request counter
 * (RebalanceDeps.exchangeCalls). A port call may be several HTTP requests (retries, time sync).
 */
export function countingExchange(inner: Exchange): CountingExchange {
  let calls = 0;
  const count = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => {
    return (...args: A): Promise<R> => {
      calls += 1;
      return fn(...args);
    };
  };
  const exchange: Exchange = {
    ...(inner.recvWindowMs !== undefined ? { recvWindowMs: inner.recvWindowMs } : {}),
    serverTime: count(() => inner.serverTime()),
    symbolRules: count((symbols) => inner.symbolRules(symbols)),
    apiTradableSymbols: count(() => inner.apiTradableSymbols()),
    balances: count(() => inner.balances()),
    account: count(() => inner.account()),
    bookTop: count((symbol) => inner.bookTop(symbol)),
    depth: count((symbol, limit) => inner.depth(symbol, limit)),
    placeOrder: count((order) => inner.placeOrder(order)),
    cancelOrder: count((ref) => inner.cancelOrder(ref)),
    queryOrder: count((ref) => inner.queryOrder(ref)),
    openOrders: count((symbol) => inner.openOrders(symbol)),
    myTrades: count((symbol, options) => inner.myTrades(symbol, options)),
  };
  return { exchange, calls: () => calls };
}
