import * as v from 'valibot';
import { ExchangeResponseError } from './errors';

/**
 * Response schemas, written from ../shared/reference/mexc-spot-v3.md. Tolerant where MEXC is
 * inconsistent (ref §1): integers arrive as numbers or strings, ids are opaque strings (a number
 * is accepted and turned into a string), decimals stay strings for big.js. Unknown keys are ignored.
 */

const decimalPattern = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A decimal kept as text; a JSON number is accepted and written back with its shortest exact form. */
export const decimal = v.pipe(
  v.union([v.string(), v.pipe(v.number(), v.finite(), v.transform(String))], 'must be a decimal string'),
  v.regex(decimalPattern, 'must be a decimal string'),
);

/** ms timestamps, precisions, list ids: a number or a string of digits (ref §1). */
export const integer = v.union(
  [v.pipe(v.number(), v.integer()), v.pipe(v.string(), v.regex(/^-?\d+$/), v.transform(Number), v.safeInteger())],
  'must be an integer (number or digit string)',
);

/** Order and trade ids: opaque strings, never numbers (19+ digits lose precision; ref §1, §9.10). */
export const opaqueId = v.union(
  [v.pipe(v.string(), v.minLength(1)), v.pipe(v.number(), v.integer(), v.transform(String))],
  'must be an id string',
);

const text = v.string();

export const serverTimeSchema = v.object({ serverTime: integer });

export const symbolInfoSchema = v.object({
  symbol: text,
  // "1" in live data, "ENABLED" in the docs (ref §5)
  status: v.union([text, v.pipe(v.number(), v.transform(String))]),
  baseAsset: text,
  quoteAsset: text,
  baseAssetPrecision: integer,
  quotePrecision: v.optional(integer),
  quoteAssetPrecision: v.optional(integer),
  orderTypes: v.array(text),
  isSpotTradingAllowed: v.optional(v.boolean()),
  baseSizePrecision: v.optional(decimal),
  quoteAmountPrecision: decimal,
  quoteAmountPrecisionMarket: v.optional(decimal),
  maxQuoteAmount: v.optional(v.nullable(decimal)),
  maxQuoteAmountMarket: v.optional(v.nullable(decimal)),
  makerCommission: decimal,
  takerCommission: decimal,
  tradeSideType: v.optional(v.union([text, v.pipe(v.number(), v.transform(String))])),
});
export type SymbolInfo = v.InferOutput<typeof symbolInfoSchema>;

export const exchangeInfoSchema = v.object({ symbols: v.array(symbolInfoSchema) });

/**
 * defaultSymbols and selfSymbols: `{"code":200,"data":[...],"msg":null}` (ref §4; MEXC docs "API
 * default symbol" and "User API default symbol" show the same envelope); a bare array is accepted too.
 */
export const defaultSymbolsSchema = v.union([
  v.pipe(
    v.object({ data: v.array(text) }),
    v.transform((o) => o.data),
  ),
  v.array(text),
]);

/**
 * A book side's price or quantity: `""` (or null) when the side is empty. MEXC docs, 24hr ticker
 * example: `"bidQty":"","askQty":""`; reference §1 lists bidQty/askQty "" among the nullable fields.
 */
const bookField = v.union([decimal, v.literal(''), v.null()], 'must be a decimal string or "" for an empty side');

export const bookTickerSchema = v.object({
  symbol: text,
  bidPrice: bookField,
  bidQty: bookField,
  askPrice: bookField,
  askQty: bookField,
});

const level = v.tuple([decimal, decimal]);
export const depthSchema = v.object({ bids: v.array(level), asks: v.array(level) });

export const tickerPriceSchema = v.object({ symbol: text, price: decimal });

/**
 * GET /api/v3/account (MEXC docs "Account Information"; captured: docs example and ccxt's
 * fetchBalance comment). The flags and permissions say what the key may do (issue #15 item 10);
 * they are optional so an answer without them still yields balances.
 */
export const accountSchema = v.object({
  canTrade: v.nullish(v.boolean()),
  canWithdraw: v.nullish(v.boolean()),
  canDeposit: v.nullish(v.boolean()),
  accountType: v.nullish(text),
  permissions: v.nullish(v.array(text)),
  balances: v.array(v.object({ asset: text, free: decimal, locked: decimal })),
});

export const orderSchema = v.object({
  symbol: text,
  orderId: opaqueId,
  clientOrderId: v.nullish(text),
  price: decimal,
  origQty: decimal,
  executedQty: decimal,
  cummulativeQuoteQty: decimal,
  status: text,
  type: text,
  side: text,
  time: v.nullish(integer),
  updateTime: v.nullish(integer),
  origQuoteOrderQty: v.nullish(decimal),
});
export type OrderBody = v.InferOutput<typeof orderSchema>;

/** POST /api/v3/order answers thinly (ref §6, §9.9): only orderId is certain. */
export const newOrderSchema = v.object({
  symbol: v.optional(text),
  orderId: opaqueId,
  transactTime: v.nullish(integer),
});

/** DELETE /api/v3/order: the docs list a full order, live captures only a few fields (ref §6). */
export const cancelSchema = v.object({
  symbol: v.optional(text),
  orderId: opaqueId,
  clientOrderId: v.nullish(text),
  origClientOrderId: v.nullish(text),
  price: v.optional(decimal),
  origQty: v.optional(decimal),
  executedQty: v.optional(decimal),
  cummulativeQuoteQty: v.optional(decimal),
  status: v.optional(text),
  type: v.optional(text),
  side: v.optional(text),
});
export type CancelBody = v.InferOutput<typeof cancelSchema>;

export const tradeSchema = v.object({
  symbol: text,
  id: opaqueId,
  orderId: opaqueId,
  price: decimal,
  qty: decimal,
  quoteQty: decimal,
  commission: decimal,
  commissionAsset: v.nullish(text),
  time: integer,
  isBuyer: v.boolean(),
  isMaker: v.boolean(),
});

/** `{"code":N,"msg":"..."}`; an older variant says `data` instead of `msg` (ref §4). */
export const errorBodySchema = v.object({
  code: integer,
  msg: v.nullish(v.unknown()),
  data: v.nullish(v.unknown()),
});

/** Validates `data` or throws ExchangeResponseError naming the first bad field and the endpoint. */
export function parseResponse<TSchema extends v.GenericSchema>(
  schema: TSchema,
  data: unknown,
  endpoint: string,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, data);
  if (result.success) return result.output;
  const issue = result.issues[0];
  throw new ExchangeResponseError({
    endpoint,
    field: (issue && v.getDotPath(issue)) || '(body)',
    problem: issue ? `${issue.message}, got ${describeValue(issue.input)}` : 'invalid',
  });
}

function describeValue(input: unknown): string {
  if (input === undefined) return 'nothing';
  const json = JSON.stringify(input) ?? String(input);
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}
