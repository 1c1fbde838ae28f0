import { type RunningSimulator, startSimulator } from './index';
import { adminRequest } from './testing/admin-client';
import { makeCaller } from './testing/signed-client';

let sim: RunningSimulator;
let call: ReturnType<typeof makeCaller>;

beforeAll(async () => {
  sim = await startSimulator({ apiKey: 'mx0faults', apiSecret: 'faults-secret' });
  call = makeCaller(sim.url, sim.apiKey, sim.apiSecret);
});
afterAll(() => sim.stop());
beforeEach(() => adminRequest(sim.url, 'POST', '/__sim/reset'));

const buy = (clientId: string) => ({
  method: 'POST' as const,
  params: { symbol: 'QRLUSDT', side: 'BUY', type: 'LIMIT', quantity: '10', price: '0.45', newClientOrderId: clientId },
});

async function orders() {
  return (await adminRequest(sim.url, 'GET', '/__sim/orders')).body.orders as Array<{
    clientOrderId: string;
    status: string;
  }>;
}

describe('fault injection', () => {
  it('5xx answers with the status given, places nothing, and is used up after `count` requests', async () => {
    await adminRequest(sim.url, 'POST', '/__sim/faults', {
      endpoint: 'POST /api/v3/order',
      kind: '5xx',
      status: 502,
      count: 2,
    });
    expect(await call('/api/v3/order', buy('f-1'))).toMatchObject({ status: 502, body: { code: 502 } });
    expect(await call('/api/v3/order', buy('f-2'))).toMatchObject({ status: 502 });
    expect(await orders()).toEqual([]);
    expect((await call('/api/v3/order', buy('f-3'))).status).toBe(200);
  });

  it('5xx defaults to 503 and only hits the endpoint named', async () => {
    await adminRequest(sim.url, 'POST', '/__sim/faults', { endpoint: 'GET /api/v3/account', kind: '5xx' });
    expect((await call('/api/v3/time', { signed: false })).status).toBe(200);
    expect(await call('/api/v3/account')).toMatchObject({ status: 503, body: { code: 503 } });
  });

  it('429 and 418 carry Retry-After', async () => {
    await adminRequest(sim.url, 'POST', '/__sim/faults', { endpoint: '*', kind: '429', retryAfterS: 7 });
    const limited = await call('/api/v3/account');
    expect(limited).toMatchObject({ status: 429, body: { code: 429, msg: 'Too Many Requests' } });
    expect(limited.headers.get('retry-after')).toBe('7');

    await adminRequest(sim.url, 'POST', '/__sim/faults', { endpoint: 'GET /api/v3/depth', kind: '418' });
    const banned = await call('/api/v3/depth', { signed: false, params: { symbol: 'QRLUSDT' } });
    expect(banned).toMatchObject({ status: 418, body: { code: 418 } });
    expect(banned.headers.get('retry-after')).toBe('120');
  });

  it('delay still answers normally', async () => {
    await adminRequest(sim.url, 'POST', '/__sim/faults', {
      endpoint: 'POST /api/v3/order',
      kind: 'delay',
      delayMs: 30,
    });
    const placed = await call('/api/v3/order', buy('slow-1'));
    expect(placed.status).toBe(200);
    expect(await orders()).toEqual([expect.objectContaining({ clientOrderId: 'slow-1', status: 'NEW' })]);
  });

  it('accept_then_timeout executes the order, then drops the connection without an answer', async () => {
    await adminRequest(sim.url, 'POST', '/__sim/faults', {
      endpoint: 'POST /api/v3/order',
      kind: 'accept_then_timeout',
    });
    await expect(call('/api/v3/order', buy('lost-answer-1'))).rejects.toThrow();
    expect(await orders()).toEqual([expect.objectContaining({ clientOrderId: 'lost-answer-1', status: 'NEW' })]);
    // The order is real: its funds are reserved and a query by client id finds it.
    const balances = (await adminRequest(sim.url, 'GET', '/__sim/balances')).body.balances as Record<
      string,
      { locked: string }
    >;
    expect(balances.USDT?.locked).toBe('4.5');
    const found = await call('/api/v3/order', { params: { symbol: 'QRLUSDT', origClientOrderId: 'lost-answer-1' } });
    expect(found.body).toMatchObject({ clientOrderId: 'lost-answer-1', status: 'NEW' });
  });

  it('DELETE /__sim/faults clears pending faults; reset clears them too', async () => {
    await adminRequest(sim.url, 'POST', '/__sim/faults', { endpoint: '*', kind: '5xx', count: 5 });
    expect((await adminRequest(sim.url, 'GET', '/__sim/faults')).body.faults).toHaveLength(1);
    await adminRequest(sim.url, 'DELETE', '/__sim/faults');
    expect((await call('/api/v3/ping', { signed: false })).status).toBe(200);
  });

  it('rejects a malformed fault and names the field', async () => {
    const bad = await adminRequest(sim.url, 'POST', '/__sim/faults', {
      endpoint: 'POST /api/v3/order',
      kind: 'explode',
    });
    expect(bad.status).toBe(400);
    expect(String(bad.body.error)).toContain('kind');
  });
});

describe('admin API', () => {
  it('counts requests per "METHOD /path" since reset', async () => {
    await call('/api/v3/ping', { signed: false });
    await call('/api/v3/ping', { signed: false });
    await call('/api/v3/account');
    expect((await adminRequest(sim.url, 'GET', '/__sim/requests')).body).toEqual({
      requests: { 'GET /api/v3/ping': 2, 'GET /api/v3/account': 1 },
    });
  });

  it('sets free balances, leaves other assets alone, and validates the body', async () => {
    const set = await adminRequest(sim.url, 'POST', '/__sim/balances', { balances: { QRL: '50', BTC: '0.5' } });
    expect(set.body).toEqual({
      balances: {
        BTC: { free: '0.5', locked: '0' },
        QRL: { free: '50', locked: '0' },
        USDT: { free: '500', locked: '0' },
      },
    });
    const bad = await adminRequest(sim.url, 'POST', '/__sim/balances', { balances: { QRL: 50 } });
    expect(bad.status).toBe(400);
    expect(String(bad.body.error)).toContain('balances');
  });

  it('the clock offset moves serverTime and the recvWindow check with it', async () => {
    await adminRequest(sim.url, 'POST', '/__sim/clock', { offsetMs: 3_000_000 });
    const time = (await call('/api/v3/time', { signed: false })).body as { serverTime: number };
    expect(time.serverTime).toBeGreaterThan(Date.now() + 2_000_000);
    expect((await call('/api/v3/account')).body).toMatchObject({ code: 700003 });
    expect((await call('/api/v3/account', { timestamp: time.serverTime })).status).toBe(200);
  });

  it('answers 404 for unknown admin paths', async () => {
    expect((await adminRequest(sim.url, 'GET', '/__sim/nope')).status).toBe(404);
  });
});

describe('fault injection: what MEXC does occasionally (issue #15)', () => {
  it('403 is the WAF: HTML, no body code, nothing placed', async () => {
    await adminRequest(sim.url, 'POST', '/__sim/faults', { endpoint: 'POST /api/v3/order', kind: '403' });
    const answer = await call('/api/v3/order', buy('waf-1'));
    expect(answer.status).toBe(403);
    expect(answer.headers.get('content-type')).toMatch(/text\/html/);
    expect(await orders()).toEqual([]);
  });

  it('oversold answers 400 {"msg":"Oversold","code":30005}, msg first as in the live capture', async () => {
    await adminRequest(sim.url, 'POST', '/__sim/faults', { endpoint: 'POST /api/v3/order', kind: 'oversold' });
    const answer = await call('/api/v3/order', buy('os-1'));
    expect(answer).toMatchObject({ status: 400, body: { msg: 'Oversold', code: 30005 } });
    expect(Object.keys(answer.body as object)).toEqual(['msg', 'code']);
    expect(await orders()).toEqual([]);
  });

  it('unknown_code with accept: the order is placed, the client hears a code it does not know', async () => {
    await adminRequest(sim.url, 'POST', '/__sim/faults', {
      endpoint: 'POST /api/v3/order',
      kind: 'unknown_code',
      code: 12345,
      accept: true,
    });
    expect(await call('/api/v3/order', buy('uc-1'))).toMatchObject({ status: 400, body: { code: 12345 } });
    expect(await orders()).toEqual([expect.objectContaining({ clientOrderId: 'uc-1', status: 'NEW' })]);
  });

  it('visibility_lag: the order is placed but GET /api/v3/order answers -2013 until the lag is over', async () => {
    await adminRequest(sim.url, 'POST', '/__sim/faults', {
      endpoint: 'POST /api/v3/order',
      kind: 'visibility_lag',
      delayMs: 300,
    });
    expect((await call('/api/v3/order', buy('lag-1'))).status).toBe(200);
    const query = { method: 'GET' as const, params: { symbol: 'QRLUSDT', origClientOrderId: 'lag-1' } };
    expect(await call('/api/v3/order', query)).toMatchObject({ status: 400, body: { code: -2013 } });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await call('/api/v3/order', query)).toMatchObject({ status: 200, body: { clientOrderId: 'lag-1' } });
  });
});
