import type { HttpFunction } from '@google-cloud/functions-framework';
import { checkHealth, type HealthReport } from '../app/check-health';
import { loadConfig } from '../config/config';
import { AppError } from '../errors';
import { createLogger, type Logger } from '../observability/logger';
import { createDeps, type FunctionDeps } from './deps';
import { handle } from './handle';
import { httpStatus } from './status';

/**
 * `GET /?deep=1` (authenticated like the other functions): exchange time and clock skew, what the key
 * may do (canTrade, SPOT, withdrawal risk), this key's API-tradable symbols, the exchange rules against
 * the profile, a ledger read, and the age of the last finished run. Anything but `ok` is 503, so an uptime
 * check on this URL pages someone when the scheduler, the exchange or Firestore stops working.
 */
export function deepHealthHttp(deps: FunctionDeps, logger: Logger): HttpFunction {
  return handle<HealthReport>({
    fn: 'health',
    logger,
    projectId: deps.config.firestore.projectId,
    // the shallow handler checked the method before it handed over
    async run(req) {
      const auth = await deps.authenticator().authenticate(req.headers);
      if (!auth.ok) throw auth.error;
      const profile = typeof req.query.profile === 'string' ? req.query.profile.slice(0, 64) : undefined;
      const { exchange, ledger } = deps.adapters();
      return checkHealth(profile ? { profileId: profile } : {}, {
        exchange,
        ledger,
        clock: deps.clock,
        profiles: deps.profiles,
        accountId: deps.config.accountId,
      });
    },
    outcome: (report) => ({ health: report.status }),
    label: (report) => report.status,
    details: (report) => ({ failed: report ? report.checks.filter((c) => !c.ok).map((c) => c.name) : [] }),
    // a check that is not ok is what this endpoint reports, not a failure of the function
    failureSeverity: 'warn',
  });
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
      res
        .status(httpStatus({ health: 'down' }))
        .json({ status: 'down', checks: [{ name: 'config', ok: false, detail: code }] });
    };
  }
}
