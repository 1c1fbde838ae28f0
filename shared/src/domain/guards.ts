import Big from 'big.js';
import { div } from './division';
import { fmtAmount, fmtDuration } from './format';
import type { Balance, BookSide, BookTop, Depth, SymbolRules } from './market';
import type { StrategyProfile } from './profile';
import { orderTypeFor, type PlannedOrder } from './sizing';
import { utcDay } from './time';

/** Guards run after sizing; each one says pass or block, always with the numbers it looked at. */
export type GuardName =
  | 'cooldown'
  | 'emptyBook'
  | 'spread'
  | 'priceBounds'
  | 'priceMove'
  | 'tradingStatus'
  | 'balance'
  | 'turnover'
  | 'depth';

export interface GuardVerdict {
  guard: GuardName;
  verdict: 'pass' | 'block';
  reason: string;
}

/** What the portfolio doc remembers between runs (DESIGN §7 `portfolios/{profileId}`). */
export interface PortfolioState {
  /** last live rebalance that traded; null when there was none */
  lastRebalanceAt: Date | null;
  /** quote notional traded on `day` (UTC, yyyy-mm-dd); another day counts as 0 */
  turnover: { day: string; notional: Big } | null;
}

const ZERO = new Big(0);
const BPS = new Big(10_000);
const TWO = new Big(2);

function verdict(guard: GuardName, problems: string[], passReason: string): GuardVerdict {
  return problems.length > 0
    ? { guard, verdict: 'block', reason: problems.join('; ') }
    : { guard, verdict: 'pass', reason: passReason };
}

export function cooldownGuard(profile: StrategyProfile, state: PortfolioState, now: Date): GuardVerdict {
  if (state.lastRebalanceAt === null) return verdict('cooldown', [], 'no rebalance recorded yet');
  const elapsed = now.getTime() - state.lastRebalanceAt.getTime();
  const cooldown = fmtDuration(profile.cooldownMs);
  if (elapsed < 0)
    return verdict('cooldown', [`last rebalance is ${fmtDuration(-elapsed)} in the future (clock problem)`], '');
  if (elapsed < profile.cooldownMs)
    return verdict('cooldown', [`last rebalance ${fmtDuration(elapsed)} ago, cooldown ${cooldown}`], '');
  return verdict('cooldown', [], `last rebalance ${fmtDuration(elapsed)} ago, cooldown ${cooldown}`);
}

export function spreadBps(book: BookTop): Big | null {
  if (book.bidPrice.lte(0) || book.askPrice.lte(0) || book.askPrice.lt(book.bidPrice)) return null;
  const mid = div(book.bidPrice.plus(book.askPrice), TWO);
  return div(book.askPrice.minus(book.bidPrice), mid).times(BPS);
}

const EMPTY_SIDE: Record<BookSide, (symbol: string) => string> = {
  ask: (symbol) => `no ask on ${symbol}: the book's sell side is empty`,
  bid: (symbol) => `no bid on ${symbol}: the book's buy side is empty`,
};

/**
 * A book side the exchange reported as empty (BookTop.emptySides): there is nothing to trade
 * against on it and no price to value or size with, so nothing is planned until it is quoted again.
 */
export function emptyBookGuard(books: readonly BookTop[]): GuardVerdict {
  const problems: string[] = [];
  for (const book of books) {
    for (const side of ['ask', 'bid'] as const) {
      if (book.emptySides?.includes(side)) problems.push(EMPTY_SIDE[side](book.symbol));
    }
  }
  return verdict('emptyBook', problems, 'every book is quoted on both sides');
}

/** An empty or crossed book blocks even when the spread limit is off: no price can be trusted. */
export function spreadGuard(profile: StrategyProfile, books: readonly BookTop[]): GuardVerdict {
  const problems: string[] = [];
  const seen: string[] = [];
  for (const book of books) {
    const bps = spreadBps(book);
    if (bps === null) {
      problems.push(
        `${book.symbol} book is empty or crossed (bid ${fmtAmount(book.bidPrice, 8)}, ask ${fmtAmount(book.askPrice, 8)})`,
      );
      continue;
    }
    seen.push(`${book.symbol} ${bps.toFixed(1)} bps`);
    if (profile.maxSpreadBps !== null && bps.gt(profile.maxSpreadBps))
      problems.push(`${book.symbol} spread ${bps.toFixed(1)} bps > max ${profile.maxSpreadBps} bps`);
  }
  const limit = profile.maxSpreadBps === null ? 'no limit' : `max ${profile.maxSpreadBps} bps`;
  return verdict('spread', problems, `spread ${seen.join(', ')} (${limit})`);
}

export function priceBoundsGuard(profile: StrategyProfile, mids: ReadonlyMap<string, Big>): GuardVerdict {
  const problems: string[] = [];
  const checked: string[] = [];
  for (const [symbol, bounds] of Object.entries(profile.priceBounds)) {
    const mid = mids.get(symbol);
    if (!mid) continue;
    checked.push(`${symbol} ${fmtAmount(mid, 8)}`);
    if (bounds.min && mid.lt(bounds.min))
      problems.push(`${symbol} price ${fmtAmount(mid, 8)} is below the bound ${bounds.min.toFixed()}`);
    if (bounds.max && mid.gt(bounds.max))
      problems.push(`${symbol} price ${fmtAmount(mid, 8)} is above the bound ${bounds.max.toFixed()}`);
  }
  return verdict(
    'priceBounds',
    problems,
    checked.length > 0 ? `within bounds: ${checked.join(', ')}` : 'no price bounds configured',
  );
}

export function priceMoveGuard(
  profile: StrategyProfile,
  mids: ReadonlyMap<string, Big>,
  lastPrices: ReadonlyMap<string, Big> | undefined,
): GuardVerdict {
  const max = profile.maxPriceMoveBps;
  if (max === null) return verdict('priceMove', [], 'off (maxPriceMoveBps is null)');
  const problems: string[] = [];
  const moves: string[] = [];
  for (const [symbol, mid] of mids) {
    const last = lastPrices?.get(symbol);
    if (!last || last.lte(0)) {
      moves.push(`${symbol} has no previous price`);
      continue;
    }
    const bps = div(mid.minus(last).abs(), last).times(BPS);
    const text = `${symbol} moved ${bps.toFixed(0)} bps (${fmtAmount(last, 8)} → ${fmtAmount(mid, 8)})`;
    moves.push(text);
    if (bps.gt(max)) problems.push(`${text} > max ${max} bps since the last snapshot`);
  }
  return verdict('priceMove', problems, `${moves.join(', ')}; max ${max} bps`);
}

export function tradingStatusGuard(
  profile: StrategyProfile,
  symbols: readonly string[],
  rules: ReadonlyMap<string, SymbolRules>,
): GuardVerdict {
  const problems: string[] = [];
  const type = orderTypeFor(profile.orderType);
  for (const symbol of symbols) {
    const r = rules.get(symbol);
    if (!r) problems.push(`no trading rules for ${symbol}`);
    else if (!r.tradable) problems.push(`${symbol} is not open to API trading`);
    else if (!r.orderTypes.includes(type))
      problems.push(`${symbol} does not accept ${type} orders (orderType ${profile.orderType})`);
  }
  return verdict(
    'tradingStatus',
    problems,
    symbols.length > 0 ? `${symbols.join(', ')} trading, ${type} accepted` : 'nothing to trade',
  );
}

/** Re-checks against the raw balances what sizing already promised; a second, independent look. */
export function balanceGuard(
  profile: StrategyProfile,
  orders: readonly PlannedOrder[],
  balances: readonly Balance[],
): GuardVerdict {
  const free = (asset: string) => balances.find((b) => b.asset === asset)?.free ?? ZERO;
  const reserve = (asset: string) => profile.reserves[asset] ?? ZERO;
  const problems: string[] = [];
  const facts: string[] = [];
  const sells = new Map<string, Big>();
  for (const o of orders.filter((x) => x.side === 'SELL'))
    sells.set(o.asset, (sells.get(o.asset) ?? ZERO).plus(o.quantity));
  for (const [asset, qty] of sells) {
    const available = free(asset).minus(reserve(asset));
    facts.push(`sell ${fmtAmount(qty)} ${asset} of ${fmtAmount(available)} available`);
    if (qty.gt(available))
      problems.push(
        `sell ${fmtAmount(qty)} ${asset} > free ${fmtAmount(free(asset))} − reserve ${fmtAmount(reserve(asset))}`,
      );
  }
  const spend = orders.filter((o) => o.side === 'BUY').reduce((s, o) => s.plus(o.notional).plus(o.fee), ZERO);
  if (spend.gt(0)) {
    const q = profile.quote;
    const available = free(q).minus(reserve(q));
    facts.push(`spend ${fmtAmount(spend)} ${q} incl. fees of ${fmtAmount(available)} available`);
    if (spend.gt(available))
      problems.push(
        `buys need ${fmtAmount(spend)} ${q} incl. fees > free ${fmtAmount(free(q))} − reserve ${fmtAmount(reserve(q))}`,
      );
  }
  return verdict('balance', problems, facts.length > 0 ? facts.join(', ') : 'nothing to trade');
}

export function turnoverGuard(
  profile: StrategyProfile,
  orders: readonly PlannedOrder[],
  state: PortfolioState,
  now: Date,
): GuardVerdict {
  const q = profile.quote;
  const today = state.turnover && state.turnover.day === utcDay(now) ? state.turnover.notional : ZERO;
  const planned = orders.reduce((s, o) => s.plus(o.notional), ZERO);
  const text = `turnover today ${fmtAmount(today)} ${q} + planned ${fmtAmount(planned)} ${q}`;
  const max = profile.maxDailyTurnover;
  if (max === null) return verdict('turnover', [], `${text}, no daily cap`);
  if (planned.gt(0) && today.plus(planned).gt(max))
    return verdict('turnover', [`${text} > cap ${fmtAmount(max)} ${q}`], '');
  return verdict('turnover', [], `${text}, cap ${fmtAmount(max)} ${q}`);
}

/** Quantity resting on the other side at prices the order accepts. */
export function depthWithin(depth: Depth, order: PlannedOrder): Big {
  const levels = order.side === 'BUY' ? depth.asks : depth.bids;
  return levels
    .filter((l) => (order.side === 'BUY' ? l.price.lte(order.expectedPrice) : l.price.gte(order.expectedPrice)))
    .reduce((s, l) => s.plus(l.quantity), ZERO);
}

export function depthGuard(
  profile: StrategyProfile,
  orders: readonly PlannedOrder[],
  depth: ReadonlyMap<string, Depth> | undefined,
): GuardVerdict {
  if (!profile.checkDepth) return verdict('depth', [], 'off (checkDepth is false)');
  const problems: string[] = [];
  const facts: string[] = [];
  for (const o of orders) {
    if (o.type === 'LIMIT_MAKER') {
      facts.push(`${o.symbol} maker order rests on the book`);
      continue;
    }
    const d = depth?.get(o.symbol);
    if (!d) {
      problems.push(`no depth for ${o.symbol} in the snapshot`);
      continue;
    }
    const available = depthWithin(d, o);
    const text = `${o.symbol} ${fmtAmount(available)} ${o.asset} within ${fmtAmount(o.expectedPrice, 8)}, order ${fmtAmount(o.quantity)}`;
    facts.push(text);
    if (available.lt(o.quantity)) problems.push(`${text}: not enough depth within the slippage limit`);
  }
  return verdict('depth', problems, facts.length > 0 ? facts.join(', ') : 'nothing to trade');
}
