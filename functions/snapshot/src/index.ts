/**
 * Cloud Run function `snapshot`: composition root only (functionFromEnv: a bad variable stops the start
 * with one log line naming it; clients are built on the first request, so importing touches no network).
 */
import * as ff from '@google-cloud/functions-framework';
import { functionFromEnv } from '@qrl-rebalancer/shared/http';

ff.http('snapshot', functionFromEnv('snapshot', process.env));
