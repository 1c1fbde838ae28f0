import type { AddressInfo } from 'node:net';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { type FaultInput, type RunningSimulator, SimulatorAdmin, startSimulator } from '@qrl-rebalancer/simulator';
import { forgeAlgNone, type LocalOidc, startLocalOidc } from '../../../scripts/lib/local-oidc';
import { loadConfig } from '../config/config';
import { createLogger } from '../observability/logger';
import { installBadJsonAnswer } from './bad-json';
import { deepHealthFromEnv, deepHealthHttp } from './deep-health';
import { createDeps } from './deps';
import { rebalanceHttp, snapshotHttp } from './functions';
import { healthBadJsonAnswer, healthHttp } from './health';

/**
 * The three handlers in process, each registered with functions-framework and driven through its
 * own test server (getTestServer, the Express app the framework builds for a deployed function): a
 * table of (method, headers, body) → (status, error code). Behind them the real composition
 * (createDeps from loadConfig): the MEXC client against the simulator on loopback, the memory
 * ledger, and the verifying authenticator fetching certs from a local issuer that signs the tokens.
 * Every answer must have its `invocation.finished` line with the same status, and no line a token.
 */

const CALLER = 'scheduler@demo-qrl-http.iam.gserviceaccount.com';
const INTRUDER = 'intruder@demo-qrl-http.iam.gserviceaccount.com';
const JOB = 'projects/demo-qrl-http/locations/local/jobs/qrl-rebalance';
const audience = (fn: string) => `https://${fn}-http-test.a.run.app`;

type Target = 'rebalance' | 'snapshot' | 'health' | 'rebalance-without-certs' | 'health-misconfigured';
type Token = 'valid' | 'none' | 'alg-none' | 'other-audience' | 'intruder';

interface Row {
  name: string;
  to: Target;
  method?: string;
  path?: string;
  token?: Token;
  headers?: Record<string, string>;
  /** JSON-encoded unless a string */
  body?: unknown;
  contentType?: string;
  /** exchange faults queued on the simulator for this request only */
  faults?: FaultInput[];
  status: number;
  /** the `error` code of a refusal or failure */
  code?: string;
  /** more about the answer's body */
  expect?: Record<string, unknown>;
}

let sim: RunningSimulator;
let oidc: LocalOidc;
const urls: Partial<Record<Target, string>> = {};
const closers: (() => Promise<void>)[] = [];
/** this request's log lines (cleared before each), and every line of the file */
const lines: Record<string, unknown>[] = [];
const everyLine: string[] = [];
const tokensSent: string[] = [];

async function serve(name: Target, fn: ff.HttpFunction): Promise<void> {
  ff.http(`handlers-test-${name}`, fn);
  const server = getTestServer(`handlers-test-${name}`);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  urls[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
}

function depsFor(fn: string, env: Record<string, string> = {}) {
  const config = loadConfig({
    MEXC_BASE_URL: sim.url,
    MEXC_API_KEY: sim.apiKey,
    MEXC_API_SECRET: sim.apiSecret,
    LIVE_TRADING: 'true',
    AUTH_MODE: 'verify',
    OIDC_CERTS_URL: oidc.certsUrl,
    OIDC_AUDIENCE: audience(fn),
    OIDC_ALLOWED_EMAILS: CALLER,
    LEDGER: 'memory',
    GOOGLE_CLOUD_PROJECT: 'demo-qrl-http',
    REPLAY_WINDOW_S: '900',
    ...env,
  });
  const logger = createLogger('debug', (line) => {
    everyLine.push(line);
    lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return { deps: createDeps(config, logger), logger };
}

beforeAll(async () => {
  // as functions/health does; jest loads functions-framework through its own registry, so hand over that Express
  expect(installBadJsonAnswer(healthBadJsonAnswer, { express: require('express') })).toBe(true);
  // QRL worth about 500 USDT against 200 USDT: outside the default band, so a live run trades
  sim = await startSimulator({ config: { balances: { QRL: '1000', USDT: '200' } } });
  oidc = await startLocalOidc();
  const rebalance = depsFor('rebalance');
  await serve('rebalance', rebalanceHttp(rebalance.deps, rebalance.logger));
  const snapshot = depsFor('snapshot');
  await serve('snapshot', snapshotHttp(snapshot.deps, snapshot.logger));
  const health = depsFor('health');
  await serve('health', healthHttp({ deep: async () => deepHealthHttp(health.deps, health.logger) }));
  // the issuer answers 404 for this path: nobody can be checked
  const blind = depsFor('rebalance', { OIDC_CERTS_URL: oidc.certsUrl.replace('/oauth2/v1/certs', '/gone') });
  await serve('rebalance-without-certs', rebalanceHttp(blind.deps, blind.logger));
  // a deployed health whose variables the deep check cannot start with (it logs that once, to stdout)
  await serve('health-misconfigured', healthHttp({ deep: async () => deepHealthFromEnv({ LIVE_TRADING: 'maybe' }) }));
});

afterAll(async () => {
  for (const close of closers) await close();
  await oidc?.close();
  await sim?.stop();
});

function tokenFor(to: Target, kind: Token): string | null {
  const aud = audience(to === 'rebalance-without-certs' ? 'rebalance' : to);
  switch (kind) {
    case 'none':
      return null;
    case 'valid':
      return oidc.signIdToken({ aud, email: CALLER });
    case 'alg-none':
      return forgeAlgNone({ aud, email: CALLER }, oidc.key.kid);
    case 'other-audience':
      return oidc.signIdToken({ aud: audience('snapshot-elsewhere'), email: CALLER });
    case 'intruder':
      return oidc.signIdToken({ aud, email: INTRUDER });
  }
}

const scheduledAt = (ageS: number) =>
  new Date(Math.floor((Date.now() - ageS * 1000) / 60_000) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const scheduler = (ageS = 0) => ({
  'X-CloudScheduler': 'true',
  'X-CloudScheduler-JobName': JOB,
  'X-CloudScheduler-ScheduleTime': scheduledAt(ageS),
});

const rows: Row[] = [
  // rebalance: refused before anything ran, in the order the handler decides
  {
    name: 'GET',
    to: 'rebalance',
    method: 'GET',
    status: 405,
    code: 'request.method_not_allowed',
  },
  { name: 'no token', to: 'rebalance', token: 'none', status: 401, code: 'auth.missing_token' },
  { name: 'alg: none', to: 'rebalance', token: 'alg-none', status: 401, code: 'auth.bad_algorithm' },
  { name: 'another audience', to: 'rebalance', token: 'other-audience', status: 401, code: 'auth.wrong_audience' },
  { name: 'a caller not allowed', to: 'rebalance', token: 'intruder', status: 403, code: 'auth.email_not_allowed' },
  {
    name: 'body not JSON (text/plain)',
    to: 'rebalance',
    body: '{"dryRun":',
    contentType: 'text/plain',
    status: 400,
    code: 'request.bad_json',
  },
  {
    name: "body not JSON (Scheduler's default octet-stream)",
    to: 'rebalance',
    body: '{"dryRun":',
    contentType: 'application/octet-stream',
    status: 400,
    code: 'request.bad_json',
  },
  { name: 'body an array', to: 'rebalance', body: [1], status: 400, code: 'request.bad_body' },
  { name: 'unknown field', to: 'rebalance', body: { force: true }, status: 400, code: 'request.unknown_field' },
  { name: 'dryRun not a boolean', to: 'rebalance', body: { dryRun: 'yes' }, status: 400, code: 'request.bad_field' },
  {
    name: 'bad execution id',
    to: 'rebalance',
    body: { executionId: 'a/b' },
    status: 400,
    code: 'request.bad_execution_id',
  },
  {
    name: 'unknown profile',
    to: 'rebalance',
    body: { profile: 'nope' },
    status: 400,
    code: 'request.unknown_profile',
  },
  {
    name: 'bad Scheduler schedule time',
    to: 'rebalance',
    headers: { ...scheduler(), 'X-CloudScheduler-ScheduleTime': 'yesterday' },
    status: 400,
    code: 'request.bad_scheduler_header',
  },
  {
    name: 'signing certs unreachable',
    to: 'rebalance-without-certs',
    status: 503,
    code: 'auth.certs_unavailable',
  },
  // rebalance: answered with a report
  {
    name: 'a Scheduler call older than the replay window',
    to: 'rebalance',
    headers: scheduler(3600),
    status: 200,
    expect: { status: 'skipped', reason: 'stale', duplicate: false },
  },
  {
    name: 'a dry run',
    to: 'rebalance',
    body: { dryRun: true, executionId: 'handlers-dry-0001' },
    status: 200,
    expect: { status: 'dry_run', executionId: 'handlers-dry-0001' },
  },
  {
    name: 'a live run',
    to: 'rebalance',
    body: { executionId: 'handlers-live-0001' },
    status: 200,
    expect: { status: 'completed', executionId: 'handlers-live-0001', duplicate: false },
  },
  {
    name: 'the live run again (a retry)',
    to: 'rebalance',
    body: { executionId: 'handlers-live-0001' },
    status: 200,
    expect: { status: 'completed', executionId: 'handlers-live-0001', duplicate: true },
  },
  // snapshot
  { name: 'GET', to: 'snapshot', method: 'GET', status: 405, code: 'request.method_not_allowed' },
  { name: 'no token', to: 'snapshot', token: 'none', status: 401, code: 'auth.missing_token' },
  {
    name: 'a rebalance-only field',
    to: 'snapshot',
    body: { dryRun: true },
    status: 400,
    code: 'request.unknown_field',
  },
  { name: 'unknown profile', to: 'snapshot', body: { profile: 'nope' }, status: 400, code: 'request.unknown_profile' },
  { name: 'a snapshot', to: 'snapshot', status: 200, expect: { outcome: 'recorded', profile: 'default' } },
  {
    name: 'the exchange answering 5xx to every read',
    to: 'snapshot',
    faults: [{ endpoint: '*', kind: '5xx', count: 20 }],
    status: 503,
    code: 'exchange.unavailable',
  },
  // health
  { name: 'shallow GET', to: 'health', method: 'GET', token: 'none', status: 200, expect: { status: 'ok' } },
  { name: 'POST', to: 'health', method: 'POST', token: 'none', status: 405, code: 'request.method_not_allowed' },
  {
    name: 'a body sent as JSON that is not (refused before the handler)',
    to: 'health',
    body: '{"deep":',
    token: 'none',
    status: 400,
    code: 'request.bad_json',
    expect: { todo: expect.stringContaining('send GET without a body') },
  },
  {
    name: 'deep without a token',
    to: 'health',
    method: 'GET',
    path: '/?deep=1',
    token: 'none',
    status: 401,
    code: 'auth.missing_token',
  },
  {
    name: 'deep, no run has finished yet (the uptime check must fire)',
    to: 'health',
    method: 'GET',
    path: '/?deep=1',
    status: 503,
    expect: { status: 'degraded' },
  },
  {
    name: 'deep, with a configuration the checks cannot start with',
    to: 'health-misconfigured',
    method: 'GET',
    path: '/?deep=1',
    token: 'none',
    status: 503,
    expect: { status: 'down', checks: [{ name: 'config', ok: false, detail: 'config.invalid' }] },
  },
];

describe.each(['rebalance', 'snapshot', 'health'] as const)('%s in process', (fn) => {
  it.each(rows.filter((r) => r.to.startsWith(fn)).map((r) => [r.name, r.status, r.code ?? 'answered', r] as const))(
    '%s → %i %s',
    async (_name, status, _code, row) => {
      const token = tokenFor(row.to, row.token ?? 'valid');
      if (token) tokensSent.push(token);
      const headers: Record<string, string> = { ...row.headers };
      if (token) headers.Authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (row.body !== undefined) {
        body = typeof row.body === 'string' ? row.body : JSON.stringify(row.body);
        headers['Content-Type'] = row.contentType ?? 'application/json';
      }
      for (const fault of row.faults ?? []) await new SimulatorAdmin(sim.url).addFault(fault);
      lines.length = 0;
      const response = await fetch(`${urls[row.to]}${row.path ?? '/'}`, {
        method: row.method ?? 'POST',
        headers,
        ...(body === undefined ? {} : { body }),
      });
      if (row.faults) await new SimulatorAdmin(sim.url).clearFaults();
      const answer = (await response.json()) as Record<string, unknown>;

      expect({ status: response.status, error: answer.error }).toEqual({ status, error: row.code });
      if (row.expect) expect(answer).toMatchObject(row.expect);
      if (status === 405) expect(response.headers.get('allow')).toMatch(/POST|GET/);
      const finished = lines.filter((l) => l.message === 'invocation.finished');
      // the shallow probe and a deep check that could not be built are not invocations: no finished line
      if ((row.to === 'health' && !row.path) || row.to === 'health-misconfigured') expect(finished).toEqual([]);
      else expect(finished.map((l) => [l.function, l.status])).toEqual([[fn, status]]);
    },
  );
});

describe('what the handlers left behind', () => {
  it('placed exactly the one order of the live run on the exchange (the retry sent none)', async () => {
    const orders = await new SimulatorAdmin(sim.url).orders();
    expect(orders.length).toBe(1);
  });

  it('wrote no token, nor the API secret, into any log line', () => {
    expect(everyLine.length).toBeGreaterThan(rows.length);
    const text = everyLine.join('\n');
    for (const secret of [...tokensSent, sim.apiSecret]) expect(text).not.toContain(secret);
  });
});
