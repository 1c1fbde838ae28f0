import type Big from 'big.js';
import type { NewOrder } from '../exchange';
import type { LedgerRecord, StoredRecord } from './values';

/**
 * `runs/{runId}/orders/{clientOrderId}`: each order, written before it is sent (DESIGN §4.9), and
 * what the exchange said of it. The common path writes and settles intents inside the run's own
 * commits (RunLedger.startRun / finishRun); these are the steps of the slower paths: a resumed
 * attempt, reconciling earlier runs' orders, and a finish whose conditional commit lost a race.
 */
export interface IntentLedger {
  /** Writes every intent of a run as `pending` in one batch, before anything is sent. Existing ids → LedgerStateError. */
  writeIntents(input: WriteIntentsInput): Promise<OrderIntent[]>;
  /**
   * Records what the exchange said about one intent (only from the listed statuses when `onlyFrom`
   * is given). Counts every fill exactly once, when it is recorded: quote filled above the intent's
   * `countedQuote` is added to the account's turnover for today (UTC) and sets its lastRebalanceAt
   * (cool-down), and `countedQuote` moves up, all in the same transaction as the fill itself.
   */
  updateIntent(input: UpdateIntentInput): Promise<OrderIntent>;
  /**
   * pending → submitted with a send deadline, in one transaction, only while the intent is still
   * `pending` AND `owner` holds the run's lease and the account lock, both unexpired. The order may
   * be sent only after `submitted`; a refusal means it must never be sent by this attempt.
   */
  submitIntent(input: SubmitIntentInput): Promise<SubmitIntentResult>;
  /** Intents of one run, by leg. */
  listIntents(runId: string): Promise<OrderIntent[]>;
  /** Every intent of the account, from any run of any profile, still pending/submitted/unknown/open. */
  listUnsettledIntents(accountId: string): Promise<OrderIntent[]>;
}

/**
 * `pending`: written ahead, not sent. `submitted`: may have been sent, no answer recorded yet.
 * `unknown`: sent, the answer was lost (timeout/5xx) — must be queried before anything else.
 * `open`: resting on the book. `filled`, `partially_filled` (ended with a partial fill), `canceled`
 * (nothing filled), `rejected`, `absent` (the exchange does not know it, so it was never placed) are final.
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

export const INTENT_STATUSES: readonly IntentStatus[] = [
  'pending',
  'submitted',
  'unknown',
  'open',
  'filled',
  'partially_filled',
  'canceled',
  'rejected',
  'absent',
];

export const UNSETTLED_INTENT_STATUSES: readonly IntentStatus[] = ['pending', 'submitted', 'unknown', 'open'];

export function isUnsettled(status: IntentStatus): boolean {
  return UNSETTLED_INTENT_STATUSES.includes(status);
}

/**
 * An intent a later run still has to look at: its order is not settled, or it traded and its fees
 * could not be read (MEXC's order answer carries none; the myTrades read failed). It stays in the
 * account's open intents until a run reads them, so the ledger's fees match the exchange's trades.
 */
export function needsSettling(intent: Pick<OrderIntent, 'status' | 'feesUnread'>): boolean {
  return isUnsettled(intent.status) || intent.feesUnread;
}

export interface OrderIntentInput {
  /** leg index in the plan */
  leg: number;
  order: NewOrder;
}

export interface WriteIntentsInput {
  runId: string;
  profileId: string;
  accountId: string;
  attempt: number;
  intents: readonly OrderIntentInput[];
}

export interface OrderIntent {
  runId: string;
  profileId: string;
  accountId: string;
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
  /** watermark: the part of executedQuote already added to the account's turnover, in the write that recorded it */
  countedQuote: string;
  /** asset → fee paid */
  fees: Record<string, string>;
  /** it traded, and its fees are not read yet: a later run reads them (needsSettling) */
  feesUnread: boolean;
  error: StoredRecord | null;
  /** set with `submitted`: the order was not signed or sent after this instant */
  sendBy: Date | null;
  /** set with `submitted`: the recvWindow the order was signed with */
  recvWindowMs: number | null;
  /** the run that recorded the final state, when it is not the intent's own run */
  settledBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  expireAt: Date;
}

/** What the exchange said about one intent. */
export interface IntentOutcome {
  status: IntentStatus;
  orderId?: string;
  exchangeStatus?: string;
  executedQuantity?: Big | string;
  executedQuote?: Big | string;
  fees?: Record<string, Big | string>;
  /** true: it traded and the fees could not be read (then `fees` is absent) */
  feesUnread?: boolean;
  error?: LedgerRecord;
}

export interface UpdateIntentInput extends IntentOutcome {
  runId: string;
  clientOrderId: string;
  /**
   * Conditional write: applied only when the stored status is one of these; otherwise nothing is
   * written and the intent comes back as stored (its status tells the caller it moved on).
   */
  onlyFrom?: readonly IntentStatus[];
  /** the run recording this, when it is not the intent's own (shown on the intent as settledBy) */
  byRun?: string;
  /** the account whose index holds the intent: needed only for v1 intents, which name none */
  accountId?: string;
}

export interface SubmitIntentInput {
  runId: string;
  clientOrderId: string;
  accountId: string;
  /** the attempt that will send: must own the run lease and the account lock */
  owner: string;
  sendBy: Date;
  /** the recvWindow the order will be signed with, frozen on the intent (see app/send-window.ts) */
  recvWindowMs?: number;
}

export type SubmitIntentResult =
  | { outcome: 'submitted'; intent: OrderIntent }
  /** `not_pending`: another writer moved the intent on; `lease_lost`: the run lease or lock is not this owner's or has run out */
  | { outcome: 'refused'; reason: 'not_pending' | 'lease_lost'; intent: OrderIntent };
