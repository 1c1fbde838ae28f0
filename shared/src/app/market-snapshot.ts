import type Big from 'big.js';
import type { AccountInfo, Balance, BookTop, Depth, SymbolRules } from '../domain/market';
import type { PlanSnapshot } from '../domain/plan';
import type { StrategyProfile } from '../domain/profile';
import { midPrice, symbolOf } from '../domain/valuation';
import type { Exchange } from '../ports/exchange';

/** Levels read per side when the depth guard needs them; MEXC's default page. */
export const DEPTH_LEVELS = 100;

export interface MarketSnapshot {
  balances: Balance[];
  books: Map<string, BookTop>;
  rules: Map<string, SymbolRules>;
  depth?: Map<string, Depth>;
  /** symbol → mid price */
  mids: Map<string, Big>;
  /** asset → mid price in the quote (the quote itself is absent) */
  assetPrices: Map<string, Big>;
  /** what the key may do (read with the balances, and the key's API-tradable symbols), when asked for */
  key?: { account: AccountInfo; tradable: ReadonlySet<string> };
}

export function symbolsOf(profile: StrategyProfile): string[] {
  return Object.keys(profile.targets)
    .filter((asset) => asset !== profile.quote)
    .map((asset) => symbolOf(asset, profile.quote));
}

/** The depth guard looks at ioc and market orders only; maker orders rest on the book. */
export function needsDepth(profile: StrategyProfile): boolean {
  return profile.checkDepth && profile.orderType !== 'maker';
}

/** Balances, book tops, rules (cached by the adapter) and, when needed, depth: all requests at once. */
export async function fetchMarket(
  exchange: Exchange,
  profile: StrategyProfile,
  options: { depth: boolean; key?: boolean },
): Promise<MarketSnapshot> {
  const symbols = symbolsOf(profile);
  // the key's facts cost no extra wait: the account answer carries the balances too, and the
  // key's symbols are cached per instance and read alongside
  const [held, tradable, books, rules, depth] = await Promise.all([
    options.key ? exchange.account() : exchange.balances(),
    options.key ? exchange.apiTradableSymbols() : Promise.resolve(null),
    Promise.all(symbols.map((s) => exchange.bookTop(s))),
    exchange.symbolRules(symbols),
    options.depth ? Promise.all(symbols.map((s) => exchange.depth(s, DEPTH_LEVELS))) : Promise.resolve(undefined),
  ]);
  const bookMap = new Map(books.map((b) => [b.symbol, b]));
  const mids = new Map(books.map((b) => [b.symbol, midPrice(b)]));
  const assetPrices = new Map<string, Big>();
  for (const asset of Object.keys(profile.targets)) {
    const mid = mids.get(symbolOf(asset, profile.quote));
    if (asset !== profile.quote && mid) assetPrices.set(asset, mid);
  }
  const account = Array.isArray(held) ? null : held;
  const balances = Array.isArray(held) ? held : held.balances;
  return {
    balances,
    books: bookMap,
    rules,
    ...(depth ? { depth: new Map(depth.map((d) => [d.symbol, d])) } : {}),
    mids,
    assetPrices,
    ...(account && tradable ? { key: { account, tradable } } : {}),
  };
}

export function planSnapshotOf(market: MarketSnapshot, lastPrices: ReadonlyMap<string, Big> | undefined): PlanSnapshot {
  return {
    balances: market.balances,
    books: market.books,
    rules: market.rules,
    ...(market.depth ? { depth: market.depth } : {}),
    ...(lastPrices ? { lastPrices } : {}),
  };
}
