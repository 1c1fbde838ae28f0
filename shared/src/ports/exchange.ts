import type Big from 'big.js';
import type { Balance, BookTop, Depth, OrderSide, OrderState, OrderType, SymbolRules, Trade } from '../domain/market';

export interface NewOrder {
  symbol: string;
  side: OrderSide;
  type: OrderType;
  /** base quantity; for MARKET either this or quoteQuantity */
  quantity?: Big;
  /** MARKET only: quote amount to spend (buy) or receive (sell) */
  quoteQuantity?: Big;
  /** required for every type but MARKET */
  price?: Big;
  /** deterministic id (^[A-Za-z0-9_-]{1,32}$) that makes an ambiguous outcome queryable */
  clientOrderId: string;
}

export type OrderRef = { symbol: string; clientOrderId: string } | { symbol: string; orderId: string };

/**
 * What the use cases need from an exchange. The MEXC adapter implements it; errors are the typed
 * exchange errors of the adapter (all AppError), notably UnknownOutcomeError when an order may or
 * may not have been accepted.
 */
export interface Exchange {
  /** server time, ms since epoch */
  serverTime(): Promise<number>;
  /** trading rules per symbol; cached by the adapter */
  symbolRules(symbols: readonly string[]): Promise<Map<string, SymbolRules>>;
  /** symbols open to API trading (MEXC defaultSymbols) */
  apiTradableSymbols(): Promise<Set<string>>;
  balances(): Promise<Balance[]>;
  bookTop(symbol: string): Promise<BookTop>;
  depth(symbol: string, limit: number): Promise<Depth>;
  placeOrder(order: NewOrder): Promise<OrderState>;
  cancelOrder(ref: OrderRef): Promise<OrderState>;
  /** null when the exchange does not know the order (after the adapter's short visibility retries) */
  queryOrder(ref: OrderRef): Promise<OrderState | null>;
  openOrders(symbol: string): Promise<OrderState[]>;
  myTrades(symbol: string, options?: { orderId?: string; startTime?: number; limit?: number }): Promise<Trade[]>;
}
