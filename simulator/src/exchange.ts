import { createHash } from 'node:crypto';
import { defaultKey, type KeyRights, type ResolvedConfig, type SymbolSpec } from './config';
import { Big, decimalPlaces, isDecimalText, minBig, roundDown, roundUp } from './decimal';
import { mexcErrors } from './mexc-errors';
import { type BookEntry, OrderBook, type Side } from './order-book';
import { SeededRandom, streamSeed } from './random';

export type OrderType = 'LIMIT' | 'MARKET' | 'LIMIT_MAKER' | 'IMMEDIATE_OR_CANCEL' | 'FILL_OR_KILL';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'PARTIALLY_CANCELED';

const orderTypes: readonly string[] = ['LIMIT', 'MARKET', 'LIMIT_MAKER', 'IMMEDIATE_OR_CANCEL', 'FILL_OR_KILL'];
/** Not documented by MEXC; the rule DESIGN §8 and the reference recommend clients follow. */
const clientOrderIdPattern = /^[A-Za-z0-9_-]{1,32}$/;

export interface SimOrder {
  symbol: string;
  orderId: string;
  clientOrderId: string | null;
  side: Side;
  type: OrderType;
  /** Limit price; undefined for MARKET. */
  price: Big | undefined;
  origQty: Big | undefined;
  origQuoteOrderQty: Big | undefined;
  executedQty: Big;
  cummulativeQuoteQty: Big;
  status: OrderStatus;
  time: number;
  updateTime: number | null;
  /** What is still reserved for the unfilled rest, in the quote asset (BUY) or base asset (SELL). */
  locked: Big;
  entry?: BookEntry;
  /** GET /api/v3/order does not find it before this time (visibility_lag fault) */
  visibleAt?: number;
}

export interface SimTrade {
  symbol: string;
  id: string;
  orderId: string;
  clientOrderId: string | null;
  side: Side;
  price: Big;
  qty: Big;
  quoteQty: Big;
  commission: Big;
  commissionAsset: string;
  time: number;
  isMaker: boolean;
  isSelfTrade: boolean;
}

export interface Balance {
  free: Big;
  locked: Big;
}

export interface NewOrderParams {
  symbol?: string;
  side?: string;
  type?: string;
  quantity?: string;
  quoteOrderQty?: string;
  price?: string;
  newClientOrderId?: string;
}

interface MarketState {
  spec: SymbolSpec;
  book: OrderBook;
  random: SeededRandom;
  centre: Big;
  spreadBps: number;
  pathIndex: number;
  openPrice: Big;
  high: Big;
  low: Big;
  lastTradePrice: Big | undefined;
  volume: Big;
  quoteVolume: Big;
  tradeCount: number;
  updateId: number;
  /** sides the synthetic liquidity leaves empty (admin `emptySides`), to reproduce a one-sided book */
  emptySides: Set<'bid' | 'ask'>;
}

interface PlannedFill {
  entry: BookEntry;
  qty: Big;
  price: Big;
}

/**
 * The exchange's whole state: markets with their books, the one account's balances, its orders and
 * fills. Everything is derived from the seed and config, so `reset()` replays the same world.
 */
export class SimExchange {
  private markets = new Map<string, MarketState>();
  private balances = new Map<string, Balance>();
  private orders: SimOrder[] = [];
  private ordersById = new Map<string, SimOrder>();
  private trades: SimTrade[] = [];
  private seq = 0;
  private orderCounter = 0;
  private tradeCounter = 0;
  clockOffsetMs = 0;
  /** the API key's rights (config `key`, admin POST /__sim/key); reset() restores the config */
  key: KeyRights = { ...defaultKey };
  /** symbols this key may trade over the API (selfSymbols); reset() restores the config */
  selfSymbols = new Set<string>();

  constructor(
    private readonly config: ResolvedConfig,
    private readonly seed: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.reset();
  }

  reset(): void {
    this.markets.clear();
    this.balances.clear();
    this.orders = [];
    this.ordersById.clear();
    this.trades = [];
    this.seq = 0;
    this.orderCounter = 0;
    this.tradeCounter = 0;
    this.clockOffsetMs = 0;
    this.key = { ...this.config.key, permissions: [...this.config.key.permissions] };
    this.selfSymbols = new Set(
      this.config.symbols.filter((spec) => spec.inDefaultSymbols && spec.inSelfSymbols).map((spec) => spec.symbol),
    );
    for (const [asset, amount] of Object.entries(this.config.balances)) {
      this.balances.set(asset, { free: new Big(amount), locked: new Big(0) });
    }
    for (const spec of this.config.symbols) {
      const centre = new Big(spec.path.kind === 'csv' ? (spec.path.prices[0] ?? spec.price) : spec.price);
      const market: MarketState = {
        spec,
        book: new OrderBook(),
        random: new SeededRandom(streamSeed(this.seed, spec.symbol)),
        centre,
        spreadBps: spec.spreadBps,
        pathIndex: 0,
        openPrice: centre,
        high: centre,
        low: centre,
        lastTradePrice: undefined,
        volume: new Big(0),
        quoteVolume: new Big(0),
        tradeCount: 0,
        updateId: 1,
        emptySides: new Set(),
      };
      this.markets.set(spec.symbol, market);
      this.refillBook(market);
      market.lastTradePrice = market.centre;
    }
  }

  now(): number {
    return this.clock() + this.clockOffsetMs;
  }

  /** the shape of cancel answers (config `cancelAnswer`; MEXC's is always thin) */
  get cancelAnswer(): 'thin' | 'full' {
    return this.config.cancelAnswer;
  }

  // ---- market data -------------------------------------------------------------------------

  symbols(): SymbolSpec[] {
    return [...this.markets.values()].map((market) => market.spec);
  }

  spec(symbol: string | undefined): SymbolSpec {
    return this.market(symbol).spec;
  }

  depth(
    symbol: string | undefined,
    limit: number,
  ): { bids: Array<[Big, Big]>; asks: Array<[Big, Big]>; updateId: number } {
    const market = this.market(symbol);
    return {
      bids: market.book.levels('BUY', limit),
      asks: market.book.levels('SELL', limit),
      updateId: market.updateId,
    };
  }

  ticker(symbol: string | undefined) {
    const market = this.market(symbol);
    const bid = market.book.levels('BUY', 1)[0];
    const ask = market.book.levels('SELL', 1)[0];
    const last = market.lastTradePrice ?? market.centre;
    return {
      symbol: market.spec.symbol,
      last,
      open: market.openPrice,
      high: market.high,
      low: market.low,
      bid,
      ask,
      volume: market.volume,
      quoteVolume: market.quoteVolume,
      count: market.tradeCount,
    };
  }

  depthCentre(symbol: string): Big {
    return this.market(symbol).centre;
  }

  /** Re-centres the synthetic book on `price`; resting orders the new book crosses fill as maker. */
  setPrice(symbol: string, price: Big, spreadBps?: number, emptySides?: readonly ('bid' | 'ask')[]): void {
    const market = this.market(symbol);
    market.centre = roundToTick(price, market.spec);
    if (spreadBps !== undefined) market.spreadBps = spreadBps;
    if (emptySides !== undefined) market.emptySides = new Set(emptySides);
    this.trackHighLow(market, market.centre);
    this.refillBook(market);
    market.lastTradePrice = market.centre;
  }

  /** Advances every symbol's price path by `steps` and rebuilds the synthetic books. */
  step(steps: number): void {
    for (const market of this.markets.values()) {
      for (let i = 0; i < steps; i++) {
        const path = market.spec.path;
        if (path.kind === 'csv') {
          market.pathIndex = Math.min(market.pathIndex + 1, path.prices.length - 1);
          market.centre = roundToTick(new Big(path.prices[market.pathIndex] ?? market.centre), market.spec);
        } else {
          const factor = Math.exp((path.volatilityBps / 10_000) * market.random.normal());
          market.centre = roundToTick(market.centre.times(factor.toFixed(12)), market.spec);
        }
        this.trackHighLow(market, market.centre);
      }
      this.refillBook(market);
      market.lastTradePrice = market.centre;
    }
  }

  // ---- account -----------------------------------------------------------------------------

  balanceList(): Array<[string, Balance]> {
    return [...this.balances.entries()].sort(([a], [b]) => a.localeCompare(b));
  }

  setFreeBalance(asset: string, free: Big): void {
    this.balance(asset).free = free;
  }

  allOrders(symbol?: string): SimOrder[] {
    return this.orders.filter((order) => symbol === undefined || order.symbol === symbol);
  }

  allTrades(symbol?: string): SimTrade[] {
    return this.trades.filter((trade) => symbol === undefined || trade.symbol === symbol);
  }

  openOrders(symbols?: string[]): SimOrder[] {
    return this.orders.filter((order) => isOpen(order) && (symbols === undefined || symbols.includes(order.symbol)));
  }

  findOrder(symbol: string | undefined, orderId?: string, origClientOrderId?: string): SimOrder | undefined {
    if (orderId === undefined && origClientOrderId === undefined) throw mexcErrors.orderIdRequired();
    const matches = this.orders.filter(
      (order) =>
        (symbol === undefined || order.symbol === symbol) &&
        (orderId === undefined || order.orderId === orderId) &&
        (origClientOrderId === undefined || order.clientOrderId === origClientOrderId),
    );
    // With duplicates accepted, the newest order answers for a client id.
    return matches[matches.length - 1];
  }

  cancel(symbol: string | undefined, orderId?: string, origClientOrderId?: string): SimOrder {
    this.market(symbol);
    const order = this.findOrder(symbol, orderId, origClientOrderId);
    if (!order || !isOpen(order)) throw mexcErrors.unknownOrder();
    this.closeRest(order);
    return order;
  }

  cancelAll(symbols: string[]): SimOrder[] {
    for (const symbol of symbols) this.market(symbol);
    const open = this.openOrders(symbols);
    for (const order of open) this.closeRest(order);
    return open;
  }

  // ---- orders ------------------------------------------------------------------------------

  /** Checks an order as POST /api/v3/order would, without touching state (order/test). */
  validate(params: NewOrderParams): void {
    this.prepare(params, false);
  }

  placeOrder(params: NewOrderParams, hiddenForMs?: number): SimOrder {
    const prepared = this.prepare(params, true);
    const order = this.execute(prepared);
    if (hiddenForMs !== undefined) order.visibleAt = this.now() + hiddenForMs;
    return order;
  }

  private prepare(params: NewOrderParams, checkFunds: boolean): Prepared {
    if (params.symbol === undefined || params.symbol === '') throw mexcErrors.paramRequired('symbol');
    const market = this.market(params.symbol);
    const spec = market.spec;
    // a key without spot trading is refused only here, at order time (issue #15 item 10)
    if (!this.key.canTrade || !this.key.permissions.includes('SPOT')) throw mexcErrors.noPermission();
    // per key: listed in defaultSymbols, still 10007 for a key that lacks it (mexc-api-sdk#112, JKorf/Mexc.Net#13)
    if (!spec.isSpotTradingAllowed || !spec.inDefaultSymbols || !this.selfSymbols.has(spec.symbol))
      throw mexcErrors.symbolNotSupportApi();
    if (spec.status !== '1' && spec.status !== 'ENABLED') throw mexcErrors.tradingDisabled();
    if (params.side === undefined) throw mexcErrors.paramRequired('side');
    if (params.side !== 'BUY' && params.side !== 'SELL') throw mexcErrors.paramError('side');
    const side: Side = params.side;
    if (params.type === undefined) throw mexcErrors.paramRequired('type');
    if (!orderTypes.includes(params.type)) throw mexcErrors.paramError('type');
    const type = params.type as OrderType;
    if (!spec.orderTypes.includes(type)) {
      throw type === 'MARKET' ? mexcErrors.marketOrderDisabled() : mexcErrors.orderTypeNotAllowed();
    }
    if (
      spec.tradeSideType === '4' ||
      (spec.tradeSideType === '2' && side === 'SELL') ||
      (spec.tradeSideType === '3' && side === 'BUY')
    ) {
      throw mexcErrors.directionNotAllowed();
    }
    const clientOrderId = params.newClientOrderId === undefined ? null : params.newClientOrderId;
    if (clientOrderId !== null) {
      if (!clientOrderIdPattern.test(clientOrderId)) throw mexcErrors.illegalCharacters('newClientOrderId');
      if (
        this.config.duplicateClientOrderId === 'reject' &&
        this.orders.some((o) => o.clientOrderId === clientOrderId)
      ) {
        throw mexcErrors.duplicateClientOrderId();
      }
    }

    const quantity = this.amount(params.quantity, 'quantity', spec.baseAssetPrecision, 'quantity');
    const price = type === 'MARKET' ? undefined : this.amount(params.price, 'price', spec.quoteAssetPrecision, 'price');
    const quoteOrderQty =
      type === 'MARKET' && quantity === undefined
        ? this.amount(params.quoteOrderQty, 'quoteOrderQty', spec.quoteAssetPrecision, 'amount')
        : undefined;

    if (type === 'MARKET') {
      if (quantity === undefined && quoteOrderQty === undefined) throw mexcErrors.paramRequired('quantity');
      if (quoteOrderQty !== undefined && !spec.quoteOrderQtyMarketAllowed) throw mexcErrors.orderTypeNotAllowed();
    } else {
      if (quantity === undefined) throw mexcErrors.paramRequired('quantity');
      if (price === undefined) throw mexcErrors.paramRequired('price');
    }
    if (quantity?.lt(spec.baseSizePrecision)) {
      throw mexcErrors.belowMinimum(spec.baseSizePrecision, spec.baseAsset);
    }

    const opposite = market.book.opposite(side);
    const bestOpposite = opposite[0]?.price;
    let notional: Big;
    if (price !== undefined && quantity !== undefined) notional = price.times(quantity);
    else if (quoteOrderQty !== undefined) notional = quoteOrderQty;
    else {
      if (bestOpposite === undefined) throw mexcErrors.noOpponentOrder();
      notional = bestOpposite.times(quantity ?? 0);
    }
    const [minNotional, maxNotional] =
      type === 'MARKET'
        ? [spec.quoteAmountPrecisionMarket, spec.maxQuoteAmountMarket]
        : [spec.quoteAmountPrecision, spec.maxQuoteAmount];
    if (notional.lt(minNotional)) throw mexcErrors.belowMinimum(minNotional, spec.quoteAsset);
    if (notional.gt(maxNotional)) throw mexcErrors.aboveMaximum(maxNotional, spec.quoteAsset);

    const prepared: Prepared = {
      market,
      side,
      type,
      clientOrderId,
      quantity,
      price,
      quoteOrderQty,
      fills: [],
      lock: new Big(0),
    };
    if (!checkFunds) return prepared;

    if (type === 'MARKET') {
      if (bestOpposite === undefined) throw mexcErrors.noOpponentOrder();
      prepared.fills = planFills(opposite, side, { quantity, quoteOrderQty, basePlaces: spec.baseAssetPrecision });
      const cost = sumQuote(prepared.fills);
      const baseNeeded = sumQty(prepared.fills);
      const need = side === 'BUY' ? (quoteOrderQty ?? cost) : (quantity ?? baseNeeded);
      const asset = side === 'BUY' ? spec.quoteAsset : spec.baseAsset;
      if (this.balance(asset).free.lt(need)) throw mexcErrors.insufficientPosition();
    } else {
      const lock = side === 'BUY' ? (price ?? new Big(0)).times(quantity ?? 0) : (quantity ?? new Big(0));
      const asset = side === 'BUY' ? spec.quoteAsset : spec.baseAsset;
      if (this.balance(asset).free.lt(lock)) throw mexcErrors.insufficientPosition();
      prepared.lock = lock;
      const crosses = bestOpposite !== undefined && price !== undefined && crossesPrice(side, price, bestOpposite);
      if (type === 'LIMIT_MAKER') prepared.fills = [];
      else if (crosses)
        prepared.fills = planFills(opposite, side, { quantity, limit: price, basePlaces: spec.baseAssetPrecision });
      prepared.wouldCross = crosses;
    }
    return prepared;
  }

  private execute(prepared: Prepared): SimOrder {
    const { market, side, type, quantity, price, quoteOrderQty } = prepared;
    const spec = market.spec;
    const now = this.now();
    const order: SimOrder = {
      symbol: spec.symbol,
      orderId: this.nextOrderId(),
      clientOrderId: prepared.clientOrderId,
      side,
      type,
      price,
      origQty: quantity,
      origQuoteOrderQty: quoteOrderQty ?? (price && quantity ? price.times(quantity) : undefined),
      executedQty: new Big(0),
      cummulativeQuoteQty: new Big(0),
      status: 'NEW',
      time: now,
      // null until a fill or the end of the order, as in ccxt's live openOrders capture of a NEW order
      updateTime: null,
      locked: prepared.lock,
    };
    this.orders.push(order);
    this.ordersById.set(order.orderId, order);
    if (prepared.lock.gt(0)) {
      const balance = this.balance(side === 'BUY' ? spec.quoteAsset : spec.baseAsset);
      balance.free = balance.free.minus(prepared.lock);
      balance.locked = balance.locked.plus(prepared.lock);
    }

    const fills = prepared.fills;
    const filledQty = sumQty(fills);
    if (type === 'LIMIT_MAKER' && prepared.wouldCross) {
      // A post-only order that would take is dropped by the matcher, not filled.
      this.closeRest(order);
      return order;
    }
    if (type === 'FILL_OR_KILL' && quantity !== undefined && filledQty.lt(quantity)) {
      this.closeRest(order);
      return order;
    }
    for (const fill of fills) this.fillTaker(market, order, fill);

    const remaining = quantity === undefined ? new Big(0) : quantity.minus(order.executedQty);
    if (type === 'LIMIT' || type === 'LIMIT_MAKER') {
      if (remaining.gt(0) && price !== undefined) {
        const entry: BookEntry = { price, remaining, seq: ++this.seq, orderId: order.orderId };
        order.entry = entry;
        market.book.insert(side, entry);
        market.updateId++;
      }
      order.status = remaining.gt(0) ? (order.executedQty.gt(0) ? 'PARTIALLY_FILLED' : 'NEW') : 'FILLED';
      if (order.status === 'FILLED') this.releaseLock(order);
      return order;
    }
    if (type === 'MARKET') {
      const complete =
        quantity !== undefined
          ? remaining.eq(0)
          : order.cummulativeQuoteQty.gte(quoteOrderQty ?? 0) ||
            nextStepTooSmall(market.book.opposite(side), side, order, quoteOrderQty, spec);
      order.status = complete ? 'FILLED' : order.executedQty.gt(0) ? 'PARTIALLY_CANCELED' : 'CANCELED';
      return order;
    }
    // IMMEDIATE_OR_CANCEL and a FILL_OR_KILL that filled in full.
    if (remaining.gt(0)) this.closeRest(order);
    else {
      order.status = 'FILLED';
      this.releaseLock(order);
    }
    return order;
  }

  /** The account's order takes `fill.qty` from a resting entry at the entry's price. */
  private fillTaker(market: MarketState, order: SimOrder, fill: PlannedFill): void {
    const makerOrder = fill.entry.orderId === undefined ? undefined : this.ordersById.get(fill.entry.orderId);
    const selfTrade = makerOrder !== undefined;
    this.settle(market, order, fill.price, fill.qty, false, selfTrade);
    fill.entry.remaining = fill.entry.remaining.minus(fill.qty);
    if (makerOrder) this.settleMaker(market, makerOrder, fill.price, fill.qty, true);
    if (fill.entry.remaining.lte(0)) market.book.remove(fill.entry);
    market.updateId++;
  }

  private settleMaker(market: MarketState, order: SimOrder, price: Big, qty: Big, selfTrade: boolean): void {
    this.settle(market, order, price, qty, true, selfTrade);
    const remaining = (order.origQty ?? new Big(0)).minus(order.executedQty);
    if (remaining.lte(0)) {
      order.status = 'FILLED';
      if (order.entry) market.book.remove(order.entry);
      order.entry = undefined;
      this.releaseLock(order);
    } else {
      order.status = 'PARTIALLY_FILLED';
    }
  }

  /** Moves balances for one fill of `order`; the fee is taken from what the account receives. */
  private settle(
    market: MarketState,
    order: SimOrder,
    price: Big,
    qty: Big,
    isMaker: boolean,
    selfTrade: boolean,
  ): void {
    const spec = market.spec;
    const quoteQty = price.times(qty);
    const rate = new Big(isMaker ? spec.makerCommission : spec.takerCommission);
    const base = this.balance(spec.baseAsset);
    const quote = this.balance(spec.quoteAsset);
    let commission: Big;
    let commissionAsset: string;
    if (order.side === 'BUY') {
      if (order.type === 'MARKET') quote.free = quote.free.minus(quoteQty);
      else {
        // The order reserved its limit price; a better fill returns the difference.
        const reserved = (order.price ?? price).times(qty);
        quote.locked = quote.locked.minus(reserved);
        order.locked = order.locked.minus(reserved);
        quote.free = quote.free.plus(reserved.minus(quoteQty));
      }
      commission = qty.times(rate);
      commissionAsset = spec.baseAsset;
      base.free = base.free.plus(qty).minus(commission);
    } else {
      if (order.type === 'MARKET') base.free = base.free.minus(qty);
      else {
        base.locked = base.locked.minus(qty);
        order.locked = order.locked.minus(qty);
      }
      commission = quoteQty.times(rate);
      commissionAsset = spec.quoteAsset;
      quote.free = quote.free.plus(quoteQty).minus(commission);
    }
    const now = this.now();
    order.executedQty = order.executedQty.plus(qty);
    order.cummulativeQuoteQty = order.cummulativeQuoteQty.plus(quoteQty);
    order.updateTime = now;
    this.trades.push({
      symbol: spec.symbol,
      id: this.nextTradeId(),
      orderId: order.orderId,
      clientOrderId: order.clientOrderId,
      side: order.side,
      price,
      qty,
      quoteQty,
      commission,
      commissionAsset,
      time: now,
      isMaker,
      isSelfTrade: selfTrade,
    });
    market.lastTradePrice = price;
    market.volume = market.volume.plus(qty);
    market.quoteVolume = market.quoteVolume.plus(quoteQty);
    market.tradeCount++;
    this.trackHighLow(market, price);
  }

  /** Ends an order's life without more fills: off the book, reservation back to free. */
  private closeRest(order: SimOrder): void {
    const market = this.market(order.symbol);
    if (order.entry) {
      market.book.remove(order.entry);
      market.updateId++;
      order.entry = undefined;
    }
    this.releaseLock(order);
    order.status = order.executedQty.gt(0) ? 'PARTIALLY_CANCELED' : 'CANCELED';
    order.updateTime = this.now();
  }

  private releaseLock(order: SimOrder): void {
    if (order.locked.lte(0)) return;
    const spec = this.market(order.symbol).spec;
    const balance = this.balance(order.side === 'BUY' ? spec.quoteAsset : spec.baseAsset);
    balance.locked = balance.locked.minus(order.locked);
    balance.free = balance.free.plus(order.locked);
    order.locked = new Big(0);
  }

  // ---- synthetic liquidity -----------------------------------------------------------------

  /**
   * Replaces the synthetic levels around the centre. Each new synthetic level first trades against
   * the account's resting orders it crosses (they fill as maker at their own price), the rest rests.
   */
  private refillBook(market: MarketState): void {
    const { spec, book } = market;
    book.removeSynthetic();
    const tick = new Big(1).div(new Big(10).pow(spec.quoteAssetPrecision));
    const half = market.centre.times(market.spreadBps).div(20_000);
    let bestBid = roundDown(market.centre.minus(half), spec.quoteAssetPrecision);
    let bestAsk = roundUp(market.centre.plus(half), spec.quoteAssetPrecision);
    if (bestAsk.lte(bestBid)) bestAsk = bestBid.plus(tick);
    if (bestBid.lte(0)) bestBid = tick;
    const step = maxBig(tick, roundDown(market.centre.times(spec.levelStepBps).div(10_000), spec.quoteAssetPrecision));
    const levelQty = new Big(spec.levelQty);
    for (let level = 0; level < spec.depthLevels; level++) {
      const askQty = roundDown(levelQty.times((0.5 + market.random.next()).toFixed(6)), spec.baseAssetPrecision);
      const bidQty = roundDown(levelQty.times((0.5 + market.random.next()).toFixed(6)), spec.baseAssetPrecision);
      if (!market.emptySides.has('ask')) this.addSynthetic(market, 'SELL', bestAsk.plus(step.times(level)), askQty);
      const bidPrice = bestBid.minus(step.times(level));
      if (bidPrice.gt(0) && !market.emptySides.has('bid')) this.addSynthetic(market, 'BUY', bidPrice, bidQty);
    }
    market.updateId++;
  }

  private addSynthetic(market: MarketState, side: Side, price: Big, qty: Big): void {
    let remaining = qty;
    const opposite = market.book.opposite(side);
    while (remaining.gt(0)) {
      const top = opposite[0];
      if (!top || !crossesPrice(side, price, top.price) || top.orderId === undefined) break;
      const order = this.ordersById.get(top.orderId);
      if (!order) break;
      const fillQty = minBig(remaining, top.remaining);
      top.remaining = top.remaining.minus(fillQty);
      if (top.remaining.lte(0)) market.book.remove(top);
      this.settleMaker(market, order, top.price, fillQty, false);
      remaining = remaining.minus(fillQty);
    }
    if (remaining.gt(0)) market.book.insert(side, { price, remaining, seq: ++this.seq });
  }

  // ---- helpers -----------------------------------------------------------------------------

  private market(symbol: string | undefined): MarketState {
    if (symbol === undefined || symbol === '') throw mexcErrors.paramRequired('symbol');
    const market = this.markets.get(symbol);
    if (!market) throw mexcErrors.invalidSymbol();
    return market;
  }

  private balance(asset: string): Balance {
    let balance = this.balances.get(asset);
    if (!balance) {
      balance = { free: new Big(0), locked: new Big(0) };
      this.balances.set(asset, balance);
    }
    return balance;
  }

  private amount(
    raw: string | undefined,
    name: string,
    places: number,
    scaleName: 'quantity' | 'price' | 'amount',
  ): Big | undefined {
    if (raw === undefined || raw === '') return undefined;
    if (!isDecimalText(raw)) throw mexcErrors.paramError(name);
    const value = new Big(raw);
    if (value.lte(0)) throw mexcErrors.paramError(name);
    if (decimalPlaces(raw) > places) throw mexcErrors.scaleInvalid(scaleName);
    return value;
  }

  private trackHighLow(market: MarketState, price: Big): void {
    if (price.gt(market.high)) market.high = price;
    if (price.lt(market.low)) market.low = price;
  }

  private nextOrderId(): string {
    this.orderCounter++;
    return `C02__${String(this.seed % 1_000_000).padStart(6, '0')}${String(this.orderCounter).padStart(15, '0')}`;
  }

  private nextTradeId(): string {
    this.tradeCounter++;
    return createHash('sha256').update(`${this.seed}:trade:${this.tradeCounter}`).digest('hex').slice(0, 32);
  }
}

interface Prepared {
  market: MarketState;
  side: Side;
  type: OrderType;
  clientOrderId: string | null;
  quantity: Big | undefined;
  price: Big | undefined;
  quoteOrderQty: Big | undefined;
  fills: PlannedFill[];
  lock: Big;
  wouldCross?: boolean;
}

export function isOpen(order: SimOrder): boolean {
  return order.status === 'NEW' || order.status === 'PARTIALLY_FILLED';
}

function crossesPrice(side: Side, price: Big, opposite: Big): boolean {
  return side === 'BUY' ? opposite.lte(price) : opposite.gte(price);
}

/** Walks the opposite side in priority order without changing it. */
function planFills(
  opposite: BookEntry[],
  side: Side,
  want: { quantity?: Big | undefined; quoteOrderQty?: Big | undefined; limit?: Big | undefined; basePlaces: number },
): PlannedFill[] {
  const fills: PlannedFill[] = [];
  let qtyLeft = want.quantity;
  let quoteLeft = want.quoteOrderQty;
  for (const entry of opposite) {
    if (want.limit !== undefined && !crossesPrice(side, want.limit, entry.price)) break;
    let qty = entry.remaining;
    if (qtyLeft !== undefined) qty = minBig(qty, qtyLeft);
    if (quoteLeft !== undefined) qty = minBig(qty, roundDown(quoteLeft.div(entry.price), want.basePlaces));
    if (qty.lte(0)) break;
    fills.push({ entry, qty, price: entry.price });
    if (qtyLeft !== undefined) qtyLeft = qtyLeft.minus(qty);
    if (quoteLeft !== undefined) quoteLeft = quoteLeft.minus(qty.times(entry.price));
    if (qtyLeft?.lte(0) || quoteLeft?.lte(0)) break;
  }
  return fills;
}

/** A quote-sized market order is complete when the leftover buys less than one quantity step. */
function nextStepTooSmall(
  opposite: BookEntry[],
  _side: Side,
  order: SimOrder,
  quoteOrderQty: Big | undefined,
  spec: SymbolSpec,
): boolean {
  const top = opposite[0];
  if (!top || quoteOrderQty === undefined) return false;
  const left = quoteOrderQty.minus(order.cummulativeQuoteQty);
  return roundDown(left.div(top.price), spec.baseAssetPrecision).lte(0);
}

function sumQty(fills: PlannedFill[]): Big {
  return fills.reduce((sum, fill) => sum.plus(fill.qty), new Big(0));
}

function sumQuote(fills: PlannedFill[]): Big {
  return fills.reduce((sum, fill) => sum.plus(fill.qty.times(fill.price)), new Big(0));
}

function roundToTick(price: Big, spec: SymbolSpec): Big {
  const rounded = price.round(spec.quoteAssetPrecision, Big.roundHalfUp);
  const tick = new Big(1).div(new Big(10).pow(spec.quoteAssetPrecision));
  return rounded.gt(0) ? rounded : tick;
}

function maxBig(a: Big, b: Big): Big {
  return a.gt(b) ? a : b;
}
