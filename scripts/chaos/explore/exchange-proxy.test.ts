import { type RunningSimulator, startSimulator } from '@qrl-rebalancer/simulator';
import { type ExchangeCall, type ExchangeProxy, type ExchangeVerdict, startExchangeProxy } from './exchange-proxy';

describe('exchange proxy in front of the simulator', () => {
  let sim: RunningSimulator;
  let proxy: ExchangeProxy;
  const seen: string[] = [];
  let verdict: ExchangeVerdict = { kind: 'forward' };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 1 });
    proxy = await startExchangeProxy(sim.url, {
      before: async (call: ExchangeCall) => {
        seen.push(`before ${call.endpoint}`);
        return verdict;
      },
      after: (call) => seen.push(`after ${call.endpoint}`),
    });
  });
  afterAll(async () => {
    await proxy.close();
    await sim.stop();
  });
  beforeEach(() => {
    seen.length = 0;
    verdict = { kind: 'forward' };
  });

  it('forwards a request with its query and reports it before and after, named without the query', async () => {
    const response = await fetch(`${proxy.url}/api/v3/ticker/price?symbol=QRLUSDT`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ symbol: 'QRLUSDT', price: expect.any(String) });
    expect(seen).toEqual(['before GET /api/v3/ticker/price', 'after GET /api/v3/ticker/price']);
  });

  it('passes the simulator’s own fault answers through unchanged', async () => {
    await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ endpoint: 'GET /api/v3/time', kind: '429', retryAfterS: 3 }),
    });
    const response = await fetch(`${proxy.url}/api/v3/time`);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
  });

  it('drops the connection when the simulator drops it (an order accepted, its answer lost)', async () => {
    await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ endpoint: 'GET /api/v3/ping', kind: 'accept_then_timeout' }),
    });
    await expect(fetch(`${proxy.url}/api/v3/ping`)).rejects.toThrow();
    expect(seen).toEqual(['before GET /api/v3/ping']);
  });

  it('never lets a swallowed request reach the simulator', async () => {
    const count = async () =>
      ((await (await fetch(`${sim.url}/__sim/requests`)).json()) as { requests: Record<string, number> }).requests[
        'GET /api/v3/exchangeInfo'
      ] ?? 0;
    const before = await count();
    verdict = { kind: 'swallow' };
    const held = fetch(`${proxy.url}/api/v3/exchangeInfo`, { signal: AbortSignal.timeout(300) });
    await expect(held).rejects.toThrow();
    expect(await count()).toBe(before);
  });
});
