import type Big from 'big.js';
import { AppError } from '../../errors/app-error';

/** What a ledger document may hold on the way in: Big becomes a decimal string, Date a Timestamp. */
export type LedgerValue =
  | string
  | number
  | boolean
  | null
  | Date
  | Big
  | readonly LedgerValue[]
  | { readonly [key: string]: LedgerValue | undefined };
export type LedgerRecord = { readonly [key: string]: LedgerValue | undefined };

/** What comes back out: decimals are strings, instants are Dates. */
export type StoredValue = string | number | boolean | null | Date | StoredValue[] | { [key: string]: StoredValue };
export type StoredRecord = { [key: string]: StoredValue };

export type RunStatus = 'running' | 'completed' | 'dry_run' | 'skipped' | 'failed';
export type FinalRunStatus = Exclude<RunStatus, 'running'>;

/** A run lease or an account lock: `owner` (one process attempt) holds it until `until`. */
export interface Lease {
  owner: string;
  until: Date;
}

/**
 * What a read saw, handed back to a later commit so that it applies only if nothing changed since
 * (a compare-and-set: the guarantee of a transaction, without holding one open across the exchange
 * calls). Opaque to callers.
 */
export interface ReadToken {
  /** document path → its version as read (null: it did not exist) */
  readonly versions: Readonly<Record<string, string | null>>;
  /** document path → its data at that version */
  readonly docs: Readonly<Record<string, StoredRecord | null>>;
}

/** A ledger operation failed on the storage side (network, quota, contention); retrying may help. */
export class LedgerUnavailableError extends AppError {
  /** `said`: what the caller knows better than the ledger step (what its run had done, what happens next) */
  constructor(operation: string, cause: unknown, said: { what?: string; notDone?: string; todo?: string } = {}) {
    super({
      code: 'ledger.unavailable',
      what: said.what ?? `the ledger could not ${operation}: ${cause instanceof Error ? cause.message : String(cause)}`,
      notDone: said.notDone ?? 'the ledger step was not recorded, so the run did not go on past it',
      todo:
        said.todo ?? 'retry later; if it persists, check Firestore availability and the runtime account permissions',
      retryable: true,
      cause,
      metadata: { operation },
    });
  }
}

/** The ledger refused an operation because of what it holds (a missing run or intent, an id already used, a bad document). */
export class LedgerStateError extends AppError {
  constructor(details: {
    code: string;
    what: string;
    notDone: string;
    todo: string;
    metadata?: Record<string, string>;
  }) {
    super({ ...details, retryable: false });
  }
}
