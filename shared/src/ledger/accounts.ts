import Big from 'big.js';
import { utcDay } from '../domain/time';
import {
  type AccountLedger,
  type AccountState,
  type AcquireLockInput,
  type AcquireLockResult,
  abandonedRuns,
  type FinalRunStatus,
  type LockHolder,
  type ReleaseLockInput,
  type ReleaseLockResult,
} from '../ports/ledger';
import { type LedgerContext, leaseUntil } from './context';
import type { MergeRecord } from './doc-store';
import { lockRecord, parseAccount } from './documents/account-doc';
import { checkId, paths } from './documents/values';

/** The account lock and state (`accounts/{accountId}`) on the slower paths; the common path takes the lock in startRun. */
export class Accounts implements AccountLedger {
  constructor(private readonly ctx: LedgerContext) {}

  async readAccount(accountId: string): Promise<AccountState> {
    const path = paths.account(checkId('account id', accountId));
    const [doc] = await this.ctx.guard('read the account', () => this.ctx.store.getAll([path]));
    return parseAccount(path, accountId, doc?.data ?? null);
  }

  async acquireLock(input: AcquireLockInput): Promise<AcquireLockResult> {
    const path = paths.account(checkId('account id', input.accountId));
    checkId('run id', input.runId);
    return this.ctx.transact<AcquireLockResult>('take the account lock', async (read) => {
      const data = await read(path);
      const now = this.ctx.now();
      const account = parseAccount(path, input.accountId, data);
      const held = account.lock;
      // A later attempt of the same run adopts its predecessor's lock: the run takeover already
      // proved that attempt dead, and waiting for its lock would skip the very run that must resume.
      if (held && held.until > now && held.runId !== input.runId) {
        return { writes: [], result: { acquired: false, holder: held } };
      }
      const until = leaseUntil(now, input.leaseMs);
      const lock: LockHolder = { runId: input.runId, profileId: input.profileId, owner: input.owner, until };
      return {
        writes: [{ op: 'merge', path, data: { account: input.accountId, lock: lockRecord(lock), updatedAt: now } }],
        result: { acquired: true, until, ...abandonedOf(account, input.runId, now) },
      };
    });
  }

  async releaseLock(input: ReleaseLockInput): Promise<ReleaseLockResult> {
    const path = paths.account(checkId('account id', input.accountId));
    return this.ctx.transact<ReleaseLockResult>('release the account lock', async (read) => {
      const held = parseAccount(path, input.accountId, await read(path)).lock;
      if (!held) return { writes: [], result: { outcome: 'not_held' } };
      if (held.owner !== input.owner) return { writes: [], result: { outcome: 'not_owner', holder: held } };
      return {
        writes: [{ op: 'merge', path, data: { lock: null, updatedAt: this.ctx.now() } }],
        result: { outcome: 'released' },
      };
    });
  }
}

function abandonedOf(account: AccountState, runId: string, now: Date): { abandoned?: string[] } {
  const abandoned = abandonedRuns(account, runId, now);
  return abandoned.length > 0 ? { abandoned } : {};
}

/**
 * Fills recorded now that were not counted yet: they join today's (UTC) turnover and start the
 * cool-down, in the same write as the fills themselves, so each is counted exactly once.
 */
export function countFills(account: AccountState, uncounted: Big, now: Date): MergeRecord {
  if (!uncounted.gt(0)) return {};
  const today = utcDay(now);
  const before = account.turnover?.day === today ? new Big(account.turnover.notional) : new Big(0);
  return { turnover: { day: today, notional: before.plus(uncounted).toFixed() }, lastRebalanceAt: now };
}

/** What a finished run notes on its account for its profile (health, the console). */
export function profileSummary(
  account: AccountState,
  profileId: string,
  runId: string,
  status: FinalRunStatus,
  now: Date,
): MergeRecord {
  const before = account.profiles[profileId];
  const lastCompletedAt = status === 'completed' ? now : (before?.lastCompletedAt ?? null);
  return { [profileId]: { lastRunId: runId, lastRunStatus: status, lastFinishedAt: now, lastCompletedAt } };
}
