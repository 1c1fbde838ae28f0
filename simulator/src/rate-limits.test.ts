import { type RunningSimulator, startSimulator } from './index';
import { mexcRateLimits, RateLimiter } from './rate-limits';
import { adminRequest } from './testing/admin-client';
import { makeCaller } from './testing/signed-client';

/** MEXC support in JKorf/Mexc.Net#42: orders 12/s, all requests 20/s; docs "Account Information": account 2/s. */
describe('RateLimiter', () => {
  it('counts the last 1000 ms per class; a refused request is not counted', () => {
    let t = 0;
    const limiter = new RateLimiter(mexcRateLimits, () => t);
    expect(limiter.admit('GET /api/v3/account')).toBeNull();
    expect(limiter.admit('GET /api/v3/account')).toBeNull();
    expect(limiter.admit('GET /api/v3/account')).toBe('account');
    t = 999;
    expect(limiter.admit('GET /api/v3/account')).toBe('account');
    t = 1000;
    expect(limiter.admit('GET /api/v3/account')).toBeNull();
  });

  it('orders 12 per second, everything 20 per second', () => {
    let t = 0;
    const limiter = new RateLimiter(mexcRateLimits, () => t);
    for (let i = 0; i < 12; i++) expect(limiter.admit('POST /api/v3/order')).toBeNull();
    expect(limiter.admit('POST /api/v3/order')).toBe('order');
    for (let i = 0; i < 8; i++) expect(limiter.admit('GET /api/v3/depth')).toBeNull();
    expect(limiter.admit('GET /api/v3/depth')).toBe('all');
    t = 1000;
    expect(limiter.admit('GET /api/v3/depth')).toBeNull();
  });

  it('null limits: nothing is refused', () => {
    const limiter = new RateLimiter(null);
    for (let i = 0; i < 100; i++) expect(limiter.admit('GET /api/v3/account')).toBeNull();
  });
});

describe('the simulator enforces them by default', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ apiKey: 'mx0limits', apiSecret: 'limits-secret' });
  });
  afterAll(() => sim.stop());

  it('a third account read within a second is 429 with Retry-After; reset clears the window', async () => {
    const call = makeCaller(sim.url, sim.apiKey, sim.apiSecret);
    expect((await call('/api/v3/account')).status).toBe(200);
    expect((await call('/api/v3/account')).status).toBe(200);
    const limited = await call('/api/v3/account');
    expect(limited).toMatchObject({ status: 429, body: { code: 429, msg: 'Too Many Requests' } });
    expect(limited.headers.get('retry-after')).toBe('1');
    await adminRequest(sim.url, 'POST', '/__sim/reset');
    expect((await call('/api/v3/account')).status).toBe(200);
  });

  it('the admin API is never limited', async () => {
    for (let i = 0; i < 30; i++) expect((await adminRequest(sim.url, 'GET', '/__sim/balances')).status).toBe(200);
  });
});
