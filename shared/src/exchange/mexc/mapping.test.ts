import Big from 'big.js';
import * as v from 'valibot';
import { ExchangeResponseError } from './errors';
import vectors from './fixtures/mexc-vectors.json';
import table from './fixtures/response-mapping.json';
import { toBalances, toBookTop, toDepth, toOrderState, toSymbolRules, toTrade } from './mapping';
import {
  accountSchema,
  bookTickerSchema,
  cancelSchema,
  depthSchema,
  exchangeInfoSchema,
  newOrderSchema,
  orderSchema,
  parseResponse,
  tickerPriceSchema,
  tradeSchema,
} from './schemas';

interface Row {
  description: string;
  vector?: string;
  body?: unknown;
  wrapInSymbols?: boolean;
  kind: string;
  expected?: unknown;
  error?: { field: string; endpoint: string };
}

const mappers: Record<string, (body: unknown) => unknown> = {
  exchangeInfo: (b) => parseResponse(exchangeInfoSchema, b, 'GET /api/v3/exchangeInfo').symbols.map(toSymbolRules),
  account: (b) => toBalances(parseResponse(accountSchema, b, 'GET /api/v3/account')),
  bookTicker: (b) => toBookTop(parseResponse(bookTickerSchema, b, 'GET /api/v3/ticker/bookTicker')),
  depth: (b) => toDepth('X', parseResponse(depthSchema, b, 'GET /api/v3/depth')),
  tickerPrice: (b) => parseResponse(tickerPriceSchema, b, 'GET /api/v3/ticker/price'),
  order: (b) => toOrderState(parseResponse(orderSchema, b, 'GET /api/v3/order'), 'GET /api/v3/order'),
  orders: (b) =>
    parseResponse(v.array(orderSchema), b, 'GET /api/v3/openOrders').map((o) =>
      toOrderState(o, 'GET /api/v3/openOrders'),
    ),
  trades: (b) => parseResponse(v.array(tradeSchema), b, 'GET /api/v3/myTrades').map(toTrade),
  newOrder: (b) => parseResponse(newOrderSchema, b, 'POST /api/v3/order'),
  cancel: (b) => parseResponse(cancelSchema, b, 'DELETE /api/v3/order'),
};

/** Big → string everywhere, so rows compare as plain JSON. */
function plain(value: unknown): unknown {
  if (value instanceof Big) return value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, plain(x)]));
  return value;
}

function bodyOf(row: Row): unknown {
  if (row.body !== undefined) return row.body;
  const responses = vectors.responses as Record<string, { body: unknown }>;
  const found = row.vector ? responses[row.vector] : undefined;
  if (!found) throw new Error(`no response vector ${row.vector}`);
  return row.wrapInSymbols ? { symbols: [found.body] } : found.body;
}

describe('response validation and mapping', () => {
  it.each((table.rows as Row[]).map((r) => [r.description, r] as const))('%s', (_d, row) => {
    const map = mappers[row.kind];
    if (!map) throw new Error(`no mapper ${row.kind}`);
    const body = bodyOf(row);
    if (row.error) {
      let thrown: unknown;
      try {
        map(body);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ExchangeResponseError);
      const e = thrown as ExchangeResponseError;
      expect(e.field).toBe(row.error.field);
      expect(e.endpoint).toBe(row.error.endpoint);
      expect(e.message).toContain(row.error.field);
      expect(e.message).toContain(row.error.endpoint);
      return;
    }
    const result = plain(map(body));
    if (row.kind === 'newOrder' || row.kind === 'cancel') expect(result).toMatchObject(row.expected as object);
    else expect(result).toEqual(row.expected);
  });
});

describe('an empty book side', () => {
  const ticker = (over: Record<string, unknown>) =>
    toBookTop(
      parseResponse(
        bookTickerSchema,
        { symbol: 'QRLUSDT', bidPrice: '0.5', bidQty: '100', askPrice: '0.51', askQty: '200', ...over },
        'GET /api/v3/ticker/bookTicker',
      ),
    );

  // MEXC docs, 24hr ticker example: "bidQty":"","askQty":"" (reference §1, §5)
  it('"" quantity → that side empty: price and quantity 0, named in emptySides', () => {
    const top = ticker({ askQty: '' });
    expect(plain(top)).toEqual({
      symbol: 'QRLUSDT',
      bidPrice: '0.5',
      bidQuantity: '100',
      askPrice: '0',
      askQuantity: '0',
      emptySides: ['ask'],
    });
  });

  it('"" or null price, and a zero quantity, empty a side too; both sides can be empty', () => {
    expect(ticker({ bidPrice: '', bidQty: '' }).emptySides).toEqual(['bid']);
    expect(ticker({ bidPrice: null, bidQty: null, askPrice: null, askQty: null }).emptySides).toEqual(['bid', 'ask']);
    expect(ticker({ bidQty: '0' }).emptySides).toEqual(['bid']);
  });

  it('a quoted book has no emptySides key at all', () => {
    expect('emptySides' in ticker({})).toBe(false);
  });

  it('still refuses what is neither a decimal nor empty', () => {
    expect(() => ticker({ askQty: 'n/a' })).toThrow(ExchangeResponseError);
  });
});
