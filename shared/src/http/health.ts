import type { HttpFunction } from '@google-cloud/functions-framework';
import { buildInfo } from '../observability/build-info';

/**
 * Shallow health: the instance is up and which build it runs. Deep checks (exchange, ledger,
 * last run age) need credentials and are added behind authentication.
 */
export function healthHttp(now: () => number = Date.now): HttpFunction {
  const startedAt = now();
  const info = buildInfo();
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.set('Allow', 'GET, HEAD').status(405).json({ error: 'method_not_allowed', message: 'use GET' });
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
