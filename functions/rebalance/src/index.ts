/**
 * Cloud Run function `rebalance`: composition root only. A bad variable stops the start here with one
 * log line naming it (startOrExit); clients are built on the first request, so importing touches no network.
 */
import * as ff from '@google-cloud/functions-framework';
import {
  answerBadJsonBodies,
  createDeps,
  createLogger,
  loadConfig,
  rebalanceHttp,
  startOrExit,
} from '@qrl-rebalancer/shared/http';

const handler = startOrExit('rebalance', () => {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  answerBadJsonBodies(logger, 'rebalance');
  return rebalanceHttp(createDeps(config, logger), logger);
});
ff.http('rebalance', handler);
