import { runExplorer } from '../../scripts/chaos/explore/explorer';
import { formatTable } from '../../scripts/chaos/explore/table';

/**
 * The explorer (issue #18) in its reduced form on every `npm test`: the one-leg run's claim commit,
 * order placement and final commit, each with SIGKILL before it, SIGKILL after it and one fault,
 * each followed by Scheduler's retries, the next trigger and a quiet settle run on the real bundle,
 * simulator and emulator. `npm run chaos -- --explore` is the complete form.
 */
describe('explorer (reduced)', () => {
  it('covers the claim, the order and the final commit with 0 violations', async () => {
    const emulatorHost = process.env.FIRESTORE_EMULATOR_HOST;
    if (!emulatorHost) throw new Error('runs under the jest harness, which starts the emulator');
    const result = await runExplorer({ reduced: true, emulatorHost, lanes: 2 });
    const table = formatTable(result);

    // the reference run traded, and every planned case reached its point
    expect(result.references.map((r) => [r.scenario, r.orders])).toEqual([['one-leg', 1]]);
    expect(result.cases).toHaveLength(9);
    expect(result.cases.filter((c) => c.cell === 'missed').map((c) => `${c.point} ${c.action}`)).toEqual([]);
    // the kills did kill: a first attempt cut off, then a later trigger that finished the work
    const killedFirst = result.cases.filter((c) => c.action === 'kill-before' && c.answers[0]?.http === 'killed');
    expect(killedFirst.length).toBeGreaterThanOrEqual(2);
    // the table is the verdict: on a violation it says which case broke what, and how to replay it
    if (result.violations > 0) throw new Error(`${result.violations} case(s) failed a check:\n${table}`);
    expect(result.violations).toBe(0);
  }, 240_000);
});
