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
}

export interface World {
  now: number;
  orders: ExchangeOrder[];
  trades: ExchangeTrade[];
  balances: Record<string, { free: string; locked: string }>;
  runs: LedgerRun[];
  intents: LedgerIntent[];
}
