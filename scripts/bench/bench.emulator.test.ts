import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resultsTable } from './results-table';
import { runBench } from './run-bench';

/**
 * The whole harness once at tiny sizes against the test emulator: every target is built, serves a
 * verified live run on Firestore and the simulator, and every row is reported. No speed is asserted.
 */
let dir: string;
beforeAll(() => {
  // Under the repo's node_modules (ignored by git and Biome) so the bundles resolve functions-framework.
  const parent = resolve(__dirname, '..', '..', 'node_modules', '.cache', 'qrl-rebalancer-bench');
  mkdirSync(parent, { recursive: true });
  dir = mkdtempSync(join(parent, 'smoke-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run bench harness', () => {
  it('measures bundles, cold starts to the first order, warm runs, Firestore on the wire and the backtest', async () => {
    const r = await runBench({
      bars: 500,
      pairs: 1,
      warmRuns: 1,
      rttMs: 5,
      workDir: dir,
      emulatorHost: process.env.FIRESTORE_EMULATOR_HOST as string,
      projectId: process.env.GOOGLE_CLOUD_PROJECT as string,
      warmPauseMs: 1_100,
      say: () => undefined,
    });
    expect(r.bundle.rebalance?.bytes).toBeGreaterThan(0);
    expect(r.bundle.ccxt?.bytes).toBeGreaterThan(r.bundle.rebalance?.bytes ?? 0);
    for (const name of ['rebalance', 'ccxt', 'eager', 'preferRest'] as const) {
      const [sample] = r.cold.samples[name] ?? [];
      expect(sample?.toOrderMs).toBeGreaterThan(sample?.listenMs ?? Number.POSITIVE_INFINITY);
      expect(sample?.exchange['POST /api/v3/order']).toBe(1);
      // the three round trips of a one-order run, on the wire (gRPC streams or REST requests)
      expect(sample?.wire.total).toBe(3);
    }
    expect(r.cold.samples.preferRest?.[0]?.wire.grpc).toBe(0);
    expect(r.cold.samples.rebalance?.[0]?.reportedFirestoreCalls).toBe(3);
    expect(r.warm.samples.rebalance?.[0]?.afterOrder[0]?.endpoint).toBe('POST /api/v3/order');
    expect(r.backtest.identical).toBe(true);
    const table = resultsTable(r);
    expect(table).toContain('| bundle: index.js');
    expect(table).toContain('preferRest: Firestore over REST');
  }, 300_000);
});
