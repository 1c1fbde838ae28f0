import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runBacktestCli } from './run-cli';

const SAMPLE = join(__dirname, 'sample', 'qrlusdt-4h.csv');

function sink(isTTY = false) {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    }),
    { isTTY },
  );
  return { stream, text: () => text };
}

function run(argv: string[], env: Record<string, string> = {}, isTTY = false) {
  const out = sink();
  const err = sink(isTTY);
  const code = runBacktestCli(argv, { stdout: out.stream, stderr: err.stream, env });
  return { code, stdout: out.text(), stderr: err.text() };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'backtest-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run backtest', () => {
  it('prints the three portfolios for the sample CSV and draws the plot', () => {
    const plot = join(dir, 'value.svg');
    const r = run(['--prices', SAMPLE, '--plot', plot]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Backtest QRLUSDT, profile default: 360 bars/);
    expect(r.stdout).toMatch(/^rebalance \(default\)\s+[\d,.]+\s+[+-][\d.]+ %/m);
    expect(r.stdout).toMatch(/^buy and hold\s+/m);
    expect(r.stdout).toMatch(/^100 % USDT\s+1,000\.00\s+\+0\.00 %/m);
    expect(r.stderr).toBe('');
    const svg = readFileSync(plot, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    // 360 bars, below the thinning limit: every bar is a point
    expect(svg.match(/points="([^"]+)"/)?.[1]?.split(' ')).toHaveLength(360);
    // every trade is marked, with a tooltip; dates along the x axis, round value ticks
    const trades = Number(/^rebalance \(default\)\s+\S+\s+\S+ %\s+\S+ %\s+(\d+)/m.exec(r.stdout)?.[1]);
    expect(trades).toBeGreaterThan(0);
    expect(svg.match(/<path d="M[^"]+" fill="#(2ca02c|d62728)"[^>]*><title>/g)).toHaveLength(trades);
    expect(svg).toMatch(/>2025-01-\d\d<\/text>/);
    for (const tick of svg.matchAll(/text-anchor="end">([\d.]+)<\/text>/g)) expect(Number(tick[1]) % 5).toBe(0);
  });

  it('--json gives the same figures as decimal strings, and fees move them the expected way', () => {
    const free = JSON.parse(
      run(['--prices', SAMPLE, '--json', '--fees-bps', '0', '--profile', 'tight'], {
        STRATEGY_PROFILES: JSON.stringify({ tight: { bandAbs: '0.01', cooldown: '10m' } }),
      }).stdout,
    );
    const paid = JSON.parse(
      run(['--prices', SAMPLE, '--json', '--fees-bps', '30', '--profile', 'tight'], {
        STRATEGY_PROFILES: JSON.stringify({ tight: { bandAbs: '0.01', cooldown: '10m' } }),
      }).stdout,
    );
    expect(free.profile).toBe('tight');
    expect(free.strategy.fees).toBe('0');
    expect(Number(paid.strategy.fees)).toBeGreaterThan(0);
    expect(Number(paid.strategy.finalValue)).toBeLessThan(Number(free.strategy.finalValue));
    expect(paid.buyAndHold.finalValue).toBe(free.buyAndHold.finalValue);
    expect(free.strategy.trades).toBeGreaterThan(3);
  });

  it('takes a profile from a JSON file of knobs', () => {
    const file = join(dir, 'wide.json');
    writeFileSync(file, JSON.stringify({ bandAbs: '0.4' }));
    const r = run(['--prices', SAMPLE, '--profile', file, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.profile).toBe('wide');
    expect(report.strategy.trades).toBe(0);
    expect(report.strategy.finalValue).toBe(report.buyAndHold.finalValue);
  });

  it('runs a generated series and shows a progress bar when asked', () => {
    const r = run(['--generate', 'gbm', '--bars', '300', '--sigma', '0.02', '--seed', '4', '--progress']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/300 bars/);
    expect(r.stderr).toMatch(/backtest \[#+\] 100 % 300\/300\n$/);
  });

  it.each([
    [['--prices', 'nope.csv'], /cannot read the price file nope.csv \(ENOENT\)/],
    [
      ['--generate', 'gbm', '--profile', 'missing'],
      /--profile missing is neither a file nor a profile id of the built-in profiles \(default\)/,
    ],
  ])('%j exits 2 with a sentence: %s', (argv, message) => {
    const r = run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('--exact (plan() on every bar) prints exactly what the fast path prints, for a CSV and a generated series', () => {
    for (const args of [
      ['--prices', SAMPLE, '--json'],
      ['--prices', SAMPLE, '--profile', 'default', '--fees-bps', '20'],
      ['--generate', 'gbm', '--bars', '3000', '--sigma', '0.02', '--json'],
    ]) {
      const fast = run(args);
      const exact = run([...args, '--exact']);
      expect(fast.code).toBe(0);
      expect(exact).toEqual(fast);
    }
  });

  it('names the line and column of a bad price', () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'time,close\n2025-01-01,0.5\n2025-01-02,0\n');
    const r = run(['--prices', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file} line 3, column 2 (close): "0" is not above 0`);
  });

  it('refuses a row with a cell the header does not name (a decimal comma, a shifted row)', () => {
    const file = join(dir, 'comma.csv');
    writeFileSync(file, 'time,close\n2025-01-01,0.5\n2025-01-02,0,5\n');
    const r = run(['--prices', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file} line 3 has 3 cells, the header has 2 columns (time,close)`);
  });
});
