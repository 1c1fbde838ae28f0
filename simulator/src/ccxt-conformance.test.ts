import Big from 'big.js';
import type { Balances, Dictionary, Market, Order, OrderBook, Ticker, Trade } from 'ccxt';
import { type RunningSimulator, startSimulator } from './index';
import { adminRequest } from './testing/admin-client';
import { type CcxtMexc, startCcxtMexc } from './testing/ccxt-client';

/**
 * An independent, widely used MEXC client drives the simulator: if ccxt's mexc class works against
 * it unchanged (only its base URLs moved), the paths, signing, field names and error bodies agree.
 * ccxt runs in a child process (testing/ccxt-bridge.ts) because jest cannot load its ESM dependencies.
 */
let sim: RunningSimulator;
let exchange: CcxtMexc;

interface SimTrade {
  orderId: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  side: 'BUY' | 'SELL';
}

async function balances(): Promise<Record<string, { free: string; locked: string }>> {
  return (await adminRequest(sim.url, 'GET', '/__sim/balances')).body.balances as Record<
    string,
    { free: string; locked: string }
  >;
}

beforeAll(async () => {
  sim = await startSimulator({
    seed: 7,
    apiKey: 'mx0ccxtconformance',
    apiSecret: 'ccxt-conformance-secret',
    // ccxt's own mexc throttle (rateLimit 50 ms, order cost 1) allows 20 orders/s, over MEXC's real
    // 12 (rate-limits.ts); this suite is about shapes and codes, not about ccxt's throttle
    config: { rateLimits: false },
  });
  exchange = startCcxtMexc(sim.url, sim.apiKey, sim.apiSecret);
});
afterAll(async () => {
  await exchange.close();
  await sim.stop();
});

describe('ccxt mexc against the simulator', () => {
  it('loadMarkets reads QRL/USDT with MEXC precision and limits', async () => {
    const markets = await exchange.call<Dictionary<Market>>('loadMarkets');
    const market = markets['QRL/USDT'];
    expect(market).toBeDefined();
    expect(market?.id).toBe('QRLUSDT');
    expect(market?.active).toBe(true);
    expect(market?.precision).toEqual({ amount: 0.01, price: 0.0001 });
    expect(market?.limits.cost?.min).toBe(1);
    expect(market?.limits.amount?.min).toBe(0.01);
    expect(market?.taker).toBe(0.0005);
    expect(market?.maker).toBe(0);
  });

  it('fetchBalance, fetchTicker and fetchOrderBook', async () => {
    const balance = await exchange.call<Balances>('fetchBalance');
    expect(balance.QRL).toMatchObject({ free: 1000, used: 0, total: 1000 });
    expect(balance.USDT).toMatchObject({ free: 500, used: 0, total: 500 });

    const ticker = await exchange.call<Ticker>('fetchTicker', 'QRL/USDT');
    expect(ticker.symbol).toBe('QRL/USDT');
    expect(ticker.bid).toBeLessThan(ticker.ask ?? 0);
    expect(ticker.last).toBeCloseTo(0.5, 2);

    const book = await exchange.call<OrderBook>('fetchOrderBook', 'QRL/USDT', 5);
    expect(book.bids).toHaveLength(5);
    expect(book.asks).toHaveLength(5);
    const bestBid = book.bids[0]?.[0] ?? 0;
    const bestAsk = book.asks[0]?.[0] ?? 0;
    expect(bestBid).toBeLessThan(bestAsk);
    expect(book.bids[1]?.[0]).toBeLessThan(bestBid);
    expect(book.asks[1]?.[0]).toBeGreaterThan(bestAsk);
  });

  it('a resting limit order: create, fetchOrder, fetchOpenOrders, cancelOrder, funds locked then freed', async () => {
    const book = await exchange.call<OrderBook>('fetchOrderBook', 'QRL/USDT', 1);
    const price = new Big(book.bids[0]?.[0] ?? 0).minus('0.01').toFixed(4);
    const order = await exchange.call<Order>('createOrder', 'QRL/USDT', 'limit', 'buy', 20, Number(price), {
      clientOrderId: 'ccxt-rest-1',
    });
    expect(typeof order.id).toBe('string');
    expect(order.id).toMatch(/^C02__\d+$/);

    const fetched = await exchange.call<Order>('fetchOrder', order.id, 'QRL/USDT');
    expect(fetched).toMatchObject({
      id: order.id,
      clientOrderId: 'ccxt-rest-1',
      status: 'open',
      type: 'limit',
      side: 'buy',
    });
    expect(fetched.amount).toBe(20);
    expect(fetched.price).toBe(Number(price));

    const locked = new Big(price).times(20);
    expect((await balances()).USDT).toEqual({ free: new Big(500).minus(locked).toFixed(), locked: locked.toFixed() });

    const open = await exchange.call<Order[]>('fetchOpenOrders', 'QRL/USDT');
    expect(open.map((o) => o.id)).toEqual([order.id]);

    const cancelled = await exchange.call<Order>('cancelOrder', order.id, 'QRL/USDT');
    expect(cancelled.id).toBe(order.id);
    expect((await exchange.call<Order>('fetchOrder', order.id, 'QRL/USDT')).status).toBe('canceled');
    expect(await exchange.call<Order[]>('fetchOpenOrders', 'QRL/USDT')).toEqual([]);
    expect((await balances()).USDT).toEqual({ free: '500', locked: '0' });
  });

  it('a crossing limit buy and a market sell fill; balances move by fills and fees; fetchMyTrades agrees', async () => {
    const before = await balances();
    const book = await exchange.call<OrderBook>('fetchOrderBook', 'QRL/USDT', 1);
    const askPlus = new Big(book.asks[0]?.[0] ?? 0).plus('0.002').toFixed(4);
    const buy = await exchange.call<Order>('createOrder', 'QRL/USDT', 'limit', 'buy', 30, Number(askPlus));
    const sell = await exchange.call<Order>('createOrder', 'QRL/USDT', 'market', 'sell', 12.5);

    const buyState = await exchange.call<Order>('fetchOrder', buy.id, 'QRL/USDT');
    expect(buyState.status).toBe('closed');
    expect(buyState.filled).toBe(30);
    const sellState = await exchange.call<Order>('fetchOrder', sell.id, 'QRL/USDT');
    expect(sellState).toMatchObject({ status: 'closed', filled: 12.5, type: 'market' });

    const trades = await exchange.call<Trade[]>('fetchMyTrades', 'QRL/USDT');
    const simTrades = (await adminRequest(sim.url, 'GET', '/__sim/trades')).body.trades as SimTrade[];
    expect(trades).toHaveLength(simTrades.length);
    const ours = simTrades.filter((t) => t.orderId === buy.id || t.orderId === sell.id);
    expect(ours.length).toBeGreaterThanOrEqual(2);
    for (const trade of trades) expect(trade.fee?.currency).toBe(trade.side === 'buy' ? 'QRL' : 'USDT');

    // Expected balances from the fills themselves: buyer pays quote, gets base minus fee (in base);
    // seller pays base, gets quote minus fee (in quote).
    let qrl = new Big(before.QRL?.free ?? 0);
    let usdt = new Big(before.USDT?.free ?? 0);
    for (const t of ours) {
      const fee = new Big(t.commission);
      if (t.side === 'BUY') {
        qrl = qrl.plus(t.qty).minus(fee);
        usdt = usdt.minus(t.quoteQty);
        expect(fee.eq(new Big(t.qty).times('0.0005'))).toBe(true);
      } else {
        qrl = qrl.minus(t.qty);
        usdt = usdt.plus(t.quoteQty).minus(fee);
        expect(fee.eq(new Big(t.quoteQty).times('0.0005'))).toBe(true);
      }
    }
    const after = await balances();
    expect(after.QRL).toEqual({ free: qrl.toFixed(), locked: '0' });
    expect(after.USDT).toEqual({ free: usdt.toFixed(), locked: '0' });
    const ccxtBalance = await exchange.call<Balances>('fetchBalance');
    expect(ccxtBalance.QRL?.total).toBeCloseTo(Number(qrl.toFixed()), 8);
  });

  it('a market buy by cost (quoteOrderQty) spends at most that much', async () => {
    const before = await balances();
    const order = await exchange.call<Order>('createOrder', 'QRL/USDT', 'market', 'buy', 0, null, { cost: 10 });
    const state = await exchange.call<Order>('fetchOrder', order.id, 'QRL/USDT');
    expect(state.status).toBe('closed');
    expect(state.cost).toBeLessThanOrEqual(10);
    expect(state.cost).toBeGreaterThan(9.99);
    const spent = new Big(before.USDT?.free ?? 0).minus((await balances()).USDT?.free ?? 0);
    expect(spent.toNumber()).toBeCloseTo(state.cost ?? 0, 8);
  });

  it('maps simulator errors to the ccxt error classes MEXC codes map to', async () => {
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => ({ lineage: ['resolved'] }),
        (error: { ccxt?: { lineage: string[] } }) => error.ccxt ?? { lineage: ['not a ccxt error'] },
      );
    expect(await failure(exchange.call('createOrder', 'QRL/USDT', 'limit', 'buy', 5000, 0.49))).toMatchObject({
      lineage: expect.arrayContaining(['InsufficientFunds']),
    });
    expect(await failure(exchange.call('createOrder', 'QRL/USDT', 'limit', 'buy', 1, 0.49))).toMatchObject({
      lineage: expect.arrayContaining(['InvalidOrder']),
    });
    expect(await failure(exchange.call('cancelOrder', 'C02__404', 'QRL/USDT'))).toMatchObject({
      lineage: expect.arrayContaining(['BadRequest']),
    });
    const wrongSecret = startCcxtMexc(sim.url, sim.apiKey, 'not-the-secret');
    try {
      expect(await failure(wrongSecret.call('fetchBalance'))).toMatchObject({
        lineage: expect.arrayContaining(['AuthenticationError']),
      });
    } finally {
      await wrongSecret.close();
    }
  });
});
