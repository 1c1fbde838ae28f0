/**
 * The explorer (issue #18): instead of dice, every call of a trading run in turn. A clean reference
 * run per scenario names the points (its ledger and exchange calls, in order); each point then gets
 * each action that fits it — SIGKILL before it, SIGKILL after it, each fault of its class — as one
 * case on a fresh stack state, followed by what production does next and the invariants.
 * Deterministic: a case depends only on its scenario, point and action, so `--point/--action`
 * replays one alone.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildFunctions } from '../../build';
import { type RunningEmulator, startFirestoreEmulator } from '../../lib/firestore-emulator';
import { type LocalOidc, startLocalOidc } from '../../lib/local-oidc';
import { type CaseResult, Lane } from './lane';
import {
  allCases,
  type CasePlan,
  type Point,
  pointsOf,
  reducedCases,
  SCENARIO_NAMES,
  type ScenarioName,
  scenarioOfPointName,
  selectCases,
} from './points';
import { SCENARIOS } from './scenarios';
import { EXPLORE_TIMEOUT_S, type ExploreTiming, exploreTiming, retriesOutliveLease } from './timing';

export interface ExploreOptions {
  /** the fixed subset `npm test` runs */
  reduced?: boolean;
  /** replay: one point (exact name) and/or one action */
  point?: string;
  action?: string;
  /** cases played side by side, each lane with its own simulator and process (default 2; the CLI 3) */
  lanes?: number;
  /** FUNCTION_TIMEOUT_S of the function under test (default 6); Scheduler's back-off is scaled to it */
  timeoutS?: number;
  /** an emulator already running (the jest harness); else the explorer starts one */
  emulatorHost?: string;
  say?: (line: string) => void;
}

export interface ExploreResult {
  timing: ExploreTiming;
  references: CaseResult[];
  points: Point[];
  cases: CaseResult[];
  violations: number;
  missed: number;
  durationMs: number;
}

export async function runExplorer(options: ExploreOptions = {}): Promise<ExploreResult> {
  const say = options.say ?? (() => undefined);
  const started = Date.now();
  const timing = exploreTiming(options.timeoutS ?? EXPLORE_TIMEOUT_S);
  if (!retriesOutliveLease(timing)) throw new Error('the scaled Scheduler retries end before a killed lease does');
  const fromPoint = options.point === undefined ? null : scenarioOfPointName(options.point);
  if (options.point !== undefined && !fromPoint)
    throw new Error(`--point ${options.point} does not start with a scenario (${SCENARIO_NAMES.join(', ')})/`);
  const scenarios: ScenarioName[] = fromPoint ? [fromPoint] : options.reduced ? ['one-leg'] : [...SCENARIO_NAMES];
  const tag = randomBytes(3).toString('hex');
  // A private build: dist/ may be rebuilt meanwhile by anything else on the machine.
  const distDir = resolve(
    __dirname,
    '..',
    '..',
    '..',
    'node_modules',
    '.cache',
    'qrl-explore',
    `${process.pid}-${tag}`,
  );
  say(
    `explorer: building the rebalance bundle (FUNCTION_TIMEOUT_S ${timing.functionTimeoutS}, Scheduler waits ${timing.backoffMs.join('/')} ms)…`,
  );
  await buildFunctions({ outDir: distDir, quiet: true });
  let emulator: RunningEmulator | null = null;
  let oidc: LocalOidc | null = null;
  const lanes: Lane[] = [];
  try {
    let emulatorHost = options.emulatorHost;
    if (!emulatorHost) {
      say('explorer: starting the Firestore emulator…');
      emulator = await startFirestoreEmulator();
      emulatorHost = emulator.host;
    }
    oidc = await startLocalOidc();
    const laneCount = Math.max(1, Math.min(options.lanes ?? 2, 4));
    for (let i = 0; i < laneCount; i++)
      lanes.push(await Lane.start({ emulatorHost, oidc, distDir, timing, tag: `${tag}${i}` }));

    let caseNo = 0;
    const references = await playAll(
      lanes,
      scenarios.map((s) => ({ scenario: s, plan: null })),
      () => caseNo++,
    );
    const points: Point[] = [];
    for (const ref of references) {
      const scenario = SCENARIOS[ref.scenario];
      const completed = ref.answers[0]?.status.startsWith('completed') === true;
      if (!completed || ref.orders !== scenario.legs)
        throw new Error(
          `the ${ref.scenario} reference run answered ${ref.answers.map((a) => `${a.http} ${a.status}`).join(', ')} and placed ${ref.orders} orders, not a completed run with ${scenario.legs}: there is no clean run to explore`,
        );
      const ps = pointsOf(ref.scenario, ref.calls);
      points.push(...ps);
      say(`explorer: ${ref.scenario} reference run: ${ps.length} points (${ref.durationMs} ms)`);
    }
    const planned = selectCases(
      options.reduced ? reducedCases(points) : allCases(points),
      options.point,
      options.action,
    );
    say(`explorer: ${planned.length} cases on ${lanes.length} lane(s)`);
    let done = 0;
    const cases = await playAll(
      lanes,
      planned.map((plan) => ({ scenario: plan.point.scenario, plan })),
      () => caseNo++,
      (result) => {
        done += 1;
        say(progressLine(result, done, planned.length));
      },
    );
    return {
      timing,
      references,
      points,
      cases,
      violations: cases.filter((c) => c.cell === 'VIOLATION').length,
      missed: cases.filter((c) => c.cell === 'missed').length,
      durationMs: Date.now() - started,
    };
  } finally {
    for (const lane of lanes) await lane.stop().catch(() => undefined);
    await oidc?.close().catch(() => undefined);
    await emulator?.stop();
    rmSync(distDir, { recursive: true, force: true });
  }
}

/** Plays the jobs on the lanes, each lane taking the next job when it is free; results in job order. */
async function playAll(
  lanes: readonly Lane[],
  jobs: readonly { scenario: ScenarioName; plan: CasePlan | null }[],
  nextCaseNo: () => number,
  onResult?: (r: CaseResult) => void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    lanes.map(async (lane) => {
      while (next < jobs.length) {
        const i = next++;
        const job = jobs[i];
        if (!job) break;
        const r = await lane.runCase(nextCaseNo(), job.scenario, job.plan);
        results[i] = r;
        onResult?.(r);
      }
    }),
  );
  return results;
}

function progressLine(r: CaseResult, done: number, total: number): string {
  const answers = r.answers.map((a) => `${a.phase}=${a.http}${a.status === a.http ? '' : ` ${a.status}`}`).join(', ');
  const bad = r.violations.map((v) => `\n  VIOLATION ${v.check}: ${v.message}`).join('');
  const note = r.note ? ` (${r.note})` : '';
  return `[${done}/${total}] ${r.point} ${r.action}: ${r.cell}${note} — ${answers} (${r.durationMs} ms)${bad}`;
}
