import { callFunction, LOCAL_JOB, type LocalStack, scheduleTimeNow } from '../../scripts/lib/local-stack';
import { deriveExecutionId } from '../../shared/src/auth/execution-id';
import { createFirestoreLedger, type FirestoreLedger } from '../../shared/src/ledger/firestore';
import { jsonLines, orderCount, startE2eStack } from './support/e2e-stack';

/**
 * Issue #18: after a kill, Scheduler's retries got 200 `in_progress`, so Scheduler stopped retrying
 * and the run was never resumed under its own id. Cloud Scheduler retries only answers outside
 * 200-299 (https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs#httptarget),
 * at the back-off of its RetryConfig; the deployment's is +10, +30, +70, +150, +270 s after the
 * failure, against a lease of 125 s (infra.test.ts). Here time is scaled down by 25: the dead
 * attempt's lease (written by the test) is 5 s and the retries come at +0.4, +1.2, +2.8, +6 and
 * +10.8 s; the function itself runs with a 60 s timeout, enough to trade (MIN_FUNCTION_TIMEOUT_S).
 */

const ACCOUNT_ID = 'acct-e2e-scheduler-retry';
const SCALE = 1 / 25;
const DEAD_LEASE_MS = 125_000 * SCALE;
const RETRIES_S = [10, 30, 70, 150, 270].map((s) => s * SCALE);

describe('Scheduler retries of a run whose attempt died', () => {
  let stack: LocalStack;
  let ledger: FirestoreLedger;

  beforeAll(async () => {
    stack = await startE2eStack(['rebalance'], { ACCOUNT_ID, FUNCTION_TIMEOUT_S: '60' });
    ledger = createFirestoreLedger({ projectId: stack.projectId, retentionDays: 30 });
  }, 90_000);
  afterAll(async () => {
    await ledger?.close();
    await stack?.stop();
  });

  it('a retry during the dead attempt’s lease answers 409 run.in_progress; the first after it resumes the run under its own id', async () => {
    const scheduleTime = scheduleTimeNow();
    // the id the function derives: the job's short name (as the headers parser takes it) and the schedule time
    const { executionId } = deriveExecutionId({
      scheduler: { jobName: LOCAL_JOB.split('/').at(-1) ?? LOCAL_JOB, scheduleTime },
      claims: { sub: 'unused', iat: 0 },
    });
    // The first attempt claimed the run and the account lock, then its process was killed: a claim
    // with no process behind it, as the ledger holds it after a kill.
    const opened = await ledger.openRun({ runId: executionId, accountId: ACCOUNT_ID, profileIds: ['default'] });
    expect(opened.run).toBeNull();
    const claimed = await ledger.startRun({
      token: opened.token,
      runId: executionId,
      profileId: 'default',
      accountId: ACCOUNT_ID,
      trigger: { kind: 'scheduler', jobName: LOCAL_JOB, scheduleTime },
      dryRun: false,
      as: 'locked',
      owner: 'killed-instance-1',
      leaseMs: DEAD_LEASE_MS,
      intents: [],
    });
    expect(claimed.outcome).toBe('started');
    const failedAt = Date.now();

    const answers: { at: number; status: number; json: Record<string, unknown> | null }[] = [];
    for (const at of RETRIES_S) {
      const wait = failedAt + at * 1000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const answer = await callFunction(stack.url('rebalance'), { scheduleTime, token: stack.token('rebalance') });
      answers.push({ at, status: answer.status, json: answer.json });
    }

    const leaseEndsS = DEAD_LEASE_MS / 1000;
    const during = answers.filter((a) => a.at < leaseEndsS);
    const after = answers.filter((a) => a.at > leaseEndsS);
    expect(during.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(1);
    for (const a of during) {
      expect(a.status).toBe(409);
      expect(a.json).toMatchObject({
        executionId,
        status: 'in_progress',
        reason: 'run.in_progress',
        error: { code: 'run.in_progress', retryable: true },
        attempt: 1,
      });
    }
    // the first retry after the lease takes the run over (attempt 2) and trades; later ones read its report
    const [resumed, ...later] = after;
    expect(resumed?.status).toBe(200);
    expect(resumed?.json).toMatchObject({ executionId, status: 'completed', attempt: 2, duplicate: false });
    for (const a of later) {
      expect(a.status).toBe(200);
      expect(a.json).toMatchObject({ executionId, status: 'completed', attempt: 2, duplicate: true });
    }
    const orders = (resumed?.json?.orders as unknown[] | undefined) ?? [];
    expect(orders.length).toBeGreaterThan(0);
    expect(await orderCount(stack)).toBe(orders.length);

    const run = await ledger.readRun(executionId);
    expect(run).toMatchObject({ status: 'completed', attempt: 2 });
    expect((await ledger.readAccount(ACCOUNT_ID)).lock).toBeNull();
    const takeovers = jsonLines(stack.functions.rebalance?.output() ?? '').filter(
      (l) => l.message === 'run.claimed' && l.takenOver === true,
    );
    expect(takeovers).toHaveLength(1);
  }, 60_000);
});
