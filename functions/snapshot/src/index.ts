/**
 * Cloud Run function `snapshot`: composition root only. A bad variable stops the start here with
 * its name (ConfigError); clients are built on the first request, so importing touches no network.
 */
import * as ff from '@google-cloud/functions-framework';
import { createDeps, createLogger, loadConfig, snapshotHttp } from '@qrl-rebalancer/shared/http';

const config = loadConfig(process.env);
const logger = createLogger(config.logLevel);
ff.http('snapshot', snapshotHttp(createDeps(config, logger), logger));
