import Big from 'big.js';
import { div } from './division';
import type { Balance, BookTop } from './market';
import type { StrategyProfile } from './profile';

/** One asset of the managed portfolio, valued in the profile's quote asset. */
export interface Holding {
  asset: string;
  /** `<ASSET><QUOTE>`; null for the quote asset itself */
  symbol: string | null;
  free: Big;
  locked: Big;
  reserve: Big;
  /** managed amount: free + locked − reserve, never below 0 (reserves are outside the portfolio) */
  amount: Big;
  /** what may be sold or spent: free − reserve, never below 0 */
  available: Big;
  /** in quote; 1 for the quote asset */
  price: Big;
  value: Big;
  weight: Big;
  target: Big;
  /** weight − target */
  drift: Big;
  /** allowed |drift| before the threshold trigger fires; null when no band is configured */
  band: Big | null;
}

export interface Valuation {
  quote: string;
  total: Big;
  /** in the order of the profile's targets */
  holdings: Holding[];
  /** Σ |weight − target| over all assets */
  totalDrift: Big;
}

const ZERO = new Big(0);
/** shared like ZERO: big.js never changes a Big in place */
const ONE = new Big(1);
const TWO = new Big(2);

export function symbolOf(asset: string, quote: string): string {
  return `${asset}${quote}`;
}

/** Mid of the book; one side when the other is empty; 0 when both are (then guards block). */
export function midPrice(book: BookTop): Big {
  const bid = book.bidPrice;
  const ask = book.askPrice;
  if (bid.gt(0) && ask.gt(0)) return div(bid.plus(ask), TWO);
  if (bid.gt(0)) return bid;
  if (ask.gt(0)) return ask;
  return ZERO;
}

/** The smaller of the absolute band and the relative band (the "5/25" rule: whichever fires first). */
export function bandFor(profile: StrategyProfile, target: Big): Big | null {
  const rel = profile.bandRel ? profile.bandRel.times(target) : null;
  if (profile.bandAbs && rel) return profile.bandAbs.lt(rel) ? profile.bandAbs : rel;
  return profile.bandAbs ?? rel;
}

function nonNegative(x: Big): Big {
  return x.gt(0) ? x : ZERO;
}

/**
 * Values every target asset in the quote. `prices` maps asset → price in quote (the quote's own price
 * is 1 and need not be given). Assets without a balance count as 0.
 */
export function valuePortfolio(
  balances: readonly Balance[],
  prices: ReadonlyMap<string, Big>,
  profile: StrategyProfile,
): Valuation {
  const byAsset = new Map(balances.map((b) => [b.asset, b]));
  const rows = Object.entries(profile.targets).map(([asset, target]) => {
    const balance = byAsset.get(asset);
    const free = balance?.free ?? ZERO;
    const locked = balance?.locked ?? ZERO;
    const reserve = profile.reserves[asset] ?? ZERO;
    const amount = nonNegative(free.plus(locked).minus(reserve));
    const price = asset === profile.quote ? ONE : (prices.get(asset) ?? ZERO);
    return {
      asset,
      symbol: asset === profile.quote ? null : symbolOf(asset, profile.quote),
      free,
      locked,
      reserve,
      amount,
      available: nonNegative(free.minus(reserve)),
      price,
      value: amount.times(price),
      target,
    };
  });
  const total = rows.reduce((s, r) => s.plus(r.value), ZERO);
  const holdings = rows.map((r) => {
    const weight = total.gt(0) ? div(r.value, total) : ZERO;
    return { ...r, weight, drift: weight.minus(r.target), band: bandFor(profile, r.target) };
  });
  const totalDrift = holdings.reduce((s, h) => s.plus(h.drift.abs()), ZERO);
  return { quote: profile.quote, total, holdings, totalDrift };
}
