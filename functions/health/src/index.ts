/**
 * Cloud Run function `health`: composition root only. The shallow probe imports nothing but the
 * narrow ./health subpath; `?deep=1` imports ./deep.js on its first call, which the build emits as a
 * separate file, so a probe never loads Firestore.
 */
import * as ff from '@google-cloud/functions-framework';
import { installBadJsonAnswer } from '@qrl-rebalancer/shared/bad-json';
import { healthBadJsonAnswer, healthHttp } from '@qrl-rebalancer/shared/health';

installBadJsonAnswer(healthBadJsonAnswer);
const deep = async () => (await import('./deep.js')).deepHealthFromEnv(process.env);
ff.http('health', healthHttp({ deep }));
