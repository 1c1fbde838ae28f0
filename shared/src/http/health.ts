import type { HttpFunction } from '@google-cloud/functions-framework';
import { buildInfo } from '../observability/build-info';
import type { BadJsonAnswer } from './bad-json';
import { methodNotAllowed, RequestError } from './request-error';
import { sendError } from './respond';

export interface HealthOptions {
  now?: () => number;
  /** the `?deep=1` handler, loaded on first use (it pulls in config, auth, exchange and ledger) */
  deep?: () => Promise<HttpFunction>;
}

/**
 * Shallow health: the instance is up and which build it runs; no credentials, no I/O. `?deep=1`
 * hands over to the deep handler (authenticated; exchange, ledger, last run age).
 */
export function healthHttp(options: HealthOptions = {}): HttpFunction {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const info = buildInfo();
  let deep: Promise<HttpFunction> | undefined;
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // nothing ran and no credential was read: the refusal is not worth a log line
      sendError(res, methodNotAllowed(['GET', 'HEAD']));
      return;
    }
    const wantsDeep = req.query.deep === '1' || req.query.deep === 'true';
    if (wantsDeep && options.deep) {
      deep ??= options.deep();
      await (await deep)(req, res);
      return;
    }
    if (wantsDeep) {
      res.status(501).json({ error: 'not_implemented', message: 'this build has no deep health check' });
      return;
    }
    res.status(200).json({
      status: 'ok',
      version: info.version,
      commit: info.commit,
      uptimeS: Math.floor((now() - startedAt) / 1000),
    });
  };
}

/**
 * health reads no body; one that claims JSON and is not gets the refusal every function gives
 * (installBadJsonAnswer(healthBadJsonAnswer) in the composition root, before ff.http).
 */
export const healthBadJsonAnswer: BadJsonAnswer = (_req, res) => {
  sendError(
    res,
    new RequestError({
      code: 'request.bad_json',
      what: 'the body is not valid JSON',
      todo: 'send GET without a body (?deep=1 for the deep checks)',
    }),
  );
};
