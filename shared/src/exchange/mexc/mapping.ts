import Big from 'big.js';
import type * as v from 'valibot';
import type {
  AccountInfo,
  Balance,
  BookSide,
  BookTop,
  Depth,
  OrderSide,
  OrderState,
  OrderStatus,
  OrderType,
  SymbolRules,
  Trade,
} from '../../domain/market';
import { ExchangeResponseError } from './errors';
import type { accountSchema, bookTickerSchema, depthSchema, OrderBody, SymbolInfo, tradeSchema } from './schemas';

/** MEXC bodies (already schema-checked) → domain types. Pure. */

const ORDER_TYPES: readonly OrderType[] = ['LIMIT', 'MARKET', 'LIMIT_MAKER', 'IMMEDIATE_OR_CANCEL', 'FILL_OR_KILL'];
const ORDER_STATUSES: readonly OrderStatus[] = ['NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'PARTIALLY_CANCELED'];

function tenToMinus(decimals: number): Big {
  return new Big(1).div(new Big(10).pow(decimals));
}

/**
 * exchangeInfo symbol → rules. Field meanings from ref §5 (not from their names): price decimals
 * are `quoteAssetPrecision` (falling back to `quotePrecision`), quantity decimals are
 * `baseAssetPrecision`, `baseSizePrecision` is the minimum quantity, `quoteAmountPrecision` the
 * minimum notional (the larger market minimum is used when it is higher, so a rule check passes
 * for every order type), `maxQuoteAmount` the maximum notional.
 */
export function toSymbolRules(info: SymbolInfo): SymbolRules {
  const priceDecimals = info.quoteAssetPrecision ?? info.quotePrecision;
  if (priceDecimals === undefined) {
    throw new ExchangeResponseError({
      endpoint: 'GET /api/v3/exchangeInfo',
      field: `symbols.${info.symbol}.quoteAssetPrecision`,
      problem: 'neither quoteAssetPrecision nor quotePrecision is present',
    });
  }
  const minNotionalLimit = new Big(info.quoteAmountPrecision);
  const minNotionalMarket =
    info.quoteAmountPrecisionMarket !== undefined ? new Big(info.quoteAmountPrecisionMarket) : minNotionalLimit;
  const online = info.status === '1' || info.status === 'ENABLED';
  const bothSides = info.tradeSideType === undefined || info.tradeSideType === '1';
  return {
    symbol: info.symbol,
    baseAsset: info.baseAsset,
    quoteAsset: info.quoteAsset,
    tradable: online && info.isSpotTradingAllowed !== false && bothSides,
    tickSize: tenToMinus(priceDecimals),
    stepSize: tenToMinus(info.baseAssetPrecision),
    minQuantity: new Big(info.baseSizePrecision ?? '0'),
    maxQuantity: null,
    minNotional: minNotionalMarket.gt(minNotionalLimit) ? minNotionalMarket : minNotionalLimit,
    maxNotional: info.maxQuoteAmount ? new Big(info.maxQuoteAmount) : null,
    orderTypes: info.orderTypes.filter((t): t is OrderType => (ORDER_TYPES as readonly string[]).includes(t)),
    makerCommission: new Big(info.makerCommission),
    takerCommission: new Big(info.takerCommission),
  };
}

export function toBalances(body: v.InferOutput<typeof accountSchema>): Balance[] {
  return body.balances.map((b) => ({ asset: b.asset, free: new Big(b.free), locked: new Big(b.locked) }));
}

/** The whole account answer: balances plus what it says about the key (null where it is silent). */
export function toAccount(body: v.InferOutput<typeof accountSchema>): AccountInfo {
  return {
    balances: toBalances(body),
    canTrade: body.canTrade ?? null,
    canWithdraw: body.canWithdraw ?? null,
    canDeposit: body.canDeposit ?? null,
    permissions: body.permissions ?? null,
    accountType: body.accountType ?? null,
  };
}

const ZERO = new Big(0);

/** One side, or null when MEXC says it is empty: `""`/null price or quantity, or nothing above 0. */
function bookSide(price: string | null, quantity: string | null): { price: Big; quantity: Big } | null {
  if (price === null || price === '' || quantity === null || quantity === '') return null;
  const p = new Big(price);
  const q = new Big(quantity);
  return p.gt(0) && q.gt(0) ? { price: p, quantity: q } : null;
}

/**
 * bookTicker → BookTop. An empty side (MEXC docs, 24hr ticker example: `"bidQty":""`) becomes
 * price 0, quantity 0 and an entry in `emptySides`, never an exception: a thin book is a market
 * state the plan skips on (guard emptyBook), not a failed run. A quantity of `""` empties the side
 * even when a price is given, since nothing can be traded at that price.
 */
export function toBookTop(body: v.InferOutput<typeof bookTickerSchema>): BookTop {
  const bid = bookSide(body.bidPrice, body.bidQty);
  const ask = bookSide(body.askPrice, body.askQty);
  const emptySides: BookSide[] = [...(bid ? [] : ['bid' as const]), ...(ask ? [] : ['ask' as const])];
  return {
    symbol: body.symbol,
    bidPrice: bid?.price ?? ZERO,
    bidQuantity: bid?.quantity ?? ZERO,
    askPrice: ask?.price ?? ZERO,
    askQuantity: ask?.quantity ?? ZERO,
    ...(emptySides.length > 0 ? { emptySides } : {}),
  };
}

export function toDepth(symbol: string, body: v.InferOutput<typeof depthSchema>): Depth {
  const levels = (rows: (readonly [string, string])[]) =>
    rows.map(([price, quantity]) => ({ price: new Big(price), quantity: new Big(quantity) }));
  return { symbol, bids: levels(body.bids), asks: levels(body.asks) };
}

function side(value: string, endpoint: string, field: string): OrderSide {
  if (value === 'BUY' || value === 'SELL') return value;
  throw new ExchangeResponseError({ endpoint, field, problem: `unknown side ${JSON.stringify(value)}` });
}

function orderType(value: string, endpoint: string): OrderType {
  if ((ORDER_TYPES as readonly string[]).includes(value)) return value as OrderType;
  throw new ExchangeResponseError({ endpoint, field: 'type', problem: `unknown order type ${JSON.stringify(value)}` });
}

/**
 * Statuses outside MEXC's documented five (ref §7: hummingbot also saw PENDING, PENDING_CANCEL,
 * REJECTED, EXPIRED) are folded into the nearest documented one by whether anything was filled.
 */
export function orderStatus(value: string, executed: Big, endpoint: string): OrderStatus {
  if ((ORDER_STATUSES as readonly string[]).includes(value)) return value as OrderStatus;
  const filled = executed.gt(0);
  if (value === 'PENDING' || value === 'PENDING_CANCEL') return filled ? 'PARTIALLY_FILLED' : 'NEW';
  if (value === 'REJECTED' || value === 'EXPIRED') return filled ? 'PARTIALLY_CANCELED' : 'CANCELED';
  throw new ExchangeResponseError({ endpoint, field: 'status', problem: `unknown status ${JSON.stringify(value)}` });
}

export function toOrderState(body: OrderBody, endpoint: string): OrderState {
  const executedQuantity = new Big(body.executedQty);
  return {
    symbol: body.symbol,
    orderId: body.orderId,
    // MEXC sends null or "" when no client id was given (ref §1)
    clientOrderId: body.clientOrderId ? body.clientOrderId : null,
    side: side(body.side, endpoint, 'side'),
    type: orderType(body.type, endpoint),
    status: orderStatus(body.status, executedQuantity, endpoint),
    price: new Big(body.price),
    quantity: new Big(body.origQty),
    executedQuantity,
    executedQuote: new Big(body.cummulativeQuoteQty),
    time: body.time ?? body.updateTime ?? 0,
    updateTime: body.updateTime ?? null,
  };
}

export function toTrade(body: v.InferOutput<typeof tradeSchema>): Trade {
  return {
    symbol: body.symbol,
    tradeId: body.id,
    orderId: body.orderId,
    side: body.isBuyer ? 'BUY' : 'SELL',
    price: new Big(body.price),
    quantity: new Big(body.qty),
    quoteQuantity: new Big(body.quoteQty),
    commission: new Big(body.commission),
    commissionAsset: body.commissionAsset ?? '',
    isMaker: body.isMaker,
    time: body.time,
  };
}
