import { ProfileMismatchError, UnknownProfileError } from '../app';
import { AuthError } from '../auth/auth-error';
import { InvalidExecutionIdError } from '../auth/execution-id';
import { SchedulerHeaderError } from '../auth/scheduler-headers';
import { AppError } from '../errors';
import { LedgerUnavailableError } from '../ports/ledger';
import { parseRunRequest } from './request-body';
import { methodNotAllowed, unknownProfile } from './request-error';
import { httpStatus, type Outcome } from './status';

const report = (status: string, duplicate = false): Outcome => ({ report: { status, duplicate } }) as Outcome;
const appError = (retryable: boolean) => new AppError({ code: 'x.y', what: 'w', notDone: 'n', todo: 't', retryable });
const badJson = parseRunRequest('{');

describe('httpStatus: the one outcome → status mapping', () => {
  const rows: [string, Outcome, number][] = [
    ['completed', report('completed'), 200],
    ['dry run', report('dry_run'), 200],
    ['skipped (stale, locked, within band, guard)', report('skipped'), 200],
    ['in progress elsewhere: non-2xx, so Scheduler retries until the lease ended', report('in_progress', true), 409],
    ['duplicate of a completed run', report('completed', true), 200],
    ['duplicate of a failed run: a retry would only read it again', report('failed', true), 200],
    ['a run that failed now (recorded as failed)', report('failed'), 500],
    ['no token', { error: new AuthError('auth.missing_token') }, 401],
    ['forged signature', { error: new AuthError('auth.bad_signature') }, 401],
    ['caller not allowed', { error: new AuthError('auth.email_not_allowed') }, 403],
    [
      'regression: an execution id reused with another profile is a conflict',
      { error: new ProfileMismatchError('job-0001', 'default', 'aggressive') },
      409,
    ],
    ['AUTH_MODE=none off loopback', { error: new AuthError('auth.none_refused') }, 403],
    ['certs unreachable: retry is safe', { error: new AuthError('auth.certs_unavailable') }, 503],
    ['wrong method', { error: methodNotAllowed(['POST']) }, 405],
    ['non-JSON body', { error: badJson }, 400],
    ['unknown profile', { error: unknownProfile('x', ['default']) }, 400],
    ['unknown profile, found by the use case', { error: new UnknownProfileError('x', ['default']) }, 400],
    ['snapshot recorded', { snapshot: 'recorded' }, 200],
    ['snapshot of the same second again', { snapshot: 'existing' }, 200],
    ['deep health ok', { health: 'ok' }, 200],
    ['deep health degraded (last run stale)', { health: 'degraded' }, 503],
    ['deep health down (exchange or ledger)', { health: 'down' }, 503],
    ['bad scheduler header', { error: new SchedulerHeaderError('X-CloudScheduler-ScheduleTime', 'bad') }, 400],
    ['bad execution id', { error: new InvalidExecutionIdError() }, 400],
    ['retryable app error (nothing done yet)', { error: appError(true) }, 503],
    ['ledger unavailable', { error: new LedgerUnavailableError('claim the run', new Error('UNAVAILABLE')) }, 503],
    ['non-retryable app error', { error: appError(false) }, 500],
    ['a bug (plain Error)', { error: new TypeError('x is undefined') }, 500],
    ['something thrown that is not an Error', { error: 'boom' }, 500],
  ];
  it.each(rows)('%s → %i', (_name, outcome, status) => {
    expect(httpStatus(outcome)).toBe(status);
  });

  it('never answers 5xx to a caller mistake and never 2xx to an error', () => {
    for (const [, outcome, status] of rows) {
      if ('error' in outcome) expect(status).toBeGreaterThanOrEqual(400);
      else if ('report' in outcome) expect([200, 409, 500]).toContain(status);
    }
  });
});
