import type { SimExchange } from './exchange';
import { mexcErrors } from './mexc-errors';
import { cancelView, newOrderView, orderView, symbolView, tradeView } from './views';

export type Params = Map<string, string>;

/** What a fault asks of the request it hit, beyond answering differently. */
export interface RouteContext {
  /** POST /api/v3/order: GET /api/v3/order answers -2013 for the new order during this many ms */
  hideNewOrderMs?: number;
}

export interface Route {
  signed: boolean;
  handle(params: Params, exchange: SimExchange, context: RouteContext): unknown;
}

const day = 24 * 60 * 60 * 1000;

/** MEXC Spot v3 paths (reference §5-§6) plus the two extra ones ccxt's loadMarkets reads. */
export const exchangeRoutes: Record<string, Route> = {
  'GET /api/v3/ping': { signed: false, handle: () => ({}) },
  'GET /api/v3/time': { signed: false, handle: (_p, ex) => ({ serverTime: ex.now() }) },
  'GET /api/v3/exchangeInfo': {
    signed: false,
    handle: (params, ex) => {
      const wanted = symbolList(params.get('symbol') ?? params.get('symbols'));
      const specs = wanted === undefined ? ex.symbols() : wanted.map((symbol) => ex.spec(symbol));
      return {
        timezone: 'CST',
        serverTime: ex.now(),
        rateLimits: [],
        exchangeFilters: [],
        symbols: specs.map(symbolView),
      };
    },
  },
  'GET /api/v3/defaultSymbols': {
    signed: false,
    handle: (_p, ex) => ({
      code: 200,
      data: ex
        .symbols()
        .filter((spec) => spec.inDefaultSymbols)
        .map((spec) => spec.symbol),
      msg: null,
    }),
  },
  // MEXC docs "User API default symbol" (signed, SPOT_ACCOUNT_R, weight 1): the symbols this key may trade
  'GET /api/v3/selfSymbols': {
    signed: true,
    handle: (_p, ex) => ({ code: 200, data: [...ex.selfSymbols], msg: null }),
  },
  'GET /api/v3/ticker/price': {
    signed: false,
    handle: (params, ex) => eachSymbol(params, ex, (symbol) => ({ symbol, price: ex.ticker(symbol).last.toFixed() })),
  },
  'GET /api/v3/ticker/bookTicker': {
    signed: false,
    handle: (params, ex) =>
      eachSymbol(params, ex, (symbol) => {
        const t = ex.ticker(symbol);
        return {
          symbol,
          bidPrice: t.bid?.[0].toFixed() ?? '',
          bidQty: t.bid?.[1].toFixed() ?? '',
          askPrice: t.ask?.[0].toFixed() ?? '',
          askQty: t.ask?.[1].toFixed() ?? '',
        };
      }),
  },
  'GET /api/v3/ticker/24hr': {
    signed: false,
    handle: (params, ex) =>
      eachSymbol(params, ex, (symbol) => {
        const t = ex.ticker(symbol);
        const change = t.last.minus(t.open);
        const now = ex.now();
        return {
          symbol,
          priceChange: change.toFixed(),
          // A fraction, as MEXC sends it (0.0173 = 1.73 %).
          priceChangePercent: change.div(t.open).round(4).toFixed(),
          prevClosePrice: t.open.toFixed(),
          lastPrice: t.last.toFixed(),
          bidPrice: t.bid?.[0].toFixed() ?? '',
          bidQty: t.bid?.[1].toFixed() ?? '',
          askPrice: t.ask?.[0].toFixed() ?? '',
          askQty: t.ask?.[1].toFixed() ?? '',
          openPrice: t.open.toFixed(),
          highPrice: t.high.toFixed(),
          lowPrice: t.low.toFixed(),
          volume: t.volume.toFixed(),
          quoteVolume: t.quoteVolume.toFixed(),
          openTime: now - day,
          closeTime: now,
          count: t.count,
        };
      }),
  },
  'GET /api/v3/depth': {
    signed: false,
    handle: (params, ex) => {
      const limit = intParam(params, 'limit', 100, 1, 5000);
      const depth = ex.depth(params.get('symbol'), limit);
      return {
        lastUpdateId: depth.updateId,
        bids: depth.bids.map(([price, qty]) => [price.toFixed(), qty.toFixed()]),
        asks: depth.asks.map(([price, qty]) => [price.toFixed(), qty.toFixed()]),
        timestamp: ex.now(),
      };
    },
  },
  // ccxt's loadMarkets also lists futures contracts; the simulator has none.
  'GET /api/v1/contract/detail': { signed: false, handle: () => ({ success: true, code: 0, data: [] }) },
  // ccxt's fetchCurrencies (called by loadMarkets when keys are set).
  'GET /api/v3/capital/config/getall': {
    signed: true,
    handle: (_p, ex) => {
      const assets = new Set(ex.symbols().flatMap((spec) => [spec.baseAsset, spec.quoteAsset]));
      return [...assets].sort().map((coin) => ({ coin, name: coin, networkList: [] }));
    },
  },
  'GET /api/v3/account': {
    signed: true,
    handle: (_p, ex) => ({
      makerCommission: null,
      takerCommission: null,
      buyerCommission: null,
      sellerCommission: null,
      canTrade: ex.key.canTrade,
      canWithdraw: ex.key.canWithdraw,
      canDeposit: ex.key.canDeposit,
      updateTime: null,
      accountType: 'SPOT',
      // Zero balances are left out, as DESIGN §8 says MEXC may do.
      balances: ex
        .balanceList()
        .filter(([, b]) => b.free.plus(b.locked).gt(0))
        .map(([asset, b]) => ({ asset, free: b.free.toFixed(), locked: b.locked.toFixed() })),
      permissions: [...ex.key.permissions],
    }),
  },
  'POST /api/v3/order': {
    signed: true,
    handle: (params, ex, context) => newOrderView(ex.placeOrder(orderParams(params), context.hideNewOrderMs)),
  },
  'POST /api/v3/order/test': {
    signed: true,
    handle: (params, ex) => {
      ex.validate(orderParams(params));
      return {};
    },
  },
  'GET /api/v3/order': {
    signed: true,
    handle: (params, ex) => {
      if (params.get('symbol') !== undefined) ex.spec(params.get('symbol'));
      const order = ex.findOrder(params.get('symbol'), params.get('orderId'), params.get('origClientOrderId'));
      // visibility lag (fault): ccxt#21614 sees -2013 "quite often" right after a successful create
      if (!order || (order.visibleAt !== undefined && ex.now() < order.visibleAt)) throw mexcErrors.orderDoesNotExist();
      return orderView(order);
    },
  },
  'DELETE /api/v3/order': {
    signed: true,
    handle: (params, ex) =>
      cancelView(
        ex.cancel(params.get('symbol'), params.get('orderId'), params.get('origClientOrderId')),
        ex.cancelAnswer,
      ),
  },
  'GET /api/v3/openOrders': {
    signed: true,
    handle: (params, ex) => {
      const symbols = symbolList(params.get('symbol'));
      for (const symbol of symbols ?? []) ex.spec(symbol);
      return ex.openOrders(symbols).map(orderView);
    },
  },
  'DELETE /api/v3/openOrders': {
    signed: true,
    handle: (params, ex) => {
      const symbols = symbolList(params.get('symbol'));
      if (symbols === undefined) throw mexcErrors.paramRequired('symbol');
      return ex.cancelAll(symbols).map((order) => cancelView(order, ex.cancelAnswer));
    },
  },
  'GET /api/v3/allOrders': {
    signed: true,
    handle: (params, ex) => {
      const symbol = params.get('symbol');
      ex.spec(symbol);
      const limit = intParam(params, 'limit', 500, 1, 1000);
      const [from, to] = window(params, ex.now());
      return ex
        .allOrders(symbol)
        .filter((order) => order.time >= from && order.time <= to)
        .slice(-limit)
        .map(orderView);
    },
  },
  'GET /api/v3/myTrades': {
    signed: true,
    handle: (params, ex) => {
      const symbol = params.get('symbol');
      ex.spec(symbol);
      const orderId = params.get('orderId');
      const limit = intParam(params, 'limit', 100, 1, 100);
      const [from, to] = window(params, ex.now());
      return ex
        .allTrades(symbol)
        .filter(
          (trade) => (orderId === undefined || trade.orderId === orderId) && trade.time >= from && trade.time <= to,
        )
        .slice(-limit)
        .map(tradeView);
    },
  },
};

function orderParams(params: Params) {
  return {
    symbol: params.get('symbol'),
    side: params.get('side'),
    type: params.get('type'),
    quantity: params.get('quantity'),
    quoteOrderQty: params.get('quoteOrderQty'),
    price: params.get('price'),
    newClientOrderId: params.get('newClientOrderId'),
  };
}

/** `symbol` / `symbols` may list several, comma separated (and arrive percent-encoded). */
function symbolList(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const cleaned = raw.replace(/^\[|\]$/g, '').replace(/"/g, '');
  return cleaned
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function eachSymbol<T>(params: Params, ex: SimExchange, view: (symbol: string) => T): T | T[] {
  const symbol = params.get('symbol');
  if (symbol !== undefined) {
    ex.spec(symbol);
    return view(symbol);
  }
  return ex.symbols().map((spec) => view(spec.symbol));
}

function intParam(params: Params, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw mexcErrors.paramError(name);
  return Math.min(Math.max(Number(raw), min), max);
}

/** Default window is the last 24 h; MEXC keeps at most 7 days of orders. */
function window(params: Params, now: number): [number, number] {
  const start = params.get('startTime');
  const end = params.get('endTime');
  for (const [name, raw] of [
    ['startTime', start],
    ['endTime', end],
  ] as const) {
    if (raw !== undefined && !/^\d+$/.test(raw)) throw mexcErrors.paramError(name);
  }
  const to = end === undefined ? now + 1000 : Number(end);
  const from = start === undefined ? to - day - 1000 : Number(start);
  return [from, to];
}
