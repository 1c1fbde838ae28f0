/**
 * Cloud Run function `snapshot`: composition root only. A bad variable stops the start here with one
 * log line naming it (startOrExit); clients are built on the first request, so importing touches no network.
 */
import * as ff from '@google-cloud/functions-framework';
import {
  answerBadJsonBodies,
  createDeps,
  createLogger,
  loadConfig,
  snapshotHttp,
  startOrExit,
} from '@qrl-rebalancer/shared/http';

const handler = startOrExit('snapshot', () => {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  answerBadJsonBodies(logger, 'snapshot', ['profile']);
  return snapshotHttp(createDeps(config, logger), logger);
});
ff.http('snapshot', handler);
