import type { HttpFunction } from '@google-cloud/functions-framework';
import { checkHealth, type HealthReport } from '../app/check-health';
import { loadConfig } from '../config/config';
import { AppError } from '../errors';
import { createLogger, type Logger } from '../observability/logger';
import { createDeps, type FunctionDeps } from './deps';
import { requestLogger } from './request-context';
import { logError, sendError } from './respond';
import { httpStatus } from './status';

/**
 * `GET /?deep=1` (authenticated like the other functions): exchange time and clock skew, what the key
 * may do (canTrade, SPOT, withdrawal risk), this key's API-tradable symbols, the exchange rules against
 * the profile, a ledger read, and the age of the last finished run. Anything but `ok` is 503, so an uptime
 * check on this URL pages someone when the scheduler, the exchange or Firestore stops working.
 */
export function deepHealthHttp(deps: FunctionDeps, logger: Logger): HttpFunction {
  return async (req, res) => {
    const startedAt = Date.now();
    const log = requestLogger(logger, 'health', req, deps.config.firestore.projectId);
    let status = 500;
    let report: HealthReport | undefined;
    try {
      const auth = await deps.authenticator().authenticate(req.headers);
      if (!auth.ok) throw auth.error;
      const profile = typeof req.query.profile === 'string' ? req.query.profile.slice(0, 64) : undefined;
      const { exchange, ledger } = deps.adapters();
      report = await checkHealth(profile ? { profileId: profile } : {}, {
        exchange,
        ledger,
        clock: deps.clock,
        profiles: deps.profiles,
        accountId: deps.config.accountId,
      });
      status = httpStatus({ health: report.status });
      res.status(status).json(report);
    } catch (error) {
      status = sendError(res, error);
      logError(log, error, status);
    } finally {
      log[status >= 500 ? 'warn' : 'info']('health.deep', {
        status,
        durationMs: Date.now() - startedAt,
        health: report?.status ?? null,
        failed: report ? report.checks.filter((c) => !c.ok).map((c) => c.name) : [],
      });
    }
  };
}

/**
 * Builds the deep handler from the environment on first use, so the shallow probe never loads
 * config, auth, the exchange client or Firestore. A configuration the functions could not start
 * with answers 503 `config.invalid` (the variables are named in the log, not to an unauthenticated caller).
 */
export function deepHealthFromEnv(env: Record<string, string | undefined>): HttpFunction {
  try {
    const config = loadConfig(env);
    const logger = createLogger(config.logLevel);
    return deepHealthHttp(createDeps(config, logger), logger);
  } catch (error) {
    const logger = createLogger('info').child({ function: 'health' });
    logger.error('health.config_invalid', { errorClass: error instanceof Error ? error.name : typeof error, error });
    const code = error instanceof AppError ? error.code : 'config.invalid';
    return (_req, res) => {
      res.status(503).json({ status: 'down', checks: [{ name: 'config', ok: false, detail: code }] });
    };
  }
}
