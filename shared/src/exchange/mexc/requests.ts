import type Big from 'big.js';
import type { NewOrder, OrderRef } from '../../ports/exchange';
import { InvalidOrderError } from './errors';
import type { Param } from './signing';
import type { Call } from './transport';

/**
 * Request building, one pure function per endpoint (paths and parameters from ref §5–§6). Every
 * parameter goes in the query string, the body stays empty (ref §2.3).
 */

/** DESIGN §8 / ref §6: the charset MEXC is known to accept for newClientOrderId. */
export const CLIENT_ORDER_ID = /^[A-Za-z0-9_-]{1,32}$/;

const ORDER_ENDPOINT = 'POST /api/v3/order';

function rejectLocally(problem: string): never {
  throw new InvalidOrderError({ endpoint: ORDER_ENDPOINT, mexcMessage: `checked before sending: ${problem}` });
}

/** Plain decimal text (big.js would write 1e-7 for tiny values; MEXC wants 0.0000001). */
function decimalParam(name: string, value: Big): string {
  if (value.lte(0)) rejectLocally(`${name} must be above 0, got ${value.toFixed()}`);
  return value.toFixed();
}

export function newOrderCall(order: NewOrder): Call {
  if (!CLIENT_ORDER_ID.test(order.clientOrderId))
    rejectLocally(`clientOrderId must match ${CLIENT_ORDER_ID.source}, got ${JSON.stringify(order.clientOrderId)}`);
  const params: Param[] = [
    ['symbol', order.symbol],
    ['side', order.side],
    ['type', order.type],
  ];
  if (order.type === 'MARKET') {
    // MARKET takes exactly one of quantity (base) or quoteOrderQty (quote), never a price (ref §6)
    if ((order.quantity === undefined) === (order.quoteQuantity === undefined))
      rejectLocally('a MARKET order needs exactly one of quantity or quoteQuantity');
    if (order.quantity !== undefined) params.push(['quantity', decimalParam('quantity', order.quantity)]);
    if (order.quoteQuantity !== undefined)
      params.push(['quoteOrderQty', decimalParam('quoteQuantity', order.quoteQuantity)]);
  } else {
    // LIMIT, LIMIT_MAKER, IMMEDIATE_OR_CANCEL, FILL_OR_KILL: quantity + price (ref §6)
    if (order.quantity === undefined || order.price === undefined)
      rejectLocally(`a ${order.type} order needs quantity and price`);
    if (order.quoteQuantity !== undefined) rejectLocally(`quoteQuantity is only for MARKET orders`);
    params.push(['quantity', decimalParam('quantity', order.quantity)]);
    params.push(['price', decimalParam('price', order.price)]);
  }
  params.push(['newClientOrderId', order.clientOrderId]);
  return {
    method: 'POST',
    path: '/api/v3/order',
    params,
    signed: true,
    kind: 'order',
    order: { symbol: order.symbol, clientOrderId: order.clientOrderId },
    ...(order.sendBy ? { sendBy: order.sendBy.getTime() } : {}),
  };
}

function refParams(ref: OrderRef): Param[] {
  return 'orderId' in ref
    ? [
        ['symbol', ref.symbol],
        ['orderId', ref.orderId],
      ]
    : [
        ['symbol', ref.symbol],
        ['origClientOrderId', ref.clientOrderId],
      ];
}

export function cancelOrderCall(ref: OrderRef): Call {
  return { method: 'DELETE', path: '/api/v3/order', params: refParams(ref), signed: true, kind: 'cancel' };
}

export function queryOrderCall(ref: OrderRef): Call {
  return { method: 'GET', path: '/api/v3/order', params: refParams(ref), signed: true, kind: 'read' };
}

export function openOrdersCall(symbol: string): Call {
  return { method: 'GET', path: '/api/v3/openOrders', params: [['symbol', symbol]], signed: true, kind: 'read' };
}

export function myTradesCall(
  symbol: string,
  options: { orderId?: string; startTime?: number; endTime?: number; limit?: number } = {},
): Call {
  const params: Param[] = [['symbol', symbol]];
  if (options.orderId !== undefined) params.push(['orderId', options.orderId]);
  if (options.startTime !== undefined) params.push(['startTime', String(options.startTime)]);
  if (options.endTime !== undefined) params.push(['endTime', String(options.endTime)]);
  if (options.limit !== undefined) params.push(['limit', String(options.limit)]);
  return { method: 'GET', path: '/api/v3/myTrades', params, signed: true, kind: 'read' };
}

export const accountCall: Call = { method: 'GET', path: '/api/v3/account', params: [], signed: true, kind: 'read' };

export function bookTickerCall(symbol: string): Call {
  return {
    method: 'GET',
    path: '/api/v3/ticker/bookTicker',
    params: [['symbol', symbol]],
    signed: false,
    kind: 'read',
  };
}

export function depthCall(symbol: string, limit: number): Call {
  return {
    method: 'GET',
    path: '/api/v3/depth',
    params: [
      ['symbol', symbol],
      ['limit', String(limit)],
    ],
    signed: false,
    kind: 'read',
  };
}

export function tickerPriceCall(symbol: string): Call {
  return { method: 'GET', path: '/api/v3/ticker/price', params: [['symbol', symbol]], signed: false, kind: 'read' };
}

/** One symbol: `symbol=`; several: `symbols=A,B` (ref §5). */
export function exchangeInfoCall(symbols: readonly string[]): Call {
  const params: Param[] = symbols.length === 1 ? [['symbol', symbols[0] ?? '']] : [['symbols', symbols.join(',')]];
  return { method: 'GET', path: '/api/v3/exchangeInfo', params, signed: false, kind: 'read' };
}

/** Signed: the symbols this key may trade over the API (docs "User API default symbol", weight 1). */
export const selfSymbolsCall: Call = {
  method: 'GET',
  path: '/api/v3/selfSymbols',
  params: [],
  signed: true,
  kind: 'read',
};

/** Public: the symbols open to API trading at all; a key may be limited to fewer (selfSymbols). */
export const defaultSymbolsCall: Call = {
  method: 'GET',
  path: '/api/v3/defaultSymbols',
  params: [],
  signed: false,
  kind: 'read',
};
