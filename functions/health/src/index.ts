import * as ff from '@google-cloud/functions-framework';
import { healthHttp } from '@qrl-rebalancer/shared/health';

ff.http('health', healthHttp());
