import type { HttpFunction } from '@google-cloud/functions-framework';
import type { SnapshotResult, takeSnapshot } from '../app/take-snapshot';
import { DEFAULT_PROFILE_ID } from '../domain/profile';
import type { Logger } from '../observability/logger';
import type { FunctionDeps } from './deps';
import { parseRunRequest } from './request-body';
import { requestLogger } from './request-context';
import { methodNotAllowed, RequestError, unknownProfile } from './request-error';
import { logError, sendError } from './respond';
import { httpStatus } from './status';

/**
 * POST /snapshot: the same authentication as rebalance; body `{profile?}`. Records the portfolio's
 * value, weights and prices; trades nothing. Scheduler headers play no part: a snapshot is keyed on
 * its own second, so a retry records at most one more point.
 */
export function snapshotHandler(deps: FunctionDeps, logger: Logger, take: typeof takeSnapshot): HttpFunction {
  return async (req, res) => {
    const startedAt = Date.now();
    const log = requestLogger(logger, 'snapshot', req, deps.config.firestore.projectId);
    log.info('invocation.started', { method: req.method });
    let status = 500;
    let result: SnapshotResult | undefined;
    try {
      if (req.method !== 'POST') throw methodNotAllowed(['POST']);
      const auth = await deps.authenticator().authenticate(req.headers);
      if (!auth.ok) throw auth.error;
      const body = parseRunRequest(req.body, ['profile']);
      if (body instanceof RequestError) throw body;
      const profileId = body.profile ?? DEFAULT_PROFILE_ID;
      if (!deps.profiles[profileId]) throw unknownProfile(profileId, Object.keys(deps.profiles));
      const { exchange, ledger } = deps.adapters();
      result = await take(
        { profileId },
        { exchange, ledger, clock: deps.clock, logger: log, profiles: deps.profiles, accountId: deps.config.accountId },
      );
      status = httpStatus({ snapshot: result.outcome });
      res.status(status).json(result);
    } catch (error) {
      status = sendError(res, error);
      logError(log, error, status);
    } finally {
      log[status >= 500 ? 'error' : 'info']('invocation.finished', {
        status,
        durationMs: Date.now() - startedAt,
        outcome: result ? result.outcome : status >= 500 ? 'error' : 'refused',
        snapshotId: result?.id ?? null,
        ordersPlaced: 0,
      });
    }
  };
}
