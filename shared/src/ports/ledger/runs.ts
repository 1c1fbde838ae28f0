import type { AccountState, PriceReferenceRecord } from './accounts';
import type { IntentOutcome, IntentStatus, OrderIntent, OrderIntentInput } from './intents';
import type { FinalRunStatus, Lease, LedgerRecord, ReadToken, RunStatus, StoredRecord } from './values';

/**
 * `runs/{executionId}`: one trigger, executed once (DESIGN §4). The common path is three round
 * trips: openRun reads the run and its account, startRun commits the claim (with the lock and the
 * intents when it trades), finishRun commits the end. Both commits are conditional on what was read,
 * so two contenders never both win; a lost race is `conflict` and the caller reads again.
 */
export interface RunLedger {
  /** The run (null when new) and its account, read together in one round trip. */
  openRun(input: OpenRunInput): Promise<OpenedRun>;
  /**
   * One commit that claims the run. `ended`: the run is recorded as finished at once (a skip, a dry
   * run, `locked`) — it never takes the lock. `locked`: the run is claimed with a lease, takes the
   * account lock and writes `intents`: one with a send deadline is already `submitted`, so the first
   * order may leave as soon as this returns; the others are `pending`. Applies only if the run does
   * not exist yet and (for `locked`) the account is as `token` saw it; otherwise `conflict`, and
   * nothing was written.
   */
  startRun(input: StartRunInput): Promise<StartRunResult>;
  /** Takes over a `running` run whose lease has expired (attempt+1). Refused while the lease is live. */
  takeOverRun(input: TakeOverInput): Promise<TakeOverResult>;
  /**
   * Heartbeat: extends the run lease and, when `accountId` is given, the account lock held by
   * `owner`. A lease or lock that has already run out is `lost`, even if nobody took it yet.
   */
  extendLease(input: ExtendLeaseInput): Promise<ExtendLeaseResult>;
  readRun(runId: string): Promise<RunRecord | null>;
  /**
   * Ends a run held by `owner`: this run's intents as the exchange left them (each fill counted once
   * into the account's turnover), the run document, and the account's cool-down, price reference,
   * profile summary and lock release. With the `token` startRun returned it is one conditional
   * commit; when anything changed since (another run reconciled an intent, a snapshot moved the
   * price reference) it falls back to one transaction per intent and one for the rest. A lost or
   * expired lease there → `lease_lost`, nothing written. The run's `metrics.firestoreCalls` is set
   * here, to the round trips of this ledger view including the finish itself.
   */
  finishRun(input: FinishRunInput): Promise<FinishResult>;
}

export interface RunTrigger {
  /** `scheduler`, `manual`, `token`, … */
  kind: string;
  jobName?: string;
  scheduleTime?: Date;
  /** the caller's e-mail (service account), never a token */
  caller?: string;
}

export interface RunRecord {
  runId: string;
  profileId: string;
  /** null on documents written before accounts existed (v1) */
  accountId: string | null;
  status: RunStatus;
  /** skip reason code (`within_band`, `locked`, `guard:spread`, …) or error code, else null */
  reason: string | null;
  /** one sentence saying what the run did */
  summary: string | null;
  trigger: StoredRecord;
  dryRun: boolean;
  attempt: number;
  lease: Lease | null;
  startedAt: Date;
  finishedAt: Date | null;
  expireAt: Date;
  /** the whole document as stored (what the run found, planned, sent and ended with) */
  document: StoredRecord;
}

export interface OpenRunInput {
  runId: string;
  accountId: string;
  /**
   * the deployment's profiles: when the account document does not exist yet, their v1
   * `portfolios/{profileId}` documents are read and carried over into it, once
   */
  profileIds?: readonly string[];
}

export interface OpenedRun {
  run: RunRecord | null;
  account: AccountState;
  token: ReadToken;
}

/** How a run ended, as its document records it. */
export interface RunEnd {
  status: FinalRunStatus;
  reason: string | null;
  /** one sentence saying what the run did */
  summary: string;
  /** the rest of the document: what was found, planned, sent, settled; metrics; error */
  details: LedgerRecord;
}

/** What a finished run changes on its account. */
export interface AccountChange {
  /** symbol → the price reference after this run (omitted symbols keep theirs) */
  priceReference?: Record<string, PriceReferenceRecord>;
}

interface StartRunCommon {
  token: ReadToken;
  runId: string;
  profileId: string;
  accountId: string;
  trigger: RunTrigger;
  dryRun: boolean;
}

/** An intent the claim writes: `submitted` when it has a send deadline, else `pending` (submitted later). */
export interface SubmittedIntentInput extends OrderIntentInput {
  /** the order is not signed or sent after this instant */
  sendBy?: Date;
  /** the recvWindow it will be signed with, frozen on the intent */
  recvWindowMs?: number;
}

export type StartRunInput =
  | (StartRunCommon & { as: 'ended'; end: RunEnd; account?: AccountChange })
  | (StartRunCommon & { as: 'locked'; owner: string; leaseMs: number; intents: readonly SubmittedIntentInput[] });

export type StartRunResult =
  | {
      outcome: 'started';
      run: RunRecord;
      intents: OrderIntent[];
      token: ReadToken;
      /** for a run recorded `ended`: its round trips, as its metrics store them */
      firestoreCalls: number;
    }
  /** the run exists now or the account changed since it was read: nothing written, read again */
  | { outcome: 'conflict' };

export interface TakeOverInput {
  runId: string;
  owner: string;
  leaseMs: number;
}

export type TakeOverResult =
  | { outcome: 'taken'; run: RunRecord }
  /** the lease is still live, the run has finished, or it does not exist (run null) */
  | { outcome: 'refused'; run: RunRecord | null };

export interface ExtendLeaseInput {
  runId: string;
  owner: string;
  leaseMs: number;
  accountId?: string;
}

export interface ExtendLeaseResult {
  run: 'extended' | 'lost';
  lock: 'extended' | 'lost' | 'not_requested';
  until: Date;
}

export interface FinishIntent extends IntentOutcome {
  clientOrderId: string;
  /** when the conditional commit lost its race, the outcome is recorded only from these statuses */
  onlyFrom?: readonly IntentStatus[];
}

export interface FinishRunInput {
  runId: string;
  owner: string;
  accountId: string;
  profileId: string;
  end: RunEnd;
  /** this run's intents as the exchange left them, recorded with the finish */
  intents?: readonly FinishIntent[];
  /** given when the run held the account lock: the lock is released and the account updated */
  account?: AccountChange;
  /** from startRun: try the single conditional commit first */
  token?: ReadToken;
}

export type FinishResult =
  | {
      outcome: 'finished';
      finishedAt: Date;
      lockReleased: boolean;
      intents: OrderIntent[];
      /** the run's round trips including this finish, as its metrics store them */
      firestoreCalls: number;
    }
  /** another attempt owns the run (or it already finished); nothing was written */
  | { outcome: 'lease_lost'; run: RunRecord | null };
