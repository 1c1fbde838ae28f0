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

export interface BookTop {
  symbol: string;
  bidPrice: Big;
  bidQuantity: Big;
  askPrice: Big;
  askQuantity: Big;
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
