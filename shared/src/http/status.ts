import type { RebalanceReport } from '../app/contract';
import { AuthError } from '../auth/auth-error';
import { InvalidExecutionIdError } from '../auth/execution-id';
import { SchedulerHeaderError } from '../auth/scheduler-headers';
import { AppError } from '../errors';
import { RequestError } from './request-error';

/** What a handler ended with: a report (any status, skips included) or something thrown. */
export type Outcome =
  | { report: Pick<RebalanceReport, 'status' | 'duplicate'> }
  /** a snapshot was recorded (or already existed for that second) */
  | { snapshot: 'recorded' | 'existing' }
  /** deep health: an uptime check must see anything but `ok` as down */
  | { health: 'ok' | 'degraded' | 'down' }
  | { error: unknown };

/** Input mistakes the use cases detect themselves (they throw before claiming anything). */
const INPUT_ERROR_CODES = new Set(['run.unknown_profile']);
/** The request conflicts with what the ledger holds (an execution id of another profile's run). */
const CONFLICT_ERROR_CODES = new Set(['run.profile_mismatch']);

/**
 * The one place an outcome becomes an HTTP status. Cloud Scheduler retries every non-2xx answer, so:
 * - a snapshot is 200; deep health is 200 only when every check passed, else 503 (a stale last run
 *   included: the uptime check must fire when the scheduler is dead);
 * - a report is 200 whatever it says, skips and duplicates included; a run that ended `failed` is
 *   500 because the ledger holds it as finished and a retry would only read it back;
 * - `in_progress` (another attempt holds a live lease on this execution id) is 409 run.in_progress:
 *   Scheduler must keep retrying, so that a retry after the lease ended resumes a dead attempt;
 * - the caller's own mistakes are 4xx (auth 401/403, bad input 400, method 405, an execution id
 *   reused with another profile 409);
 * - 503 only for an error that says `retryable`: nothing was done that a second attempt could
 *   repeat (certs unreachable, ledger or exchange unavailable before any order);
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
  if (error instanceof AuthError) return error.status;
  if (error instanceof RequestError) return error.status;
  if (error instanceof SchedulerHeaderError || error instanceof InvalidExecutionIdError) return 400;
  if (error instanceof AppError && INPUT_ERROR_CODES.has(error.code)) return 400;
  if (error instanceof AppError && CONFLICT_ERROR_CODES.has(error.code)) return 409;
  if (error instanceof AppError && error.retryable) return 503;
  return 500;
}
