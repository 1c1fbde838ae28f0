import type { HttpFunction } from '@google-cloud/functions-framework';
import type { RebalanceInput, RebalanceOnce, RebalanceReport } from '../app/contract';
import { UnknownProfileError } from '../app/run-errors';
import { deriveExecutionId } from '../auth/execution-id';
import { isStale } from '../auth/replay-window';
import { parseSchedulerHeaders, SchedulerHeaderError } from '../auth/scheduler-headers';
import { DEFAULT_PROFILE_ID } from '../domain/profile';
import { compactUtc } from '../domain/time';
import type { Logger } from '../observability/logger';
import type { FunctionDeps } from './deps';
import { handle } from './handle';
import { parseRunRequest } from './request-body';
import { RequestError } from './request-error';

/**
 * POST /rebalance (DESIGN §4.1–4.3): method, authentication, body, Scheduler headers, execution id
 * and replay window are decided here, in that order; the use case does the rest from the claim on.
 * The execution id is in every answer and every log line after it is known.
 */
export function rebalanceHandler(deps: FunctionDeps, logger: Logger, rebalanceOnce: RebalanceOnce): HttpFunction {
  return handle<RebalanceReport>({
    fn: 'rebalance',
    logger,
    projectId: deps.config.firestore.projectId,
    methods: ['POST'],
    async run(req, invocation) {
      const auth = await deps.authenticator().authenticate(req.headers);
      if (!auth.ok) throw auth.error;
      const body = parseRunRequest(req.body);
      if (body instanceof RequestError) throw body;
      const scheduler = parseSchedulerHeaders(req.headers);
      if (scheduler instanceof SchedulerHeaderError) throw scheduler;
      const profileId = body.profile ?? DEFAULT_PROFILE_ID;
      // before the execution id and the replay window: a stale call must not answer "skipped" for a profile that does not exist
      if (!deps.profiles[profileId]) throw new UnknownProfileError(profileId, Object.keys(deps.profiles));

      const derived = deriveExecutionId({ explicit: body.executionId, scheduler, claims: auth.caller });
      invocation.bind(derived.executionId);
      const input: RebalanceInput = {
        executionId: derived.executionId,
        profileId,
        dryRun: body.dryRun ?? false,
        trigger: {
          kind: scheduler ? 'scheduler' : 'manual',
          caller: auth.caller.email,
          ...(scheduler ? { jobName: scheduler.jobName, scheduleTime: scheduler.scheduleTime } : {}),
        },
      };
      invocation.log.info('request.accepted', {
        profile: profileId,
        idSource: derived.source,
        caller: auth.caller.email,
      });

      const now = deps.clock.now();
      if (scheduler && isStale(scheduler.scheduleTime, now, deps.config.replayWindowS))
        return staleReport(input, scheduler.scheduleTime, now, deps.config.replayWindowS, deps.config.liveTrading);
      return rebalanceOnce(input, deps.rebalanceDeps(invocation.log, deps.newOwner()));
    },
    outcome: (report) => ({ report }),
    label: (report) => report.status,
    details: (report) => ({
      reason: report?.reason ?? null,
      duplicate: report?.duplicate ?? false,
      ordersPlaced: report && !report.duplicate ? report.orders.filter((o) => o.orderId !== null).length : 0,
    }),
  });
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
