import { type RunningSimulator, SimulatorAdmin, startSimulator } from '@qrl-rebalancer/simulator';
import Big from 'big.js';
import { isOrderRefusal } from '../../app/order-outcome';
import { accountTradingRefusal, firstNotApiTradable, withdrawalRisk } from '../../domain/key-permissions';
import { createLogger } from '../../observability/logger';
import type { NewOrder } from '../../ports/exchange';
import { createMexcClient, type MexcClient, type MexcClientOptions } from './client';
import { ExchangeError } from './errors';

/**
 * The client against the project's MEXC simulator over loopback HTTP: every endpoint, every error
 * class the simulator can provoke, and the recovery paths (timeout after accept, clock skew, 429
 * back-off, 418 stop). Secrets are checked on every error and every log line.
 */

const API_KEY = 'mx0-client-test-key-0001';
const API_SECRET = 'client-test-secret-abcdef0123456789';

let sim: RunningSimulator;
let admin: SimulatorAdmin;
const logLines: string[] = [];
const sleeps: number[] = [];

beforeAll(async () => {
  sim = await startSimulator({
    seed: 7,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    config: {
      symbols: [
        { symbol: 'QRLUSDT' },
        { symbol: 'HALTUSDT', price: '2', status: '2' },
        { symbol: 'NOAPIUSDT', price: '3', inDefaultSymbols: false },
      ],
      balances: { QRL: '1000', USDT: '500', HALT: '100', NOAPI: '100' },
    },
  });
  admin = new SimulatorAdmin(sim.url);
});

afterAll(async () => {
  await sim.stop();
});

beforeEach(async () => {
  await admin.reset();
  logLines.length = 0;
  sleeps.length = 0;
});

afterEach(() => {
  for (const line of logLines) expectNoSecretsIn(line);
});

async function requestCount(endpoint: string): Promise<number> {
  return (await admin.requests())[endpoint] ?? 0;
}

function client(options: MexcClientOptions & { apiSecret?: string; recvWindowMs?: number } = {}): MexcClient {
  const { apiSecret, recvWindowMs, ...rest } = options;
  return createMexcClient(
    { baseUrl: sim.url, apiKey: API_KEY, apiSecret: apiSecret ?? API_SECRET, recvWindowMs: recvWindowMs ?? 5000 },
    {
      logger: createLogger('debug', (line) => logLines.push(line)),
      // the decision (how long to wait) is recorded; the test does not spend the time
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      notFoundDelayMs: 0,
      timeoutMs: 3_000,
      ...rest,
    },
  );
}

function expectNoSecretsIn(text: string) {
  expect(text).not.toContain(API_KEY);
  expect(text).not.toContain(API_SECRET);
  expect(text).not.toMatch(/signature=[0-9a-f]/i);
  expect(text).not.toMatch(/[0-9a-f]{64}/);
}

async function failure(promise: Promise<unknown>): Promise<ExchangeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExchangeError);
  const e = error as ExchangeError;
  for (const text of [e.message, String(e), JSON.stringify(e.toJSON()), String(e.cause ?? '')]) expectNoSecretsIn(text);
  return e;
}

let idCounter = 0;
function clientId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${idCounter}`;
}

async function book(c: MexcClient) {
  return c.bookTop('QRLUSDT');
}

describe('endpoints', () => {
  it('serverTime reads /api/v3/time', async () => {
    const c = client();
    const serverTime = await c.serverTime();
    expect(Math.abs(serverTime - Date.now())).toBeLessThan(60_000);
    expect(c.metrics().byEndpoint).toEqual({ 'GET /api/v3/time': 1 });
  });

  it('symbolRules maps exchangeInfo and caches it per instance', async () => {
    const c = client();
    const rules = await c.symbolRules(['QRLUSDT']);
    const qrl = rules.get('QRLUSDT');
    expect(qrl).toBeDefined();
    expect({
      tradable: qrl?.tradable,
      tickSize: qrl?.tickSize.toString(),
      stepSize: qrl?.stepSize.toString(),
      minQuantity: qrl?.minQuantity.toString(),
      minNotional: qrl?.minNotional.toString(),
      maxNotional: qrl?.maxNotional?.toString(),
      maker: qrl?.makerCommission.toString(),
      taker: qrl?.takerCommission.toString(),
      base: qrl?.baseAsset,
      quote: qrl?.quoteAsset,
    }).toEqual({
      tradable: true,
      tickSize: '0.0001',
      stepSize: '0.01',
      minQuantity: '0.01',
      minNotional: '1',
      maxNotional: '2000000',
      maker: '0',
      taker: '0.0005',
      base: 'QRL',
      quote: 'USDT',
    });
    expect(qrl?.orderTypes).toEqual(['LIMIT', 'MARKET', 'LIMIT_MAKER', 'IMMEDIATE_OR_CANCEL', 'FILL_OR_KILL']);
    await c.symbolRules(['QRLUSDT']);
    expect(await requestCount('GET /api/v3/exchangeInfo')).toBe(1);

    const several = await c.symbolRules(['QRLUSDT', 'HALTUSDT', 'NOAPIUSDT']);
    expect(several.get('HALTUSDT')?.tradable).toBe(false);
    expect(several.get('NOAPIUSDT')?.tradable).toBe(true);
    expect(await requestCount('GET /api/v3/exchangeInfo')).toBe(2);
  });

  it("apiTradableSymbols reads this key's selfSymbols (signed), cached; defaultSymbols stays available", async () => {
    const c = client();
    const symbols = await c.apiTradableSymbols();
    expect(symbols.has('QRLUSDT')).toBe(true);
    expect(symbols.has('NOAPIUSDT')).toBe(false);
    await c.apiTradableSymbols();
    expect(await requestCount('GET /api/v3/selfSymbols')).toBe(1);
    expect((await c.defaultSymbols()).has('QRLUSDT')).toBe(true);
  });

  it("a pair in defaultSymbols but not in this key's selfSymbols: the check names it; an order gets 10007", async () => {
    // mexc-api-sdk#112, JKorf/Mexc.Net#13, ccxt#26179: 10007 "symbol not support api" on listed pairs
    await admin.setKey({ selfSymbols: ['HALTUSDT'] });
    const c = client();
    expect((await c.defaultSymbols()).has('QRLUSDT')).toBe(true);
    const tradable = await c.apiTradableSymbols();
    expect(firstNotApiTradable(['QRLUSDT'], tradable)).toBe('QRLUSDT');
    const e = await failure(c.placeOrder(limitOrder()));
    expect(e).toMatchObject({ name: 'BadSymbolError', mexcCode: 10007 });
  });

  it('balances reads the account; a zeroed asset may be absent', async () => {
    const c = client();
    const before = await c.balances();
    expect(before.find((b) => b.asset === 'QRL')?.free.toString()).toBe('1000');
    expect(before.find((b) => b.asset === 'USDT')?.free.toString()).toBe('500');
    await admin.setBalances({ USDT: '0' });
    const after = await c.balances();
    expect(after.find((b) => b.asset === 'USDT')?.free.toString() ?? '0').toBe('0');
  });

  it('account() is the same single request as balances(), with what the answer says about the key', async () => {
    const c = client();
    const account = await c.account();
    expect(account).toMatchObject({ canTrade: true, canWithdraw: false, permissions: ['SPOT'], accountType: 'SPOT' });
    expect(account.balances.find((b) => b.asset === 'QRL')?.free.toString()).toBe('1000');
    expect(accountTradingRefusal(account)).toBeNull();
    expect(await requestCount('GET /api/v3/account')).toBe(1);
  });

  it('a key without spot trading: the account answer says so before any order; the order itself gets 700007', async () => {
    await admin.setKey({ canTrade: false, canWithdraw: true });
    const c = client();
    const account = await c.account();
    expect(accountTradingRefusal(account)).toMatch(/canTrade is false/);
    expect(withdrawalRisk(account)).toMatch(/remove the withdrawal permission/);
    const e = await failure(c.placeOrder(limitOrder()));
    expect(e).toMatchObject({ name: 'ExchangeAuthError', mexcCode: 700007 });
    expect(isOrderRefusal(e)).toBe(true);
  });

  it('bookTop, depth and lastPrice follow the simulated book', async () => {
    await admin.setPrice({ symbol: 'QRLUSDT', price: '0.6', spreadBps: 20 });
    const c = client();
    const top = await c.bookTop('QRLUSDT');
    expect(top.bidPrice.lt(top.askPrice)).toBe(true);
    expect(top.bidPrice.gt('0.59') && top.askPrice.lt('0.61')).toBe(true);
    const depth = await c.depth('QRLUSDT', 5);
    expect(depth.bids.length).toBeGreaterThan(0);
    expect(depth.bids.length).toBeLessThanOrEqual(5);
    expect(depth.bids[0]?.price.eq(top.bidPrice)).toBe(true);
    expect(depth.asks[0]?.price.eq(top.askPrice)).toBe(true);
    for (let i = 1; i < depth.bids.length; i++)
      expect(depth.bids[i]?.price.lt(depth.bids[i - 1]?.price ?? 0)).toBe(true);
    const last = await c.lastPrice('QRLUSDT');
    expect(last.gt('0.5') && last.lt('0.7')).toBe(true);
  });

  it('an empty book side comes back as "no price on that side", not an error', async () => {
    // the simulator sends "" for an empty side, as MEXC does (docs, 24hr ticker example: "askQty":"")
    await admin.setPrice({ symbol: 'QRLUSDT', price: '0.6', emptySides: ['ask'] });
    const top = await client().bookTop('QRLUSDT');
    expect(top.emptySides).toEqual(['ask']);
    expect(top.askPrice.toString()).toBe('0');
    expect(top.askQuantity.toString()).toBe('0');
    expect(top.bidPrice.gt(0)).toBe(true);
    const raw = (await (await fetch(`${sim.url}/api/v3/ticker/bookTicker?symbol=QRLUSDT`)).json()) as Record<
      string,
      unknown
    >;
    expect(raw).toMatchObject({ askPrice: '', askQty: '' });
  });

  it('IMMEDIATE_OR_CANCEL buy at the ask fills; the returned state and myTrades show the fill', async () => {
    const c = client();
    const top = await book(c);
    const id = clientId('ioc');
    const state = await c.placeOrder({
      symbol: 'QRLUSDT',
      side: 'BUY',
      type: 'IMMEDIATE_OR_CANCEL',
      quantity: new Big('20'),
      price: top.askPrice,
      clientOrderId: id,
    });
    expect(state).toMatchObject({ clientOrderId: id, status: 'FILLED', side: 'BUY', type: 'IMMEDIATE_OR_CANCEL' });
    expect(state.executedQuantity.toString()).toBe('20');
    expect(state.executedQuote.gt(0)).toBe(true);
    const trades = await c.myTrades('QRLUSDT', { orderId: state.orderId });
    expect(trades.length).toBeGreaterThan(0);
    expect(trades.every((t) => t.orderId === state.orderId && t.side === 'BUY')).toBe(true);
    expect(trades.reduce((sum, t) => sum.plus(t.quantity), new Big(0)).toString()).toBe('20');
    expect(trades[0]?.commissionAsset).toBe('QRL');
  });

  it('LIMIT_MAKER rests; openOrders, queryOrder and cancel (by client id, then again) see it', async () => {
    const c = client();
    const top = await book(c);
    const id = clientId('mk');
    const price = top.bidPrice.times('0.9').round(4, Big.roundDown);
    const placed = await c.placeOrder({
      symbol: 'QRLUSDT',
      side: 'BUY',
      type: 'LIMIT_MAKER',
      quantity: new Big('10'),
      price,
      clientOrderId: id,
    });
    expect(placed.status).toBe('NEW');
    expect(placed.orderId).toEqual(expect.any(String));
    const open = await c.openOrders('QRLUSDT');
    expect(open.map((o) => o.clientOrderId)).toContain(id);
    const queried = await c.queryOrder({ symbol: 'QRLUSDT', clientOrderId: id });
    expect(queried?.orderId).toBe(placed.orderId);
    expect(queried?.price.eq(price)).toBe(true);

    const cancelled = await c.cancelOrder({ symbol: 'QRLUSDT', clientOrderId: id });
    expect(cancelled).toMatchObject({ orderId: placed.orderId, status: 'CANCELED' });
    // a second cancel meets -2011 and reports the order as it is now
    const again = await c.cancelOrder({ symbol: 'QRLUSDT', clientOrderId: id });
    expect(again).toMatchObject({ orderId: placed.orderId, status: 'CANCELED' });
    expect(await c.openOrders('QRLUSDT')).toEqual([]);
  });

  it('cancel answers are thin (as MEXC sends them): the order is read back, so a partial fill is not lost', async () => {
    await admin.setBalances({ USDT: '100000' });
    await admin.setPrice({ symbol: 'QRLUSDT', price: '0.5', spreadBps: 20 });
    const c = client();
    const id = clientId('part');
    const placed = await c.placeOrder({
      symbol: 'QRLUSDT',
      side: 'BUY',
      type: 'LIMIT_MAKER',
      quantity: new Big('60000'),
      price: new Big('0.45'),
      clientOrderId: id,
    });
    expect(placed.status).toBe('NEW');
    // the book moves down through the resting buy: part of it fills as maker
    await admin.setPrice({ symbol: 'QRLUSDT', price: '0.44', spreadBps: 20 });
    const getsBefore = await requestCount('GET /api/v3/order');
    const cancelled = await c.cancelOrder({ symbol: 'QRLUSDT', clientOrderId: id });
    expect(cancelled.status).toBe('PARTIALLY_CANCELED');
    expect(cancelled.executedQuantity.gt(0)).toBe(true);
    expect(cancelled.executedQuantity.lt('60000')).toBe(true);
    expect(await requestCount('GET /api/v3/order')).toBe(getsBefore + 1);
  });

  it('LIMIT rests and is cancelled by orderId', async () => {
    const c = client();
    const top = await book(c);
    const placed = await c.placeOrder({
      symbol: 'QRLUSDT',
      side: 'SELL',
      type: 'LIMIT',
      quantity: new Big('5'),
      price: top.askPrice.times('1.2').round(4, Big.roundUp),
      clientOrderId: clientId('lim'),
    });
    expect(placed.status).toBe('NEW');
    const cancelled = await c.cancelOrder({ symbol: 'QRLUSDT', orderId: placed.orderId });
    expect(cancelled.status).toBe('CANCELED');
    const byId = await c.queryOrder({ symbol: 'QRLUSDT', orderId: placed.orderId });
    expect(byId?.status).toBe('CANCELED');
  });

  it('MARKET orders by base quantity and by quote amount fill', async () => {
    const c = client();
    const sell = await c.placeOrder({
      symbol: 'QRLUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: new Big('10'),
      clientOrderId: clientId('ms'),
    });
    expect(sell.status).toBe('FILLED');
    expect(sell.executedQuantity.toString()).toBe('10');
    const buy = await c.placeOrder({
      symbol: 'QRLUSDT',
      side: 'BUY',
      type: 'MARKET',
      quoteQuantity: new Big('5'),
      clientOrderId: clientId('mb'),
    });
    expect(buy.status).toBe('FILLED');
    expect(buy.executedQuote.gt('4.9') && buy.executedQuote.lte('5')).toBe(true);
  });

  it('FILL_OR_KILL that cannot fill completely is cancelled with nothing executed', async () => {
    const c = client();
    const top = await book(c);
    const state = await c.placeOrder({
      symbol: 'QRLUSDT',
      side: 'SELL',
      type: 'FILL_OR_KILL',
      quantity: new Big('900'),
      price: top.bidPrice.times('1.01').round(4, Big.roundUp),
      clientOrderId: clientId('fok'),
    });
    expect(state.status).toBe('CANCELED');
    expect(state.executedQuantity.toString()).toBe('0');
  });

  it('queryOrder asks again for an unknown client id, then returns null', async () => {
    const c = client({ notFoundRetries: 2 });
    expect(await c.queryOrder({ symbol: 'QRLUSDT', clientOrderId: 'never-placed' })).toBeNull();
    expect(await requestCount('GET /api/v3/order')).toBe(3);
  });

  it('counts every call for the run metrics', async () => {
    const calls: string[] = [];
    const c = client({ onCall: (e) => calls.push(e.endpoint) });
    await c.balances();
    await c.bookTop('QRLUSDT');
    expect(calls).toEqual(['GET /api/v3/time', 'GET /api/v3/account', 'GET /api/v3/ticker/bookTicker']);
    expect(c.metrics().calls).toBe(3);
  });
});

describe('error classes', () => {
  const limitBuy = (over: Partial<NewOrder> = {}): NewOrder => ({
    symbol: 'QRLUSDT',
    side: 'BUY',
    type: 'LIMIT',
    quantity: new Big('10'),
    price: new Big('0.3'),
    clientOrderId: clientId('e'),
    ...over,
  });

  it('ExchangeAuthError: a wrong secret (700002)', async () => {
    const e = await failure(client({ apiSecret: 'wrong-secret-000000000000' }).balances());
    expect(e).toMatchObject({ name: 'ExchangeAuthError', mexcCode: 700002, retryable: false });
  });

  it('InsufficientBalanceError: buying more than the free USDT (30004)', async () => {
    await admin.setBalances({ USDT: '1' });
    const e = await failure(client().placeOrder(limitBuy({ quantity: new Big('100') })));
    expect(e).toMatchObject({ name: 'InsufficientBalanceError', mexcCode: 30004 });
    expect(await admin.orders()).toEqual([]);
  });

  it('InvalidOrderError: below the minimum notional (30002) and over-precise price', async () => {
    const c = client();
    const small = await failure(c.placeOrder(limitBuy({ quantity: new Big('1') })));
    expect(small).toMatchObject({ name: 'InvalidOrderError', mexcCode: 30002 });
    const precise = await failure(c.placeOrder(limitBuy({ price: new Big('0.30001') })));
    expect(precise).toMatchObject({ name: 'InvalidOrderError' });
  });

  it('BadSymbolError: an unknown symbol and a symbol closed to the API', async () => {
    const c = client();
    expect(await failure(c.placeOrder(limitBuy({ symbol: 'NOPEUSDT' })))).toMatchObject({ name: 'BadSymbolError' });
    expect(await failure(c.placeOrder(limitBuy({ symbol: 'NOAPIUSDT' })))).toMatchObject({
      name: 'BadSymbolError',
      mexcCode: 10007,
    });
    expect(await failure(c.symbolRules(['NOPEUSDT']))).toMatchObject({ name: 'BadSymbolError' });
  });

  it('TradingSuspendedError: a paused symbol (30016)', async () => {
    const e = await failure(client().placeOrder(limitBuy({ symbol: 'HALTUSDT', price: new Big('1') })));
    expect(e).toMatchObject({ name: 'TradingSuspendedError', mexcCode: 30016 });
  });

  it('OversoldError: 30005 "Oversold" (a simulator fault: MEXC sends it occasionally) is a refusal of its own', async () => {
    await admin.addFault({ endpoint: 'POST /api/v3/order', kind: 'oversold' });
    const e = await failure(client().placeOrder(limitBuy({ side: 'SELL', price: new Big('0.9') })));
    expect(e).toMatchObject({ name: 'OversoldError', code: 'exchange.oversold', mexcCode: 30005, retryable: false });
    expect(e.message).toMatch(/free balance .* or the bid side cannot take it/);
    expect(isOrderRefusal(e)).toBe(true);
    expect(await admin.orders()).toEqual([]);
  });

  it('OrderNotFoundError: cancelling an order the exchange never saw', async () => {
    const e = await failure(client({ notFoundRetries: 1 }).cancelOrder({ symbol: 'QRLUSDT', clientOrderId: 'ghost' }));
    expect(e).toMatchObject({ name: 'OrderNotFoundError', mexcCode: -2011 });
  });

  it('ExchangeRequestError: recvWindow above 60000 (700005)', async () => {
    const e = await failure(client({ recvWindowMs: 70_000 }).balances());
    expect(e).toMatchObject({ name: 'ExchangeRequestError', mexcCode: 700005 });
  });

  it('an unknown code on an order proves nothing: UnknownOutcomeError, and the lookup finds the order (-2010 for a reused client id)', async () => {
    const c = client();
    const top = await book(c);
    const order = limitBuy({ price: top.bidPrice.times('0.9').round(4, Big.roundDown) });
    const first = await c.placeOrder(order);
    const e = await failure(c.placeOrder(order));
    expect(e).toMatchObject({ name: 'UnknownOutcomeError', mexcCode: -2010, clientOrderId: order.clientOrderId });
    expect(isOrderRefusal(e)).toBe(false);
    expect(await c.queryOrder({ symbol: 'QRLUSDT', clientOrderId: order.clientOrderId })).toMatchObject({
      orderId: first.orderId,
    });
  });

  it('ExchangeRejectedError: a code without a row on a read', async () => {
    await admin.addFault({ endpoint: 'GET /api/v3/account', kind: 'unknown_code', code: 99999 });
    const e = await failure(client().balances());
    expect(e).toMatchObject({ name: 'ExchangeRejectedError', mexcCode: 99999 });
  });

  it('ExchangeUnavailableError: a read that keeps getting 5xx, after its attempts with back-off', async () => {
    await admin.addFault({ endpoint: 'GET /api/v3/account', kind: '5xx', count: 3, status: 503 });
    const c = client({ maxAttempts: 3, backoffBaseMs: 100, random: () => 1 });
    const e = await failure(c.balances());
    expect(e).toMatchObject({ name: 'ExchangeUnavailableError', httpStatus: 503, retryable: true });
    expect(await requestCount('GET /api/v3/account')).toBe(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('a read recovers when 5xx stops before its attempts run out', async () => {
    await admin.addFault({ endpoint: 'GET /api/v3/depth', kind: '5xx', count: 1 });
    await expect(client().depth('QRLUSDT', 5)).resolves.toMatchObject({ symbol: 'QRLUSDT' });
    expect(await requestCount('GET /api/v3/depth')).toBe(2);
  });

  it('UnknownOutcomeError on 5xx to an order: sent once, never resent', async () => {
    await admin.addFault({ endpoint: 'POST /api/v3/order', kind: '5xx', count: 1 });
    const order = limitBuy();
    const e = await failure(client().placeOrder(order));
    expect(e).toMatchObject({ name: 'UnknownOutcomeError', clientOrderId: order.clientOrderId });
    expect(await requestCount('POST /api/v3/order')).toBe(1);
  });

  it('ClockSkewError: 700003 again after re-syncing (requests delayed past a 50 ms recvWindow)', async () => {
    const c = client({ recvWindowMs: 50 });
    await c.serverTime();
    await admin.addFault({ endpoint: 'GET /api/v3/account', kind: 'delay', delayMs: 300, count: 2 });
    const e = await failure(c.balances());
    expect(e).toMatchObject({ name: 'ClockSkewError', mexcCode: 700003 });
    expect(c.metrics().byEndpoint['GET /api/v3/time']).toBe(2);
  });
});

describe('recovery paths', () => {
  it('timeout after the order was accepted → UnknownOutcomeError, then the client order id finds it', async () => {
    await admin.addFault({ endpoint: 'POST /api/v3/order', kind: 'accept_then_timeout', count: 1 });
    const c = client();
    const top = await book(c);
    const order: NewOrder = {
      symbol: 'QRLUSDT',
      side: 'BUY',
      type: 'IMMEDIATE_OR_CANCEL',
      quantity: new Big('10'),
      price: top.askPrice,
      clientOrderId: clientId('amb'),
    };
    const e = await failure(c.placeOrder(order));
    expect(e).toMatchObject({ name: 'UnknownOutcomeError', clientOrderId: order.clientOrderId, retryable: false });
    const found = await c.queryOrder({ symbol: 'QRLUSDT', clientOrderId: order.clientOrderId });
    expect(found).toMatchObject({ clientOrderId: order.clientOrderId, status: 'FILLED' });
    expect((await admin.orders()).filter((o) => o.clientOrderId === order.clientOrderId)).toHaveLength(1);
    expect(await requestCount('POST /api/v3/order')).toBe(1);
  });

  it('an unknown code after the order was accepted → UnknownOutcomeError (not rejected), and the lookup finds it', async () => {
    await admin.addFault({
      endpoint: 'POST /api/v3/order',
      kind: 'unknown_code',
      code: 12345,
      accept: true,
    });
    const c = client();
    const top = await book(c);
    const id = clientId('ucode');
    const e = await failure(
      c.placeOrder({
        symbol: 'QRLUSDT',
        side: 'BUY',
        type: 'LIMIT_MAKER',
        quantity: new Big('10'),
        price: top.bidPrice.times('0.9').round(4, Big.roundDown),
        clientOrderId: id,
      }),
    );
    expect(e).toMatchObject({ name: 'UnknownOutcomeError', mexcCode: 12345, clientOrderId: id });
    expect(isOrderRefusal(e)).toBe(false);
    expect(await c.queryOrder({ symbol: 'QRLUSDT', clientOrderId: id })).toMatchObject({ status: 'NEW' });
  });

  it('visibility lag longer than the read-back retries (ccxt#21614): OrderUnconfirmedError, no NEW assumed', async () => {
    await admin.addFault({ endpoint: 'POST /api/v3/order', kind: 'visibility_lag', delayMs: 400 });
    const c = client({ notFoundRetries: 2 });
    const top = await book(c);
    const id = clientId('lag');
    const e = await failure(
      c.placeOrder({
        symbol: 'QRLUSDT',
        side: 'BUY',
        type: 'IMMEDIATE_OR_CANCEL',
        quantity: new Big('10'),
        price: top.askPrice,
        clientOrderId: id,
      }),
    );
    expect(e).toMatchObject({ name: 'OrderUnconfirmedError', clientOrderId: id, orderId: expect.any(String) });
    expect(isOrderRefusal(e)).toBe(false);
    expect(await requestCount('POST /api/v3/order')).toBe(1);
    // the IOC filled at once: assuming NEW with no fills would have been wrong
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await c.queryOrder({ symbol: 'QRLUSDT', clientOrderId: id })).toMatchObject({ status: 'FILLED' });
  });

  it('visibility lag shorter than the read-back retries: the order as MEXC reports it', async () => {
    await admin.addFault({ endpoint: 'POST /api/v3/order', kind: 'visibility_lag', delayMs: 150 });
    const c = client({
      notFoundRetries: 3,
      notFoundDelayMs: 100,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    const top = await book(c);
    const state = await c.placeOrder({
      symbol: 'QRLUSDT',
      side: 'BUY',
      type: 'IMMEDIATE_OR_CANCEL',
      quantity: new Big('10'),
      price: top.askPrice,
      clientOrderId: clientId('lag2'),
    });
    expect(state.status).toBe('FILLED');
    expect(await requestCount('GET /api/v3/order')).toBeGreaterThan(1);
  });

  it('a response slower than the timeout on an accepted order is also UnknownOutcomeError', async () => {
    await admin.addFault({
      endpoint: 'POST /api/v3/order',
      kind: 'accept_then_timeout',
      // the simulator drops the socket after this; short, so no timer outlives the suite
      delayMs: 800,
    });
    const c = client({ timeoutMs: 300 });
    const top = await book(c);
    const id = clientId('slow');
    const e = await failure(
      c.placeOrder({
        symbol: 'QRLUSDT',
        side: 'BUY',
        type: 'LIMIT_MAKER',
        quantity: new Big('10'),
        price: top.bidPrice.times('0.9').round(4, Big.roundDown),
        clientOrderId: id,
      }),
    );
    expect(e).toMatchObject({ name: 'UnknownOutcomeError', clientOrderId: id });
    expect(e.what).toContain('"timeout"');
    expect(String(e.cause)).toMatch(/TimeoutError/);
    expect(await c.queryOrder({ symbol: 'QRLUSDT', clientOrderId: id })).toMatchObject({ status: 'NEW' });
  });

  it('clock skew: 700003 re-reads the server time and the request succeeds', async () => {
    const c = client();
    await c.balances();
    const timeCallsBefore = c.metrics().byEndpoint['GET /api/v3/time'];
    await admin.setClock(-3000);
    const balances = await c.balances();
    expect(balances.length).toBeGreaterThan(0);
    expect(c.metrics().byEndpoint['GET /api/v3/time']).toBe((timeCallsBefore ?? 0) + 1);
    expect(await requestCount('GET /api/v3/account')).toBe(3);
    expect(c.clockOffsetMs()).toBeLessThan(-2000);
    expect(c.clockOffsetMs()).toBeGreaterThan(-4000);
    expect(logLines.some((l) => l.includes('mexc.clock_resync'))).toBe(true);
  });

  it('clock skew also recovers an order: rejected by 700003, so it is safe to send once more', async () => {
    const c = client();
    await c.serverTime();
    await admin.setClock(20_000);
    const top = await book(c);
    const state = await c.placeOrder({
      symbol: 'QRLUSDT',
      side: 'BUY',
      type: 'LIMIT_MAKER',
      quantity: new Big('10'),
      price: top.bidPrice.times('0.9').round(4, Big.roundDown),
      clientOrderId: clientId('skew'),
    });
    expect(state.status).toBe('NEW');
    expect(await requestCount('POST /api/v3/order')).toBe(2);
    expect(await admin.orders()).toHaveLength(1);
  });

  it('429 back-off: waits Retry-After, then succeeds', async () => {
    await admin.addFault({
      endpoint: 'GET /api/v3/ticker/bookTicker',
      kind: '429',
      count: 1,
      retryAfterS: 1,
    });
    const top = await client().bookTop('QRLUSDT');
    expect(top.symbol).toBe('QRLUSDT');
    expect(sleeps).toEqual([1000]);
    expect(await requestCount('GET /api/v3/ticker/bookTicker')).toBe(2);
  });

  it('HTTP 403 is the WAF limit (docs general info): a read backs off and recovers', async () => {
    await admin.addFault({ endpoint: 'GET /api/v3/account', kind: '403', count: 1 });
    const c = client({ backoffBaseMs: 200, random: () => 1 });
    await expect(c.balances()).resolves.toEqual(expect.any(Array));
    expect(sleeps).toEqual([200]);
    expect(await requestCount('GET /api/v3/account')).toBe(2);
    expect(logLines.some((l) => l.includes('WAF limit'))).toBe(true);
  });

  it('WafLimitError after the attempts: retryable, says WAF and not "check the keys"', async () => {
    await admin.addFault({ endpoint: 'GET /api/v3/account', kind: '403', count: 3 });
    const e = await failure(client({ maxAttempts: 3 }).balances());
    expect(e).toMatchObject({ name: 'WafLimitError', code: 'exchange.waf_limited', httpStatus: 403, retryable: true });
    expect(e.message).toMatch(/web application firewall \(WAF\)/);
    expect(e.message).not.toMatch(/MEXC_API_KEY|API_SECRET|permissions/);
    expect(sleeps).toHaveLength(2);
  });

  it('HTTP 403 on an order: unknown outcome (no code proves it was refused), never resent', async () => {
    await admin.addFault({ endpoint: 'POST /api/v3/order', kind: '403' });
    const e = await failure(client().placeOrder(limitOrder()));
    expect(e).toMatchObject({ name: 'UnknownOutcomeError', httpStatus: 403 });
    expect(await requestCount('POST /api/v3/order')).toBe(1);
  });

  it('RateLimitError: a Retry-After too long to wait, and any 429 on an order', async () => {
    await admin.addFault({ endpoint: 'GET /api/v3/account', kind: '429', retryAfterS: 30 });
    const c = client({ maxRetryAfterMs: 10_000 });
    const read = await failure(c.balances());
    expect(read).toMatchObject({ name: 'RateLimitError', retryAfterMs: 30_000, retryable: true });
    expect(sleeps).toEqual([]);
    await admin.addFault({ endpoint: 'POST /api/v3/order', kind: '429', retryAfterS: 1 });
    const order = await failure(c.placeOrder(limitOrder()));
    expect(order).toMatchObject({ name: 'RateLimitError', retryAfterMs: 1000 });
    expect(await requestCount('POST /api/v3/order')).toBe(1);
    expect(await admin.orders()).toEqual([]);
  });

  it('418 stop: IpBannedError, and nothing more is sent until the ban ends', async () => {
    await admin.addFault({ endpoint: '*', kind: '418', retryAfterS: 120 });
    const c = client();
    const first = await failure(c.bookTop('QRLUSDT'));
    expect(first).toMatchObject({ name: 'IpBannedError', httpStatus: 418, retryAfterMs: 120_000, retryable: false });
    const sent = c.metrics().calls;
    expect(await failure(c.balances())).toMatchObject({ name: 'IpBannedError' });
    expect(await failure(c.placeOrder(limitOrder()))).toMatchObject({ name: 'IpBannedError' });
    expect(c.metrics().calls).toBe(sent);
    expect(await requestCount('GET /api/v3/ticker/bookTicker')).toBe(1);
    expect(await requestCount('POST /api/v3/order')).toBe(0);
    expect(logLines.some((l) => l.includes('mexc.ip_banned'))).toBe(true);
  });
});

function limitOrder(): NewOrder {
  return {
    symbol: 'QRLUSDT',
    side: 'BUY',
    type: 'LIMIT',
    quantity: new Big('10'),
    price: new Big('0.3'),
    clientOrderId: clientId('lo'),
  };
}
