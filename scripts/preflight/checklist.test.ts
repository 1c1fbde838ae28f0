import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { type RunningSimulator, SimulatorAdmin, startSimulator } from '@qrl-rebalancer/simulator';
import { formatLines, runPreflight } from './checklist';

/** `npm run preflight` against the simulator over loopback: the checklist, item by item. */

let sim: RunningSimulator;
const env = () => ({ MEXC_BASE_URL: sim.url, MEXC_API_KEY: sim.apiKey, MEXC_API_SECRET: sim.apiSecret });
let admin: SimulatorAdmin;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, apiKey: 'mx0-preflight-key', apiSecret: 'preflight-secret-0123456789' });
  admin = new SimulatorAdmin(sim.url);
});
afterAll(() => sim.stop());
beforeEach(() => admin.reset());

const items = (lines: { level: string; item: string }[]) => lines.map((l) => `${l.level} ${l.item}`);

describe('preflight against the simulator', () => {
  it('a good key and the default profile: every item passes, the plan is a dry run', async () => {
    const result = await runPreflight(env());
    expect(items(result.lines)).toEqual([
      'ok config',
      'ok clock',
      'ok key',
      'ok permissions',
      'ok withdrawals',
      'ok api-tradable',
      'ok rules',
      'info fees',
      'info plan',
    ]);
    expect(result.ok).toBe(true);
    const text = formatLines(result);
    expect(text).toMatch(/\[ok\] {3}clock .*ms (ahead of|behind) this machine's/);
    expect(text).toMatch(/QRLUSDT is open to API trading for this key \(selfSymbols\)/);
    expect(text).toMatch(/min notional 1 USDT/);
    expect(text).toMatch(/profile default would (trade|skip)/);
    expect(text).toMatch(/preflight passed: this key and configuration can trade$/);
    for (const secret of [sim.apiKey, sim.apiSecret]) expect(text).not.toContain(secret);
  });

  it('a key that cannot trade, may withdraw and lacks the pair: each item says what to change', async () => {
    await admin.setKey({ canTrade: false, canWithdraw: true, selfSymbols: [] });
    const result = await runPreflight({ ...env(), STRATEGY_PROFILES: '{"default":{"minTradeNotional":"0.5"}}' });
    expect(result.ok).toBe(false);
    const byItem = (item: string) => result.lines.filter((l) => l.item === item);
    expect(byItem('permissions')).toEqual([
      { level: 'fail', item: 'permissions', text: expect.stringMatching(/canTrade is false.*enable spot trading/) },
    ]);
    expect(byItem('withdrawals')[0]).toMatchObject({
      level: 'warn',
      text: expect.stringMatching(/remove the withdrawal permission/),
    });
    expect(byItem('api-tradable')[0]).toMatchObject({
      level: 'fail',
      text: expect.stringMatching(/^QRLUSDT is not open to API trading for this API key/),
    });
    expect(byItem('rules')[0]).toMatchObject({
      level: 'warn',
      text: expect.stringMatching(/minTradeNotional 0\.5 USDT/),
    });
    expect(formatLines(result)).toMatch(/preflight failed: 2 item\(s\) to fix/);
  });

  it('no keys: the key item fails, the public checks still run', async () => {
    const result = await runPreflight({ MEXC_BASE_URL: sim.url });
    expect(items(result.lines)).toEqual(['ok config', 'ok clock', 'fail key', 'ok rules', 'info fees']);
  });

  it('an unreachable exchange stops at the clock; a bad config at the config', async () => {
    expect(items((await runPreflight({ MEXC_BASE_URL: 'http://127.0.0.1:1' })).lines)).toEqual([
      'ok config',
      'fail clock',
    ]);
    expect(items((await runPreflight({ ...env(), STRATEGY_PROFILES: '{' })).lines)).toEqual(['fail config']);
  });

  it('the npm script: exit 0 and the checklist on stdout', async () => {
    const tsx = resolve(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
    const { stdout } = await promisify(execFile)(tsx, [resolve(__dirname, '..', 'preflight.ts')], {
      env: { ...process.env, ...env(), STRATEGY_PROFILES: '' },
      timeout: 60_000,
    });
    expect(stdout).toMatch(/\[ok\] {3}key /);
    expect(stdout).toMatch(/preflight passed/);
  }, 60_000);
});
