import { type BenchResults, type CriticalPath, NOT_WIRED } from './run-bench';

/** The bench results as the Markdown table `npm run bench` prints (docs/benchmarks.md). */
function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function ratio(a: number | null, b: number | null): string {
  if (a === null || b === null || b === 0) return '–';
  return `${(a / b).toFixed(a / b < 0.1 ? 3 : 2)}×`;
}

function ms(x: number): string {
  return `${Math.round(x)} ms`;
}

function int(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

export function resultsTable(r: BenchResults): string {
  const rb = r.criticalPath.rebalance;
  const cx = r.criticalPath.ccxt;
  const ours = <T>(f: (p: { cold: CriticalPath; warm: CriticalPath }) => T, show: (x: T) => string) =>
    rb ? show(f(rb)) : NOT_WIRED;
  const seq = (n: number | null) => (n === null ? 'no order placed' : String(n));
  const coldWarm = (p: { cold: CriticalPath; warm: CriticalPath }, f: (c: CriticalPath) => string) =>
    `${f(p.cold)} / ${f(p.warm)}`;
  const rows: [string, string, string, string][] = [
    [
      'bundle size, index.js',
      kib(r.bundle.rebalance.bytes),
      kib(r.bundle.ccxt.bytes),
      ratio(r.bundle.rebalance.bytes, r.bundle.ccxt.bytes),
    ],
    [
      'bundle size, gzip',
      kib(r.bundle.rebalance.gzipBytes),
      kib(r.bundle.ccxt.gzipBytes),
      ratio(r.bundle.rebalance.gzipBytes, r.bundle.ccxt.gzipBytes),
    ],
    [
      `cold start, spawn → first 200 of a dry run (median of ${r.options.runs})`,
      r.coldStartMs.medianRebalance === null ? NOT_WIRED : ms(r.coldStartMs.medianRebalance),
      ms(r.coldStartMs.medianCcxt),
      ratio(r.coldStartMs.medianRebalance, r.coldStartMs.medianCcxt),
    ],
    [
      'sequential exchange round trips before the first order, cold / warm instance (target ≤ 3)',
      ours(
        (p) => p,
        (p) => coldWarm(p, (c) => seq(c.sequentialBeforeFirstOrder)),
      ),
      coldWarm(cx, (c) => seq(c.sequentialBeforeFirstOrder)),
      '–',
    ],
    [
      'exchange requests per run, cold / warm',
      ours(
        (p) => p,
        (p) => coldWarm(p, (c) => String(c.exchangeRequests)),
      ),
      coldWarm(cx, (c) => String(c.exchangeRequests)),
      '–',
    ],
    [
      'Firestore (ledger) round trips per run, cold / warm (target ≤ 2)',
      ours(
        (p) => p,
        (p) => coldWarm(p, (c) => (c.ledgerRoundTrips === null ? '?' : String(c.ledgerRoundTrips))),
      ),
      'none (no ledger)',
      '–',
    ],
    [
      `wall time per live run at ${r.options.rttMs} ms exchange RTT, cold / warm`,
      ours(
        (p) => p,
        (p) => coldWarm(p, (c) => ms(c.wallMsAtRtt)),
      ),
      coldWarm(cx, (c) => ms(c.wallMsAtRtt)),
      rb ? ratio(rb.warm.wallMsAtRtt, cx.warm.wallMsAtRtt) : '–',
    ],
    [
      `backtest throughput, ${int(r.backtest.bars)} bars (baseline: a loop that only reads the CSV)`,
      `${int(r.backtest.barsPerSecond)} bars/s`,
      `${int(r.backtest.readOnlyBarsPerSecond)} bars/s`,
      ratio(r.backtest.barsPerSecond, r.backtest.readOnlyBarsPerSecond),
    ],
  ];
  const header = '| measure | rebalance (ours) | baseline (ccxt) | ours / baseline |\n|---|---|---|---|';
  return [
    header,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    `Node ${r.node}, ${r.platform}, ${r.at}.`,
    ...r.notes.map((n) => `Note: ${n}.`),
  ].join('\n');
}
