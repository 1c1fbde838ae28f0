import { AppError } from '../errors/app-error';
import { LedgerUnavailableError } from '../ports/ledger';

/**
 * The request named a profile STRATEGY_PROFILES does not define; thrown before anything is claimed
 * or read, by the HTTP layer (before the execution id) and by the use cases alike: one failure, one code.
 * The id reaching here passed the body schema (1 to 64 of [A-Za-z0-9_-]), so it is safe to repeat.
 */
export class UnknownProfileError extends AppError {
  constructor(profileId: string, known: readonly string[]) {
    super({
      code: 'request.unknown_profile',
      what: `profile "${profileId}" is not in STRATEGY_PROFILES (known: ${known.join(', ') || 'none'})`,
      notDone: 'no run was claimed, nothing was read from the exchange and no order was sent',
      todo: 'send one of the known profile ids (or leave profile out for "default"), or add it to STRATEGY_PROFILES',
      metadata: { field: 'profile', profileId },
    });
  }
}

/**
 * Orders from earlier runs could not be settled (the exchange did not answer the query). Nothing new
 * is planned on top of an order whose outcome is unknown; the next trigger queries them again.
 */
export class UnsettledOrdersError extends AppError {
  constructor(clientOrderIds: readonly string[], cause?: unknown, why = 'the exchange could not be asked') {
    super({
      code: 'run.unsettled_orders',
      what: `the outcome of order(s) ${clientOrderIds.join(', ')} is still unknown: ${why}`,
      notDone: 'no new order was planned or sent while an earlier order may still be live',
      todo: 'nothing, if the next run settles them (it queries them first); if this repeats, check the orders on MEXC by client order id and the exchange status',
      retryable: true,
      cause,
      metadata: { clientOrderIds: clientOrderIds.join(',') },
    });
  }
}

/** A run whose process died (or stalled past its lease) and that no retry resumed, closed by the next run of its portfolio. */
export class AbandonedRunError extends AppError {
  constructor(runId: string, closedBy: string) {
    super({
      code: 'run.abandoned',
      what: `run ${runId} stopped before it finished (its lease ran out) and was closed by run ${closedBy}`,
      notDone: `run ${runId} sends nothing more; the orders it had written are settled by run ${closedBy}`,
      todo: `nothing; runs/${closedBy} shows what became of the orders. If runs are abandoned often, look for crashes or timeouts of the function`,
      retryable: false,
      metadata: { runId, closedBy },
    });
  }
}

/** Another attempt took the run or the portfolio lock over while this one was about to trade. */
export class LeaseLostError extends AppError {
  constructor(runId: string, what: string) {
    super({
      code: 'run.lease_lost',
      what: `run ${runId} lost its lease: ${what}`,
      notDone: 'no order was sent by this attempt; its written intents are settled by the attempt that holds the lease',
      todo: 'nothing; if it happens often, raise the lease duration above the longest run',
      retryable: true,
      metadata: { runId },
    });
  }
}

/** An execution id reused with another profile: its run belongs to the profile it was claimed for. */
export class ProfileMismatchError extends AppError {
  constructor(runId: string, claimedFor: string, requested: string) {
    super({
      code: 'run.profile_mismatch',
      what: `execution id ${runId} belongs to a run of profile "${claimedFor}", but this request asks for profile "${requested}"`,
      notDone: "nothing was run, taken over or answered from the other profile's run; no order was sent",
      todo: 'use a new execution id for this profile (each Scheduler job should name one profile)',
      metadata: { runId, claimedFor, requested },
    });
  }
}

/** The run used up its in-process budget for sending orders (a slow or throttled process). */
export class SendDeadlineError extends AppError {
  constructor(runId: string, deadline: Date) {
    super({
      code: 'run.send_deadline',
      what: `run ${runId} reached its send deadline ${deadline.toISOString()} before all its orders went out`,
      notDone: 'the remaining orders were not sent; they end absent ("not sent")',
      todo: 'nothing; the next trigger plans again from fresh prices. If it repeats, look for slow exchange or ledger calls',
      retryable: true,
      metadata: { runId },
    });
  }
}

/** Something nobody planned for (a bug, a non-AppError) during a claimed run, kept in words. */
export class UnexpectedRunError extends AppError {
  constructor(step: string, cause: unknown) {
    super({
      code: 'run.unexpected',
      what: `unexpected failure while ${step}: ${cause instanceof Error ? cause.message : String(cause)}`,
      notDone: 'the run stopped at that step; orders already sent are recorded on their intents',
      todo: 'report it with the run id; the next run reconciles any order left unsettled',
      cause,
      metadata: { step },
    });
  }
}

export function toAppError(step: string, error: unknown): AppError {
  return error instanceof AppError ? error : new UnexpectedRunError(step, error);
}

/** A type alias, not an interface, so it fits the ledger's index-signature record type. */
export type ErrorRecord = {
  name: string;
  code: string;
  message: string;
  what: string;
  notDone: string;
  todo: string;
  retryable: boolean;
  metadata: Record<string, string | number | boolean | null>;
};

/** AppError.toJSON() with its types spelled out, as the ledger stores it under `error`. */
export function errorRecord(error: AppError): ErrorRecord {
  return {
    name: error.name,
    code: error.code,
    message: error.message,
    what: error.what,
    notDone: error.notDone,
    todo: error.todo,
    retryable: error.retryable,
    metadata: error.metadata,
  };
}

/**
 * The run did its work but the ledger could not record its end (Firestore unavailable, or the
 * commit past its deadline): still ledger.unavailable (503), saying what the ledger does not hold.
 * The run stays `running` until its lease ends; Scheduler's retry of the same id then takes it over
 * and records the orders from the exchange.
 */
export function runEndUnrecorded(
  runId: string,
  sent: readonly string[],
  leaseUntil: Date | null,
  cause: LedgerUnavailableError,
): LedgerUnavailableError {
  return new LedgerUnavailableError("record the run's end", cause, {
    what: `run ${runId} ${sent.length > 0 ? `sent order(s) ${sent.join(', ')}` : 'sent no order'}, but the ledger could not record its end: ${cause.what}`,
    notDone: `the run's end, its orders' answers (fills, fees, turnover) and the account lock release are not recorded; the run stays running until its lease ends${leaseUntil ? ` (${leaseUntil.toISOString()})` : ''}`,
    todo: 'nothing: a Scheduler retry of this id after the lease, or the next run on the account, takes it over and records the orders as the exchange has them; if it repeats, check Firestore availability',
  });
}
