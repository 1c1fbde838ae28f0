import { type RunningSimulator, startSimulator } from '@qrl-rebalancer/simulator';
import { silentLogger } from '../../observability/logger';
import account from './fixtures/captured/account.json';
import bookTicker from './fixtures/captured/bookTicker.json';
import cancelAll from './fixtures/captured/cancelAll_openOrders_delete.json';
import defaultSymbols from './fixtures/captured/defaultSymbols.json';
import depth from './fixtures/captured/depth.json';
import errors from './fixtures/captured/errors.json';
import exchangeInfo from './fixtures/captured/exchangeInfo.json';
import myTrades from './fixtures/captured/myTrades.json';
import openOrders from './fixtures/captured/openOrders.json';
import orderDelete from './fixtures/captured/order_delete.json';
import orderGet from './fixtures/captured/order_get.json';
import orderPost from './fixtures/captured/order_post.json';
import tickerPrice from './fixtures/captured/ticker_price.json';
import time from './fixtures/captured/time.json';
import type { Param } from './signing';
import { Throttle } from './throttle';
import { type Call, MexcTransport } from './transport';

/**
 * Issue #15: the simulator's answers, over loopback HTTP, against the bodies captured from MEXC
 * (fixtures/captured). Every key that all captures of an endpoint share must be in the simulator's
 * answer, with a JSON type one of the captures shows for it. Where MEXC answers one shape always
 * (the thin cancel), the simulator must answer exactly that shape. Nothing here comes from the
 * simulator's or the client's own idea of MEXC.
 */

type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

function typeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean') return t;
  return 'object';
}

const asRecord = (x: unknown) => x as Record<string, unknown>;

/**
 * Keys every capture has, each with the types the captures show; then what the answer lacks or
 * types differently. A key that is null in every capture shows no type (e.g. clientOrderId of an
 * order placed without one): any type passes, its presence is still required.
 */
export function shapeProblems(actual: unknown, captures: readonly unknown[]): string[] {
  if (typeOf(actual) !== 'object') return [`answer is ${typeOf(actual)}, not an object`];
  const bodies = captures.map(asRecord);
  const first = bodies[0] ?? {};
  const shared = Object.keys(first).filter((k) => bodies.every((b) => k in b));
  const problems: string[] = [];
  for (const key of shared) {
    const allowed = new Set(bodies.map((b) => typeOf(b[key])));
    const got = asRecord(actual)[key];
    const untyped = allowed.size === 1 && allowed.has('null');
    if (!(key in asRecord(actual))) problems.push(`${key}: missing`);
    else if (!untyped && !allowed.has(typeOf(got)))
      problems.push(`${key}: ${typeOf(got)}, captured ${[...allowed].join('|')}`);
  }
  return problems;
}

const bodiesOf = (file: { body: unknown }[]) => file.map((e) => e.body);
const firstOf = (file: { body: unknown[] }[]) => file.map((e) => e.body[0]);

let sim: RunningSimulator;
let transport: MexcTransport;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, apiKey: 'mx0-shapes-key', apiSecret: 'shapes-secret-0123456789' });
  transport = new MexcTransport({
    baseUrl: sim.url,
    apiKey: sim.apiKey,
    apiSecret: sim.apiSecret,
    recvWindowMs: 5000,
    timeoutMs: 3000,
    maxAttempts: 1,
    backoffBaseMs: 1,
    backoffMaxMs: 1,
    maxRetryAfterMs: 0,
    defaultBanMs: 1,
    now: Date.now,
    sleep: async () => undefined,
    random: () => 0,
    logger: silentLogger,
    // within MEXC's real limits, which the simulator enforces by default
    throttle: new Throttle(),
  });
});
afterAll(() => sim.stop());

const get = (path: string, params: Param[] = [], signed = false): Promise<unknown> =>
  transport.send({ method: 'GET', path, params, signed, kind: 'read' } satisfies Call);
const signed = (method: 'POST' | 'DELETE' | 'GET', path: string, params: Param[]): Promise<unknown> =>
  transport.send({ method, path, params, signed: true, kind: 'read' } satisfies Call);

async function book(): Promise<{ bid: string; ask: string }> {
  const top = asRecord(await get('/api/v3/ticker/bookTicker', [['symbol', 'QRLUSDT']]));
  return { bid: String(top.bidPrice), ask: String(top.askPrice) };
}

const restingBuy = async (id: string) => {
  const { bid } = await book();
  const price = (Number(bid) * 0.9).toFixed(4);
  return signed('POST', '/api/v3/order', [
    ['symbol', 'QRLUSDT'],
    ['side', 'BUY'],
    ['type', 'LIMIT'],
    ['quantity', '10'],
    ['price', price],
    ['newClientOrderId', id],
  ]);
};

describe('the simulator answers with the shapes captured from MEXC', () => {
  it('GET /api/v3/time', async () => {
    expect(shapeProblems(await get('/api/v3/time'), bodiesOf(time))).toEqual([]);
  });

  it('GET /api/v3/exchangeInfo: the envelope and the symbol object', async () => {
    const answer = asRecord(await get('/api/v3/exchangeInfo', [['symbol', 'QRLUSDT']]));
    expect(shapeProblems(answer, bodiesOf(exchangeInfo))).toEqual([]);
    const symbols = exchangeInfo.map((e) => e.body.symbols[0]);
    expect(shapeProblems((answer.symbols as unknown[])[0], symbols)).toEqual([]);
  });

  it('GET /api/v3/defaultSymbols', async () => {
    expect(shapeProblems(await get('/api/v3/defaultSymbols'), bodiesOf(defaultSymbols))).toEqual([]);
  });

  it('GET /api/v3/selfSymbols answers the same envelope (MEXC docs "User API default symbol")', async () => {
    expect(shapeProblems(await get('/api/v3/selfSymbols', [], true), bodiesOf(defaultSymbols))).toEqual([]);
  });

  it('GET /api/v3/ticker/bookTicker', async () => {
    expect(
      shapeProblems(await get('/api/v3/ticker/bookTicker', [['symbol', 'QRLUSDT']]), bodiesOf(bookTicker)),
    ).toEqual([]);
  });

  it('GET /api/v3/depth', async () => {
    const answer = asRecord(await get('/api/v3/depth', [['symbol', 'QRLUSDT']]));
    expect(shapeProblems(answer, bodiesOf(depth))).toEqual([]);
    const level = (answer.bids as unknown[][])[0];
    expect(level?.map(typeOf)).toEqual(depth[0]?.body.bids[0]?.map(typeOf));
  });

  it('GET /api/v3/ticker/price', async () => {
    expect(shapeProblems(await get('/api/v3/ticker/price', [['symbol', 'QRLUSDT']]), bodiesOf(tickerPrice))).toEqual(
      [],
    );
  });

  it('GET /api/v3/account and its balance rows', async () => {
    const answer = asRecord(await get('/api/v3/account', [], true));
    expect(shapeProblems(answer, bodiesOf(account))).toEqual([]);
    const rows = account.map((e) => e.body.balances[0]);
    expect(shapeProblems((answer.balances as unknown[])[0], rows)).toEqual([]);
  });

  it('POST /api/v3/order, GET /api/v3/order, GET /api/v3/openOrders', async () => {
    const placed = await restingBuy('shape-1');
    expect(shapeProblems(placed, bodiesOf(orderPost))).toEqual([]);
    const queried = await signed('GET', '/api/v3/order', [
      ['symbol', 'QRLUSDT'],
      ['origClientOrderId', 'shape-1'],
    ]);
    // the docs example's "Qty" is a typo (captured README): only captures with origQty are the shape;
    // openOrders answers the same order object (ref §6), and its capture is the one of a NEW order
    const live = [...bodiesOf(orderGet).filter((b) => 'origQty' in asRecord(b)), ...firstOf(openOrders)];
    expect(shapeProblems(queried, live)).toEqual([]);
    const open = (await signed('GET', '/api/v3/openOrders', [['symbol', 'QRLUSDT']])) as unknown[];
    expect(shapeProblems(open[0], firstOf(openOrders))).toEqual([]);
  });

  it('DELETE /api/v3/order answers exactly the thin live shape', async () => {
    await restingBuy('shape-2');
    const cancelled = asRecord(
      await signed('DELETE', '/api/v3/order', [
        ['symbol', 'QRLUSDT'],
        ['origClientOrderId', 'shape-2'],
      ]),
    );
    expect(shapeProblems(cancelled, bodiesOf(orderDelete))).toEqual([]);
    // MEXC answers thin, always (ccxt's live capture): no status, no executedQty
    expect(Object.keys(cancelled).sort()).toEqual(Object.keys(asRecord(orderDelete[0]?.body)).sort());
  });

  it('DELETE /api/v3/openOrders answers the thin live shape per order', async () => {
    await restingBuy('shape-3');
    const cancelled = (await signed('DELETE', '/api/v3/openOrders', [['symbol', 'QRLUSDT']])) as unknown[];
    expect(cancelled.length).toBeGreaterThan(0);
    expect(shapeProblems(cancelled[0], firstOf(cancelAll))).toEqual([]);
    expect(Object.keys(asRecord(cancelled[0])).sort()).toEqual(Object.keys(asRecord(cancelAll[0]?.body[0])).sort());
  });

  it('GET /api/v3/myTrades', async () => {
    const { ask } = await book();
    const filled = asRecord(
      await signed('POST', '/api/v3/order', [
        ['symbol', 'QRLUSDT'],
        ['side', 'BUY'],
        ['type', 'IMMEDIATE_OR_CANCEL'],
        ['quantity', '10'],
        ['price', ask],
        ['newClientOrderId', 'shape-4'],
      ]),
    );
    const trades = (await signed('GET', '/api/v3/myTrades', [
      ['symbol', 'QRLUSDT'],
      ['orderId', String(filled.orderId)],
    ])) as unknown[];
    expect(trades.length).toBeGreaterThan(0);
    expect(shapeProblems(trades[0], firstOf(myTrades))).toEqual([]);
  });

  it('error bodies carry a numeric code and a string msg, as captured', async () => {
    const response = await fetch(`${sim.url}/api/v3/exchangeInfo?symbol=NOPEUSDT`);
    const body = await response.json();
    const coded = (errors as { body: unknown }[])
      .map((e) => e.body)
      .filter((b) => b !== null && typeof asRecord(b).msg === 'string');
    expect(response.status).toBe(400);
    expect(shapeProblems(body, coded)).toEqual([]);
  });

  it('shapeProblems itself: a missing key and a wrong type are reported', () => {
    expect(shapeProblems({ a: 1 }, [{ a: '1', b: null }])).toEqual(['a: number, captured string', 'b: missing']);
    expect(shapeProblems({ a: 1, b: 2 }, [{ a: 1, b: null }])).toEqual([]);
  });
});
