import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Big from 'big.js';
import ky, { isHTTPError } from 'ky';
import { isOrderRefusal } from '../../app/order-outcome';
import { createMexcClient, type MexcClientOptions } from './client';
import {
  CancelUnconfirmedError,
  ExchangeError,
  IpBannedError,
  OrderUnconfirmedError,
  RateLimitError,
  SendDeadlinePassedError,
  UnknownOutcomeError,
} from './errors';
import errorCases from './fixtures/error-cases.json';
import vectors from './fixtures/mexc-vectors.json';
import { sanitizedCause } from './redact';

/**
 * Transport decisions against a scripted node:http server on loopback: the exact bytes sent, how
 * every error body is classified, retries, Retry-After, the 418 stop, clock re-sync, and that no
 * error carries the key, secret or signature. (client.test.ts runs the real simulator.)
 */

interface Scripted {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** never answer (to provoke a client timeout) */
  hang?: boolean;
}

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const API_KEY = 'mx0-test-key-ABCDEFGH';
const API_SECRET = 'mexc-sim-secret-0123456789abcdef';
const NOW = 1767225600000;

let server: Server;
let baseUrl: string;
let script: Scripted[] = [];
let fallback: Scripted = { status: 200, body: {} };
let serverTime = NOW;
let received: Received[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const url = req.url ?? '';
      if (url.startsWith('/api/v3/time')) {
        received.push({ method: req.method ?? '', url, headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ serverTime }));
        return;
      }
      received.push({ method: req.method ?? '', url, headers: req.headers, body });
      const next = script.shift() ?? fallback;
      if (next.hang) return;
      const text = typeof next.body === 'string' ? next.body : JSON.stringify(next.body);
      const type = typeof next.body === 'string' ? 'text/html' : 'application/json';
      res.writeHead(next.status, { 'content-type': type, ...next.headers }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  script = [];
  fallback = { status: 200, body: {} };
  serverTime = NOW;
  received = [];
});

const sleeps: number[] = [];
function client(options: MexcClientOptions = {}) {
  sleeps.length = 0;
  return createMexcClient(
    { baseUrl, apiKey: API_KEY, apiSecret: API_SECRET, recvWindowMs: 5000 },
    {
      clock: { now: () => new Date(NOW) },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      timeoutMs: 2_000,
      notFoundDelayMs: 0,
      // a scripted server, not MEXC: the client-side limits (throttle.test.ts) would only slow this down
      rateLimits: false,
      ...options,
    },
  );
}

const order = {
  symbol: 'QRLUSDT',
  side: 'BUY' as const,
  type: 'LIMIT' as const,
  quantity: new Big('250.5'),
  price: new Big('0.4123'),
  clientOrderId: 'rb-20260101-0001',
};

const orderBody = {
  symbol: 'QRLUSDT',
  orderId: 'C02__1',
  orderListId: '-1',
  clientOrderId: 'rb-20260101-0001',
  price: '0.4123',
  origQty: '250.5',
  executedQty: '0',
  cummulativeQuoteQty: '0',
  status: 'NEW',
  timeInForce: null,
  type: 'LIMIT',
  side: 'BUY',
  time: '1767225600012',
  updateTime: null,
  isWorking: true,
};

function expectNoSecrets(error: unknown) {
  const texts = [String(error)];
  if (error instanceof Error) {
    texts.push(
      error.message,
      String(error.cause ?? ''),
      JSON.stringify(error.cause instanceof Error ? error.cause.message : ''),
    );
  }
  if (error instanceof ExchangeError) texts.push(JSON.stringify(error.toJSON()));
  for (const text of texts) {
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(API_SECRET);
    expect(text).not.toMatch(/signature=[0-9a-f]/);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  }
}

describe('what goes on the wire', () => {
  it('sends the vector bytes: params in the query, empty body, key and content type headers', async () => {
    const v = vectors.signatures.find((s) => s.id === 'qrl_limit_buy_with_client_id');
    script = [
      { status: 200, body: { symbol: 'QRLUSDT', orderId: 'C02__1', orderListId: -1, transactTime: NOW } },
      { status: 200, body: orderBody },
    ];
    await client().placeOrder(order);
    const post = received.find((r) => r.method === 'POST');
    expect(post?.url).toBe(`/api/v3/order?${v?.totalParams}&signature=${v?.signature}`);
    expect(post?.body).toBe('');
    expect(post?.headers['x-mexc-apikey']).toBe(API_KEY);
    expect(post?.headers['content-type']).toBe('application/json');
  });

  it('reads the server time once per instance before the first signed call, never for public ones', async () => {
    fallback = { status: 200, body: { balances: [] } };
    const c = client();
    await c.balances();
    await c.balances();
    expect(received.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
      'GET /api/v3/time',
      'GET /api/v3/account',
      'GET /api/v3/account',
    ]);
    expect(c.metrics()).toEqual({
      calls: 3,
      retries: 0,
      byEndpoint: { 'GET /api/v3/time': 1, 'GET /api/v3/account': 2 },
    });
  });

  it('refuses signed calls without credentials, sending nothing', async () => {
    const c = createMexcClient({ baseUrl, apiKey: undefined, apiSecret: undefined, recvWindowMs: 5000 });
    await expect(c.balances()).rejects.toMatchObject({ name: 'ExchangeAuthError' });
    expect(received).toHaveLength(0);
  });
});

describe('error classification (one row per MEXC answer)', () => {
  type Row = {
    description: string;
    vectorError?: number;
    status?: number;
    headers?: Record<string, string>;
    body?: unknown;
    call: 'read' | 'order';
    expected: string;
    retryAfterMs?: number;
  };
  it.each((errorCases.rows as Row[]).map((r) => [r.description, r] as const))('%s', async (_d, row) => {
    const vectorError = row.vectorError === undefined ? undefined : vectors.errors[row.vectorError];
    fallback = {
      status: row.status ?? vectorError?.httpStatus ?? 400,
      body: row.body ?? vectorError?.body,
      headers: row.headers ?? (vectorError && 'headers' in vectorError ? vectorError.headers : undefined),
    };
    const c = client({ maxAttempts: 1 });
    const attempt = row.call === 'order' ? c.placeOrder(order) : c.balances();
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExchangeError);
    expect((error as Error).name).toBe(row.expected);
    if (row.retryAfterMs !== undefined) expect(error).toMatchObject({ retryAfterMs: row.retryAfterMs });
    expectNoSecrets(error);
    if (row.call === 'order') expect(received.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

describe('retries', () => {
  it('retries a read after 5xx with jittered exponential back-off', async () => {
    script = [
      { status: 503, body: 'busy' },
      { status: 502, body: 'busy' },
      { status: 200, body: { balances: [{ asset: 'QRL', free: '1', locked: '0' }] } },
    ];
    const c = client({ maxAttempts: 3, backoffBaseMs: 200 });
    await expect(c.balances()).resolves.toHaveLength(1);
    // random() = 0.5 → half of 200·2^0 and 200·2^1
    expect(sleeps).toEqual([100, 200]);
    expect(c.metrics().retries).toBe(2);
  });

  it('waits exactly Retry-After on 429, then succeeds', async () => {
    script = [{ status: 429, headers: { 'Retry-After': '2' }, body: { code: 429, msg: 'Too Many Requests' } }];
    fallback = { status: 200, body: { symbol: 'QRLUSDT', price: '0.5' } };
    await expect(client().lastPrice('QRLUSDT')).resolves.toEqual(new Big('0.5'));
    expect(sleeps).toEqual([2000]);
  });

  it('does not wait for a Retry-After above maxRetryAfterMs', async () => {
    fallback = { status: 429, headers: { 'Retry-After': '60' }, body: { code: 429, msg: 'Too Many Requests' } };
    const error = await client({ maxRetryAfterMs: 10_000 })
      .lastPrice('QRLUSDT')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 60_000, retryable: true });
    expect(sleeps).toEqual([]);
    expect(received).toHaveLength(1);
  });

  it('never resends an order after a 5xx', async () => {
    fallback = { status: 502, body: 'bad gateway' };
    await expect(client().placeOrder(order)).rejects.toBeInstanceOf(UnknownOutcomeError);
    expect(received.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('regression: an order whose sendBy has passed is not signed or sent (a stalled process never sends late)', async () => {
    fallback = { status: 200, body: orderBody };
    const late = client().placeOrder({ ...order, sendBy: new Date(NOW - 1) });
    await expect(late).rejects.toBeInstanceOf(SendDeadlinePassedError);
    await expect(late).rejects.toMatchObject({ code: 'exchange.send_deadline_passed' });
    expect(received.filter((r) => r.method === 'POST')).toHaveLength(0);
    // on time: sent once, as usual
    await client().placeOrder({ ...order, sendBy: new Date(NOW) });
    expect(received.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('regression: sendBy is judged on this instance clock, so MEXC time 4 s ahead does not refuse a timely order', async () => {
    // found by the fault campaign: with the check on the MEXC-synced timestamp, every order of an
    // instance whose exchange clock ran ahead of the ledger's by more than the send window failed
    fallback = { status: 200, body: orderBody };
    serverTime = NOW + 4_000;
    await client().placeOrder({ ...order, sendBy: new Date(NOW + 1_000) });
    const post = received.filter((r) => r.method === 'POST');
    expect(post).toHaveLength(1);
    // still signed with MEXC's time, which is what its recvWindow check reads
    expect(post[0]?.url).toMatch(new RegExp(`timestamp=${NOW + 4_000}`));
  });

  it('stops after 418: later calls are refused without being sent', async () => {
    fallback = { status: 418, headers: { 'Retry-After': '120' }, body: '' };
    const c = client();
    await expect(c.bookTop('QRLUSDT')).rejects.toBeInstanceOf(IpBannedError);
    const sent = received.length;
    await expect(c.depth('QRLUSDT', 5)).rejects.toMatchObject({ name: 'IpBannedError', retryable: false });
    await expect(c.placeOrder(order)).rejects.toBeInstanceOf(IpBannedError);
    expect(received).toHaveLength(sent);
  });

  it('re-reads the server time on 700003 and repeats the request once', async () => {
    const c = client();
    fallback = { status: 200, body: { balances: [] } };
    await c.balances();
    expect(c.clockOffsetMs()).toBe(0);
    script = [{ status: 400, body: { code: 700003, msg: 'Timestamp for this request is outside of the recvWindow.' } }];
    serverTime = NOW + 3000;
    await expect(c.balances()).resolves.toEqual([]);
    expect(c.clockOffsetMs()).toBe(3000);
    const accountCalls = received.filter((r) => r.url.startsWith('/api/v3/account'));
    expect(new URL(`http://x${accountCalls.at(-1)?.url}`).searchParams.get('timestamp')).toBe(String(NOW + 3000));
  });
});

describe('query by client order id', () => {
  it('asks again when a fresh order is not visible yet', async () => {
    script = [
      { status: 400, body: { code: -2013, msg: 'Order does not exist.' } },
      { status: 400, body: { code: -2013, msg: 'Order does not exist.' } },
    ];
    fallback = { status: 200, body: orderBody };
    const state = await client({ notFoundRetries: 3 }).queryOrder({
      symbol: 'QRLUSDT',
      clientOrderId: order.clientOrderId,
    });
    expect(state?.orderId).toBe('C02__1');
    expect(received.filter((r) => r.url.startsWith('/api/v3/order'))).toHaveLength(3);
  });

  it('returns null once the retries are spent', async () => {
    fallback = { status: 400, body: { code: -2013, msg: 'Order does not exist.' } };
    await expect(
      client({ notFoundRetries: 2 }).queryOrder({ symbol: 'QRLUSDT', clientOrderId: 'nope' }),
    ).resolves.toBeNull();
    expect(received.filter((r) => r.url.startsWith('/api/v3/order'))).toHaveLength(3);
  });
});

describe('an accepted order that cannot be read back (issue #15 item 3)', () => {
  const accepted = { status: 200, body: { symbol: 'QRLUSDT', orderId: 'C02__7', orderListId: -1, transactTime: NOW } };
  const notFound = { status: 400, body: { msg: 'Order does not exist.', code: -2013, _extend: null } };

  it('-2013 after every retry (ccxt#21614): OrderUnconfirmedError, never an assumed NEW without fills', async () => {
    script = [accepted];
    fallback = notFound;
    const error = await client({ notFoundRetries: 2 })
      .placeOrder(order)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderUnconfirmedError);
    expect(error).toMatchObject({
      code: 'exchange.order_unconfirmed',
      orderId: 'C02__7',
      clientOrderId: order.clientOrderId,
    });
    expect(isOrderRefusal(error)).toBe(false);
    expect(received.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(received.filter((r) => r.method === 'GET' && r.url.startsWith('/api/v3/order'))).toHaveLength(3);
    expectNoSecrets(error);
  });

  it('a read-back that fails: OrderUnconfirmedError with the failure as its cause', async () => {
    script = [accepted, { status: 400, body: { code: 700002, msg: 'Signature for this request is not valid.' } }];
    const error = await client()
      .placeOrder(order)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderUnconfirmedError);
    expect((error as Error).cause).toMatchObject({ name: 'ExchangeAuthError' });
  });

  it('found on a retry: the order as MEXC reports it', async () => {
    script = [
      accepted,
      notFound,
      {
        status: 200,
        body: {
          ...orderBody,
          orderId: 'C02__7',
          status: 'FILLED',
          executedQty: '250.5',
          cummulativeQuoteQty: '103.28',
        },
      },
    ];
    const state = await client().placeOrder(order);
    expect(state).toMatchObject({ orderId: 'C02__7', status: 'FILLED' });
  });
});

describe('cancel: MEXC answers thin, the order is read back (issue #15 item 8)', () => {
  const thin = {
    status: 200,
    body: { symbol: 'QRLUSDT', orderId: 'C02__1', price: '0.4123', origQty: '250.5', type: 'LIMIT', side: 'BUY' },
  };
  const ref = { symbol: 'QRLUSDT', clientOrderId: order.clientOrderId };

  it('thin answer → GET /api/v3/order by orderId → what the order is now', async () => {
    script = [
      thin,
      {
        status: 200,
        body: { ...orderBody, status: 'PARTIALLY_CANCELED', executedQty: '100', cummulativeQuoteQty: '41.23' },
      },
    ];
    const state = await client().cancelOrder(ref);
    expect(state).toMatchObject({ status: 'PARTIALLY_CANCELED' });
    expect(state.executedQuantity.toString()).toBe('100');
    const get = received.find((r) => r.method === 'GET' && r.url.startsWith('/api/v3/order'));
    expect(new URL(`http://x${get?.url}`).searchParams.get('orderId')).toBe('C02__1');
  });

  it('thin answer and no read-back: CancelUnconfirmedError, nothing assumed', async () => {
    script = [thin];
    fallback = { status: 400, body: { code: -2013, msg: 'Order does not exist.' } };
    const error = await client({ notFoundRetries: 1 })
      .cancelOrder(ref)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelUnconfirmedError);
    expect(error).toMatchObject({ code: 'exchange.cancel_unconfirmed', retryable: true });
  });

  it("the docs' full answer is used when the read-back fails", async () => {
    script = [
      {
        status: 200,
        body: {
          ...thin.body,
          status: 'CANCELED',
          executedQty: '0',
          cummulativeQuoteQty: '0',
          origClientOrderId: order.clientOrderId,
        },
      },
    ];
    fallback = { status: 503, body: 'busy' };
    const state = await client({ maxAttempts: 1 }).cancelOrder(ref);
    expect(state).toMatchObject({ status: 'CANCELED', clientOrderId: order.clientOrderId });
  });
});

describe('secrets never leave', () => {
  it('a timed-out order is UnknownOutcomeError without key, secret or signature', async () => {
    fallback = { status: 200, body: {}, hang: true };
    const error = await client({ timeoutMs: 200 })
      .placeOrder(order)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownOutcomeError);
    expect(error).toMatchObject({ clientOrderId: order.clientOrderId });
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(String((error as Error).cause)).toMatch(/TimeoutError/);
    expectNoSecrets(error);
  });

  it("ky's own HTTPError embeds the signed URL; the sanitized cause does not", async () => {
    fallback = { status: 400, body: { code: 700002, msg: 'Signature for this request is not valid.' } };
    const url = `${baseUrl}/api/v3/account?timestamp=1&signature=${'a'.repeat(64)}`;
    const raw = await ky(url, { retry: 0, headers: { 'X-MEXC-APIKEY': API_KEY } })
      .text()
      .catch((e: unknown) => e);
    expect(isHTTPError(raw)).toBe(true);
    expect((raw as Error).message).toContain('signature=');
    const clean = sanitizedCause(raw, [API_KEY, API_SECRET]);
    expect(clean.name).toBe('HTTPError');
    expect(clean.message).toContain('/api/v3/account?<omitted>');
    expectNoSecrets(clean);
  });

  it('scrubs a key or secret echoed back in an error message', async () => {
    fallback = { status: 400, body: { code: 700001, msg: `API-key format invalid: ${API_KEY} / ${API_SECRET}` } };
    const error = await client({ maxAttempts: 1 })
      .balances()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ExchangeAuthError' });
    expectNoSecrets(error);
  });
});
