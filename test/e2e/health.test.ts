import { type ServedFunction, serveFunction } from '../../scripts/lib/serve-function';
import { ensureBundles } from '../harness/bundles';

describe('health bundle under functions-framework', () => {
  let fn: ServedFunction;

  beforeAll(async () => {
    await ensureBundles();
    fn = await serveFunction('health');
  }, 60_000);
  afterAll(() => fn?.stop());

  it('answers GET with status, version, commit and uptime', async () => {
    const response = await fetch(fn.url);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.status).toBe('ok');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof body.commit).toBe('string');
    expect(body.commit).not.toBe('');
    expect(Number.isInteger(body.uptimeS)).toBe(true);
  });

  it('refuses other methods with 405', async () => {
    const response = await fetch(fn.url, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('GET');
  });
});
