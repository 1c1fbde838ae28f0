import { chainFrom, type ProxiedRequest, sequentialBefore } from './timing-proxy';

const r = (endpoint: string, arrivedMs: number, doneMs: number): ProxiedRequest => ({ endpoint, arrivedMs, doneMs });

describe('sequential round trips before the first order', () => {
  it('counts a chain once per step and parallel requests once', () => {
    const log = [
      r('GET /api/v3/time', 0, 50),
      r('GET /api/v3/exchangeInfo', 51, 101),
      r('GET /api/v3/account', 102, 152),
      r('GET /api/v3/depth', 103, 153),
      r('GET /api/v3/ticker/bookTicker', 104, 154),
      r('POST /api/v3/order', 160, 210),
      r('GET /api/v3/order', 211, 260),
    ];
    expect(sequentialBefore(log, 'POST /api/v3/order')).toBe(3);
  });

  it('all in parallel is one; an order first is zero; no order is null', () => {
    const parallel = [r('GET /a', 0, 50), r('GET /b', 1, 51), r('POST /api/v3/order', 60, 90)];
    expect(sequentialBefore(parallel, 'POST /api/v3/order')).toBe(1);
    expect(sequentialBefore([r('POST /api/v3/order', 0, 10)], 'POST /api/v3/order')).toBe(0);
    expect(sequentialBefore(parallel.slice(0, 2), 'POST /api/v3/order')).toBeNull();
  });

  it('a request still in flight when the order left is not on its path', () => {
    const log = [r('GET /a', 0, 50), r('GET /slow', 1, 500), r('POST /api/v3/order', 60, 90)];
    expect(sequentialBefore(log, 'POST /api/v3/order')).toBe(1);
  });
});

describe('the chain from the order to the answer', () => {
  it('numbers each request by the answers it waited for', () => {
    const log = [
      r('GET /api/v3/depth', 0, 50),
      r('POST /api/v3/order', 60, 110),
      r('GET /api/v3/order', 111, 160),
      r('GET /api/v3/myTrades', 161, 210),
      r('GET /api/v3/account', 162, 1000),
    ];
    expect(chainFrom(log, 'POST /api/v3/order').map((s) => [s.endpoint, s.step, s.startMs])).toEqual([
      ['POST /api/v3/order', 1, 0],
      ['GET /api/v3/order', 2, 51],
      ['GET /api/v3/myTrades', 3, 101],
      ['GET /api/v3/account', 3, 102],
    ]);
    expect(chainFrom(log.slice(0, 1), 'POST /api/v3/order')).toEqual([]);
  });
});
