import { runCampaign } from '../../scripts/chaos/campaign';

/**
 * A small fault campaign (issues #11, #18) on every `npm test`: the real rebalance bundle under
 * functions-framework, the simulator and the harness's Firestore emulator, through 30 seeded
 * scenarios with exchange faults, SIGKILLs, duplicate/concurrent/late triggers, market moves,
 * exchange clock skew, maker orders, dry runs, retries of a live attempt and instances with skewed
 * clocks, then the quiet settle run. `npm run chaos -- --runs 300` is the long form.
 */
const SEED = 20_250_101;
const RUNS = 30;

describe('fault campaign (30 runs, fixed seed)', () => {
  it(`holds every invariant through ${RUNS} runs of seed ${SEED}`, async () => {
    const emulatorHost = process.env.FIRESTORE_EMULATOR_HOST;
    const projectId = process.env.GOOGLE_CLOUD_PROJECT;
    if (!emulatorHost || !projectId) throw new Error('runs under the jest harness, which starts the emulator');
    const result = await runCampaign({ runs: RUNS, seed: SEED, emulatorHost, projectId });

    expect(result.violations).toEqual([]);
    // the runs asked for, then the quiet settle run
    expect(result.runs).toHaveLength(RUNS + 1);
    expect(result.runs.at(-1)?.trigger).toBe('quiet_settle');
    // the campaign did inject what it claims: faults, at least one SIGKILL, and real trading
    expect(Object.values(result.faultsByKind).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(result.runs.filter((r) => r.crash && r.crash.observed !== 'missed').length).toBeGreaterThan(0);
    expect(result.runs.some((r) => r.http.includes('killed'))).toBe(true);
    expect(result.exchangeOrders).toBeGreaterThan(0);
    expect(Object.keys(result.statuses).some((s) => s.startsWith('completed'))).toBe(true);
    expect(result.tradingShare).toBeGreaterThan(0);
    expect(result.runs.some((r) => r.profile === 'maker')).toBe(true);
    expect(result.runs.some((r) => r.instance === 'ahead' || r.instance === 'behind')).toBe(true);
  }, 300_000);

  it('fails with the run that stalled when a run outlasts the watchdog, instead of hanging', async () => {
    const emulatorHost = process.env.FIRESTORE_EMULATOR_HOST;
    if (!emulatorHost) throw new Error('runs under the jest harness, which starts the emulator');
    // a 1 ms watchdog: the first run (a manual trigger that trades) cannot finish inside it
    await expect(
      runCampaign({ runs: 1, seed: SEED, emulatorHost, projectId: 'demo-qrl-chaos-watchdog', watchdogMs: 1 }),
    ).rejects.toThrow(/stalled: run 1\/1 \(manual\) of seed 20250101 .*replay with --seed 20250101 --runs 1/);
  }, 120_000);
});
