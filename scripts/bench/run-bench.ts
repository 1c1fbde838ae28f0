import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PROFILE_ID, parseProfiles } from '@qrl-rebalancer/shared/domain';
import { startSimulator } from '@qrl-rebalancer/simulator';
import { runBacktest } from '../backtest/engine';
import { barsToCsv, gbmBars } from '../backtest/gbm';
import { readBars } from '../backtest/price-csv';
import { type BuiltBundles, buildBundles } from './bundles';
import { type FunctionUnderTest, startFunctionTimed } from './function-process';
import { SimAdmin } from './simulator-admin';
import { sequentialBefore, startTimingProxy, type TimingProxy } from './timing-proxy';

/**
 * `npm run bench`: every figure next to a baseline measured in the same run (DESIGN §9). Nothing
 * here asserts a speed; the smoke test only checks the harness works at tiny sizes.
 */
export interface BenchOptions {
  /** bars of the backtest throughput series (issue: 1M) */
  bars: number;
  /** cold starts per bundle (issue: ≥ 5) */
  runs: number;
  /** simulated exchange round-trip time, ms */
  rttMs: number;
  /** scratch dir for bundles and the generated CSV, ignored by git and Biome, inside the repo so bundles resolve node_modules */
  workDir: string;
  say?: (line: string) => void;
}

export const NOT_WIRED = 'n/a (rebalance not wired)';

/** 71/29 QRL/USDT at ~0.5: outside the default 5-point band, so every live run places an order. */
const START_BALANCES = { QRL: '1000', USDT: '200' };
/**
 * One profile (profiles of one account may not share assets), with no cool-down, so a warm run right
 * after the cold one on the same instance trades again instead of stopping at `cooldown`. The cool-down
 * must be at least orderTtl, hence both 0; the simulator is reset between runs, so no order rests.
 */
const BENCH_PROFILE_ID = 'bench';
const BENCH_PROFILE = { cooldown: '0s', orderTtl: '0s' };

export interface CriticalPath {
  /** longest chain of exchange round trips, each waiting for the one before, ahead of the first order; null if none */
  sequentialBeforeFirstOrder: number | null;
  /** exchange requests in the run, per "METHOD /path" */
  requests: Record<string, number>;
  exchangeRequests: number;
  ledgerRoundTrips: number | null;
  /** wall time of the run with every exchange request delayed by rttMs */
  wallMsAtRtt: number;
  status: string;
}

export interface BenchResults {
  at: string;
  node: string;
  platform: string;
  options: { bars: number; runs: number; rttMs: number };
  rebalanceWired: boolean;
  notes: string[];
  bundle: { rebalance: { bytes: number; gzipBytes: number }; ccxt: { bytes: number; gzipBytes: number } };
  coldStartMs: { rebalance: number[] | null; ccxt: number[]; medianRebalance: number | null; medianCcxt: number };
  criticalPath: {
    rebalance: { cold: CriticalPath; warm: CriticalPath } | null;
    ccxt: { cold: CriticalPath; warm: CriticalPath };
  };
  backtest: { bars: number; barsPerSecond: number; readOnlyBarsPerSecond: number; seconds: number };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

let executions = 0;
function runBody(kind: 'dry' | 'live'): Record<string, unknown> {
  executions += 1;
  const n = executions;
  return {
    profile: BENCH_PROFILE_ID,
    executionId: `bench-${process.pid}-${Date.now().toString(36)}-${n}`,
    dryRun: kind === 'dry',
  };
}

function isWired(status: number, body: unknown): boolean {
  return status === 200 && typeof body === 'object' && body !== null && 'status' in body;
}

interface Target {
  name: 'rebalance' | 'ccxt';
  dir: string;
  env: Record<string, string>;
  /** answers without touching the exchange: marks the process ready */
  probe: unknown;
}

async function measureRun(
  fn: FunctionUnderTest,
  sim: SimAdmin,
  proxy: TimingProxy,
  delayMs: number,
): Promise<CriticalPath> {
  await sim.reset();
  await sim.delayAll(delayMs);
  proxy.clear();
  const answer = await fn.post(runBody('live'));
  const requests = await sim.requests();
  const log = proxy.log();
  await sim.reset();
  if (answer.status !== 200) throw new Error(`run answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return {
    sequentialBeforeFirstOrder: sequentialBefore(log, 'POST /api/v3/order'),
    requests,
    exchangeRequests: Object.values(requests).reduce((s, n) => s + n, 0),
    ledgerRoundTrips: ledgerTrips(answer.body),
    wallMsAtRtt: answer.ms,
    status: statusOf(answer.body),
  };
}

function ledgerTrips(body: unknown): number | null {
  const metrics = (body as { metrics?: Record<string, unknown> } | null)?.metrics;
  const n = metrics?.firestoreCalls;
  return typeof n === 'number' ? n : null;
}

function statusOf(body: unknown): string {
  const b = body as { status?: unknown; reason?: unknown } | null;
  return `${String(b?.status ?? '?')}${b?.reason ? `:${String(b.reason)}` : ''}`;
}

/** A fresh instance's first live run (caches cold), then its second (warm), both at the simulated RTT. */
async function criticalPath(target: Target, sim: SimAdmin, proxy: TimingProxy, rttMs: number) {
  const fn = await startFunctionTimed(target.dir, 'rebalance', target.env, target.probe);
  try {
    const cold = await measureRun(fn, sim, proxy, rttMs);
    const warm = await measureRun(fn, sim, proxy, rttMs);
    return { cold, warm };
  } finally {
    await fn.stop();
  }
}

async function coldStarts(
  targets: Target[],
  sim: SimAdmin,
  runs: number,
): Promise<{ times: Record<string, number[]>; wired: boolean; firstAnswer: unknown }> {
  const times: Record<string, number[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  let wired = true;
  let firstAnswer: unknown = null;
  for (let i = 0; i < runs; i += 1) {
    // Interleaved, so machine noise during the bench hits both alike.
    for (const target of targets) {
      if (target.name === 'rebalance' && !wired) continue;
      await sim.reset();
      const fn = await startFunctionTimed(target.dir, 'rebalance', target.env, runBody('dry'));
      await fn.stop();
      if (target.name === 'rebalance' && !isWired(fn.firstStatus, fn.firstBody)) {
        wired = false;
        firstAnswer = { status: fn.firstStatus, body: fn.firstBody };
        continue;
      }
      if (fn.firstStatus !== 200)
        throw new Error(`${target.name} answered ${fn.firstStatus}: ${JSON.stringify(fn.firstBody)}\n${fn.output()}`);
      times[target.name]?.push(fn.firstAnswerMs);
    }
  }
  return { times, wired, firstAnswer };
}

function throughput(bars: number, workDir: string, say: (line: string) => void) {
  const csv = join(workDir, `gbm-${bars}.csv`);
  // σ = 0.001 per bar keeps a million-bar walk within a few e-folds of 0.5, away from the tick.
  writeFileSync(csv, [...barsToCsv(gbmBars({ sigma: 0.001, bars, seed: 1 }))].join(''));
  say(`backtest throughput: ${bars} bars, read-only loop…`);
  const t0 = performance.now();
  let read = 0;
  for (const bar of readBars(readFileSync(csv, 'utf8'), csv)) if (bar.close) read += 1;
  const readSeconds = (performance.now() - t0) / 1000;
  say('backtest throughput: full backtest…');
  const t1 = performance.now();
  const profile = parseProfiles(undefined)[DEFAULT_PROFILE_ID];
  if (!profile) throw new Error('the built-in default profile is missing');
  const report = runBacktest({ bars: readBars(readFileSync(csv, 'utf8'), csv), profile, keepSeries: false });
  const seconds = (performance.now() - t1) / 1000;
  return {
    bars: report.bars,
    barsPerSecond: report.bars / seconds,
    readOnlyBarsPerSecond: read / readSeconds,
    seconds,
  };
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  mkdirSync(options.workDir, { recursive: true });
  const notes: string[] = [];
  say('building the rebalance bundle and the ccxt baseline…');
  const bundles: BuiltBundles = await buildBundles(options.workDir);

  const simulator = await startSimulator({ config: { balances: { ...START_BALANCES } } });
  const sim = new SimAdmin(simulator.url);
  const proxy = await startTimingProxy(simulator.url);
  const exchangeEnv = {
    MEXC_BASE_URL: proxy.url,
    MEXC_API_KEY: simulator.apiKey,
    MEXC_API_SECRET: simulator.apiSecret,
  };
  const targets: Target[] = [
    {
      name: 'rebalance',
      dir: bundles.rebalance.dir,
      env: {
        ...exchangeEnv,
        LIVE_TRADING: 'true',
        AUTH_MODE: 'none',
        LEDGER: 'memory',
        LOG_LEVEL: 'error',
        GOOGLE_CLOUD_PROJECT: 'demo-qrl-rebalancer-bench',
        STRATEGY_PROFILES: JSON.stringify({ [BENCH_PROFILE_ID]: BENCH_PROFILE }),
      },
      // an unknown body key is refused (400) before any exchange or ledger call
      probe: { benchProbe: true },
    },
    { name: 'ccxt', dir: bundles.ccxt.dir, env: exchangeEnv, probe: { probe: true } },
  ];
  try {
    say(`cold starts: ${options.runs} per bundle…`);
    const cold = await coldStarts(targets, sim, options.runs);
    if (!cold.wired) notes.push(`rebalance did not answer 200 to a dry run: ${JSON.stringify(cold.firstAnswer)}`);
    say(`critical path with ${options.rttMs} ms simulated RTT…`);
    const rebalancePath = cold.wired ? await criticalPath(targets[0] as Target, sim, proxy, options.rttMs) : null;
    const ccxtPath = await criticalPath(targets[1] as Target, sim, proxy, options.rttMs);
    notes.push(
      'ledger: in-memory adapter (same DocStore core and roundTrips() count as Firestore); the simulated RTT applies to exchange requests only',
    );
    const backtest = throughput(options.bars, options.workDir, say);
    const rebalanceTimes = cold.wired ? (cold.times.rebalance ?? []) : null;
    const ccxtTimes = cold.times.ccxt ?? [];
    return {
      at: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      options: { bars: options.bars, runs: options.runs, rttMs: options.rttMs },
      rebalanceWired: cold.wired,
      notes,
      bundle: {
        rebalance: { bytes: bundles.rebalance.bytes, gzipBytes: bundles.rebalance.gzipBytes },
        ccxt: { bytes: bundles.ccxt.bytes, gzipBytes: bundles.ccxt.gzipBytes },
      },
      coldStartMs: {
        rebalance: rebalanceTimes,
        ccxt: ccxtTimes,
        medianRebalance: rebalanceTimes ? median(rebalanceTimes) : null,
        medianCcxt: median(ccxtTimes),
      },
      criticalPath: { rebalance: rebalancePath, ccxt: ccxtPath },
      backtest,
    };
  } finally {
    await proxy.close();
    await simulator.stop();
  }
}
