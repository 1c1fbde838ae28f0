import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SeededLedger, seedLedger } from '../runs/testing/seed-ledger';
import { runReport } from './cli';

/** `npm run report` over documents the product wrote (rebalanceOnce and takeSnapshot, Firestore ledger, simulator). */
const env = {
  FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST ?? '',
  GOOGLE_CLOUD_PROJECT: process.env.GOOGLE_CLOUD_PROJECT ?? '',
};
let seeded: SeededLedger;
let dir: string;

beforeAll(async () => {
  seeded = await seedLedger({ projectId: env.GOOGLE_CLOUD_PROJECT, start: new Date('2025-03-01T00:00:00Z') });
  dir = mkdtempSync(join(tmpdir(), 'report-'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function report(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runReport(argv, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env,
    now: () => new Date('2025-03-04T00:00:00Z'),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('npm run report (emulator)', () => {
  it('writes one page with value vs buy-and-hold, weights with bands, trades, turnover, fees and the last runs', async () => {
    const file = join(dir, 'report.html');
    const r = await report(['--out', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^report: .*report\.html$/);
    expect(r.stderr).toMatch(/profile default, 6 run\(s\), 6 snapshot\(s\), 3 trade\(s\)/);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script|<link|<img|url\(/i);
    expect(html.match(/<svg /g)).toHaveLength(5);
    // buy-and-hold of the first balances (1000 QRL + 200 USDT) at the last price, 0.45
    expect(html).toContain('→ 650.00 USDT (-7.14 %), holding 1000 QRL + 200 USDT from 2025-03-01 00:00');
    // the two live trades and the order a later run settled, on the value chart and both weight charts
    expect(html.match(/<title>2025-03-0\d \d\d:\d\d (BUY|SELL) /g)).toHaveLength(9);
    expect(html).toContain(`(${seeded.ids.failed}, settled by a later run)`);
    expect(html).toContain('QRL weight: target 0.5 ± 0.05');
    expect(html).toContain('band 0.450–0.550');
    for (const id of [seeded.ids.first, seeded.ids.failed, seeded.ids.settler])
      expect(html).toContain(`<td>${id}</td>`);
  });

  it('--since narrows the period; an unknown profile draws an empty page and says so in numbers', async () => {
    const file = join(dir, 'later.html');
    const r = await report(['--out', file, '--since', '2025-03-01T12:00']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/profile default, 3 run\(s\)/);
    const none = await report(['--out', join(dir, 'none.html'), '--profile', 'aggressive']);
    expect(none.code).toBe(0);
    expect(readFileSync(join(dir, 'none.html'), 'utf8')).toContain('no data yet');
  });
});
