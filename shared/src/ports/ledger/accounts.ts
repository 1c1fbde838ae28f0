import type { FinalRunStatus } from './values';

/**
 * `accounts/{accountId}`: the safety state of one MEXC account, shared by every profile that trades
 * on it (DESIGN §4.5, §7). The money is the account's, so the lock, the cool-down, the daily
 * turnover, the open intents and the price reference are too.
 */
export interface AccountLedger {
  readAccount(accountId: string): Promise<AccountState>;
  /** Takes the account lock. Never waits: a live holder → `acquired: false`. */
  acquireLock(input: AcquireLockInput): Promise<AcquireLockResult>;
  /** Releases the lock, only by its owner. */
  releaseLock(input: ReleaseLockInput): Promise<ReleaseLockResult>;
}

export interface LockHolder {
  runId: string;
  /** the profile of the run that holds it, for the operator */
  profileId: string;
  owner: string;
  until: Date;
}

/** What the account doc says about the last finished run of one profile (health, the console). */
export interface ProfileSummary {
  lastRunId: string;
  lastRunStatus: FinalRunStatus;
  lastFinishedAt: Date;
  lastCompletedAt: Date | null;
}

export interface AccountState {
  accountId: string;
  /** a live or expired lock, as stored; null when free */
  lock: LockHolder | null;
  /** last time a live fill was recorded on this account (cool-down) */
  lastRebalanceAt: Date | null;
  /** notional traded on one UTC day (yyyy-mm-dd); a different day than today means 0 today */
  turnover: { day: string; notional: string } | null;
  /** symbol → the price the price-move guard measures from, and a move it is counting (see domain/price-reference.ts) */
  priceReference: Record<string, PriceReferenceRecord>;
  /** clientOrderId → runId of intents not yet settled, of every profile of this account */
  openIntents: Record<string, string>;
  /** runId → lease end of runs claimed under v1 and never locked (carried over from `portfolios/*`) */
  claims: Record<string, Date>;
  /** profile id → its last finished run */
  profiles: Record<string, ProfileSummary>;
  /** the v1 `portfolios/{profileId}` documents whose state this account took over, once */
  carriedOver: string[] | null;
}

/** One symbol's price reference as the account stores it: decimals as strings, instants as Timestamps. */
export interface PriceReferenceRecord {
  price: string;
  /** when it became the reference */
  at: Date;
  /** a move the guard is blocking: the level it was first blocked at, since when, blocked runs in a row */
  move: { price: string; since: Date; runs: number } | null;
}

/**
 * Runs of this account whose lease ran out unfinished: the holder of an expired lock, and v1 claims
 * past their lease (a v1 process that died between claim and lock). `runId` (the asker) is left out.
 */
export function abandonedRuns(account: AccountState, runId: string, now: Date): string[] {
  const ids = new Set<string>();
  if (account.lock && account.lock.runId !== runId && account.lock.until <= now) ids.add(account.lock.runId);
  for (const [id, until] of Object.entries(account.claims)) if (id !== runId && until <= now) ids.add(id);
  return [...ids].sort();
}

export interface AcquireLockInput {
  accountId: string;
  profileId: string;
  runId: string;
  owner: string;
  leaseMs: number;
}

export type AcquireLockResult =
  | {
      acquired: true;
      until: Date;
      /** runs of this account whose lease ran out unfinished: the expired lock holder, and v1 claims past their lease */
      abandoned?: string[];
    }
  | { acquired: false; holder: LockHolder };

export interface ReleaseLockInput {
  accountId: string;
  owner: string;
}

export type ReleaseLockResult =
  | { outcome: 'released' }
  | { outcome: 'not_owner'; holder: LockHolder }
  | { outcome: 'not_held' };
