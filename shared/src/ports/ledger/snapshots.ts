import type Big from 'big.js';
import type { LedgerRecord } from './values';

/** `snapshots/{yyyymmddThhmmssZ}`: value and weights on the snapshot function's own schedule. */
export interface SnapshotLedger {
  /** create() semantics: a second snapshot in the same second is `existing`. */
  recordSnapshot(input: RecordSnapshotInput): Promise<RecordSnapshotResult>;
}

export interface RecordSnapshotInput {
  at: Date;
  profileId: string;
  data: LedgerRecord;
  /** when given, the account's price reference is refreshed from `prices` in the same batch */
  accountId?: string;
  prices?: Record<string, Big | string>;
}

export interface RecordSnapshotResult {
  id: string;
  outcome: 'recorded' | 'existing';
}
