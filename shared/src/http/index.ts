import type { HttpFunction } from '@google-cloud/functions-framework';
import { rebalanceOnce, takeSnapshot } from '../app';
import type { Logger } from '../observability/logger';
import { installBadJsonAnswer } from './bad-json';
import type { FunctionDeps } from './deps';
import { rebalanceHandler } from './rebalance-http';
import { badJsonBody, type RunRequestField } from './request-body';
import { requestLogger } from './request-context';
import { logError, sendError } from './respond';
import { snapshotHandler } from './snapshot-http';

export { loadConfig } from '../config/config';
export { createLogger } from '../observability/logger';
export { type BadJsonAnswer, installBadJsonAnswer, isJsonParseFailure } from './bad-json';
export { deepHealthFromEnv, deepHealthHttp } from './deep-health';
export { type CreateDepsOptions, createDeps, type FunctionDeps } from './deps';
export { type HealthOptions, healthHttp } from './health';
export { rebalanceHandler } from './rebalance-http';
export { parseRunRequest, type RunRequest } from './request-body';
export { TRACE_FIELD, traceFields } from './request-context';
export { RequestError } from './request-error';
export { snapshotHandler } from './snapshot-http';
export { type StartIo, startOrExit } from './start';
export { httpStatus, type Outcome } from './status';

/** The rebalance function: POST, authenticated, one run per execution id. */
export function rebalanceHttp(deps: FunctionDeps, logger: Logger): HttpFunction {
  return rebalanceHandler(deps, logger, rebalanceOnce);
}

/** The snapshot function: POST, authenticated, records value and weights, trades nothing. */
export function snapshotHttp(deps: FunctionDeps, logger: Logger): HttpFunction {
  return snapshotHandler(deps, logger, takeSnapshot);
}

/**
 * A body sent as `application/json` that is not JSON gets the same answer and log line as any other bad
 * body (400 `request.bad_json`), instead of Express's HTML page (see bad-json.ts).
 */
export function answerBadJsonBodies(logger: Logger, fn: string, fields?: readonly RunRequestField[]): boolean {
  return installBadJsonAnswer((req, res) => {
    const error = badJsonBody(fields);
    logError(requestLogger(logger, fn, req, undefined), error, sendError(res, error));
  });
}
