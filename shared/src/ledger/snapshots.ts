import {
  LedgerUnavailableError,
  type RecordSnapshotInput,
  type RecordSnapshotResult,
  type SnapshotLedger,
  type StoredRecord,
} from '../ports/ledger';
import type { LedgerContext } from './context';
import { DocAlreadyExistsError, type DocWrite } from './doc-store';
import { checkId, paths, snapshotId, toStored, toStoredRecord } from './documents/values';

/**
 * `snapshots/{yyyymmddThhmmssZ}`. The account is not written: the price reference belongs to the
 * runs, which age it (domain/price-reference.ts); a snapshot that reset it would defeat the guard.
 */
export class Snapshots implements SnapshotLedger {
  constructor(private readonly ctx: LedgerContext) {}

  async recordSnapshot(input: RecordSnapshotInput): Promise<RecordSnapshotResult> {
    const id = snapshotId(input.at);
    const path = paths.snapshot(id);
    const profileId = checkId('profile id', input.profileId);
    const now = this.ctx.now();
    const doc: StoredRecord = {
      ...toStoredRecord(input.data),
      at: toStored(input.at),
      profile: profileId,
      ...(input.accountId ? { account: input.accountId } : {}),
      expireAt: this.ctx.expireAt(now),
    };
    const writes: DocWrite[] = [{ op: 'create', path, data: doc }];
    try {
      await this.ctx.store.commit(writes);
      return { id, outcome: 'recorded' };
    } catch (error) {
      if (error instanceof DocAlreadyExistsError) return { id, outcome: 'existing' };
      throw new LedgerUnavailableError('record the snapshot', error);
    }
  }
}
