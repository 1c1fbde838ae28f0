import {
  LedgerUnavailableError,
  type RecordSnapshotInput,
  type RecordSnapshotResult,
  type SnapshotLedger,
  type StoredRecord,
} from '../ports/ledger';
import type { LedgerContext } from './context';
import { DocAlreadyExistsError, type DocWrite } from './doc-store';
import { checkId, decimals, paths, snapshotId, toStored, toStoredRecord } from './documents/values';

/** `snapshots/{yyyymmddThhmmssZ}`, and the account's price reference refreshed in the same batch. */
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
    if (input.accountId && input.prices) {
      writes.push({
        op: 'merge',
        path: paths.account(checkId('account id', input.accountId)),
        data: {
          account: input.accountId,
          lastPrices: decimals(input.prices),
          lastPricesAt: input.at,
          updatedAt: now,
        },
      });
    }
    try {
      await this.ctx.store.commit(writes);
      return { id, outcome: 'recorded' };
    } catch (error) {
      if (error instanceof DocAlreadyExistsError) return { id, outcome: 'existing' };
      throw new LedgerUnavailableError('record the snapshot', error);
    }
  }
}
