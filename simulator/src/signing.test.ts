import vectors from './fixtures/mexc-vectors.json';
import { type RunningSimulator, startSimulator } from './index';
import { withinRecvWindow } from './server';
import { hmacHex, signatureMatches, totalParamsOf } from './signing';
import { adminRequest } from './testing/admin-client';
import { makeCaller } from './testing/signed-client';

interface SignatureVector {
  id: string;
  apiSecret: string;
  totalParams: string;
  signature: string;
  method?: string;
  path?: string;
  queryString?: string;
  body?: string | null;
}

const signatures = vectors.signatures as SignatureVector[];
const simSecret = 'mexc-sim-secret-0123456789abcdef';
const docSecret = '45d0b3c26f2644f19bfb98b07741b2f5';

describe('signature vectors (mexc-vectors.json)', () => {
  it.each(signatures.map((s) => [s.id, s] as const))('%s: HMAC over totalParams matches', (_id, vector) => {
    expect(hmacHex(vector.apiSecret, vector.totalParams)).toBe(vector.signature);
    expect(signatureMatches(vector.apiSecret, vector.totalParams, vector.signature)).toBe(true);
  });

  it('refuses upper-case hex and a one-character change', () => {
    const vector = signatures[0] as SignatureVector;
    expect(signatureMatches(vector.apiSecret, vector.totalParams, vector.signature.toUpperCase())).toBe(false);
    expect(signatureMatches(vector.apiSecret, `${vector.totalParams}0`, vector.signature)).toBe(false);
  });

  it('rebuilds totalParams from query + body without a separator (DOC example 3)', () => {
    const vector = signatures.find((s) => s.id === 'doc_example3_mixed_query_and_body') as SignatureVector;
    const built = totalParamsOf(vector.queryString ?? '', `${vector.body ?? ''}&signature=${vector.signature}`);
    expect(built).toEqual({ totalParams: vector.totalParams, signature: vector.signature });
  });
});

/** Sends a vector exactly as signed, with the simulator's clock moved to the vector's timestamp. */
async function sendVector(sim: RunningSimulator, vector: SignatureVector, apiKey: string) {
  const timestamp = Number(/timestamp=(\d+)/.exec(vector.totalParams)?.[1]);
  await adminRequest(sim.url, 'POST', '/__sim/clock', { offsetMs: timestamp - Date.now() });
  const query = vector.queryString ?? vector.totalParams;
  const body = vector.queryString === undefined ? undefined : `${vector.body}&signature=${vector.signature}`;
  const url = `${sim.url}${vector.path ?? '/api/v3/order'}?${query}${body ? '' : `&signature=${vector.signature}`}`;
  const response = await fetch(url, {
    method: vector.method ?? 'POST',
    headers: { 'X-MEXC-APIKEY': apiKey, 'Content-Type': 'application/json' },
    ...(body ? { body } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the simulator verifies the reference vectors over HTTP', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ apiKey: 'mx0vector', apiSecret: simSecret });
  });
  afterAll(() => sim.stop());

  it('accepts the QRL order, query and cancel vectors signed with the simulator secret', async () => {
    const byId = (id: string) => signatures.find((s) => s.id === id) as SignatureVector;
    const limit = await sendVector(sim, byId('qrl_limit_buy_with_client_id'), 'mx0vector');
    expect(limit.status).toBe(200);
    expect(limit.body).toMatchObject({
      symbol: 'QRLUSDT',
      side: 'BUY',
      type: 'LIMIT',
      price: '0.4123',
      origQty: '250.5',
    });

    const market = await sendVector(sim, byId('qrl_market_buy_quoteOrderQty'), 'mx0vector');
    expect(market.status).toBe(200);
    expect(market.body).toMatchObject({ type: 'MARKET', side: 'BUY' });

    const cancel = await sendVector(sim, byId('qrl_cancel_by_origClientOrderId'), 'mx0vector');
    // the thin answer MEXC sends (ccxt's live cancelOrder comment): no status
    expect(cancel.body).toMatchObject({ symbol: 'QRLUSDT', orderId: expect.any(String), origQty: '250.5' });

    // Signed correctly but naming an order that does not exist: past the signature check.
    const query = await sendVector(sim, byId('qrl_query_by_orderId'), 'mx0vector');
    expect(query.body).toEqual({ code: -2013, msg: 'Order does not exist.' });
  });

  it('rejects the same vector once its timestamp is stale (700003), and a tampered one (700002)', async () => {
    const vector = signatures.find((s) => s.id === 'qrl_market_sell_quantity') as SignatureVector;
    await adminRequest(sim.url, 'POST', '/__sim/clock', { offsetMs: 0 });
    const url = `${sim.url}/api/v3/order?${vector.totalParams}&signature=${vector.signature}`;
    const headers = { 'X-MEXC-APIKEY': 'mx0vector', 'Content-Type': 'application/json' };
    const stale = await fetch(url, { method: 'POST', headers });
    expect(await stale.json()).toEqual({
      code: 700003,
      msg: 'Timestamp for this request is outside of the recvWindow.',
    });
    const tampered = await fetch(url.replace('quantity=100', 'quantity=101'), { method: 'POST', headers });
    expect(await tampered.json()).toEqual({ code: 700002, msg: 'Signature for this request is not valid.' });
  });
});

describe('DOC examples against a simulator holding the DOC secret', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({
      apiKey: 'mx0aBYs33eIilxBWC5',
      apiSecret: docSecret,
      config: {
        symbols: [
          {
            symbol: 'BTCUSDT',
            price: '12',
            quoteAssetPrecision: 2,
            baseAssetPrecision: 4,
            baseSizePrecision: '0.0001',
          },
        ],
        balances: { USDT: '100', BTC: '0' },
      },
    });
  });
  afterAll(() => sim.stop());

  it.each(['doc_example2_query_string', 'doc_example3_mixed_query_and_body', 'ccxt_post_order_param_order'])(
    '%s places the order it signs',
    async (id) => {
      const vector = signatures.find((s) => s.id === id) as SignatureVector;
      const placed = await sendVector(sim, vector, 'mx0aBYs33eIilxBWC5');
      expect(placed.status).toBe(200);
      expect(placed.body).toMatchObject({ symbol: 'BTCUSDT', price: '11', origQty: '1', side: 'BUY' });
    },
  );
});

describe('timing rule cases (mexc-vectors.json timingRule)', () => {
  it.each(
    vectors.timingRule.cases.filter((c) => c.recvWindow <= 60_000).map((c) => [c.timestamp - c.serverTime, c] as const),
  )('rule: timestamp %i ms from server time', (_delta, c) => {
    expect(withinRecvWindow(c.timestamp, c.serverTime, c.recvWindow)).toBe(c.accepted);
  });

  let sim: RunningSimulator;
  beforeAll(async () => {
    // one account read per case, faster than MEXC's 2/s (rate-limits.ts): limits off, timing is the subject
    sim = await startSimulator({ apiKey: 'mx0timing', apiSecret: simSecret, config: { rateLimits: false } });
  });
  afterAll(() => sim.stop());

  it.each(vectors.timingRule.cases.map((c) => [c.timestamp - c.serverTime, c.recvWindow, c] as const))(
    'over HTTP: timestamp %i ms from server time, recvWindow %i',
    async (_delta, _window, c) => {
      // The server clock keeps running between setting the offset and the call, so over HTTP each
      // case aims 500 ms to the side of its edge that keeps its outcome (the exact edges are above).
      const future = c.timestamp > c.serverTime;
      const slack = future === c.accepted ? 500 : -500;
      await adminRequest(sim.url, 'POST', '/__sim/clock', { offsetMs: c.serverTime - Date.now() + slack });
      const call = makeCaller(sim.url, 'mx0timing', simSecret);
      const result = await call('/api/v3/account', { timestamp: c.timestamp, recvWindow: c.recvWindow });
      if (c.accepted) expect(result.status).toBe(200);
      else expect(result.body).toMatchObject({ code: c.error });
    },
  );
});
