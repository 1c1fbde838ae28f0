import type Big from 'big.js';
import type {
  AccountInfo,
  Balance,
  BookTop,
  Depth,
  OrderSide,
  OrderState,
  OrderType,
  SymbolRules,
  Trade,
} from '../domain/market';

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
  /**
   * The order must not be signed or sent after this instant of the adapter's own (instance) clock:
   * the adapter checks it right before it signs (and throws an error with code `exchange.send_deadline_passed` instead). Together with the
   * exchange's recvWindow it bounds when the order can still execute, so a stalled process can never
   * send it late and the reconciler can tell when "not found" has become final.
   */
  sendBy?: Date;
}

export type OrderRef = { symbol: string; clientOrderId: string } | { symbol: string; orderId: string };

/**
 * What the use cases need from an exchange. The MEXC adapter implements it; errors are the typed
 * exchange errors of the adapter (all AppError), notably UnknownOutcomeError when an order may or
 * may not have been accepted.
 */
export interface Exchange {
  /**
   * How long after signing the exchange still accepts a request (MEXC recvWindow), ms. An order
   * signed by `sendBy` that is not found after sendBy + recvWindow (+ a skew margin) never executes.
   * Callers assume MEXC's maximum (60000) when an adapter does not say.
   */
  readonly recvWindowMs?: number;
  /** server time, ms since epoch */
  serverTime(): Promise<number>;
  /** trading rules per symbol; cached by the adapter */
  symbolRules(symbols: readonly string[]): Promise<Map<string, SymbolRules>>;
  /**
   * Symbols this API key may trade over the API. API tradability is per key (a pair can be in
   * MEXC's public defaultSymbols and still answer 10007 "symbol not support api": mexc-api-sdk#112,
   * JKorf/Mexc.Net#13, ccxt#26179), so the MEXC adapter reads the signed GET /api/v3/selfSymbols
   * (docs "User API default symbol"), cached per instance. Check legs with firstNotApiTradable().
   */
  apiTradableSymbols(): Promise<ReadonlySet<string>>;
  balances(): Promise<Balance[]>;
  /**
   * The account read with what it says about the key (canTrade, canWithdraw, permissions) next to
   * the balances: one request (MEXC GET /api/v3/account) for both, so a use case that reads
   * balances can call this instead and check accountTradingRefusal() before planning.
   */
  account(): Promise<AccountInfo>;
  bookTop(symbol: string): Promise<BookTop>;
  depth(symbol: string, limit: number): Promise<Depth>;
  placeOrder(order: NewOrder): Promise<OrderState>;
  cancelOrder(ref: OrderRef): Promise<OrderState>;
  /** null when the exchange does not know the order (after the adapter's short visibility retries) */
  queryOrder(ref: OrderRef): Promise<OrderState | null>;
  openOrders(symbol: string): Promise<OrderState[]>;
  /**
   * Every trade of the symbol in the window (startTime..endTime, ms; MEXC keeps one month), or of
   * one order: the adapter pages until the window is covered and throws rather than return a
   * partial list. `limit` is the page size asked for, not a cap on the result.
   */
  myTrades(
    symbol: string,
    options?: { orderId?: string; startTime?: number; endTime?: number; limit?: number },
  ): Promise<Trade[]>;
}
