import { type RunningSimulator, SimulatorAdmin, startSimulator } from '@qrl-rebalancer/simulator';
import { createMexcClient } from './client';
import { MEXC_THROTTLE, Throttle } from './throttle';

/**
 * Issue #15, item 9: MEXC's real limits (MEXC support in JKorf/Mexc.Net#42: orders 12/s, all
 * requests 20/s; docs "Account Information": /api/v3/account 2/s). The buckets, on a fake clock,
 * then the client against the simulator, which enforces them by default.
 */
describe('Throttle (fake clock)', () => {
  function fake() {
    let t = 0;
    const waits: number[] = [];
    const throttle = new Throttle(
      MEXC_THROTTLE,
      () => t,
      async (ms) => {
        waits.push(ms);
        t += ms;
      },
    );
    return { throttle, waits, at: () => t, advance: (ms: number) => (t += ms) };
  }

  /** the most requests any 1000 ms window saw */
  function busiestSecond(times: number[]): number {
    return Math.max(...times.map((start) => times.filter((x) => x >= start && x < start + 1000).length));
  }

  it('a burst of 8, then 10 per second: never more than 18 requests in any second (MEXC: 20)', async () => {
    const f = fake();
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      await f.throttle.acquire('GET /api/v3/depth');
      times.push(f.at());
    }
    expect(times.slice(0, 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(times[8]).toBe(100);
    expect(busiestSecond(times)).toBeLessThanOrEqual(18);
  });

  it('orders: at most 10 in any second (MEXC: 12), and they count towards all requests', async () => {
    const f = fake();
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
      await f.throttle.acquire('POST /api/v3/order');
      times.push(f.at());
    }
    expect(busiestSecond(times)).toBeLessThanOrEqual(10);
  });

  it('account reads: at most 2 in any second (MEXC docs: 2 times/s); other endpoints do not wait for them', async () => {
    const f = fake();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await f.throttle.acquire('GET /api/v3/account');
      times.push(f.at());
    }
    expect(times).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(await f.throttle.acquire('GET /api/v3/ticker/bookTicker')).toBe(0);
  });

  it('a quiet spell refills the bucket up to its burst, not beyond', async () => {
    const f = fake();
    for (let i = 0; i < 8; i++) await f.throttle.acquire('GET /api/v3/depth');
    f.advance(60_000);
    for (let i = 0; i < 8; i++) expect(await f.throttle.acquire('GET /api/v3/depth')).toBe(0);
    expect(await f.throttle.acquire('GET /api/v3/depth')).toBe(100);
  });
});

describe('the client stays inside the limits the simulator enforces', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 4, apiKey: 'mx0-throttle', apiSecret: 'throttle-secret-0123456' });
  });
  afterAll(() => sim.stop());

  const requests = () => new SimulatorAdmin(sim.url).requests();

  it('without the client throttle, MEXC-like limits answer 429 (the simulator enforces them by default)', async () => {
    const c = createMexcClient(
      { baseUrl: sim.url, apiKey: sim.apiKey, apiSecret: sim.apiSecret, recvWindowMs: 5000 },
      { rateLimits: false, maxAttempts: 1 },
    );
    await c.serverTime();
    const results = await Promise.allSettled([c.balances(), c.balances(), c.balances()]);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.name)).toEqual(
      ['RateLimitError'],
    );
  });

  it('with it (the default): 30 reads at once and 3 account reads, no 429 and no retry', async () => {
    await new SimulatorAdmin(sim.url).reset();
    const c = createMexcClient(
      { baseUrl: sim.url, apiKey: sim.apiKey, apiSecret: sim.apiSecret, recvWindowMs: 5000 },
      { maxAttempts: 1 },
    );
    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: 30 }, () => c.bookTop('QRLUSDT')),
      c.balances(),
      c.balances(),
      c.balances(),
    ]);
    expect(c.metrics().retries).toBe(0);
    expect((await requests())['GET /api/v3/ticker/bookTicker']).toBe(30);
    // 34 requests at ≤ 10/s after a burst of 8, and account reads 1 s apart
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });
});
