import type { HttpFunction } from '@google-cloud/functions-framework';
import type { SnapshotResult, takeSnapshot } from '../app/take-snapshot';
import type { Logger } from '../observability/logger';
import type { FunctionDeps } from './deps';
import { handle } from './handle';
import { parseRunRequest, type RunRequestField } from './request-body';
import { RequestError } from './request-error';

/** The one field a snapshot request may carry. */
export const SNAPSHOT_FIELDS: readonly RunRequestField[] = ['profile'];

/**
 * POST /snapshot: the same authentication as rebalance; body `{profile?}`. Records the portfolio's
 * value, weights and prices; trades nothing. Scheduler headers play no part: a snapshot is keyed on
 * its own second, so a retry records at most one more point. An unknown profile is refused by
 * takeSnapshot itself, before it reads anything.
 */
export function snapshotHandler(deps: FunctionDeps, logger: Logger, take: typeof takeSnapshot): HttpFunction {
  return handle<SnapshotResult>({
    fn: 'snapshot',
    logger,
    projectId: deps.config.firestore.projectId,
    methods: ['POST'],
    async run(req, { log }) {
      const auth = await deps.authenticator().authenticate(req.headers);
      if (!auth.ok) throw auth.error;
      const body = parseRunRequest(req.body, SNAPSHOT_FIELDS);
      if (body instanceof RequestError) throw body;
      const { exchange, ledger } = deps.adapters();
      return take(body.profile ? { profileId: body.profile } : {}, {
        exchange,
        ledger,
        clock: deps.clock,
        logger: log,
        profiles: deps.profiles,
        accountId: deps.config.accountId,
      });
    },
    outcome: (result) => ({ snapshot: result.outcome }),
    label: (result) => result.outcome,
    details: (result) => ({ snapshotId: result?.id ?? null, ordersPlaced: 0 }),
  });
}
