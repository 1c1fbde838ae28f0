/**
 * Which HTTP answers a rebalance call may give under faults: the status table of docs/http-api.md
 * plus the run contract of issue #18 (409 `run.in_progress` while another attempt holds a live
 * lease, 503 `run.deadline` / `ledger.unavailable` for a run that cannot finish in time).
 * `killed` is a call the explorer's own SIGKILL cut off; `timeout` is a call that ran past
 * FUNCTION_TIMEOUT_S, which the platform would have killed: the contract says the product answers
 * before that, so it is never allowed.
 */
import type { CallResult } from '../../lib/local-stack';

export interface Answer {
  /** HTTP status, `killed` or `timeout` */
  http: string;
  /** the report's status[/reason], or `error/<code>` */
  status: string;
  /** the error code of a refusal (`run.in_progress`, `run.deadline`, …), else null */
  code: string | null;
}

export function answerOf(result: CallResult): Answer {
  const j = result.json ?? {};
  const e = j.error;
  const code =
    typeof e === 'string'
      ? e
      : e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string'
        ? (e as { code: string }).code
        : null;
  const status =
    typeof j.status === 'string'
      ? `${j.status}${typeof j.reason === 'string' ? `/${j.reason}` : ''}${j.duplicate === true ? '(dup)' : ''}`
      : `error/${code ?? result.status}`;
  return { http: String(result.status), status, code };
}

export const KILLED: Answer = { http: 'killed', status: 'killed', code: null };
export const TIMED_OUT: Answer = { http: 'timeout', status: 'timeout', code: null };

/** Scheduler counts only 2xx as success (https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs#RetryConfig). */
export function succeeded(a: Answer): boolean {
  return /^2\d\d$/.test(a.http);
}

/** null when the status table allows the answer, else why not. */
export function answerProblem(a: Answer): string | null {
  if (a.http === 'killed') return null;
  if (a.http === 'timeout')
    return 'the call ran past FUNCTION_TIMEOUT_S (the platform kills it; the product must answer before)';
  if (a.http === '200') {
    if (a.status.startsWith('error/')) return 'a 200 without a run report';
    // Scheduler stops retrying on a 2xx, so an unfinished run must not answer one (contract: 409 run.in_progress)
    if (a.status.startsWith('in_progress'))
      return `200 ${a.status}: Scheduler takes it as done and stops retrying an unfinished run (the contract answers 409 run.in_progress)`;
    return null;
  }
  if (a.http === '409')
    return a.code === 'run.in_progress' ? null : `409 with code ${a.code ?? 'none'}, not run.in_progress`;
  if (a.http === '500')
    return a.status.startsWith('failed') || a.code !== null ? null : '500 without a failed report or an error code';
  if (a.http === '503') return a.code !== null ? null : '503 without an error code';
  return `HTTP ${a.http} is not in the status table for a trigger that passed authentication`;
}

/** The quiet run after everything settled must answer a clean report. */
export function settleProblem(a: Answer): string | null {
  if (a.http !== '200') return `the quiet settle run answered HTTP ${a.http} (${a.status})`;
  return a.status.startsWith('completed') || a.status.startsWith('skipped')
    ? null
    : `the quiet settle run ended ${a.status}`;
}
