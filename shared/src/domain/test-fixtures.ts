import Big from 'big.js';
import type { PortfolioState } from './guards';
import type { Balance, BookTop, Depth, SymbolRules } from './market';
import vector from './mexc-qrlusdt-rules.fixture.json';
import type { PlanSnapshot } from './plan';
import { parseProfile, type StrategyProfile } from './profile';

/** Builders for tests only: *.test.ts files and the app's test fakes (shared/src/app/testing) import it. */

/** QRLUSDT as MEXC describes it (illustrative vector): tick 0.0001, step 0.01, min notional 1 USDT. */
export function qrlRules(overrides: Partial<SymbolRules> = {}): SymbolRules {
  const s = vector.symbol;
  const derived = vector.derivedRules;
  return {
    symbol: s.symbol,
    baseAsset: s.baseAsset,
    quoteAsset: s.quoteAsset,
    tradable: s.status === '1' && s.isSpotTradingAllowed,
    tickSize: new Big(derived.priceTick),
    stepSize: new Big(derived.qtyStep),
    minQuantity: new Big(derived.minQty),
    maxQuantity: null,
    minNotional: new Big(derived.minNotionalLimit),
    maxNotional: new Big(derived.maxNotional),
    orderTypes: s.orderTypes as SymbolRules['orderTypes'],
    makerCommission: new Big(s.makerCommission),
    takerCommission: new Big(s.takerCommission),
    ...overrides,
  };
}

export function rulesFor(base: string, quote = 'USDT', overrides: Partial<SymbolRules> = {}): SymbolRules {
  return qrlRules({ symbol: `${base}${quote}`, baseAsset: base, quoteAsset: quote, ...overrides });
}

export function book(symbol: string, bid: string, ask: string, qty = '1000000'): BookTop {
  return {
    symbol,
    bidPrice: new Big(bid),
    bidQuantity: new Big(qty),
    askPrice: new Big(ask),
    askQuantity: new Big(qty),
  };
}

export function balances(free: Record<string, string>, locked: Record<string, string> = {}): Balance[] {
  return Object.entries(free).map(([asset, f]) => ({ asset, free: new Big(f), locked: new Big(locked[asset] ?? '0') }));
}

export function depth(symbol: string, bids: [string, string][], asks: [string, string][]): Depth {
  const level = ([price, quantity]: [string, string]) => ({ price: new Big(price), quantity: new Big(quantity) });
  return { symbol, bids: bids.map(level), asks: asks.map(level) };
}

/** A QRL/USDT snapshot with deep books and a generous depth ladder unless told otherwise. */
export function qrlSnapshot(options: {
  free: Record<string, string>;
  locked?: Record<string, string>;
  bid?: string;
  ask?: string;
  rules?: Partial<SymbolRules>;
  depth?: Depth | null;
  lastPrice?: string;
}): PlanSnapshot {
  const bid = options.bid ?? '0.5000';
  const ask = options.ask ?? '0.5010';
  const ladder =
    options.depth === null
      ? undefined
      : new Map([['QRLUSDT', options.depth ?? depth('QRLUSDT', [[bid, '1000000']], [[ask, '1000000']])]]);
  return {
    balances: balances(options.free, options.locked),
    books: new Map([['QRLUSDT', book('QRLUSDT', bid, ask)]]),
    rules: new Map([['QRLUSDT', qrlRules(options.rules)]]),
    ...(ladder ? { depth: ladder } : {}),
    ...(options.lastPrice ? { lastPrices: new Map([['QRLUSDT', new Big(options.lastPrice)]]) } : {}),
  };
}

export const NOW = new Date('2026-03-10T12:00:00.000Z');
export const FRESH: PortfolioState = { lastRebalanceAt: null, turnover: null };

export function hoursAgo(h: number): Date {
  return new Date(NOW.getTime() - h * 3_600_000);
}

export function profile(knobs: Record<string, unknown> = {}): StrategyProfile {
  return parseProfile('test', knobs);
}
