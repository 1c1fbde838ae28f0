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
  /** the account the snapshot was taken of (recorded on the snapshot; the account doc is not written) */
  accountId?: string;
}

export interface RecordSnapshotResult {
  id: string;
  outcome: 'recorded' | 'existing';
}
