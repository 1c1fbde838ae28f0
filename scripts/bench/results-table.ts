import type { BenchResults, ColdSample, RunSample, TargetName } from './run-bench';
import { median, type Spread } from './stats';

/** The bench results as the Markdown tables `npm run bench` prints (docs/benchmarks.md). */
function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function x(r: number): string {
  return `${r.toFixed(r < 0.1 ? 3 : 2)}×`;
}

function spreadText(s: Spread | null): string {
  return s === null ? '–' : `${x(s.median)} [${x(s.min)}–${x(s.max)}]`;
}

function ms(v: number): string {
  return `${Math.round(v)} ms`;
}

function int(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

function met(ok: boolean): string {
  return ok ? 'met' : 'NOT met';
}

function medianOf<T>(xs: readonly T[] | null, f: (t: T) => number): number | null {
  return xs && xs.length > 0 ? median(xs.map(f)) : null;
}

function show(v: number | null, f: (n: number) => string = ms): string {
  return v === null ? '–' : f(v);
}

/** The warm run whose wall time is the median one (the lower middle for an even count). */
export function medianRun(runs: readonly RunSample[] | null): RunSample | null {
  if (!runs || runs.length === 0) return null;
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

function afterOrderText(run: RunSample | null): string {
  if (!run) return '–';
  return run.afterOrder
    .map((s) => `${s.step}. ${s.endpoint} ${Math.round(s.startMs)}–${Math.round(s.endMs)} ms`)
    .join('; ');
}

function chainLength(run: RunSample | null): string {
  if (!run) return '–';
  return String(Math.max(0, ...run.afterOrder.map((s) => s.step)));
}

function firestoreText(run: RunSample | null): string {
  if (!run) return '–';
  const reported = run.reportedFirestoreCalls === null ? '–' : String(run.reportedFirestoreCalls);
  return `${reported} / ${run.wire.total}`;
}

function breakdown(samples: readonly ColdSample[] | null): string {
  if (!samples || samples.length === 0) return '–';
  const m = (f: (c: ColdSample) => number | null) => {
    const xs = samples.map(f).filter((v): v is number => v !== null);
    return xs.length === 0 ? '–' : String(Math.round(median(xs)));
  };
  return [
    m((c) => c.requestMs),
    m((c) => c.firstFirestoreMs),
    m((c) => c.firstExchangeMs),
    m((c) => c.lastFirestoreBeforeOrderMs),
    m((c) => c.toOrderMs),
  ].join(' → ');
}

export function resultsTable(r: BenchResults): string {
  const b = r.bundle;
  const cold = r.cold.samples;
  const warm = r.warm.samples;
  const n = r.options.pairs;
  const wn = r.options.warmRuns;
  const rtt = r.options.rttMs;
  const sizeRatio = (b.rebalance?.bytes ?? 0) / (b.ccxt?.bytes ?? 1);
  const totalRatio = (b.rebalance?.totalJsBytes ?? 0) / (b.ccxt?.totalJsBytes ?? 1);
  const toOrder = r.cold.ratios.toOrder.rebalance;
  const warmRatio = r.warm.wallRatio.rebalance;
  const bt = r.backtest;
  const ours = medianRun(warm.rebalance);
  const base = medianRun(warm.ccxt);
  const coldMedian = (name: TargetName, f: (s: BenchResults['cold']['samples']['rebalance'] & object) => number[]) =>
    cold[name] ? median(f(cold[name] ?? [])) : null;

  const rows: string[][] = [
    [
      'bundle: index.js, the file functions-framework loads at start (minified)',
      size(b.rebalance?.bytes ?? 0),
      size(b.ccxt?.bytes ?? 0),
      x(sizeRatio),
      `≤ 0.15×: ${met(sizeRatio <= 0.15)}`,
    ],
    [
      'bundle: every .js file of the function folder (index.js + lazily required parts)',
      size(b.rebalance?.totalJsBytes ?? 0),
      size(b.ccxt?.totalJsBytes ?? 0),
      x(totalRatio),
      '',
    ],
    [
      'bundle: index.js gzipped',
      size(b.rebalance?.gzipBytes ?? 0),
      size(b.ccxt?.gzipBytes ?? 0),
      x((b.rebalance?.gzipBytes ?? 0) / (b.ccxt?.gzipBytes ?? 1)),
      '',
    ],
    [
      `cold start: spawn → port listening (module load), median of ${n}`,
      show(coldMedian('rebalance', (s) => s.map((c) => c.listenMs))),
      show(coldMedian('ccxt', (s) => s.map((c) => c.listenMs))),
      spreadText(r.cold.ratios.listen.rebalance),
      '',
    ],
    [
      `cold start: spawn → first POST /api/v3/order at the exchange (token verified, first Firestore calls, first exchange calls), median of ${n}; ratio: median of the ${n} interleaved pairs [min–max]`,
      show(coldMedian('rebalance', (s) => s.map((c) => c.toOrderMs))),
      show(coldMedian('ccxt', (s) => s.map((c) => c.toOrderMs))),
      spreadText(toOrder),
      `≤ 0.6×: ${toOrder ? met(toOrder.median <= 0.6) : '–'}`,
    ],
    [
      `cold start, where the time goes (medians, ms from spawn): request sent after listening → first Firestore call on the wire → first exchange request → last Firestore call before the order → order`,
      breakdown(cold.rebalance),
      breakdown(cold.ccxt),
      '',
      '',
    ],
    [
      `cold start: spawn → answer of that first live run (final Firestore commit included), median of ${n}`,
      show(coldMedian('rebalance', (s) => s.map((c) => c.toAnswerMs))),
      show(coldMedian('ccxt', (s) => s.map((c) => c.toAnswerMs))),
      spreadText(r.cold.ratios.toAnswer.rebalance),
      '',
    ],
    [
      `warm live one-order run at ${rtt} ms exchange RTT, request → answer, median of ${wn}; ratio: median of the ${wn} interleaved pairs [min–max]`,
      show(medianOf(warm.rebalance, (s) => s.wallMs)),
      show(medianOf(warm.ccxt, (s) => s.wallMs)),
      spreadText(warmRatio),
      `≤ 1.2×: ${warmRatio ? met(warmRatio.median <= 1.2) : '–'}`,
    ],
    [
      `first live run of a new instance at ${rtt} ms RTT (exchange rules, server time, connections not cached yet)`,
      show(r.warm.firstRun.rebalance?.wallMs ?? null),
      show(r.warm.firstRun.ccxt?.wallMs ?? null),
      r.warm.firstRun.rebalance && r.warm.firstRun.ccxt
        ? x(r.warm.firstRun.rebalance.wallMs / r.warm.firstRun.ccxt.wallMs)
        : '–',
      '',
    ],
    [
      'sequential exchange round trips before the order: first run / warm run',
      `${r.warm.firstRun.rebalance?.sequentialBeforeOrder ?? '–'} / ${ours?.sequentialBeforeOrder ?? '–'}`,
      `${r.warm.firstRun.ccxt?.sequentialBeforeOrder ?? '–'} / ${base?.sequentialBeforeOrder ?? '–'}`,
      '',
      '',
    ],
    [
      'sequential exchange round trips from the order to the answer, warm run (the order counts as 1)',
      chainLength(ours),
      chainLength(base),
      '',
      '',
    ],
    [
      'exchange requests per run: first run / warm run',
      `${r.warm.firstRun.rebalance?.exchangeRequests ?? '–'} / ${ours?.exchangeRequests ?? '–'}`,
      `${r.warm.firstRun.ccxt?.exchangeRequests ?? '–'} / ${base?.exchangeRequests ?? '–'}`,
      '',
      '',
    ],
    [
      'Firestore calls per live run, reported by the run (metrics.firestoreCalls) / counted on the wire, final commit included: cold start / warm run',
      `${firestoreText(cold.rebalance?.[0] ?? null)}; ${firestoreText(ours)}`,
      `${firestoreText(cold.ccxt?.[0] ?? null)}; ${firestoreText(base)}`,
      '',
      '',
    ],
    [
      `backtest: ${int(bt.bars)}-bar CSV end to end in process (file read → report), fast path vs --exact; ratio: each of 3 fast runs / the exact run [min–max]`,
      `${int(bt.fastBarsPerSecond.median)} bars/s [${int(bt.fastBarsPerSecond.min)}–${int(bt.fastBarsPerSecond.max)}]`,
      `${int(bt.exactBarsPerSecond)} bars/s (--exact)`,
      spreadText(bt.speedup),
      `≥ 1,000,000 bars/s: ${met(bt.fastBarsPerSecond.median >= 1_000_000)}; ≥ 30×: ${met(bt.speedup.median >= 30)}`,
    ],
    [
      'backtest: fast report identical to --exact (every trade, skip reason, value, final report)',
      bt.identical ? `yes (${bt.trades} trades)` : 'NO',
      '',
      '',
      '',
    ],
  ];

  const variantRows: string[][] = [];
  const variant = (name: TargetName, label: string, vsCold: Spread | null, vsWarm: Spread | null) => {
    if (!b[name]) return;
    variantRows.push([
      label,
      size(b[name]?.bytes ?? 0),
      show(coldMedian(name, (s) => s.map((c) => c.listenMs))),
      show(coldMedian(name, (s) => s.map((c) => c.toOrderMs))),
      spreadText(r.cold.ratios.toOrder[name]),
      vsCold === null ? '–' : spreadText(vsCold),
      breakdown(cold[name]),
      show(medianOf(warm[name], (s) => s.wallMs)),
      vsWarm === null ? '–' : spreadText(vsWarm),
    ]);
  };
  variant('rebalance', 'rebalance as shipped (lazy Google stack, gRPC)', null, null);
  variant('eager', 'eager: the same without lazy loading (lazy: false)', r.cold.ratios.eagerVsProduct, null);
  variant(
    'preferRest',
    'preferRest: Firestore over REST (preferRest: true)',
    r.cold.ratios.preferRestVsProduct,
    r.warm.preferRestVsProduct,
  );

  const table = (header: string[], body: string[][]) =>
    [
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...body.map((row) => `| ${row.join(' | ')} |`),
    ].join('\n');
  return [
    table(['measure', 'rebalance (ours)', 'baseline (ccxt, same Firestore + auth)', 'ours / baseline', 'goal'], rows),
    '',
    ...(variantRows.length > 1
      ? [
          table(
            [
              'variant',
              'index.js',
              'spawn → listening',
              'spawn → first order',
              'first order vs baseline',
              'first order vs shipped',
              'request → 1st Firestore → 1st exchange → last Firestore → order (ms from spawn)',
              `warm run at ${rtt} ms`,
              'warm vs shipped',
            ],
            variantRows,
          ),
          '',
        ]
      : []),
    `Exchange requests from the order to the answer, median warm run of rebalance (step n waited for a step n − 1 answer; ms from the order's arrival): ${afterOrderText(ours)}.`,
    `Same for the baseline: ${afterOrderText(base)}.`,
    `The first run ever on a fresh account (the discarded warm-up round, empty ledger): Firestore calls reported / on the wire ${firestoreText(r.cold.warmup.rebalance)}.`,
    '',
    `Node ${r.node}, ${r.platform}, ${r.at}; ${n} cold-start rounds and ${wn} warm rounds, each round every target once, the order rotating.`,
    ...r.notes.map((note) => `Note: ${note}.`),
  ].join('\n');
}
