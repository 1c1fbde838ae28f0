import { createHash } from 'node:crypto';
import { compactUtc } from '../domain/time';
import { AppError } from '../errors';
import type { SchedulerCall } from './scheduler-headers';

/**
 * The id a run is claimed under (DESIGN §4.2). The same trigger must always map to the same id,
 * so a retried or replayed request finds the earlier run instead of trading again:
 * 1. an explicit `executionId` from the body;
 * 2. a Scheduler call: `<job>-<schedule time as UTC yyyymmddThhmmssZ>`;
 * 3. otherwise the token: `token-<iat as UTC yyyymmddThhmmssZ>-<hash of sub>`, so one token is one run.
 */
export const EXECUTION_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

export type ExecutionIdSource = 'explicit' | 'scheduler' | 'token';

export interface ExecutionIdInput {
  explicit?: string | undefined;
  scheduler?: Pick<SchedulerCall, 'jobName' | 'scheduleTime'> | undefined;
  claims: { sub: string; iat: number };
}

export interface DerivedExecutionId {
  executionId: string;
  source: ExecutionIdSource;
}

function shortHash(value: string, length: number): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}

/** 64 minus `-yyyymmddThhmmssZ` */
const MAX_JOB_PART = 64 - 17;

/**
 * Job names are `[A-Za-z0-9_-]` in Cloud Scheduler; anything else is replaced, and whenever the name
 * had to be changed or cut, a hash of the original keeps two different jobs from sharing ids.
 */
export function sanitizeJobName(jobName: string): string {
  const cleaned = jobName.replace(/[^A-Za-z0-9_-]/g, '-');
  if (cleaned === jobName && cleaned.length > 0 && cleaned.length <= MAX_JOB_PART) return cleaned;
  const suffix = shortHash(jobName, 8);
  const head = cleaned.slice(0, MAX_JOB_PART - suffix.length - 1).replace(/-+$/, '');
  return head.length > 0 ? `${head}-${suffix}` : `job-${suffix}`;
}

/** A bad explicit id: 400 naming the field. */
export class InvalidExecutionIdError extends AppError {
  constructor() {
    super({
      code: 'request.bad_execution_id',
      what: 'executionId must match ^[A-Za-z0-9_-]{8,64}$',
      notDone: 'the request was refused before anything ran; no run was claimed and no order was sent',
      todo: 'send 8 to 64 letters, digits, "_" or "-", or leave executionId out',
      metadata: { field: 'executionId' },
    });
  }
}

/** Throws InvalidExecutionIdError only for a bad explicit id (the body schema should catch it first). */
export function deriveExecutionId(input: ExecutionIdInput): DerivedExecutionId {
  if (input.explicit !== undefined) {
    if (!EXECUTION_ID_PATTERN.test(input.explicit)) throw new InvalidExecutionIdError();
    return { executionId: input.explicit, source: 'explicit' };
  }
  if (input.scheduler) {
    const executionId = `${sanitizeJobName(input.scheduler.jobName)}-${compactUtc(input.scheduler.scheduleTime)}`;
    return { executionId, source: 'scheduler' };
  }
  const iat = compactUtc(new Date(input.claims.iat * 1000));
  return { executionId: `token-${iat}-${shortHash(input.claims.sub, 16)}`, source: 'token' };
}
