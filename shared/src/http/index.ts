import type { HttpFunction } from '@google-cloud/functions-framework';
import { rebalanceOnce, takeSnapshot } from '../app';
import type { Logger } from '../observability/logger';
import type { FunctionDeps } from './deps';
import { rebalanceHandler } from './rebalance-http';
import { snapshotHandler } from './snapshot-http';

export { loadConfig } from '../config/config';
export { createLogger } from '../observability/logger';
export { deepHealthFromEnv, deepHealthHttp } from './deep-health';
export { type CreateDepsOptions, createDeps, type FunctionDeps, LEASE_MS } from './deps';
export { type HealthOptions, healthHttp } from './health';
export { rebalanceHandler } from './rebalance-http';
export { parseRunRequest, type RunRequest } from './request-body';
export { TRACE_FIELD, traceFields } from './request-context';
export { RequestError } from './request-error';
export { snapshotHandler } from './snapshot-http';
export { httpStatus, type Outcome } from './status';

/** The rebalance function: POST, authenticated, one run per execution id. */
export function rebalanceHttp(deps: FunctionDeps, logger: Logger): HttpFunction {
  return rebalanceHandler(deps, logger, rebalanceOnce);
}

/** The snapshot function: POST, authenticated, records value and weights, trades nothing. */
export function snapshotHttp(deps: FunctionDeps, logger: Logger): HttpFunction {
  return snapshotHandler(deps, logger, takeSnapshot);
}
