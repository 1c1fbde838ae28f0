import type Big from 'big.js';

/** Exchange facts the strategy depends on. Every decimal is big.js; nothing here is a JS number of money. */
export type OrderSide = 'BUY' | 'SELL';
export type OrderType = 'LIMIT' | 'MARKET' | 'LIMIT_MAKER' | 'IMMEDIATE_OR_CANCEL' | 'FILL_OR_KILL';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'PARTIALLY_CANCELED';

/** Trading rules of one symbol, from exchangeInfo. */
export interface SymbolRules {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  /** false when the symbol is not trading or not open to API trading */
  tradable: boolean;
  /** smallest price increment (10^-quotePrecision on MEXC) */
  tickSize: Big;
  /** smallest quantity increment (baseSizePrecision on MEXC) */
  stepSize: Big;
  minQuantity: Big;
  maxQuantity: Big | null;
  /** minimum order value in quote (quoteAmountPrecision on MEXC) */
  minNotional: Big;
  maxNotional: Big | null;
  orderTypes: OrderType[];
  makerCommission: Big;
  takerCommission: Big;
}

export interface Balance {
  asset: string;
  free: Big;
  locked: Big;
}

/**
 * What the account read says about the account and its API key besides balances (MEXC docs,
 * "Account Information": canTrade, canWithdraw, canDeposit, accountType, permissions). null: the
 * answer did not say.
 */
export interface AccountInfo {
  balances: Balance[];
  canTrade: boolean | null;
  canWithdraw: boolean | null;
  canDeposit: boolean | null;
  /** e.g. ["SPOT"] */
  permissions: readonly string[] | null;
  accountType: string | null;
}

/** A side of the book: `bid` holds the buy orders, `ask` the sell orders. */
export type BookSide = 'bid' | 'ask';

/**
 * Best bid and ask of one symbol. A side with no order at all (MEXC sends `""` for its quantity:
 * docs, 24hr ticker example `"bidQty":"","askQty":""`) is listed in `emptySides`; its price and
 * quantity are then 0, so code that only knows the prices still sees "no price" (≤ 0), as
 * midPrice and the spread guard always treated it. Absent or empty: both sides are quoted.
 */
export interface BookTop {
  symbol: string;
  bidPrice: Big;
  bidQuantity: Big;
  askPrice: Big;
  askQuantity: Big;
  emptySides?: readonly BookSide[];
}

export interface PriceLevel {
  price: Big;
  quantity: Big;
}

export interface Depth {
  symbol: string;
  bids: PriceLevel[];
  asks: PriceLevel[];
}

/** An order as the exchange reports it. Order ids are opaque strings. */
export interface OrderState {
  symbol: string;
  orderId: string;
  clientOrderId: string | null;
  side: OrderSide;
  type: OrderType;
  status: OrderStatus;
  price: Big;
  quantity: Big;
  executedQuantity: Big;
  /** quote spent or received so far */
  executedQuote: Big;
  /** ms since epoch */
  time: number;
  updateTime: number | null;
}

export interface Trade {
  symbol: string;
  tradeId: string;
  orderId: string;
  side: OrderSide;
  price: Big;
  quantity: Big;
  quoteQuantity: Big;
  commission: Big;
  commissionAsset: string;
  isMaker: boolean;
  time: number;
}
