import type Big from 'big.js';
import type { SymbolSpec } from './config';
import type { SimOrder, SimTrade } from './exchange';

/**
 * MEXC field names and types (reference §5-§6): decimals as strings, ids as strings. Order and
 * trade times and orderListId are strings too, as in ccxt's live captures (shared/src/exchange/mexc/
 * fixtures/captured: "orderListId": "-1", "time": "1707671871000"); the docs' examples show numbers.
 */
const str = (value: Big | undefined): string => (value === undefined ? '0' : value.toFixed());
const LIST_ID = '-1';
const ms = (value: number): string => String(value);

export function symbolView(spec: SymbolSpec) {
  return {
    symbol: spec.symbol,
    status: spec.status,
    baseAsset: spec.baseAsset,
    baseAssetPrecision: spec.baseAssetPrecision,
    quoteAsset: spec.quoteAsset,
    quotePrecision: spec.quoteAssetPrecision,
    quoteAssetPrecision: spec.quoteAssetPrecision,
    baseCommissionPrecision: spec.baseAssetPrecision,
    quoteCommissionPrecision: spec.quoteAssetPrecision,
    orderTypes: spec.orderTypes,
    quoteOrderQtyMarketAllowed: spec.quoteOrderQtyMarketAllowed,
    isSpotTradingAllowed: spec.isSpotTradingAllowed,
    isMarginTradingAllowed: false,
    quoteAmountPrecision: spec.quoteAmountPrecision,
    baseSizePrecision: spec.baseSizePrecision,
    permissions: ['SPOT'],
    filters: [],
    maxQuoteAmount: spec.maxQuoteAmount,
    makerCommission: spec.makerCommission,
    takerCommission: spec.takerCommission,
    quoteAmountPrecisionMarket: spec.quoteAmountPrecisionMarket,
    maxQuoteAmountMarket: spec.maxQuoteAmountMarket,
    fullName: spec.baseAsset,
    tradeSideType: spec.tradeSideType,
  };
}

/** GET /api/v3/order, openOrders and allOrders share this object. */
export function orderView(order: SimOrder) {
  return {
    symbol: order.symbol,
    orderId: order.orderId,
    orderListId: LIST_ID,
    clientOrderId: order.clientOrderId,
    price: str(order.price),
    origQty: str(order.origQty),
    executedQty: str(order.executedQty),
    cummulativeQuoteQty: str(order.cummulativeQuoteQty),
    status: order.status,
    timeInForce: null,
    type: order.type,
    side: order.side,
    stopPrice: null,
    icebergQty: null,
    time: ms(order.time),
    updateTime: order.updateTime === null ? null : ms(order.updateTime),
    isWorking: true,
    origQuoteOrderQty: str(order.origQuoteOrderQty),
  };
}

/** POST /api/v3/order answers with the DOC's short acknowledgement, not the fills. */
export function newOrderView(order: SimOrder) {
  return {
    symbol: order.symbol,
    orderId: order.orderId,
    orderListId: LIST_ID,
    price: str(order.price),
    origQty: str(order.origQty),
    type: order.type,
    side: order.side,
    transactTime: ms(order.time),
  };
}

/**
 * DELETE /api/v3/order and DELETE /api/v3/openOrders. MEXC answers thinly, always: `{symbol,
 * orderId, price, origQty, type, side}`, no status and no executedQty (ccxt's live cancelOrder and
 * cancelAllOrders response comments; shared/src/exchange/mexc/fixtures/captured/order_delete.json).
 * `full` is the docs' example shape, kept for clients that want to see it.
 */
export function cancelView(order: SimOrder, shape: 'thin' | 'full' = 'thin') {
  const thin = {
    symbol: order.symbol,
    orderId: order.orderId,
    price: str(order.price),
    origQty: str(order.origQty),
    type: order.type,
    side: order.side,
  };
  if (shape === 'thin') return thin;
  return {
    ...thin,
    origClientOrderId: order.clientOrderId,
    orderListId: LIST_ID,
    clientOrderId: order.clientOrderId,
    executedQty: str(order.executedQty),
    cummulativeQuoteQty: str(order.cummulativeQuoteQty),
    status: order.status,
    timeInForce: null,
  };
}

export function tradeView(trade: SimTrade) {
  return {
    symbol: trade.symbol,
    id: trade.id,
    orderId: trade.orderId,
    orderListId: LIST_ID,
    price: trade.price.toFixed(),
    qty: trade.qty.toFixed(),
    quoteQty: trade.quoteQty.toFixed(),
    commission: trade.commission.toFixed(),
    commissionAsset: trade.commissionAsset,
    time: ms(trade.time),
    isBuyer: trade.side === 'BUY',
    isMaker: trade.isMaker,
    isBestMatch: true,
    isSelfTrade: trade.isSelfTrade,
    clientOrderId: trade.clientOrderId,
  };
}

/** The admin API's fill record: everything a test needs to check balances by hand. */
export function adminTradeView(trade: SimTrade) {
  return { ...tradeView(trade), side: trade.side };
}
