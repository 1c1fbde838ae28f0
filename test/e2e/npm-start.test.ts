import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');

describe('npm start', () => {
  it('builds, runs a scheduled rebalance and its duplicate, prints the report, stops everything, exits 0', async () => {
    // Its own bundle dir, so it never rewrites dist/ while other test files serve it; inside the repo so
    // the bundles resolve functions-framework from node_modules. The harness's emulator is reused.
    mkdirSync(join(root, '.local'), { recursive: true });
    const dist = mkdtempSync(join(root, '.local', 'start-dist-'));
    const child = spawn('npm', ['start', '--silent', '--', '--dist', dist], {
      cwd: root,
      env: { ...process.env, GOOGLE_CLOUD_PROJECT: `demo-qrl-rebalancer-start-${process.pid}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    rmSync(dist, { recursive: true, force: true });

    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toMatch(/scheduled run \(job qrl-rebalance/);
    expect(output).toMatch(/HTTP 200 {2}status completed {2}duplicate false {2}live/);
    expect(output).toMatch(/before {8}QRL 71\.43 % {2}USDT 28\.57 %/);
    expect(output).toMatch(/after {9}QRL \d+\.\d+ %/);
    expect(output).toMatch(/#0 SELL [\d.]+ QRLUSDT/);
    expect(output).toMatch(/HTTP 200 {2}status completed {2}duplicate true/);
    expect(output).toMatch(/fills on the simulator {2}\d+ \(no new order\)/);
    expect(output).toContain('stopped the functions');
  }, 120_000);
});
