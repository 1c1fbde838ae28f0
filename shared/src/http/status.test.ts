import type { AddressInfo } from 'node:net';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { ProfileMismatchError, UnknownProfileError } from '../app';
import { AUTH_ERROR_CODES, AuthError, type AuthErrorCode } from '../auth/auth-error';
import { InvalidExecutionIdError } from '../auth/execution-id';
import { SchedulerHeaderError } from '../auth/scheduler-headers';
import { AppError } from '../errors';
import { ExchangeUnavailableError } from '../exchange/mexc/errors';
import { silentLogger } from '../observability/logger';
import { LedgerUnavailableError } from '../ports/ledger';
import { handle } from './handle';
import { parseRunRequest } from './request-body';
import { methodNotAllowed } from './request-error';
import { ERROR_STATUS, httpStatus, type Outcome } from './status';

/**
 * The statuses callers see (docs/http-api.md), asked of the code: every error below is made by the
 * constructor or parser that makes it in production, thrown inside the one handler skeleton, and the
 * answer's status and `error` code are read off the HTTP response. The first test ties the list to
 * ERROR_STATUS both ways, so a refusal added to the code without a status (or a status row nothing
 * raises any more) fails here, and a status changed in the code fails against the written expectation.
 */

const parsed = (body: unknown): AppError => {
  const result = parseRunRequest(body);
  if (!(result instanceof AppError)) throw new Error(`expected a refusal of ${JSON.stringify(body)}`);
  return result;
};

/** 401: no usable proof of identity; 403: a genuine caller that is refused; 503: nobody can be checked. */
const AUTH_EXPECTED: Record<AuthErrorCode, number> = {
  'auth.missing_token': 401,
  'auth.malformed_token': 401,
  'auth.bad_algorithm': 401,
  'auth.unknown_kid': 401,
  'auth.bad_signature': 401,
  'auth.missing_signature': 401,
  'auth.wrong_issuer': 401,
  'auth.wrong_audience': 401,
  'auth.expired': 401,
  'auth.not_yet_valid': 401,
  'auth.bad_claims': 401,
  'auth.email_not_allowed': 403,
  'auth.email_unverified': 403,
  'auth.none_refused': 403,
  'auth.certs_unavailable': 503,
};

/** Every refusal the code raises, from where it raises it, with the status a caller must see. */
const refusals: [string, number, AppError][] = [
  ['wrong method', 405, methodNotAllowed(['POST'])],
  ['body not JSON', 400, parsed('{"dryRun":')],
  ['body not an object', 400, parsed('[1]')],
  ['unknown field', 400, parsed({ force: true })],
  ['bad field', 400, parsed({ dryRun: 'yes' })],
  ['bad execution id in the body', 400, parsed({ executionId: 'a/b' })],
  ['bad execution id found later', 400, new InvalidExecutionIdError()],
  ['bad Scheduler header', 400, new SchedulerHeaderError('X-CloudScheduler-ScheduleTime', 'is not a date')],
  ['unknown profile', 400, new UnknownProfileError('nope', ['default'])],
  ['execution id reused with another profile', 409, new ProfileMismatchError('job-0001', 'default', 'other')],
  ...AUTH_ERROR_CODES.map((code): [string, number, AppError] => [code, AUTH_EXPECTED[code], new AuthError(code)]),
];

/** Errors that are not refusals: the retry decision they carry picks 503 or 500. */
const failures: [string, number, string, unknown][] = [
  [
    'ledger unavailable before the claim',
    503,
    'ledger.unavailable',
    new LedgerUnavailableError('claim the run', new Error('UNAVAILABLE')),
  ],
  [
    'exchange unavailable on a read',
    503,
    'exchange.unavailable',
    new ExchangeUnavailableError({ endpoint: 'GET /api/v3/account', attempts: 3 }),
  ],
  ['an AppError that is not retryable', 500, 'x.y', new AppError({ code: 'x.y', what: 'w', notDone: 'n', todo: 't' })],
  ['a bug (plain Error)', 500, 'internal', new TypeError('x is undefined')],
  ['something thrown that is not an Error', 500, 'internal', 'boom'],
];

let url: string;
let close: () => Promise<void>;
let toThrow: unknown;

beforeAll(async () => {
  ff.http(
    'status-probe',
    handle<never>({
      fn: 'status-probe',
      logger: silentLogger,
      projectId: undefined,
      run: async () => {
        throw toThrow;
      },
      outcome: () => ({ snapshot: 'recorded' }),
      label: () => 'never',
      details: () => ({}),
    }),
  );
  const server = getTestServer('status-probe');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => close());

async function answer(error: unknown): Promise<{ status: number; code: unknown }> {
  toThrow = error;
  const response = await fetch(url, { method: 'POST' });
  const body = (await response.json()) as { error?: unknown };
  return { status: response.status, code: body.error };
}

describe('the error → status mapping, asked over HTTP', () => {
  it('ERROR_STATUS holds exactly the codes the refusals carry', () => {
    expect(new Set(refusals.map(([, , error]) => error.code))).toEqual(new Set(Object.keys(ERROR_STATUS)));
  });

  it.each(refusals)('%s → %i', async (_name, status, error) => {
    expect(await answer(error)).toEqual({ status, code: error.code });
  });

  it.each(failures)('%s → %i %s', async (_name, status, code, error) => {
    expect(await answer(error)).toEqual({ status, code });
  });

  it('answers a caller mistake 4xx, and 5xx only for what the caller cannot fix', () => {
    for (const [name, status, error] of refusals) {
      const callerCanFix = !error.retryable;
      expect([name, status < 500]).toEqual([name, callerCanFix]);
    }
  });
});

describe('httpStatus of a result', () => {
  const report = (status: string, duplicate = false): Outcome => ({ report: { status, duplicate } }) as Outcome;
  const rows: [string, number, Outcome][] = [
    ['completed', 200, report('completed')],
    ['dry run', 200, report('dry_run')],
    ['skipped (stale, locked, within band, guard)', 200, report('skipped')],
    ['in progress elsewhere: non-2xx, so Scheduler retries until the lease ended', 409, report('in_progress', true)],
    ['duplicate of a completed run', 200, report('completed', true)],
    ['duplicate of a failed run: a retry would only read it again', 200, report('failed', true)],
    ['a run that failed now (recorded as failed)', 500, report('failed')],
    ['snapshot recorded', 200, { snapshot: 'recorded' }],
    ['snapshot of the same second again', 200, { snapshot: 'existing' }],
    ['deep health ok', 200, { health: 'ok' }],
    ['deep health degraded (last run stale)', 503, { health: 'degraded' }],
    ['deep health down (exchange or ledger)', 503, { health: 'down' }],
  ];
  it.each(rows)('%s → %i', (_name, status, outcome) => {
    expect(httpStatus(outcome)).toBe(status);
  });
});
