import type { HttpFunction, Request } from '@google-cloud/functions-framework';
import type { Logger } from '../observability/logger';
import { requestLogger } from './request-context';
import { methodNotAllowed } from './request-error';
import { logError, sendError } from './respond';
import { httpStatus, type Outcome } from './status';

/** What `run` may do besides returning its result. */
export interface Invocation {
  /** the request's logger; after `bind`, every line carries the execution id */
  readonly log: Logger;
  /** the execution id is known: bind it to the later log lines and to an error answer */
  bind(executionId: string): void;
}

export interface HandlerSpec<T> {
  fn: string;
  logger: Logger;
  /** the trace field names the project; undefined leaves the bare trace id */
  projectId: string | undefined;
  /** any other method is refused 405 with `Allow` before `run`; leave out when the caller checked it */
  methods?: readonly string[];
  /** does the work; a result is answered as its JSON body, anything thrown through sendError */
  run(req: Request, invocation: Invocation): Promise<T>;
  /** what the result means for the status (httpStatus decides it) */
  outcome(result: T): Outcome;
  /** the `outcome` of the finished line for a result */
  label(result: T): string;
  /** the finished line's own fields, for a result or for none (refused or failed) */
  details(result: T | undefined): Record<string, unknown>;
  /**
   * the severity of a finished line with a 5xx status: `error` (default) when a 5xx means the function
   * failed; `warn` where a 5xx is a state it reports (deep health: the uptime check pages on it)
   */
  failureSeverity?: 'error' | 'warn';
}

/**
 * The one skeleton of every authenticated handler: a logger bound to the function and the request's
 * trace, `invocation.started`, the method check, `run`, the answer (a result, or the error through
 * the one error → status mapping), and `invocation.finished` with status and duration — also when
 * `run` threw. The finished line is written after the answer went out.
 */
export function handle<T>(spec: HandlerSpec<T>): HttpFunction {
  return async (req, res) => {
    const startedAt = Date.now();
    let log = requestLogger(spec.logger, spec.fn, req, spec.projectId);
    let executionId: string | undefined;
    const invocation: Invocation = {
      get log() {
        return log;
      },
      bind(id) {
        executionId = id;
        log = log.child({ executionId: id });
      },
    };
    log.info('invocation.started', { method: req.method });
    let status = 500;
    let result: T | undefined;
    try {
      if (spec.methods && !spec.methods.includes(req.method)) throw methodNotAllowed(spec.methods);
      result = await spec.run(req, invocation);
      status = httpStatus(spec.outcome(result));
      res.status(status).json(result);
    } catch (error) {
      // the finished line tells the error, not a result that was never sent
      result = undefined;
      status = sendError(res, error, executionId);
      logError(log, error, status);
    } finally {
      const severity = status >= 500 ? (spec.failureSeverity ?? 'error') : 'info';
      log[severity]('invocation.finished', {
        status,
        durationMs: Date.now() - startedAt,
        outcome: result === undefined ? (status >= 500 ? 'error' : 'refused') : spec.label(result),
        ...spec.details(result),
      });
    }
  };
}
