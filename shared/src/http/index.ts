import type { HttpFunction } from '@google-cloud/functions-framework';
import type { Logger } from '../observability/logger';
import type { FunctionDeps } from './deps';
import { rebalanceHandler } from './rebalance-http';
import { rebalanceOnce } from './use-cases';

export { loadConfig } from '../config/config';
export { createLogger } from '../observability/logger';
export { type CreateDepsOptions, createDeps, type FunctionDeps, LEASE_MS } from './deps';
export { healthHttp } from './health';
export { notYetWiredHttp } from './not-yet-wired';
export { rebalanceHandler } from './rebalance-http';
export { parseRunRequest, type RunRequest } from './request-body';
export { TRACE_FIELD, traceFields } from './request-context';
export { RequestError } from './request-error';
export { httpStatus, type Outcome } from './status';

/** The rebalance function: POST, authenticated, one run per execution id. */
export function rebalanceHttp(deps: FunctionDeps, logger: Logger): HttpFunction {
  return rebalanceHandler(deps, logger, rebalanceOnce);
}
