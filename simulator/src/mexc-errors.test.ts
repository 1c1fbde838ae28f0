import { type RunningSimulator, startSimulator } from './index';
import { adminRequest } from './testing/admin-client';
import { type CallOptions, makeCaller } from './testing/signed-client';

let sim: RunningSimulator;
let call: ReturnType<typeof makeCaller>;

beforeAll(async () => {
  sim = await startSimulator({
    apiKey: 'mx0errors',
    apiSecret: 'errors-secret',
    config: {
      symbols: [
        { symbol: 'QRLUSDT' },
        // Listed but not tradable over the API, like the pairs in ccxt#17069.
        { symbol: 'MXUSDT', price: '3', inDefaultSymbols: false },
      ],
    },
  });
  call = makeCaller(sim.url, sim.apiKey, sim.apiSecret);
});
afterAll(() => sim.stop());
beforeEach(() => adminRequest(sim.url, 'POST', '/__sim/reset'));

const order = (params: Record<string, string>): CallOptions => ({
  method: 'POST',
  params: { symbol: 'QRLUSDT', side: 'BUY', type: 'LIMIT', quantity: '10', price: '0.45', ...params },
});

// [name, path, options, HTTP status, MEXC code]
const rows: Array<[string, string, CallOptions, number, number]> = [
  ['wrong secret → signature rejected', '/api/v3/account', { secret: 'not-the-secret' }, 400, 700002],
  ['stale timestamp', '/api/v3/account', { timestamp: Date.now() - 60_000 }, 400, 700003],
  ['timestamp 1 s ahead', '/api/v3/account', { timestamp: Date.now() + 5_000 }, 400, 700003],
  ['recvWindow above 60000', '/api/v3/account', { recvWindow: 60_001 }, 400, 700005],
  ['no API key header', '/api/v3/account', { apiKey: null }, 400, 400],
  ['unknown API key', '/api/v3/account', { apiKey: 'mx0someoneelse' }, 400, 10072],
  ['POST without Content-Type', '/api/v3/order', { ...order({}), contentType: null }, 400, 700013],
  ['insufficient USDT for a buy', '/api/v3/order', order({ quantity: '2000', price: '0.45' }), 400, 30004],
  [
    'insufficient QRL for a sell',
    '/api/v3/order',
    order({ side: 'SELL', quantity: '1000.01', price: '0.6' }),
    400,
    30004,
  ],
  ['below min notional (1 USDT)', '/api/v3/order', order({ quantity: '2', price: '0.45' }), 400, 30002],
  ['quantity with 3 decimals (precision 2)', '/api/v3/order', order({ quantity: '10.001' }), 400, 400],
  ['price with 5 decimals (precision 4)', '/api/v3/order', order({ price: '0.45001' }), 400, 400],
  [
    'quoteOrderQty with 5 decimals',
    '/api/v3/order',
    order({ type: 'MARKET', quantity: '', price: '', quoteOrderQty: '5.00001' }),
    400,
    400,
  ],
  ['above max notional', '/api/v3/order', order({ quantity: '10000000', price: '0.5' }), 400, 30003],
  ['unknown symbol on an order', '/api/v3/order', order({ symbol: 'NOPEUSDT' }), 400, -1121],
  ['unknown symbol on depth', '/api/v3/depth', { signed: false, params: { symbol: 'NOPEUSDT' } }, 400, -1121],
  ['symbol not in defaultSymbols', '/api/v3/order', order({ symbol: 'MXUSDT', price: '3' }), 400, 10007],
  ['bad side', '/api/v3/order', order({ side: 'HOLD' }), 400, 33333],
  ['missing price on LIMIT', '/api/v3/order', order({ price: '' }), 400, 44444],
  ['illegal client order id', '/api/v3/order', order({ newClientOrderId: 'has space' }), 400, 700008],
  ['query without any id', '/api/v3/order', { params: { symbol: 'QRLUSDT' } }, 400, 700004],
  ['query unknown order', '/api/v3/order', { params: { symbol: 'QRLUSDT', orderId: 'C02__1' } }, 400, -2013],
  [
    'cancel unknown order',
    '/api/v3/order',
    { method: 'DELETE', params: { symbol: 'QRLUSDT', orderId: 'C02__1' } },
    400,
    -2011,
  ],
];

describe('MEXC error codes', () => {
  it.each(rows)('%s', async (_name, path, options, status, code) => {
    // Empty strings in the table mean "leave the parameter out".
    const params = Object.fromEntries(Object.entries(options.params ?? {}).filter(([, value]) => value !== ''));
    const result = await call(path, { ...options, params });
    expect(result.status).toBe(status);
    expect(result.body).toMatchObject({ code });
    expect(typeof (result.body as { msg: unknown }).msg).toBe('string');
  });

  it('names the minimum in the 30002 message as MEXC does', async () => {
    const result = await call('/api/v3/order', order({ quantity: '2', price: '0.45' }));
    expect(result.body).toEqual({ code: 30002, msg: 'The minimum transaction volume cannot be less than:1USDT' });
  });

  it('a rejected order leaves balances untouched', async () => {
    const before = await adminRequest(sim.url, 'GET', '/__sim/balances');
    await call('/api/v3/order', order({ quantity: '2000' }));
    expect(await adminRequest(sim.url, 'GET', '/__sim/balances')).toEqual(before);
    expect((await adminRequest(sim.url, 'GET', '/__sim/orders')).body).toEqual({ orders: [] });
  });

  it('rejects a reused newClientOrderId and keeps the first order', async () => {
    const first = await call('/api/v3/order', order({ newClientOrderId: 'rb-dup-1' }));
    expect(first.status).toBe(200);
    const second = await call('/api/v3/order', order({ newClientOrderId: 'rb-dup-1' }));
    expect(second.body).toEqual({ code: -2010, msg: 'Duplicate order sent.' });
    const orders = (await adminRequest(sim.url, 'GET', '/__sim/orders')).body.orders as unknown[];
    expect(orders).toHaveLength(1);
  });

  it('cancelling a cancelled order is -2011', async () => {
    const placed = (await call('/api/v3/order', order({}))).body as { orderId: string };
    const cancel = { method: 'DELETE' as const, params: { symbol: 'QRLUSDT', orderId: placed.orderId } };
    expect((await call('/api/v3/order', cancel)).body).toMatchObject({ orderId: placed.orderId });
    expect((await call('/api/v3/order', cancel)).body).toMatchObject({ code: -2011 });
  });

  it('order/test validates like an order but places nothing', async () => {
    expect((await call('/api/v3/order/test', order({}))).body).toEqual({});
    expect((await call('/api/v3/order/test', order({ quantity: '2' }))).body).toMatchObject({ code: 30002 });
    expect((await adminRequest(sim.url, 'GET', '/__sim/orders')).body).toEqual({ orders: [] });
  });
});

describe('duplicate newClientOrderId in "accept" mode', () => {
  it('places a second order, and a lookup by client id answers with the newest', async () => {
    const loose = await startSimulator({ apiKey: 'k', apiSecret: 's', config: { duplicateClientOrderId: 'accept' } });
    try {
      const looseCall = makeCaller(loose.url, 'k', 's');
      const a = (await looseCall('/api/v3/order', order({ newClientOrderId: 'same' }))).body as { orderId: string };
      const b = (await looseCall('/api/v3/order', order({ newClientOrderId: 'same' }))).body as { orderId: string };
      expect(a.orderId).not.toBe(b.orderId);
      const found = await looseCall('/api/v3/order', { params: { symbol: 'QRLUSDT', origClientOrderId: 'same' } });
      expect(found.body).toMatchObject({ orderId: b.orderId });
    } finally {
      await loose.stop();
    }
  });
});
