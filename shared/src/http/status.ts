import type { RebalanceReport } from '../app/contract';
import { AUTH_ERROR_CODES, statusOf } from '../auth/auth-error';
import { AppError } from '../errors';

/** What a handler ended with: a report (any status, skips included) or something thrown. */
export type Outcome =
  | { report: Pick<RebalanceReport, 'status' | 'duplicate'> }
  /** a snapshot was recorded (or already existed for that second) */
  | { snapshot: 'recorded' | 'existing' }
  /** deep health: an uptime check must see anything but `ok` as down */
  | { health: 'ok' | 'degraded' | 'down' }
  | { error: unknown };

/**
 * Every refusal by its code: the caller has to change the request (4xx), or, for the auth codes, the
 * status the authenticator decided (401, 403, and 503 when the certs are out of reach). Each code is
 * one failure, whichever layer finds it. A code that is not here is not a refusal (see httpStatus).
 */
export const ERROR_STATUS: Readonly<Record<string, number>> = {
  'request.method_not_allowed': 405,
  'request.bad_json': 400,
  'request.bad_body': 400,
  'request.unknown_field': 400,
  'request.bad_field': 400,
  'request.bad_execution_id': 400,
  'request.bad_scheduler_header': 400,
  'request.unknown_profile': 400,
  // an execution id reused with another profile: the ledger holds that id for the other one
  'run.profile_mismatch': 409,
  ...Object.fromEntries(AUTH_ERROR_CODES.map((code) => [code, statusOf(code)])),
};

/**
 * The one place an outcome becomes an HTTP status. Cloud Scheduler retries every non-2xx answer, so:
 * - a snapshot is 200; deep health is 200 only when every check passed, else 503 (a stale last run
 *   included: the uptime check must fire when the scheduler is dead);
 * - a report is 200 whatever it says, skips and duplicates included; a run that ended
 *   `failed` is 500 because the ledger holds it as finished and a retry would only read it back;
 * - `in_progress` (another attempt holds a live lease on this execution id) is 409 run.in_progress:
 *   Scheduler must keep retrying, so that a retry after the lease ended resumes a dead attempt;
 * - an error whose code is in ERROR_STATUS answers that status;
 * - any other error is 503 only when it says `retryable`: nothing was done that a second attempt
 *   could repeat (ledger or exchange unavailable before any order);
 * - everything else, including errors we did not plan for, is 500: a blind retry is not known to be safe.
 */
export function httpStatus(outcome: Outcome): number {
  if ('snapshot' in outcome) return 200;
  if ('health' in outcome) return outcome.health === 'ok' ? 200 : 503;
  if ('report' in outcome) {
    const { report } = outcome;
    if (report.status === 'in_progress') return 409;
    if (report.status === 'failed' && !report.duplicate) return 500;
    return 200;
  }
  const { error } = outcome;
  if (!(error instanceof AppError)) return 500;
  return ERROR_STATUS[error.code] ?? (error.retryable ? 503 : 500);
}
