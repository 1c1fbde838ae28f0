import Big from 'big.js';
import { type RunningSimulator, startSimulator } from './index';
import { adminRequest } from './testing/admin-client';
import { makeCaller } from './testing/signed-client';

let sim: RunningSimulator;
let call: ReturnType<typeof makeCaller>;

interface Depth {
  bids: Array<[string, string]>;
  asks: Array<[string, string]>;
}
interface OrderView {
  orderId: string;
  status: string;
  executedQty: string;
  cummulativeQuoteQty: string;
}

beforeAll(async () => {
  // Deep enough pockets to take whole synthetic levels (about 2000 QRL each).
  sim = await startSimulator({
    seed: 3,
    apiKey: 'mx0matching',
    apiSecret: 'matching-secret',
    config: { balances: { QRL: '10000', USDT: '10000' } },
  });
  call = makeCaller(sim.url, sim.apiKey, sim.apiSecret);
});
afterAll(() => sim.stop());
beforeEach(() => adminRequest(sim.url, 'POST', '/__sim/reset'));

async function depth(): Promise<Depth> {
  return (await call('/api/v3/depth', { signed: false, params: { symbol: 'QRLUSDT', limit: 50 } })).body as Depth;
}

async function place(params: Record<string, string>): Promise<OrderView> {
  const placed = await call('/api/v3/order', { method: 'POST', params: { symbol: 'QRLUSDT', ...params } });
  expect(placed.status).toBe(200);
  const orderId = (placed.body as { orderId: string }).orderId;
  return (await call('/api/v3/order', { params: { symbol: 'QRLUSDT', orderId } })).body as OrderView;
}

async function balances() {
  return (await adminRequest(sim.url, 'GET', '/__sim/balances')).body.balances as Record<
    string,
    { free: string; locked: string }
  >;
}

const level = (side: Array<[string, string]>, index: number): [string, string] => side[index] ?? ['0', '0'];

describe('matching engine', () => {
  it('a LIMIT buy through two ask levels fills the first in full and the rest rests (PARTIALLY_FILLED)', async () => {
    const book = await depth();
    const [askPrice, askQty] = level(book.asks, 0);
    const qty = new Big(askQty).plus(1).toFixed();
    const order = await place({ side: 'BUY', type: 'LIMIT', quantity: qty, price: askPrice });
    expect(order.status).toBe('PARTIALLY_FILLED');
    expect(order.executedQty).toBe(askQty);
    const after = await depth();
    expect(level(after.bids, 0)).toEqual([askPrice, '1']);
    expect(level(after.asks, 0)[0]).toBe(level(book.asks, 1)[0]);
    // 1 QRL still reserved at the limit price.
    expect((await balances()).USDT?.locked).toBe(new Big(askPrice).toFixed());
  });

  it('price-time priority: a better price fills first, equal prices by arrival', async () => {
    const [bestBid] = level((await depth()).bids, 0);
    const inside = new Big(bestBid).plus('0.0001').toFixed();
    const first = await place({ side: 'BUY', type: 'LIMIT', quantity: '10', price: inside, newClientOrderId: 'first' });
    const second = await place({
      side: 'BUY',
      type: 'LIMIT',
      quantity: '10',
      price: inside,
      newClientOrderId: 'second',
    });
    await place({ side: 'SELL', type: 'LIMIT', quantity: '15', price: inside });
    const a = (await call('/api/v3/order', { params: { symbol: 'QRLUSDT', orderId: first.orderId } }))
      .body as OrderView;
    const b = (await call('/api/v3/order', { params: { symbol: 'QRLUSDT', orderId: second.orderId } }))
      .body as OrderView;
    expect([a.status, a.executedQty]).toEqual(['FILLED', '10']);
    expect([b.status, b.executedQty]).toEqual(['PARTIALLY_FILLED', '5']);
    const trades = (await adminRequest(sim.url, 'GET', '/__sim/trades')).body.trades as Array<{ isSelfTrade: boolean }>;
    expect(trades.every((t) => t.isSelfTrade)).toBe(true);
  });

  it('IMMEDIATE_OR_CANCEL fills what it can and cancels the rest (PARTIALLY_CANCELED), nothing rests', async () => {
    const book = await depth();
    const [askPrice, askQty] = level(book.asks, 0);
    const order = await place({
      side: 'BUY',
      type: 'IMMEDIATE_OR_CANCEL',
      quantity: new Big(askQty).plus(5).toFixed(),
      price: askPrice,
    });
    expect(order.status).toBe('PARTIALLY_CANCELED');
    expect(order.executedQty).toBe(askQty);
    expect((await call('/api/v3/openOrders', { params: { symbol: 'QRLUSDT' } })).body).toEqual([]);
    expect((await balances()).USDT?.locked).toBe('0');
  });

  it('FILL_OR_KILL that cannot fill in full does nothing (CANCELED); one that can fills (FILLED)', async () => {
    const before = await balances();
    const [askPrice, askQty] = level((await depth()).asks, 0);
    const killed = await place({
      side: 'BUY',
      type: 'FILL_OR_KILL',
      quantity: new Big(askQty).plus(1).toFixed(),
      price: askPrice,
    });
    expect([killed.status, killed.executedQty]).toEqual(['CANCELED', '0']);
    expect(await balances()).toEqual(before);
    const filled = await place({ side: 'BUY', type: 'FILL_OR_KILL', quantity: '10', price: askPrice });
    expect([filled.status, filled.executedQty]).toEqual(['FILLED', '10']);
  });

  it('LIMIT_MAKER that would take is dropped (CANCELED, no fills); one that does not rests', async () => {
    const book = await depth();
    const crossing = await place({ side: 'BUY', type: 'LIMIT_MAKER', quantity: '10', price: level(book.asks, 0)[0] });
    expect([crossing.status, crossing.executedQty]).toEqual(['CANCELED', '0']);
    const resting = await place({ side: 'BUY', type: 'LIMIT_MAKER', quantity: '10', price: level(book.bids, 0)[0] });
    expect(resting.status).toBe('NEW');
    expect((await adminRequest(sim.url, 'GET', '/__sim/trades')).body.trades).toEqual([]);
  });

  it('a resting order fills as maker when the price moves through it, at its own price with the maker fee', async () => {
    const order = await place({ side: 'SELL', type: 'LIMIT', quantity: '40', price: '0.55' });
    expect(order.status).toBe('NEW');
    expect((await balances()).QRL).toEqual({ free: '9960', locked: '40' });
    await adminRequest(sim.url, 'POST', '/__sim/price', { symbol: 'QRLUSDT', price: '0.6' });
    const filled = (await call('/api/v3/order', { params: { symbol: 'QRLUSDT', orderId: order.orderId } }))
      .body as OrderView;
    expect([filled.status, filled.executedQty, filled.cummulativeQuoteQty]).toEqual(['FILLED', '40', '22']);
    const trades = (await adminRequest(sim.url, 'GET', '/__sim/trades')).body.trades;
    expect(trades).toEqual([expect.objectContaining({ price: '0.55', qty: '40', isMaker: true, commission: '0' })]);
    expect(await balances()).toEqual({ QRL: { free: '9960', locked: '0' }, USDT: { free: '10022', locked: '0' } });
  });

  it('MARKET by quantity walks the book; MARKET SELL by quoteOrderQty is accepted as ccxt sends it', async () => {
    const book = await depth();
    const [p0, q0] = level(book.bids, 0);
    const [p1] = level(book.bids, 1);
    const sell = await place({ side: 'SELL', type: 'MARKET', quantity: new Big(q0).plus(2).toFixed() });
    expect(sell.status).toBe('FILLED');
    expect(sell.cummulativeQuoteQty).toBe(new Big(p0).times(q0).plus(new Big(p1).times(2)).toFixed());
    const byQuote = await place({ side: 'SELL', type: 'MARKET', quoteOrderQty: '5' });
    expect(byQuote.status).toBe('FILLED');
    expect(new Big(byQuote.cummulativeQuoteQty).lte(5)).toBe(true);
  });

  it('DELETE openOrders cancels every open order of the symbol and frees the funds', async () => {
    await place({ side: 'BUY', type: 'LIMIT', quantity: '10', price: '0.4' });
    await place({ side: 'SELL', type: 'LIMIT', quantity: '10', price: '0.7' });
    const cancelled = await call('/api/v3/openOrders', { method: 'DELETE', params: { symbol: 'QRLUSDT' } });
    // MEXC's answer is thin (ccxt's live cancelAllOrders comment): the orders, without their status
    expect((cancelled.body as Array<{ side: string; status?: string }>).map((o) => [o.side, o.status])).toEqual([
      ['BUY', undefined],
      ['SELL', undefined],
    ]);
    const orders = (await adminRequest(sim.url, 'GET', '/__sim/orders')).body.orders as Array<{ status: string }>;
    expect(orders.map((o) => o.status)).toEqual(['CANCELED', 'CANCELED']);
    expect(await balances()).toEqual({ QRL: { free: '10000', locked: '0' }, USDT: { free: '10000', locked: '0' } });
  });

  it('cancelAnswer "full" answers the docs\' example shape, with status and executedQty', async () => {
    const full = await startSimulator({ config: { cancelAnswer: 'full' } });
    try {
      const callFull = makeCaller(full.url, full.apiKey, full.apiSecret);
      const placed = await callFull('/api/v3/order', {
        method: 'POST',
        params: { symbol: 'QRLUSDT', side: 'BUY', type: 'LIMIT', quantity: '10', price: '0.4' },
      });
      const orderId = (placed.body as { orderId: string }).orderId;
      const cancelled = await callFull('/api/v3/order', { method: 'DELETE', params: { symbol: 'QRLUSDT', orderId } });
      expect(cancelled.body).toMatchObject({ orderId, status: 'CANCELED', executedQty: '0' });
    } finally {
      await full.stop();
    }
  });
});

describe('price paths and determinism', () => {
  it('the same seed gives the same book and walk; another seed does not', async () => {
    const other = await startSimulator({ seed: 3 });
    const third = await startSimulator({ seed: 4 });
    try {
      const read = async (s: RunningSimulator) => {
        await adminRequest(s.url, 'POST', '/__sim/step', { steps: 5 });
        return (await fetch(`${s.url}/api/v3/depth?symbol=QRLUSDT&limit=10`)).json();
      };
      const mine = await read(sim);
      expect(await read(other)).toEqual({ ...mine, timestamp: expect.any(Number) });
      expect((await read(third)).asks).not.toEqual((mine as Depth).asks);
    } finally {
      await other.stop();
      await third.stop();
    }
  });

  it('a CSV path sets the price step by step and stays on its last row', async () => {
    const csv = await startSimulator({
      config: { symbols: [{ symbol: 'QRLUSDT', pricePath: { kind: 'csv', prices: ['0.5', '0.61', '0.7'] } }] },
    });
    try {
      const step = async () => (await adminRequest(csv.url, 'POST', '/__sim/step', { steps: 1 })).body;
      expect(await step()).toEqual({ prices: { QRLUSDT: '0.61' } });
      expect(await step()).toEqual({ prices: { QRLUSDT: '0.7' } });
      expect(await step()).toEqual({ prices: { QRLUSDT: '0.7' } });
      const ticker = await (await fetch(`${csv.url}/api/v3/ticker/price?symbol=QRLUSDT`)).json();
      expect(ticker).toEqual({ symbol: 'QRLUSDT', price: '0.7' });
    } finally {
      await csv.stop();
    }
  });
});
