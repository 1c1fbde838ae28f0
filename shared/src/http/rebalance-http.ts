import type { HttpFunction } from '@google-cloud/functions-framework';
import type { RebalanceInput, RebalanceOnce, RebalanceReport } from '../app/contract';
import { deriveExecutionId } from '../auth/execution-id';
import { isStale } from '../auth/replay-window';
import { parseSchedulerHeaders, SchedulerHeaderError } from '../auth/scheduler-headers';
import { DEFAULT_PROFILE_ID } from '../domain/profile';
import { compactUtc } from '../domain/time';
import type { Logger } from '../observability/logger';
import type { FunctionDeps } from './deps';
import { parseRunRequest } from './request-body';
import { requestLogger } from './request-context';
import { methodNotAllowed, RequestError, unknownProfile } from './request-error';
import { logError, sendError } from './respond';
import { httpStatus } from './status';

/**
 * POST /rebalance (DESIGN §4.1–4.3): method, authentication, body, Scheduler headers, execution id
 * and replay window are decided here, in that order; the use case does the rest from the claim on.
 * The execution id is in every answer and every log line after it is known.
 */
export function rebalanceHandler(deps: FunctionDeps, logger: Logger, rebalanceOnce: RebalanceOnce): HttpFunction {
  return async (req, res) => {
    const startedAt = Date.now();
    let log = requestLogger(logger, 'rebalance', req, deps.config.firestore.projectId);
    log.info('invocation.started', { method: req.method });
    let status = 500;
    let report: RebalanceReport | undefined;
    let executionId: string | undefined;
    try {
      if (req.method !== 'POST') throw methodNotAllowed(['POST']);
      const auth = await deps.authenticator().authenticate(req.headers);
      if (!auth.ok) throw auth.error;
      const body = parseRunRequest(req.body);
      if (body instanceof RequestError) throw body;
      const scheduler = parseSchedulerHeaders(req.headers);
      if (scheduler instanceof SchedulerHeaderError) throw scheduler;
      const profileId = body.profile ?? DEFAULT_PROFILE_ID;
      if (!deps.profiles[profileId]) throw unknownProfile(profileId, Object.keys(deps.profiles));

      const derived = deriveExecutionId({ explicit: body.executionId, scheduler, claims: auth.caller });
      executionId = derived.executionId;
      log = log.child({ executionId });
      const input: RebalanceInput = {
        executionId,
        profileId,
        dryRun: body.dryRun ?? false,
        trigger: {
          kind: scheduler ? 'scheduler' : 'manual',
          caller: auth.caller.email,
          ...(scheduler ? { jobName: scheduler.jobName, scheduleTime: scheduler.scheduleTime } : {}),
        },
      };
      log.info('request.accepted', { profile: profileId, idSource: derived.source, caller: auth.caller.email });

      const now = deps.clock.now();
      if (scheduler && isStale(scheduler.scheduleTime, now, deps.config.replayWindowS)) {
        report = staleReport(input, scheduler.scheduleTime, now, deps.config.replayWindowS, deps.config.liveTrading);
      } else {
        report = await rebalanceOnce(input, deps.rebalanceDeps(log, deps.newOwner()));
      }
      status = httpStatus({ report });
      res.status(status).json(report);
    } catch (error) {
      status = sendError(res, error, executionId);
      logError(log, error, status);
    } finally {
      log[status >= 500 ? 'error' : 'info']('invocation.finished', {
        status,
        durationMs: Date.now() - startedAt,
        outcome: report ? report.status : status >= 500 ? 'error' : 'refused',
        reason: report?.reason ?? null,
        duplicate: report?.duplicate ?? false,
        ordersPlaced: report && !report.duplicate ? report.orders.filter((o) => o.orderId !== null).length : 0,
      });
    }
  };
}

function staleReport(
  input: RebalanceInput,
  scheduleTime: Date,
  now: Date,
  windowS: number,
  live: boolean,
): RebalanceReport {
  const ageS = Math.round((now.getTime() - scheduleTime.getTime()) / 1000);
  const when = ageS >= 0 ? `${ageS} s old, beyond REPLAY_WINDOW_S=${windowS}` : `${-ageS} s in the future`;
  return {
    executionId: input.executionId,
    profile: input.profileId,
    status: 'skipped',
    reason: 'stale',
    message: `schedule time ${compactUtc(scheduleTime)} is ${when}; nothing was claimed or traded`,
    duplicate: false,
    dryRun: input.dryRun || !live,
    attempt: 0,
    orders: [],
  };
}
