import { Firestore } from '@google-cloud/firestore';
import { callFunction, LOCAL_CALLER, type LocalStack, scheduleTimeNow } from '../../scripts/lib/local-stack';
import { runRuns } from '../../scripts/runs/cli';
import { GCLOUD_CLIENT_ID } from '../../shared/src/auth/claims';
import { startE2eStack } from './support/e2e-stack';

/**
 * Callers you choose (issue #19): a person calls with the token gcloud mints for them (gcloud's own
 * audience), a service account with one for the function URL; each is accepted only when named, and the
 * run document records who started the run.
 */
const PERSON = 'alice@example.com';
const OPS = 'ops@qrl-local.iam.gserviceaccount.com';
let stack: LocalStack;
let db: Firestore;

beforeAll(async () => {
  stack = await startE2eStack(['rebalance'], {
    OIDC_ALLOWED_EMAILS: `${LOCAL_CALLER},${PERSON},${OPS},bob@example.com`,
    OIDC_GCLOUD_USER_EMAILS: PERSON,
  });
  db = new Firestore({ projectId: stack.projectId });
}, 60_000);
afterAll(async () => {
  await db.terminate();
  await stack.stop();
});

const gcloudUserToken = (email: string) =>
  stack.oidc.signIdToken({ aud: GCLOUD_CLIENT_ID, azp: GCLOUD_CLIENT_ID, email, sub: `sub-${email}` });
const manual = (token: string, executionId: string) =>
  callFunction(stack.url('rebalance'), { token, body: { dryRun: true, executionId } });
const callerOf = async (id: string) => (await db.doc(`runs/${id}`).get()).get('trigger');

describe('callers you choose, recorded as themselves', () => {
  it('a person named for it calls with gcloud’s audience; the run records them as trigger.caller', async () => {
    const answer = await manual(gcloudUserToken(PERSON), 'manual-alice-0001');
    expect(answer.status).toBe(200);
    expect(await callerOf('manual-alice-0001')).toEqual({ kind: 'manual', caller: PERSON });

    const out: string[] = [];
    await runRuns(['show', 'manual-alice-0001'], {
      out: (t) => out.push(t),
      err: () => undefined,
      env: { FIRESTORE_EMULATOR_HOST: stack.emulatorHost ?? '', GOOGLE_CLOUD_PROJECT: stack.projectId },
    });
    expect(out.join('\n')).toMatch(/started {4}\S+ \S+ UTC by hand by alice@example\.com/);
  });

  it('a service account calls with a token for the function URL and is recorded as itself', async () => {
    const answer = await manual(stack.oidc.signIdToken({ aud: stack.url('rebalance'), email: OPS }), 'manual-ops-0001');
    expect(answer.status).toBe(200);
    expect(await callerOf('manual-ops-0001')).toEqual({ kind: 'manual', caller: OPS });
  });

  it('the scheduler stays the caller of scheduled runs', async () => {
    const answer = await callFunction(stack.url('rebalance'), {
      token: stack.token('rebalance'),
      scheduleTime: scheduleTimeNow(),
      body: { dryRun: true },
    });
    expect(answer.status).toBe(200);
    expect(await callerOf(String(answer.json?.executionId))).toMatchObject({ kind: 'scheduler', caller: LOCAL_CALLER });
  });

  it('refuses gcloud’s audience for an allowed e-mail not named for it, and anyone not allowed', async () => {
    const bob = await manual(gcloudUserToken('bob@example.com'), 'manual-bob-0001');
    expect({ status: bob.status, error: bob.json?.error }).toEqual({ status: 401, error: 'auth.wrong_audience' });
    const eve = await manual(
      stack.oidc.signIdToken({ aud: stack.url('rebalance'), email: 'eve@example.com' }),
      'manual-eve-0001',
    );
    expect({ status: eve.status, error: eve.json?.error }).toEqual({ status: 403, error: 'auth.email_not_allowed' });
    expect((await db.doc('runs/manual-bob-0001').get()).exists).toBe(false);
  });
});
