export { loadConfig } from '../config/config';
export { createLogger } from '../observability/logger';
export { type BadJsonAnswer, installBadJsonAnswer, isJsonParseFailure } from './bad-json';
export { deepHealthFromEnv, deepHealthHttp } from './deep-health';
export { type CreateDepsOptions, createDeps, type FunctionDeps } from './deps';
export {
  answerBadJsonBodies,
  functionFromEnv,
  type RunFunctionName,
  rebalanceHttp,
  snapshotHttp,
} from './functions';
export { type HandlerSpec, handle, type Invocation } from './handle';
export { type HealthOptions, healthHttp } from './health';
export { rebalanceHandler } from './rebalance-http';
export { parseRunRequest, type RunRequest } from './request-body';
export { TRACE_FIELD, traceFields } from './request-context';
export { RequestError } from './request-error';
export { SNAPSHOT_FIELDS, snapshotHandler } from './snapshot-http';
export { type StartIo, startOrExit } from './start';
export { ERROR_STATUS, httpStatus, type Outcome } from './status';
