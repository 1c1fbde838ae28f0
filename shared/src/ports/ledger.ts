import type Big from 'big.js';
import { AppError } from '../errors/app-error';
import type { NewOrder } from './exchange';

/**
 * The ledger: the storage steps of the run protocol (DESIGN §4) and the documents of DESIGN §7.
 * Plain TypeScript at this boundary: Date for instants, decimal strings (or Big on the way in) for
 * money. Adapters (Firestore, memory) keep identical semantics, checked by one contract suite.
 *
 * Every method is one short operation that either fully happens or not at all; contended steps
 * (claim, takeover, lock, finish) are decided inside a transaction that re-reads the document, so
 * of two contenders exactly one wins.
 */
export interface Ledger {
  /** Creates `runs/{runId}` (create() semantics). An existing run is returned, never overwritten. */
  claimRun(input: ClaimRunInput): Promise<ClaimResult>;
  /** Takes over a `running` run whose lease has expired (attempt+1). Refused while the lease is live. */
  takeOverRun(input: TakeOverInput): Promise<TakeOverResult>;
  /**
   * Heartbeat: extends the run lease and, when `profileId` is given, the portfolio lock held by
   * `owner`. A lease or lock that has already run out is `lost`, even if nobody took it yet.
   */
  extendLease(input: ExtendLeaseInput): Promise<ExtendLeaseResult>;
  /** Takes the lease on `portfolios/{profileId}`. Never waits: a live holder → `acquired: false`. */
  acquireLock(input: AcquireLockInput): Promise<AcquireLockResult>;
  /** Releases the lock, only by its owner. */
  releaseLock(input: ReleaseLockInput): Promise<ReleaseLockResult>;
  readPortfolio(profileId: string): Promise<PortfolioState>;
  readRun(runId: string): Promise<RunRecord | null>;
  /** Writes every intent of a run as `pending` in one batch, before anything is sent. Existing ids → LedgerStateError. */
  writeIntents(input: WriteIntentsInput): Promise<OrderIntent[]>;
  /**
   * Records what the exchange said about one intent (only from the listed statuses when `onlyFrom` is given).
   * Counts every fill exactly once, when it is recorded: quote filled above the intent's `countedQuote`
   * is added to the portfolio's turnover for today (UTC) and sets its lastRebalanceAt (cool-down),
   * and `countedQuote` moves up, all in the same transaction as the fill itself.
   */
  updateIntent(input: UpdateIntentInput): Promise<OrderIntent>;
  /**
   * pending → submitted with a send deadline, in one transaction, only while the intent is still
   * `pending` AND `owner` holds the run's lease and the portfolio lock, both unexpired. The order may
   * be sent only after `submitted`; a refusal means it must never be sent by this attempt.
   */
  submitIntent(input: SubmitIntentInput): Promise<SubmitIntentResult>;
  /** Intents of one run, by leg. */
  listIntents(runId: string): Promise<OrderIntent[]>;
  /** Every intent of the profile, from any run, still pending/submitted/unknown/open. */
  listUnsettledIntents(profileId: string): Promise<OrderIntent[]>;
  /**
   * Ends a run held by `owner`: run doc and (when `portfolio` is given) the portfolio's cool-down,
   * last prices and lock release, in one transaction. Fills are not counted here (updateIntent
   * counts them as they are recorded). A lost or expired lease →
   * `lease_lost`, nothing written (an expired lease may be taken over at any moment).
   */
  finishRun(input: FinishRunInput): Promise<FinishResult>;
  /** `snapshots/{yyyymmddThhmmssZ}` (create() semantics: a second snapshot in the same second is `existing`). */
  recordSnapshot(input: RecordSnapshotInput): Promise<RecordSnapshotResult>;
  /** When a run of this profile last ended `completed` (null if never). For health. */
  lastCompletedRunAt(profileId: string): Promise<Date | null>;
  /** Ledger round trips made through this object since it was created. */
  roundTrips(): number;
  /** A view of the same store whose roundTrips() starts at 0 and counts only its own calls (per-run metrics). */
  scope(): Ledger;
}

export type RunStatus = 'running' | 'completed' | 'dry_run' | 'skipped' | 'failed';
export type FinalRunStatus = Exclude<RunStatus, 'running'>;

/**
 * `pending`: written ahead, not sent. `submitted`: sent, no answer yet. `unknown`: sent, the answer
 * was lost (timeout/5xx) — must be queried before anything else. `open`: resting on the book.
 * `filled`, `partially_filled` (ended with a partial fill), `canceled` (nothing filled), `rejected`,
 * `absent` (the exchange does not know it, so it was never placed) are final.
 */
export type IntentStatus =
  | 'pending'
  | 'submitted'
  | 'unknown'
  | 'open'
  | 'filled'
  | 'partially_filled'
  | 'canceled'
  | 'rejected'
  | 'absent';

export const UNSETTLED_INTENT_STATUSES: readonly IntentStatus[] = ['pending', 'submitted', 'unknown', 'open'];

export function isUnsettled(status: IntentStatus): boolean {
  return UNSETTLED_INTENT_STATUSES.includes(status);
}

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

export interface RunTrigger {
  /** `scheduler`, `manual`, `token`, … */
  kind: string;
  jobName?: string;
  scheduleTime?: Date;
  /** the caller's e-mail (service account), never a token */
  caller?: string;
}

export interface Lease {
  owner: string;
  until: Date;
}

export interface ClaimRunInput {
  runId: string;
  profileId: string;
  trigger: RunTrigger;
  dryRun: boolean;
  /** unique per attempt (e.g. instance id + random); the lease and the lock are keyed on it */
  owner: string;
  leaseMs: number;
}

export interface RunRecord {
  runId: string;
  profileId: string;
  status: RunStatus;
  /** skip reason code (`within_band`, `locked`, `guard:spread`, …) or null */
  reason: string | null;
  trigger: StoredRecord;
  dryRun: boolean;
  attempt: number;
  lease: Lease | null;
  startedAt: Date;
  finishedAt: Date | null;
  report: StoredRecord | null;
  plan: StoredRecord | null;
  snapshot: StoredRecord | null;
  result: StoredRecord | null;
  metrics: StoredRecord | null;
  error: StoredRecord | null;
  expireAt: Date;
}

export type ClaimResult =
  | { outcome: 'claimed'; run: RunRecord }
  /** status, lease, report and attempt tell the caller: duplicate, in progress, or take over */
  | { outcome: 'existing'; run: RunRecord };

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
  profileId?: string;
}

export interface ExtendLeaseResult {
  run: 'extended' | 'lost';
  lock: 'extended' | 'lost' | 'not_requested';
  until: Date;
}

export interface LockHolder {
  runId: string;
  owner: string;
  until: Date;
}

export interface AcquireLockInput {
  profileId: string;
  runId: string;
  owner: string;
  leaseMs: number;
}

export type AcquireLockResult =
  | {
      acquired: true;
      until: Date;
      /**
       * Other runs of this portfolio whose lease ran out unfinished (their process died or stalled):
       * the expired lock holder, and runs that died between their claim and the lock.
       */
      abandoned?: string[];
    }
  | { acquired: false; holder: LockHolder };

export interface ReleaseLockInput {
  profileId: string;
  owner: string;
}

export type ReleaseLockResult =
  | { outcome: 'released' }
  | { outcome: 'not_owner'; holder: LockHolder }
  | { outcome: 'not_held' };

export interface PortfolioState {
  profileId: string;
  /** a live or expired lease, as stored; null when free */
  lock: LockHolder | null;
  /** last run that traded live (cool-down) */
  lastRebalanceAt: Date | null;
  lastRunId: string | null;
  lastRunStatus: FinalRunStatus | null;
  lastFinishedAt: Date | null;
  lastCompletedAt: Date | null;
  /** notional traded on one UTC day (yyyy-mm-dd); a different day than today means 0 today */
  turnover: { day: string; notional: string } | null;
  /** symbol → price as of the last finished run or snapshot, for the price-move guard */
  lastPrices: Record<string, string> | null;
  lastPricesAt: Date | null;
  /** clientOrderId → runId of intents not yet settled */
  openIntents: Record<string, string>;
}

export interface OrderIntentInput {
  /** leg index in the plan */
  leg: number;
  order: NewOrder;
}

export interface WriteIntentsInput {
  runId: string;
  profileId: string;
  attempt: number;
  intents: readonly OrderIntentInput[];
}

export interface OrderIntent {
  runId: string;
  profileId: string;
  attempt: number;
  leg: number;
  clientOrderId: string;
  symbol: string;
  side: string;
  type: string;
  quantity: string | null;
  quoteQuantity: string | null;
  price: string | null;
  status: IntentStatus;
  orderId: string | null;
  /** the exchange's own status word (NEW, FILLED, …) */
  exchangeStatus: string | null;
  executedQuantity: string;
  executedQuote: string;
  /**
   * watermark: the part of executedQuote already added to the portfolio's turnover (by updateIntent,
   * in the transaction that recorded it); '0' on documents written before it existed
   */
  countedQuote: string;
  /** asset → fee paid */
  fees: Record<string, string>;
  error: StoredRecord | null;
  /** set with `submitted`: the order was not signed or sent after this instant (null before, and on old documents) */
  sendBy: Date | null;
  /** set with `submitted`: the recvWindow the order was signed with (null before, and on old documents) */
  recvWindowMs: number | null;
  createdAt: Date;
  updatedAt: Date;
  expireAt: Date;
}

export interface UpdateIntentInput {
  runId: string;
  clientOrderId: string;
  status: IntentStatus;
  orderId?: string;
  exchangeStatus?: string;
  executedQuantity?: Big | string;
  executedQuote?: Big | string;
  fees?: Record<string, Big | string>;
  error?: LedgerRecord;
  /**
   * Conditional write: applied only when the stored status is one of these; otherwise nothing is
   * written and the intent comes back as stored (its status tells the caller it moved on).
   */
  onlyFrom?: readonly IntentStatus[];
}

export interface SubmitIntentInput {
  runId: string;
  clientOrderId: string;
  profileId: string;
  /** the attempt that will send: must own the run lease and the portfolio lock */
  owner: string;
  sendBy: Date;
  /** the recvWindow the order will be signed with, frozen on the intent (see app/send-window.ts) */
  recvWindowMs?: number;
}

export type SubmitIntentResult =
  | { outcome: 'submitted'; intent: OrderIntent }
  /** `not_pending`: another writer moved the intent on; `lease_lost`: the run lease or lock is not this owner's or has run out */
  | { outcome: 'refused'; reason: 'not_pending' | 'lease_lost'; intent: OrderIntent };

export interface FinishRunInput {
  runId: string;
  owner: string;
  status: FinalRunStatus;
  reason?: string;
  report: LedgerRecord;
  plan?: LedgerRecord;
  snapshot?: LedgerRecord;
  result?: LedgerRecord;
  metrics?: LedgerRecord;
  /** failed runs: at least code and message (AppError.toJSON() fits) */
  error?: LedgerRecord & { code: string; message: string };
  /** given when the run held the portfolio lock (or traded): updates the portfolio and releases the lock */
  portfolio?: {
    profileId: string;
    /** true only when live orders filled: sets lastRebalanceAt (cool-down) */
    traded: boolean;
    /**
     * extra quote notional added to today's (UTC) turnover. The app passes none: fills are counted
     * once, by updateIntent, when they are recorded; adding them here too would count them twice.
     */
    turnoverNotional?: Big | string;
    prices?: Record<string, Big | string>;
  };
}

export type FinishResult =
  | { outcome: 'finished'; finishedAt: Date; lockReleased: boolean }
  /** another attempt owns the run (or it already finished); nothing was written */
  | { outcome: 'lease_lost'; run: RunRecord | null };

export interface RecordSnapshotInput {
  at: Date;
  data: LedgerRecord;
  /** when given, the portfolio's lastPrices are refreshed from `prices` in the same batch */
  profileId?: string;
  prices?: Record<string, Big | string>;
}

export interface RecordSnapshotResult {
  id: string;
  outcome: 'recorded' | 'existing';
}

/** A ledger operation failed on the storage side (network, quota, contention); retrying may help. */
export class LedgerUnavailableError extends AppError {
  constructor(operation: string, cause: unknown) {
    super({
      code: 'ledger.unavailable',
      what: `the ledger could not ${operation}: ${cause instanceof Error ? cause.message : String(cause)}`,
      notDone: 'the ledger step was not recorded, so the run did not go on past it',
      todo: 'retry later; if it persists, check Firestore availability and the runtime account permissions',
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
