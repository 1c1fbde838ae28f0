import Big from 'big.js';
import type {
  AccountInfo,
  Balance,
  BookSide,
  BookTop,
  Depth,
  OrderState,
  SymbolRules,
  Trade,
} from '../../domain/market';
import { qrlRules } from '../../domain/test-fixtures';
import { AppError } from '../../errors/app-error';
import type { Clock } from '../../ports/clock';
import type { Exchange, NewOrder, OrderRef } from '../../ports/exchange';

/**
 * A small in-memory exchange for the use-case tests (no HTTP): IOC and MARKET orders fill at once at
 * the book, LIMIT_MAKER orders rest until fillResting(). Like the MEXC adapter it refuses to send an
 * order whose `sendBy` has passed, and it honours `quoteQuantity` on MARKET buys. Hooks let a test
 * stall a send, lose an answer or hide an order from queries.
 */
/** QRLUSDT as the domain's tests describe it, from the same MEXC reference vector. */
export const QRL_RULES: SymbolRules = qrlRules();

/** What the MEXC adapter throws when an order's send deadline passed before it was signed. */
export class FakeSendDeadlineError extends AppError {
  constructor(clientOrderId: string) {
    super({
      code: 'exchange.send_deadline_passed',
      what: `order ${clientOrderId} was not sent: its send deadline had passed`,
      notDone: 'the order was not signed or sent',
      todo: 'nothing; the next run plans again',
    });
  }
}

export class FakeExchange implements Exchange {
  free: Record<string, Big> = { QRL: new Big(2000), USDT: new Big(100) };
  locked: Record<string, Big> = { QRL: new Big(0), USDT: new Big(0) };
  readonly orders = new Map<string, OrderState>();
  /** orders that reached the exchange, in order */
  readonly sent: NewOrder[] = [];
  bid = new Big('0.5');
  ask = new Big('0.501');
  /** book sides reported empty, as the MEXC adapter maps MEXC's `""` quantities */
  emptySides: BookSide[] = [];
  /** price a MARKET order fills at; defaults to the book side */
  marketFillPrice: Big | null = null;
  recvWindowMs = 5_000;
  /** runs inside placeOrder before the order is signed (a stalled process) */
  beforeSend: ((order: NewOrder) => Promise<void>) | null = null;
  /** when set, each fill has one trade paying this share of its quote in USDT */
  feeRate: Big | null = null;
  /** when set, myTrades throws it (a 418 or an outage on the fee read) */
  tradesError: Error | null = null;
  /** runs after the order was accepted; throwing loses the answer */
  afterAccept: ((order: NewOrder) => void) | null = null;
  /** queryOrder answers null (not visible yet) while this is true */
  hideOrders = false;
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  async serverTime(): Promise<number> {
    return this.clock.now().getTime();
  }
  async symbolRules(): Promise<Map<string, SymbolRules>> {
    return new Map([['QRLUSDT', QRL_RULES]]);
  }
  /** what selfSymbols lists for this key */
  apiTradable = new Set(['QRLUSDT']);
  async apiTradableSymbols(): Promise<ReadonlySet<string>> {
    return new Set(this.apiTradable);
  }
  /** what the account answer says about the key */
  keyRights: Pick<AccountInfo, 'canTrade' | 'canWithdraw' | 'canDeposit' | 'permissions'> = {
    canTrade: true,
    canWithdraw: false,
    canDeposit: false,
    permissions: ['SPOT'],
  };
  async account(): Promise<AccountInfo> {
    return { balances: await this.balances(), ...this.keyRights, accountType: 'SPOT' };
  }
  async balances(): Promise<Balance[]> {
    return Object.keys(this.free).map((asset) => ({
      asset,
      free: this.free[asset] ?? new Big(0),
      locked: this.locked[asset] ?? new Big(0),
    }));
  }
  async bookTop(symbol: string): Promise<BookTop> {
    const quoted = (side: BookSide) => !this.emptySides.includes(side);
    return {
      symbol,
      bidPrice: quoted('bid') ? this.bid : new Big(0),
      bidQuantity: quoted('bid') ? new Big(1e7) : new Big(0),
      askPrice: quoted('ask') ? this.ask : new Big(0),
      askQuantity: quoted('ask') ? new Big(1e7) : new Big(0),
      ...(this.emptySides.length > 0 ? { emptySides: [...this.emptySides] } : {}),
    };
  }
  async depth(symbol: string): Promise<Depth> {
    return {
      symbol,
      bids: [{ price: this.bid, quantity: new Big(1e7) }],
      asks: [{ price: this.ask, quantity: new Big(1e7) }],
    };
  }

  async placeOrder(order: NewOrder): Promise<OrderState> {
    if (this.beforeSend) await this.beforeSend(order);
    if (order.sendBy && this.clock.now().getTime() > order.sendBy.getTime()) {
      throw new FakeSendDeadlineError(order.clientOrderId);
    }
    this.sent.push(order);
    const market = order.type === 'MARKET';
    const price = market
      ? (this.marketFillPrice ?? (order.side === 'BUY' ? this.ask : this.bid))
      : (order.price ?? this.bid);
    const quantity =
      market && order.quoteQuantity
        ? order.quoteQuantity.div(price).round(2, Big.roundDown)
        : (order.quantity ?? new Big(0));
    const state: OrderState = {
      symbol: order.symbol,
      orderId: `C02__${++this.seq}`,
      clientOrderId: order.clientOrderId,
      side: order.side,
      type: order.type,
      status: 'NEW',
      price,
      quantity,
      executedQuantity: new Big(0),
      executedQuote: new Big(0),
      time: this.clock.now().getTime(),
      updateTime: null,
    };
    this.orders.set(order.clientOrderId, state);
    if (order.type === 'LIMIT_MAKER') this.move(state, 'lock');
    else this.fill(state);
    if (this.afterAccept) this.afterAccept(order);
    return { ...state };
  }

  /** every resting order fills completely */
  fillResting(): void {
    for (const state of this.orders.values()) {
      if (state.status !== 'NEW') continue;
      this.move(state, 'unlock');
      this.fill(state);
    }
  }

  async cancelOrder(ref: OrderRef): Promise<OrderState> {
    const state = this.find(ref);
    if (!state) throw new Error(`fake exchange: no order ${JSON.stringify(ref)}`);
    if (state.status === 'NEW') {
      this.move(state, 'unlock');
      state.status = 'CANCELED';
    }
    return { ...state };
  }
  async queryOrder(ref: OrderRef): Promise<OrderState | null> {
    if (this.hideOrders) return null;
    const state = this.find(ref);
    return state ? { ...state } : null;
  }
  async openOrders(): Promise<OrderState[]> {
    return [...this.orders.values()].filter((s) => s.status === 'NEW').map((s) => ({ ...s }));
  }
  async myTrades(symbol: string, options: { orderId?: string } = {}): Promise<Trade[]> {
    if (this.tradesError) throw this.tradesError;
    if (!this.feeRate) return [];
    const rate = this.feeRate;
    return [...this.orders.values()]
      .filter((o) => o.symbol === symbol && o.executedQuantity.gt(0))
      .filter((o) => options.orderId === undefined || o.orderId === options.orderId)
      .map((o) => ({
        symbol,
        tradeId: `T-${o.orderId}`,
        orderId: o.orderId,
        side: o.side,
        price: o.price ?? new Big(0),
        quantity: o.executedQuantity,
        quoteQuantity: o.executedQuote,
        commission: o.executedQuote.times(rate),
        commissionAsset: 'USDT',
        isMaker: false,
        time: o.time,
      }));
  }

  openCount(): number {
    return [...this.orders.values()].filter((s) => s.status === 'NEW').length;
  }

  private find(ref: OrderRef): OrderState | undefined {
    if ('clientOrderId' in ref) return this.orders.get(ref.clientOrderId);
    return [...this.orders.values()].find((s) => s.orderId === ref.orderId);
  }

  private add(bucket: Record<string, Big>, asset: string, amount: Big): void {
    bucket[asset] = (bucket[asset] ?? new Big(0)).plus(amount);
  }

  private move(state: OrderState, way: 'lock' | 'unlock'): void {
    const [asset, amount] =
      state.side === 'SELL' ? ['QRL', state.quantity] : ['USDT', state.quantity.times(state.price)];
    const sign = way === 'lock' ? 1 : -1;
    this.add(this.free, asset, amount.times(-sign));
    this.add(this.locked, asset, amount.times(sign));
  }

  private fill(state: OrderState): void {
    const quote = state.quantity.times(state.price);
    if (state.side === 'SELL') {
      this.add(this.free, 'QRL', state.quantity.neg());
      this.add(this.free, 'USDT', quote);
    } else {
      this.add(this.free, 'USDT', quote.neg());
      this.add(this.free, 'QRL', state.quantity);
    }
    state.status = 'FILLED';
    state.executedQuantity = state.quantity;
    state.executedQuote = quote;
  }
}
