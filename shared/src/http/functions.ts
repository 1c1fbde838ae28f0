import type { HttpFunction } from '@google-cloud/functions-framework';
import { rebalanceOnce, takeSnapshot } from '../app';
import { loadConfig } from '../config/config';
import { createLogger, type Logger } from '../observability/logger';
import { installBadJsonAnswer } from './bad-json';
import { createDeps, type FunctionDeps } from './deps';
import { rebalanceHandler } from './rebalance-http';
import { badJsonBody, type RunRequestField } from './request-body';
import { requestLogger } from './request-context';
import { logError, sendError } from './respond';
import { SNAPSHOT_FIELDS, snapshotHandler } from './snapshot-http';
import { startOrExit } from './start';

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
export function answerBadJsonBodies(
  logger: Logger,
  fn: string,
  projectId: string | undefined,
  fields?: readonly RunRequestField[],
): boolean {
  return installBadJsonAnswer((req, res) => {
    const error = badJsonBody(fields);
    logError(requestLogger(logger, fn, req, projectId), error, sendError(res, error));
  });
}

/** What the composition of each function that takes a run request differs in. */
const RUN_FUNCTIONS = {
  rebalance: { http: rebalanceHttp, fields: undefined },
  snapshot: { http: snapshotHttp, fields: SNAPSHOT_FIELDS },
} as const;

export type RunFunctionName = keyof typeof RUN_FUNCTIONS;

/**
 * The composition root of `rebalance` and `snapshot`, run at module load: config from `env`, the
 * logger, the JSON refusal of bodies functions-framework cannot parse, the deps (clients are built on
 * the first request, so this touches no network), the handler. A configuration the function cannot
 * start with stops the process with one log line naming the variables (startOrExit).
 */
export function functionFromEnv(name: RunFunctionName, env: Record<string, string | undefined>): HttpFunction {
  return startOrExit(name, () => {
    const config = loadConfig(env);
    const logger = createLogger(config.logLevel);
    const { http, fields } = RUN_FUNCTIONS[name];
    answerBadJsonBodies(logger, name, config.firestore.projectId, fields);
    return http(createDeps(config, logger), logger);
  });
}
