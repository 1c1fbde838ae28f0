import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PROFILE_ID, parseProfiles } from '@qrl-rebalancer/shared/domain';
import { SimulatorAdmin, startSimulator } from '@qrl-rebalancer/simulator';
import { runBacktest } from '../backtest/engine';
import { readBarColumns } from '../backtest/fast-csv';
import { runBacktestFast } from '../backtest/fast-engine';
import { barsToCsv, gbmBars } from '../backtest/gbm';
import { readBars } from '../backtest/price-csv';
import { formatReport, reportJson } from '../backtest/report';
import { clearFirestoreEmulator, emulatorAvailable, startFirestoreEmulator } from '../lib/firestore-emulator';
import { startLocalOidc } from '../lib/local-oidc';
import { LOCAL_CALLER } from '../lib/local-stack';
import { type BuiltBundles, type BundleSize, buildBundles } from './bundles';
import { type FirestoreWire, startFirestoreWire, type WireCounts } from './firestore-wire';
import { type FunctionUnderTest, startFunction } from './function-process';
import { pairRatios, type Spread, spread } from './stats';
import { chainFrom, type StepAfter, sequentialBefore, startTimingProxy, type TimingProxy } from './timing-proxy';

export { median } from './stats';

/**
 * `npm run bench`: what a user pays, next to a baseline measured in the same run (docs/benchmarks.md).
 * Every function runs as in the cloud: functions-framework on the bundle, AUTH_MODE=verify against a
 * local OIDC issuer, the ledger on the real Firestore emulator (through a wire counter), the
 * exchange on the simulator (through a timing proxy). Nothing here asserts a speed.
 */
export interface BenchOptions {
  /** bars of the backtest series (issue: 1M) */
  bars: number;
  /** interleaved cold-start rounds, each one start of every target (issue: ≥ 7) */
  pairs: number;
  /** interleaved warm live runs per target */
  warmRuns: number;
  /** simulated exchange round-trip time of the live runs, ms */
  rttMs: number;
  /** scratch dir for bundles and the generated CSV, inside the repo so bundles resolve node_modules */
  workDir: string;
  /** an emulator already running (the test harness); else the bench starts one */
  emulatorHost?: string;
  projectId?: string;
  /** also measure the eager and preferRest variants of the product (default true) */
  variants?: boolean;
  /** pause before each warm run so the client's rate-limit buckets are full, as between scheduled runs */
  warmPauseMs?: number;
  say?: (line: string) => void;
}

/** 71/29 QRL/USDT at ~0.5: outside the default 5-point band, so every live run places an order. */
const START_BALANCES = { QRL: '1000', USDT: '200' };
/**
 * No cool-down and no daily cap, so back-to-back runs on the same account trade every time, as a
 * scheduled run does on an account that has traded before (its ledger documents exist).
 */
const BENCH_PROFILE_ID = 'bench';
const BENCH_PROFILE = { cooldown: '0s', orderTtl: '0s', maxDailyTurnover: null };
const ORDER = 'POST /api/v3/order';

export type TargetName = 'rebalance' | 'ccxt' | 'eager' | 'preferRest';

/** One live run as measured. */
export interface RunSample {
  status: string;
  /** the run's own count of Firestore round trips (metrics.firestoreCalls), null if it has none */
  reportedFirestoreCalls: number | null;
  /** Firestore calls seen on the wire during the run, final commit included */
  wire: WireCounts;
  /** exchange requests per "METHOD /path" (simulator's count) */
  exchange: Record<string, number>;
  exchangeRequests: number;
  sequentialBeforeOrder: number | null;
  /** the requests from the order on, timed from its arrival */
  afterOrder: StepAfter[];
  /** request sent → answer received, ms */
  wallMs: number;
}

export interface ColdSample extends RunSample {
  listenMs: number;
  /** spawn → the first POST /api/v3/order arriving at the exchange */
  toOrderMs: number;
  /** spawn → the first live run's answer */
  toAnswerMs: number;
  /** spawn → the live run's request sent (right after listening) */
  requestMs: number;
  /** spawn → the first Firestore call on the wire, and the last one before the order */
  firstFirestoreMs: number | null;
  lastFirestoreBeforeOrderMs: number | null;
  /** spawn → the first exchange request */
  firstExchangeMs: number | null;
}

export interface BenchResults {
  at: string;
  node: string;
  platform: string;
  options: { bars: number; pairs: number; warmRuns: number; rttMs: number };
  ledger: 'firestore-emulator';
  notes: string[];
  bundle: Record<TargetName, Omit<BundleSize, 'dir'> | null>;
  cold: {
    order: TargetName[];
    /** the discarded warm-up round; its product run is the first ever on a fresh account */
    warmup: Record<TargetName, ColdSample | null>;
    samples: Record<TargetName, ColdSample[] | null>;
    /** per target against the baseline, and the variants against the product */
    ratios: {
      listen: Record<TargetName, Spread | null>;
      toOrder: Record<TargetName, Spread | null>;
      toAnswer: Record<TargetName, Spread | null>;
      eagerVsProduct: Spread | null;
      preferRestVsProduct: Spread | null;
    };
  };
  warm: {
    /** the first live run of each long-lived instance (rules, time, connections not yet cached) */
    firstRun: Record<TargetName, RunSample | null>;
    samples: Record<TargetName, RunSample[] | null>;
    wallRatio: Record<TargetName, Spread | null>;
    preferRestVsProduct: Spread | null;
  };
  backtest: {
    bars: number;
    /** fast path, file read to report, each run */
    fastSeconds: number[];
    fastBarsPerSecond: Spread;
    exactSeconds: number;
    exactBarsPerSecond: number;
    /** fast bars/s / exact bars/s, each fast run against the exact one */
    speedup: Spread;
    /** reportJson of both, compared as text */
    identical: boolean;
    trades: number;
  };
}

interface Target {
  name: TargetName;
  dir: string;
  env: Record<string, string>;
}

let executions = 0;
function executionId(): string {
  executions += 1;
  return `bench-${process.pid}-${Date.now().toString(36)}-${executions}`;
}

function statusOf(body: unknown): string {
  const b = body as { status?: unknown; reason?: unknown } | null;
  return `${String(b?.status ?? '?')}${b?.reason ? `:${String(b.reason)}` : ''}`;
}

function reportedCalls(body: unknown): number | null {
  const n = (body as { metrics?: Record<string, unknown> } | null)?.metrics?.firestoreCalls;
  return typeof n === 'number' ? n : null;
}

function orderPlaced(body: unknown): boolean {
  const b = body as { orders?: { orderId?: unknown }[]; order?: { id?: unknown } | null } | null;
  if (Array.isArray(b?.orders)) return b.orders.some((o) => typeof o.orderId === 'string' && o.orderId !== '');
  return b?.order?.id !== undefined && b?.order?.id !== null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const variants = options.variants ?? true;
  const warmPauseMs = options.warmPauseMs ?? 1_100;
  mkdirSync(options.workDir, { recursive: true });
  const notes: string[] = [];
  const stoppers: (() => Promise<void>)[] = [];
  try {
    say('building the rebalance bundle, its variants and the ccxt baseline…');
    const bundles: BuiltBundles = await buildBundles(options.workDir);

    let emulatorHost = options.emulatorHost;
    if (!emulatorHost) {
      if (!emulatorAvailable())
        throw new Error(
          'npm run bench needs the Firestore emulator (gcloud and Java on PATH): the ledger is timed too',
        );
      say('starting the Firestore emulator…');
      const emulator = await startFirestoreEmulator();
      stoppers.push(() => emulator.stop());
      emulatorHost = emulator.host;
    }
    const projectId = options.projectId ?? 'demo-qrl-rebalancer-bench';
    const wire: FirestoreWire = await startFirestoreWire(emulatorHost);
    stoppers.push(() => wire.close());
    const simulator = await startSimulator({ config: { balances: { ...START_BALANCES } } });
    stoppers.push(() => simulator.stop());
    const sim = new SimulatorAdmin(simulator.url);
    const proxy: TimingProxy = await startTimingProxy(simulator.url);
    stoppers.push(() => proxy.close());
    const oidc = await startLocalOidc();
    stoppers.push(() => oidc.close());
    // preferRest talks REST through google-gax, which wants credentials even for the emulator: a
    // throwaway service account key lets google-auth-library sign its own JWTs, with no network.
    const credentials = join(options.workDir, 'bench-service-account.json');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(
      credentials,
      JSON.stringify({
        type: 'service_account',
        project_id: projectId,
        private_key_id: 'bench',
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
        client_email: `bench@${projectId}.iam.gserviceaccount.com`,
        client_id: '1',
        token_uri: 'https://oauth2.googleapis.com/token',
      }),
    );

    const common: Record<string, string> = {
      MEXC_BASE_URL: proxy.url,
      MEXC_API_KEY: simulator.apiKey,
      MEXC_API_SECRET: simulator.apiSecret,
      OIDC_CERTS_URL: oidc.certsUrl,
      OIDC_ALLOWED_EMAILS: LOCAL_CALLER,
      GOOGLE_CLOUD_PROJECT: projectId,
      FIRESTORE_EMULATOR_HOST: wire.host,
      GOOGLE_APPLICATION_CREDENTIALS: credentials,
    };
    const productEnv = {
      ...common,
      LIVE_TRADING: 'true',
      AUTH_MODE: 'verify',
      LEDGER: 'firestore',
      LOG_LEVEL: 'error',
      STRATEGY_PROFILES: JSON.stringify({ [BENCH_PROFILE_ID]: BENCH_PROFILE }),
    };
    const all: Target[] = [
      { name: 'rebalance', dir: bundles.rebalance.dir, env: productEnv },
      { name: 'ccxt', dir: bundles.ccxt.dir, env: common },
      ...(variants
        ? [
            { name: 'eager', dir: bundles.eager.dir, env: productEnv } as Target,
            { name: 'preferRest', dir: bundles.preferRest.dir, env: productEnv } as Target,
          ]
        : []),
    ];

    // The ledger is cleared once: every measured run then finds its account as a scheduled run does.
    await clearFirestoreEmulator(emulatorHost, projectId);
    const prepare = async (rttMs: number) => {
      await sim.reset();
      // every exchange request waits rttMs before it is handled: a simulated round-trip time
      if (rttMs > 0) await sim.addFault({ endpoint: '*', kind: 'delay', count: 100_000, delayMs: rttMs });
      proxy.clear();
      wire.clear();
    };
    let token = '';
    const start = (t: Target) =>
      startFunction(t.dir, 'rebalance', (url) => {
        // signed before spawn, so no bench work sits inside the timed window
        token = oidc.signIdToken({ aud: url, email: LOCAL_CALLER });
        return { ...t.env, OIDC_AUDIENCE: url };
      });
    const liveRun = async (
      t: Target,
      fn: FunctionUnderTest,
      tokenFor: string,
    ): Promise<RunSample & { sentAt: number }> => {
      const answer = await fn.post(
        { profile: BENCH_PROFILE_ID, executionId: executionId(), dryRun: false },
        { authorization: `Bearer ${tokenFor}` },
      );
      // anything the client sends after answering would still count
      await sleep(50);
      const exchange = await sim.requests();
      const log = proxy.log();
      if (answer.status !== 200 || !orderPlaced(answer.body))
        throw new Error(
          `${t.name} answered ${answer.status} without an order: ${JSON.stringify(answer.body)}\n${fn.output()}`,
        );
      return {
        sentAt: answer.sentAt,
        status: statusOf(answer.body),
        reportedFirestoreCalls: reportedCalls(answer.body),
        wire: wire.counts(),
        exchange,
        exchangeRequests: Object.values(exchange).reduce((s, n) => s + n, 0),
        sequentialBeforeOrder: sequentialBefore(log, ORDER),
        afterOrder: chainFrom(log, ORDER),
        wallMs: answer.ms,
      };
    };

    // --- cold starts: interleaved rounds, the order rotating each round ---
    const coldOnce = async (t: Target): Promise<ColdSample> => {
      await prepare(0);
      const fn = await start(t);
      try {
        const run = await liveRun(t, fn, token);
        const order = proxy.log().find((r) => r.endpoint === ORDER);
        if (!order) throw new Error(`${t.name}: no order reached the exchange`);
        const { sentAt, ...sample } = run;
        const fromSpawn = (t: number | undefined) => (t === undefined ? null : t - fn.spawnedAt);
        const beforeOrder = run.wire.at.filter((t) => t <= order.arrivedMs);
        return {
          ...sample,
          listenMs: fn.listenMs,
          toOrderMs: order.arrivedMs - fn.spawnedAt,
          toAnswerMs: sentAt + run.wallMs - fn.spawnedAt,
          requestMs: sentAt - fn.spawnedAt,
          firstFirestoreMs: fromSpawn(run.wire.at[0]),
          lastFirestoreBeforeOrderMs: fromSpawn(beforeOrder.at(-1)),
          firstExchangeMs: fromSpawn(proxy.log()[0]?.arrivedMs),
        };
      } finally {
        await fn.stop();
      }
    };
    say('cold starts: one warm-up round (discarded: the emulator JIT and the page cache warm up)…');
    const warmup: Record<TargetName, ColdSample | null> = {
      rebalance: null,
      ccxt: null,
      eager: null,
      preferRest: null,
    };
    for (const t of all) warmup[t.name] = await coldOnce(t);
    const cold: Record<TargetName, ColdSample[] | null> = { rebalance: [], ccxt: [], eager: null, preferRest: null };
    for (const t of all) cold[t.name] = [];
    for (let round = 0; round < options.pairs; round += 1) {
      say(`cold starts: round ${round + 1} of ${options.pairs}…`);
      const order = [...all.slice(round % all.length), ...all.slice(0, round % all.length)];
      for (const t of order) cold[t.name]?.push(await coldOnce(t));
    }

    // --- warm live runs at the simulated RTT on long-lived instances, interleaved ---
    say(`warm live runs at ${options.rttMs} ms exchange RTT…`);
    const warmTargets = all.filter((t) => t.name !== 'eager');
    const instances = new Map<TargetName, { fn: FunctionUnderTest; token: string }>();
    const firstRun: Record<TargetName, RunSample | null> = {
      rebalance: null,
      ccxt: null,
      eager: null,
      preferRest: null,
    };
    const warm: Record<TargetName, RunSample[] | null> = { rebalance: null, ccxt: null, eager: null, preferRest: null };
    try {
      for (const t of warmTargets) {
        const fn = await start(t);
        stoppers.push(() => fn.stop());
        instances.set(t.name, { fn, token });
        warm[t.name] = [];
      }
      const warmOnce = async (t: Target): Promise<RunSample> => {
        const inst = instances.get(t.name);
        if (!inst) throw new Error(`no instance of ${t.name}`);
        await prepare(options.rttMs);
        await sleep(warmPauseMs);
        const { sentAt: _sentAt, ...sample } = await liveRun(t, inst.fn, inst.token);
        return sample;
      };
      for (const t of warmTargets) firstRun[t.name] = await warmOnce(t);
      for (let round = 0; round < options.warmRuns; round += 1) {
        const order = [
          ...warmTargets.slice(round % warmTargets.length),
          ...warmTargets.slice(0, round % warmTargets.length),
        ];
        for (const t of order) warm[t.name]?.push(await warmOnce(t));
      }
    } finally {
      for (const { fn } of instances.values()) await fn.stop();
    }

    const backtest = backtestThroughput(options.bars, options.workDir, say);

    const ratioOf = (f: (s: ColdSample) => number, name: TargetName, against: TargetName = 'ccxt') => {
      const a = cold[name];
      const b = cold[against];
      return a && b ? spread(pairRatios(a.map(f), b.map(f))) : null;
    };
    const warmRatio = (name: TargetName, against: TargetName = 'ccxt') => {
      const a = warm[name];
      const b = warm[against];
      return a && b
        ? spread(
            pairRatios(
              a.map((s) => s.wallMs),
              b.map((s) => s.wallMs),
            ),
          )
        : null;
    };
    const names: TargetName[] = ['rebalance', 'ccxt', 'eager', 'preferRest'];
    const each = <T>(f: (n: TargetName) => T) =>
      Object.fromEntries(names.map((n) => [n, f(n)])) as Record<TargetName, T>;
    notes.push(
      `cold starts at 0 ms exchange RTT (loopback), warm runs at ${options.rttMs} ms on every exchange request; Firestore is the local emulator (no added RTT)`,
      'each target runs as deployed: AUTH_MODE=verify (RS256 ID token, certs from a local issuer), Firestore emulator, simulator; the simulator is reset before every run, the ledger only once before the discarded warm-up round (so measured runs find their account documents, as scheduled runs do)',
    );
    const size = (b: BundleSize) => ({ bytes: b.bytes, gzipBytes: b.gzipBytes, totalJsBytes: b.totalJsBytes });
    return {
      at: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      options: { bars: options.bars, pairs: options.pairs, warmRuns: options.warmRuns, rttMs: options.rttMs },
      ledger: 'firestore-emulator',
      notes,
      bundle: {
        rebalance: size(bundles.rebalance),
        ccxt: size(bundles.ccxt),
        eager: variants ? size(bundles.eager) : null,
        preferRest: variants ? size(bundles.preferRest) : null,
      },
      cold: {
        order: all.map((t) => t.name),
        warmup,
        samples: cold,
        ratios: {
          listen: each((n) => ratioOf((s) => s.listenMs, n)),
          toOrder: each((n) => ratioOf((s) => s.toOrderMs, n)),
          toAnswer: each((n) => ratioOf((s) => s.toAnswerMs, n)),
          eagerVsProduct: ratioOf((s) => s.toOrderMs, 'eager', 'rebalance'),
          preferRestVsProduct: ratioOf((s) => s.toOrderMs, 'preferRest', 'rebalance'),
        },
      },
      warm: {
        firstRun,
        samples: warm,
        wallRatio: each((n) => warmRatio(n)),
        preferRestVsProduct: warmRatio('preferRest', 'rebalance'),
      },
      backtest,
    };
  } finally {
    for (const stop of stoppers.splice(0).reverse()) await stop().catch(() => undefined);
  }
}

/**
 * The backtest on a generated CSV, end to end in this process (file read → report text and JSON):
 * the fast path three times, the exact path (--exact) once, and whether both reports are the same.
 */
export function backtestThroughput(
  bars: number,
  workDir: string,
  say: (line: string) => void,
): BenchResults['backtest'] {
  const csv = join(workDir, `gbm-${bars}-s1.csv`);
  // σ = 0.001 per bar keeps a million-bar walk within a few e-folds of 0.5, away from the tick.
  if (!existsSync(csv)) writeFileSync(csv, [...barsToCsv(gbmBars({ sigma: 0.001, bars, seed: 1 }))].join(''));
  const profile = parseProfiles(undefined)[DEFAULT_PROFILE_ID];
  if (!profile) throw new Error('the built-in default profile is missing');
  const fastSeconds: number[] = [];
  let fastJson = '';
  for (let i = 0; i < 3; i += 1) {
    say(`backtest: ${bars} bars, fast path, run ${i + 1} of 3…`);
    const t = performance.now();
    const report = runBacktestFast({ columns: readBarColumns(readFileSync(csv), csv), profile, keepSeries: false });
    fastJson = JSON.stringify(reportJson(report));
    formatReport(report);
    fastSeconds.push((performance.now() - t) / 1000);
  }
  say(`backtest: ${bars} bars, --exact (plan() on every bar; the slow part of the bench)…`);
  const t = performance.now();
  const exact = runBacktest({ bars: readBars(readFileSync(csv, 'utf8'), csv), profile, keepSeries: false });
  const exactJson = JSON.stringify(reportJson(exact));
  formatReport(exact);
  const exactSeconds = (performance.now() - t) / 1000;
  const exactBarsPerSecond = bars / exactSeconds;
  const fastRates = fastSeconds.map((s) => bars / s);
  return {
    bars,
    fastSeconds,
    fastBarsPerSecond: spread(fastRates),
    exactSeconds,
    exactBarsPerSecond,
    speedup: spread(fastRates.map((r) => r / exactBarsPerSecond)),
    identical: fastJson === exactJson,
    trades: exact.strategy.trades,
  };
}
