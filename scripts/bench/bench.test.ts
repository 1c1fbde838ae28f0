import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resultsTable } from './results-table';
import { type BenchResults, median, NOT_WIRED, runBench } from './run-bench';

/** The harness at tiny sizes: it runs end to end and reports every row. No speed is asserted. */
let dir: string;
beforeAll(() => {
  // Under the repo's node_modules (ignored by git and Biome) so the bundles resolve functions-framework.
  const parent = resolve(__dirname, '..', '..', 'node_modules', '.cache', 'qrl-rebalancer-bench');
  mkdirSync(parent, { recursive: true });
  dir = mkdtempSync(join(parent, 'smoke-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run bench harness', () => {
  it('median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('measures both bundles, cold starts, round trips and backtest throughput at tiny sizes', async () => {
    const r = await runBench({ bars: 300, runs: 1, rttMs: 5, workDir: dir, say: () => undefined });
    expect(r.bundle.rebalance.bytes).toBeGreaterThan(0);
    expect(r.bundle.ccxt.bytes).toBeGreaterThan(0);
    expect(r.coldStartMs.ccxt).toHaveLength(1);
    expect(r.criticalPath.ccxt.warm.requests['POST /api/v3/order']).toBe(1);
    expect(r.criticalPath.ccxt.warm.sequentialBeforeFirstOrder).toBeGreaterThanOrEqual(1);
    expect(r.backtest.bars).toBe(300);
    if (r.rebalanceWired) {
      expect(r.coldStartMs.rebalance).toHaveLength(1);
      expect(r.criticalPath.rebalance?.cold.status).toMatch(/^completed/);
      expect(r.criticalPath.rebalance?.warm.ledgerRoundTrips).toEqual(expect.any(Number));
    } else {
      expect(r.criticalPath.rebalance).toBeNull();
    }
    const table = resultsTable(r);
    expect(table.split('\n').filter((l) => l.startsWith('| ')).length).toBe(9);
  }, 180_000);

  it('says plainly when rebalance is not wired', () => {
    const path = {
      sequentialBeforeFirstOrder: 2,
      requests: { 'POST /api/v3/order': 1 },
      exchangeRequests: 1,
      ledgerRoundTrips: null,
      wallMsAtRtt: 100,
      status: 'completed',
    };
    const r: BenchResults = {
      at: '2026-01-01T00:00:00.000Z',
      node: 'v22',
      platform: 'linux-x64',
      options: { bars: 10, runs: 1, rttMs: 50 },
      rebalanceWired: false,
      notes: [],
      bundle: { rebalance: { bytes: 2048, gzipBytes: 1024 }, ccxt: { bytes: 4096, gzipBytes: 2048 } },
      coldStartMs: { rebalance: null, ccxt: [10], medianRebalance: null, medianCcxt: 10 },
      criticalPath: { rebalance: null, ccxt: { cold: path, warm: path } },
      backtest: { bars: 10, barsPerSecond: 5, readOnlyBarsPerSecond: 10, seconds: 2 },
    };
    const table = resultsTable(r);
    expect(table).toContain(`| bundle size, index.js | 2.0 KiB | 4.0 KiB | 0.50× |`);
    expect(table.match(new RegExp(NOT_WIRED.replace(/[()]/g, '\\$&'), 'g'))?.length).toBe(5);
    expect(table).toContain('| 5 bars/s | 10 bars/s | 0.50× |');
  });
});
