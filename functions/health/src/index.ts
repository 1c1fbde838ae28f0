/**
 * Cloud Run function `health`: composition root only. The shallow probe imports nothing but the
 * narrow ./health subpath; `?deep=1` imports ./deep.js on its first call, which the build emits as a
 * separate file, so a probe never loads Firestore.
 */
import * as ff from '@google-cloud/functions-framework';
import { installBadJsonAnswer } from '@qrl-rebalancer/shared/bad-json';
import { healthHttp } from '@qrl-rebalancer/shared/health';

// health reads no body; one that claims JSON and is not gets the JSON refusal every function gives
installBadJsonAnswer((_req, res) => {
  res.status(400).json({
    error: 'request.bad_json',
    message: 'the body is not valid JSON',
    todo: 'send GET without a body (?deep=1 for the deep checks)',
  });
});
const deep = async () => (await import('./deep.js')).deepHealthFromEnv(process.env);
ff.http('health', healthHttp({ deep }));
