import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningSimulator, SimulatorAdmin, startSimulator } from '@qrl-rebalancer/simulator';
import Big from 'big.js';
import type { OrderState } from '../../domain/market';
import { createMexcClient, type MexcClientOptions } from './client';
import { TradesIncompleteError } from './errors';

/**
 * Issue #15, item 6: GET /api/v3/myTrades answers one page (MEXC docs "Account Trade List": limit
 * default 100, max 100 in the current docs, 1000 in older ones) and has no cursor but the time
 * window. The client pages until the window is covered, whichever end of the window MEXC keeps in
 * a cut page, and throws instead of returning a partial list.
 */

const NOW = Date.parse('2026-03-10T12:00:00Z');

interface FakeTrade {
  id: string;
  time: number;
}

/** A scripted MEXC that holds `trades` and answers pages of at most `cap`, oldest or newest first. */
function scriptedServer(state: {
  trades: FakeTrade[];
  cap: number;
  keep: 'oldest' | 'newest';
  seen: URLSearchParams[];
}) {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    req.resume();
    if (url.pathname === '/api/v3/time') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ serverTime: NOW }));
      return;
    }
    state.seen.push(url.searchParams);
    const start = Number(url.searchParams.get('startTime') ?? NOW - 86_400_000);
    const end = Number(url.searchParams.get('endTime') ?? NOW);
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 100), state.cap);
    const inWindow = state.trades.filter((t) => t.time >= start && t.time <= end).sort((a, b) => a.time - b.time);
    const page = state.keep === 'oldest' ? inWindow.slice(0, limit) : inWindow.slice(-limit);
    const body = page.map((t) => ({
      symbol: 'QRLUSDT',
      id: t.id,
      orderId: 'C02__1',
      price: '0.5',
      qty: '1',
      quoteQty: '0.5',
      commission: '0',
      commissionAsset: 'USDT',
      time: String(t.time),
      isBuyer: true,
      isMaker: false,
    }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
}

describe('myTrades pages until the window is covered (scripted MEXC)', () => {
  let server: Server;
  let baseUrl: string;
  const state = {
    trades: [] as FakeTrade[],
    cap: 100,
    keep: 'oldest' as 'oldest' | 'newest',
    seen: [] as URLSearchParams[],
  };

  beforeAll(async () => {
    server = scriptedServer(state);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    state.seen = [];
  });

  const client = (options: MexcClientOptions = {}) =>
    createMexcClient(
      { baseUrl, apiKey: 'mx0-trades-key', apiSecret: 'trades-secret-0123456789', recvWindowMs: 5000 },
      { clock: { now: () => new Date(NOW) }, sleep: async () => undefined, ...options },
    );

  /** n trades, `perMs` per millisecond, from `from` on */
  const trades = (n: number, from: number, perMs = 1): FakeTrade[] =>
    Array.from({ length: n }, (_, i) => ({ id: `t${String(i).padStart(4, '0')}`, time: from + Math.floor(i / perMs) }));

  it("one short page: one request, limit sent (the docs' max, 100)", async () => {
    state.trades = trades(30, NOW - 60_000);
    const got = await client().myTrades('QRLUSDT', { startTime: NOW - 3_600_000 });
    expect(got).toHaveLength(30);
    expect(state.seen).toHaveLength(1);
    expect(state.seen[0]?.get('limit')).toBe('100');
    expect(state.seen[0]?.get('startTime')).toBe(String(NOW - 3_600_000));
  });

  it.each(['oldest', 'newest'] as const)(
    '250 trades, MEXC keeping the %s of a window: all of them, once each, in time order',
    async (keep) => {
      state.keep = keep;
      state.trades = trades(250, NOW - 600_000, 3);
      const got = await client().myTrades('QRLUSDT', { startTime: NOW - 3_600_000 });
      // trade ids are opaque (not ordered); within one millisecond any order is right
      expect(got.map((t) => t.tradeId).sort()).toEqual(state.trades.map((t) => t.id));
      expect(got.map((t) => t.time)).toEqual(state.trades.map((t) => t.time));
      expect(state.seen.length).toBeLessThanOrEqual(12);
      for (const q of state.seen.slice(1)) expect(q.get('endTime')).toEqual(expect.any(String));
    },
  );

  it('a server that honours a larger limit: 150 rows of a 1000-row page are complete', async () => {
    state.keep = 'oldest';
    state.cap = 1000;
    state.trades = trades(150, NOW - 600_000);
    try {
      const got = await client({ tradesPageLimit: 1000 }).myTrades('QRLUSDT', { startTime: NOW - 3_600_000 });
      expect(got).toHaveLength(150);
      expect(state.seen).toHaveLength(1);
    } finally {
      state.cap = 100;
    }
  });

  it('more than a page within one millisecond cannot be covered: TradesIncompleteError, no partial list', async () => {
    state.trades = trades(150, NOW - 600_000, 150);
    const error = await client()
      .myTrades('QRLUSDT', { startTime: NOW - 3_600_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TradesIncompleteError);
    expect(error).toMatchObject({ code: 'exchange.trades_incomplete', retryable: true });
    expect((error as Error).message).toMatch(/100 or more trades at 2026-03-10T11:50:00.000Z alone/);
  });

  it('the request budget is a hard cap', async () => {
    state.keep = 'oldest';
    state.trades = trades(2000, NOW - 600_000, 2);
    const error = await client({ tradesMaxRequests: 5 })
      .myTrades('QRLUSDT', { startTime: NOW - 3_600_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TradesIncompleteError);
    expect((error as Error).message).toMatch(/5 requests of up to 100 trades did not cover the window/);
    expect(state.seen).toHaveLength(5);
  });
});

describe('myTrades against the simulator (it keeps the newest 100 of a window)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({
      seed: 9,
      apiKey: 'mx0-trades-sim',
      apiSecret: 'trades-sim-secret-0123',
      // a deep ladder of small levels: one market order takes one trade per level
      config: { symbols: [{ symbol: 'QRLUSDT', depthLevels: 300, levelQty: '1', levelStepBps: 1 }] },
    });
  });
  afterAll(() => sim.stop());

  const client = () =>
    createMexcClient(
      { baseUrl: sim.url, apiKey: sim.apiKey, apiSecret: sim.apiSecret, recvWindowMs: 5000 },
      { notFoundDelayMs: 0 },
    );
  const marketBuy = (c: ReturnType<typeof client>, quantity: string, id: string) =>
    c.placeOrder({ symbol: 'QRLUSDT', side: 'BUY', type: 'MARKET', quantity: new Big(quantity), clientOrderId: id });

  it('three orders, ~180 trades over several milliseconds: every trade comes back', async () => {
    const c = client();
    const since = Date.now() - 1000;
    const orders: OrderState[] = [];
    for (const id of ['mt-1', 'mt-2', 'mt-3']) {
      orders.push(await marketBuy(c, '60', id));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const all = await c.myTrades('QRLUSDT', { startTime: since });
    const expected = await new SimulatorAdmin(sim.url).trades('QRLUSDT');
    expect(all.length).toBe(expected.length);
    expect(all.length).toBeGreaterThan(100);
    expect(new Set(all.map((t) => t.tradeId)).size).toBe(all.length);
    const perOrder = all.filter((t) => t.orderId === orders[1]?.orderId);
    expect(perOrder.reduce((sum, t) => sum.plus(t.quantity), new Big(0)).toString()).toBe(
      orders[1]?.executedQuantity.toString(),
    );
  });

  it('one order with more than 100 fills: every fill, or (all in one millisecond) an error, never the first 100', async () => {
    await new SimulatorAdmin(sim.url).reset();
    const c = client();
    const big = await marketBuy(c, '150', 'mt-big');
    const result = await c.myTrades('QRLUSDT', { orderId: big.orderId }).catch((e: unknown) => e);
    if (result instanceof TradesIncompleteError) return;
    expect(Array.isArray(result)).toBe(true);
    const fills = result as Awaited<ReturnType<typeof c.myTrades>>;
    expect(fills.length).toBeGreaterThan(100);
    expect(fills.reduce((sum, t) => sum.plus(t.quantity), new Big(0)).toString()).toBe(big.executedQuantity.toString());
  });
});
