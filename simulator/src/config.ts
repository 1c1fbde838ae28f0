import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { mexcRateLimits, type RateLimits } from './rate-limits';

const decimal = (name: string) =>
  v.pipe(v.string(`${name} must be a decimal string`), v.regex(/^\d+(?:\.\d+)?$/, `${name} must be a decimal string`));

const pricePathSchema = v.union([
  v.strictObject({
    kind: v.literal('random-walk'),
    /** Standard deviation of one step, in basis points of the price. */
    volatilityBps: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(5000))),
  }),
  v.strictObject({
    kind: v.literal('csv'),
    /** A file with one price per line, or a header row naming a `price` or `close` column. */
    file: v.optional(v.string()),
    prices: v.optional(v.array(decimal('pricePath.prices[]'))),
  }),
]);

const symbolSchema = v.strictObject({
  symbol: v.pipe(v.string(), v.regex(/^[A-Z0-9]{2,20}$/, 'symbol must be upper-case letters and digits')),
  baseAsset: v.optional(v.pipe(v.string(), v.regex(/^[A-Z0-9]{1,12}$/, 'baseAsset must be upper case'))),
  quoteAsset: v.optional(v.pipe(v.string(), v.regex(/^[A-Z0-9]{1,12}$/, 'quoteAsset must be upper case'))),
  price: v.optional(decimal('price')),
  baseAssetPrecision: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(18))),
  quoteAssetPrecision: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(18))),
  baseSizePrecision: v.optional(decimal('baseSizePrecision')),
  quoteAmountPrecision: v.optional(decimal('quoteAmountPrecision')),
  quoteAmountPrecisionMarket: v.optional(decimal('quoteAmountPrecisionMarket')),
  maxQuoteAmount: v.optional(decimal('maxQuoteAmount')),
  maxQuoteAmountMarket: v.optional(decimal('maxQuoteAmountMarket')),
  makerCommission: v.optional(decimal('makerCommission')),
  takerCommission: v.optional(decimal('takerCommission')),
  status: v.optional(v.picklist(['1', '2', '3', 'ENABLED'])),
  isSpotTradingAllowed: v.optional(v.boolean()),
  inDefaultSymbols: v.optional(v.boolean()),
  /** in this key's GET /api/v3/selfSymbols (default true); false: listed in defaultSymbols, refused for this key */
  inSelfSymbols: v.optional(v.boolean()),
  quoteOrderQtyMarketAllowed: v.optional(v.boolean()),
  orderTypes: v.optional(
    v.array(v.picklist(['LIMIT', 'MARKET', 'LIMIT_MAKER', 'IMMEDIATE_OR_CANCEL', 'FILL_OR_KILL'])),
  ),
  tradeSideType: v.optional(v.picklist(['1', '2', '3', '4'])),
  spreadBps: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(5000))),
  depthLevels: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500))),
  levelStepBps: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1000))),
  levelQty: v.optional(decimal('levelQty')),
  pricePath: v.optional(pricePathSchema),
});

/** The API key's rights as the account answer reports them; orders need canTrade and SPOT. */
export const keySchema = v.strictObject({
  canTrade: v.optional(v.boolean('canTrade must be true or false')),
  canWithdraw: v.optional(v.boolean('canWithdraw must be true or false')),
  canDeposit: v.optional(v.boolean('canDeposit must be true or false')),
  permissions: v.optional(v.array(v.string('permissions must be strings'))),
});

export interface KeyRights {
  canTrade: boolean;
  canWithdraw: boolean;
  canDeposit: boolean;
  permissions: string[];
}

export const defaultKey: KeyRights = { canTrade: true, canWithdraw: false, canDeposit: false, permissions: ['SPOT'] };

export const simulatorConfigSchema = v.strictObject({
  symbols: v.optional(v.array(symbolSchema)),
  balances: v.optional(v.record(v.pipe(v.string(), v.regex(/^[A-Z0-9]{1,12}$/)), decimal('balances'))),
  /** What a reused newClientOrderId gets: an error (default) or a second order (worst case for clients). */
  duplicateClientOrderId: v.optional(v.picklist(['reject', 'accept'])),
  /** Reject POST/DELETE without a JSON or form Content-Type (700013), as MEXC does. Default true. */
  requireContentType: v.optional(v.boolean()),
  /**
   * Cancel answers: `thin` (default; what MEXC always sends: symbol, orderId, price, origQty, type,
   * side) or `full` (the docs' example with status and executedQty).
   */
  cancelAnswer: v.optional(v.picklist(['thin', 'full'])),
  /**
   * MEXC's real request limits (rate-limits.ts: 20 requests/s, 12 orders/s, 2 account reads/s),
   * enforced by default with 429; false turns them off (tests that hammer on purpose), an object
   * changes them.
   */
  rateLimits: v.optional(
    v.union([
      v.literal(false),
      v.strictObject({
        requestsPerSecond: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
        ordersPerSecond: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
        accountPerSecond: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
      }),
    ]),
  ),
  /** What GET /api/v3/account says about the key (MEXC docs "Account Information"); see also POST /__sim/key. */
  key: v.optional(keySchema),
});

export type SimulatorConfig = v.InferInput<typeof simulatorConfigSchema>;
export type SymbolConfig = v.InferInput<typeof symbolSchema>;
export type PricePath = v.InferInput<typeof pricePathSchema>;

/** Every field of a symbol filled in; prices for CSV paths loaded. */
export interface SymbolSpec {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  price: string;
  baseAssetPrecision: number;
  quoteAssetPrecision: number;
  baseSizePrecision: string;
  quoteAmountPrecision: string;
  quoteAmountPrecisionMarket: string;
  maxQuoteAmount: string;
  maxQuoteAmountMarket: string;
  makerCommission: string;
  takerCommission: string;
  status: '1' | '2' | '3' | 'ENABLED';
  isSpotTradingAllowed: boolean;
  inDefaultSymbols: boolean;
  inSelfSymbols: boolean;
  quoteOrderQtyMarketAllowed: boolean;
  orderTypes: string[];
  tradeSideType: '1' | '2' | '3' | '4';
  spreadBps: number;
  depthLevels: number;
  levelStepBps: number;
  levelQty: string;
  path: { kind: 'random-walk'; volatilityBps: number } | { kind: 'csv'; prices: string[] };
}

export interface ResolvedConfig {
  symbols: SymbolSpec[];
  balances: Record<string, string>;
  duplicateClientOrderId: 'reject' | 'accept';
  requireContentType: boolean;
  cancelAnswer: 'thin' | 'full';
  key: KeyRights;
  /** null: not limited */
  rateLimits: RateLimits | null;
}

/**
 * QRLUSDT as in the reference's illustrative exchangeInfo (no authoritative QRLUSDT sample exists):
 * 2 quantity decimals, 4 price decimals, 1 USDT minimum notional, maker 0 / taker 0.0005.
 */
export const defaultQrlUsdt: SymbolSpec = {
  symbol: 'QRLUSDT',
  baseAsset: 'QRL',
  quoteAsset: 'USDT',
  price: '0.5',
  baseAssetPrecision: 2,
  quoteAssetPrecision: 4,
  baseSizePrecision: '0.01',
  quoteAmountPrecision: '1',
  quoteAmountPrecisionMarket: '1',
  maxQuoteAmount: '2000000',
  maxQuoteAmountMarket: '100000',
  makerCommission: '0',
  takerCommission: '0.0005',
  status: '1',
  isSpotTradingAllowed: true,
  inDefaultSymbols: true,
  inSelfSymbols: true,
  quoteOrderQtyMarketAllowed: true,
  orderTypes: ['LIMIT', 'MARKET', 'LIMIT_MAKER', 'IMMEDIATE_OR_CANCEL', 'FILL_OR_KILL'],
  tradeSideType: '1',
  spreadBps: 20,
  depthLevels: 20,
  levelStepBps: 10,
  levelQty: '2000',
  path: { kind: 'random-walk', volatilityBps: 50 },
};

export const defaultBalances: Record<string, string> = { QRL: '1000', USDT: '500' };

export class SimulatorConfigError extends Error {
  override name = 'SimulatorConfigError';
}

/** Validates a config object (from code or a JSON file) and fills every default. */
export function resolveConfig(input: unknown): ResolvedConfig {
  const parsed = v.safeParse(simulatorConfigSchema, input ?? {});
  if (!parsed.success) {
    const problems = parsed.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
    throw new SimulatorConfigError(`simulator config is invalid: ${problems.join('; ')}`);
  }
  const config = parsed.output;
  const symbols = (config.symbols ?? [{ symbol: 'QRLUSDT' }]).map(resolveSymbol);
  return {
    symbols,
    balances: config.balances ?? { ...defaultBalances },
    duplicateClientOrderId: config.duplicateClientOrderId ?? 'reject',
    requireContentType: config.requireContentType ?? true,
    cancelAnswer: config.cancelAnswer ?? 'thin',
    key: { ...defaultKey, ...config.key },
    rateLimits: config.rateLimits === false ? null : { ...mexcRateLimits, ...config.rateLimits },
  };
}

function resolveSymbol(input: SymbolConfig): SymbolSpec {
  const base = input.symbol === defaultQrlUsdt.symbol ? defaultQrlUsdt : { ...defaultQrlUsdt, ...splitSymbol(input) };
  const { pricePath, ...rest } = input;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  const spec: SymbolSpec = { ...base, ...defined, path: base.path };
  if (pricePath?.kind === 'random-walk')
    spec.path = { kind: 'random-walk', volatilityBps: pricePath.volatilityBps ?? 50 };
  if (pricePath?.kind === 'csv') {
    const prices = pricePath.prices ?? (pricePath.file ? readPriceCsv(pricePath.file) : []);
    if (prices.length === 0) throw new SimulatorConfigError(`${input.symbol}: pricePath csv has no prices`);
    spec.path = { kind: 'csv', prices };
    if (input.price === undefined) spec.price = prices[0] ?? spec.price;
  }
  return spec;
}

function splitSymbol(input: SymbolConfig): Partial<SymbolSpec> {
  for (const quote of ['USDT', 'USDC', 'BTC', 'ETH']) {
    if (input.symbol.endsWith(quote) && input.symbol.length > quote.length) {
      return { baseAsset: input.symbol.slice(0, -quote.length), quoteAsset: quote };
    }
  }
  if (!input.baseAsset || !input.quoteAsset) {
    throw new SimulatorConfigError(`${input.symbol}: give baseAsset and quoteAsset`);
  }
  return {};
}

/** One price per line, or a header row with a `price` or `close` column (else the last column). */
export function parsePriceCsv(content: string, source: string): string[] {
  const rows = content
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(',').map((cell) => cell.trim()));
  const first = rows[0];
  if (!first) return [];
  const hasHeader = first.some((cell) => !/^\d+(?:\.\d+)?$/.test(cell));
  const header = hasHeader ? first.map((cell) => cell.toLowerCase()) : [];
  const named = header.findIndex((cell) => cell === 'price' || cell === 'close');
  const column = named >= 0 ? named : first.length - 1;
  return rows.slice(hasHeader ? 1 : 0).map((row, index) => {
    const cell = row[column] ?? '';
    if (!/^\d+(?:\.\d+)?$/.test(cell) || Number(cell) <= 0) {
      throw new SimulatorConfigError(`${source} line ${index + (hasHeader ? 2 : 1)}: "${cell}" is not a price`);
    }
    return cell;
  });
}

function readPriceCsv(file: string): string[] {
  return parsePriceCsv(readFileSync(file, 'utf8'), file);
}

/** Checks a config read from JSON; the error names each bad field. */
export function parseSimulatorConfig(input: unknown): SimulatorConfig {
  resolveConfig(input);
  return input as SimulatorConfig;
}
