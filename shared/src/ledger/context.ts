import type { Clock } from '../ports/clock';
import { LedgerStateError, LedgerUnavailableError, type RunRecord } from '../ports/ledger';
import type { DocStore, TxOutcome, TxRead } from './doc-store';
import { expireAt } from './documents/values';

/** What every document module of the ledger works with: the store, the clock and the retention. */
export class LedgerContext {
  constructor(
    readonly store: DocStore,
    private readonly clock: Clock,
    private readonly retentionDays: number,
  ) {
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
      throw new LedgerStateError({
        code: 'ledger.bad_retention',
        what: `retentionDays must be a whole number of days ≥ 1, got ${retentionDays}`,
        notDone: 'the ledger was not created',
        todo: 'set RUN_RETENTION_DAYS to a whole number of days',
      });
    }
  }

  now(): Date {
    return this.clock.now();
  }

  expireAt(now: Date): Date {
    return expireAt(now, this.retentionDays);
  }

  /** Storage failures become LedgerUnavailableError naming the step; the ledger's own refusals pass through. */
  async guard<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof LedgerStateError || error instanceof LedgerUnavailableError) throw error;
      throw new LedgerUnavailableError(operation, error);
    }
  }

  transact<T>(operation: string, body: (read: TxRead) => Promise<TxOutcome<T>>): Promise<T> {
    return this.guard(operation, () => this.store.transact<T>(body));
  }
}

export function leaseUntil(now: Date, leaseMs: number): Date {
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) {
    throw new LedgerStateError({
      code: 'ledger.bad_lease',
      what: `a lease of ${leaseMs} ms is not positive`,
      notDone: 'no lease was taken or extended',
      todo: 'pass a lease duration in milliseconds above 0',
    });
  }
  return new Date(now.getTime() + leaseMs);
}

/** A run lease is held while the run is running, the lease names the owner and has not run out. */
export function holdsRunLease(run: RunRecord, owner: string, now: Date): boolean {
  return run.status === 'running' && run.lease?.owner === owner && run.lease.until > now;
}
