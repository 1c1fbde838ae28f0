/** What the invariants look at: the exchange's books (simulator admin API) and the ledger, at one instant. */

export interface ExchangeOrder {
  symbol: string;
  orderId: string;
  clientOrderId: string;
  side: string;
  type: string;
  price: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: string;
  time: number;
}

export interface ExchangeTrade {
  symbol: string;
  orderId: string;
  clientOrderId: string;
  side: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
}

export interface LedgerRun {
  runId: string;
  status: string;
  reason: string | null;
  attempt: number;
  lease: { owner: string; until: number } | null;
  startedAt: number;
  finishedAt: number | null;
  errorCode: string | null;
  /** the run document's dryRun flag (absent in worlds built before it was read) */
  dryRun?: boolean;
  /** whether the run's stored error said retryable */
  errorRetryable?: boolean | null;
}

export interface LedgerIntent {
  runId: string;
  clientOrderId: string;
  leg: number;
  attempt: number;
  status: string;
  orderId: string | null;
  executedQuantity: string;
  executedQuote: string;
  createdAt: number;
  updatedAt: number;
  /** fields read since issue #18; absent in worlds built before */
  symbol?: string;
  side?: string;
  /** fees the ledger recorded for the order, per asset (absent while they are unread) */
  fees?: Record<string, string>;
  /** it traded and the ledger has not read its fees yet (a later run reads them) */
  feesUnread?: boolean;
  /** the send deadline the ledger gave the order (ms), as first seen by the campaign */
  sendBy?: number | null;
  recvWindowMs?: number | null;
}

/** One POST /api/v3/order as it reached the simulator (GET /__sim/order-arrivals). */
import type { OrderArrival } from '@qrl-rebalancer/simulator';

export type { OrderArrival };

/** One HTTP answer of the rebalance function, as the caller got it. */
export interface HttpAnswer {
  executionId: string;
  /** the HTTP status; `killed` requests are not answers and are not listed */
  http: number;
  /** report fields (status, reason, duplicate) or the error body's code */
  status?: string;
  duplicate?: boolean;
  error?: string;
  /** the run document's stored error says whether it was retryable (null: no such record) */
  retryable?: boolean | null;
}

/** A book's spread as the campaign set it, from `from` until `to` (machine ms; null = still). */
export interface SpreadWindow {
  symbol: string;
  spreadBps: number;
  from: number;
  to: number | null;
}

export interface World {
  now: number;
  orders: ExchangeOrder[];
  trades: ExchangeTrade[];
  balances: Record<string, { free: string; locked: string }>;
  runs: LedgerRun[];
  intents: LedgerIntent[];
  /** every order request the exchange received */
  arrivals?: OrderArrival[];
  /** the ledger's daily turnover per day: days the campaign closed, then the account's current one */
  turnover?: { day: string; notional: string }[];
  /** every HTTP answer so far */
  answers?: HttpAnswer[];
  /** the spreads the campaign set on each book */
  spreads?: SpreadWindow[];
  /** this world was read after the final quiet settle run: nothing may be left open */
  settled?: boolean;
}
