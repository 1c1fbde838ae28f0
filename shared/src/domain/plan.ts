import Big from 'big.js';
import { AppError } from '../errors';
import { driftAfterFill } from './drift';
import { fmtAmount } from './format';
import {
  balanceGuard,
  cooldownGuard,
  depthGuard,
  emptyBookGuard,
  type GuardName,
  type GuardVerdict,
  type PortfolioState,
  priceBoundsGuard,
  priceMoveGuard,
  spreadBps,
  spreadGuard,
  tradingStatusGuard,
  turnoverGuard,
} from './guards';
import type { Balance, BookTop, Depth, SymbolRules } from './market';
import type { StrategyProfile } from './profile';
import { type LegPlan, type PlannedOrder, sizeOrders } from './sizing';
import { utcDay } from './time';
import { decideTrigger, type TriggerDecision } from './trigger';
import { midPrice, symbolOf, type Valuation, valuePortfolio } from './valuation';

/** Everything the use case read from the exchange (and the ledger) for one run. */
export interface PlanSnapshot {
  balances: readonly Balance[];
  /** symbol → book top, for every `<ASSET><QUOTE>` of the profile */
  books: ReadonlyMap<string, BookTop>;
  /** symbol → trading rules, for every `<ASSET><QUOTE>` of the profile */
  rules: ReadonlyMap<string, SymbolRules>;
  /** symbol → depth; needed for ioc/market orders when the profile's checkDepth is on */
  depth?: ReadonlyMap<string, Depth>;
  /** symbol → mid price of the previous snapshot, for maxPriceMoveBps */
  lastPrices?: ReadonlyMap<string, Big>;
}

export type SkipReason =
  | 'empty_portfolio'
  | 'within_band'
  | 'not_due'
  | 'cooldown'
  | 'below_minimum'
  | 'cost_exceeds_benefit'
  | `guard:${Exclude<GuardName, 'cooldown'>}`;

export interface PlanMetrics {
  quote: string;
  totalValue: Big;
  totalDrift: Big;
  /** Σ |weight − target| if every order fills at its expected price, valued at mid after fees */
  totalDriftAfter: Big;
  /** symbol → mid price used for valuation */
  prices: ReadonlyMap<string, Big>;
  /** symbol → spread in bps; absent for an empty or crossed book */
  spreadBps: ReadonlyMap<string, Big>;
  plannedNotional: Big;
  plannedFees: Big;
  turnoverToday: Big;
}

export interface Plan {
  profile: string;
  at: Date;
  status: 'trade' | 'skip';
  /** null when status is trade */
  skip: SkipReason | null;
  /** one line for a human, with numbers */
  reason: string;
  decision: TriggerDecision;
  valuation: Valuation;
  /** what to place, in this order (sells first); empty unless status is trade */
  orders: PlannedOrder[];
  /** every leg the decision asked for, including dropped ones and orders a guard blocked */
  legs: LegPlan[];
  guards: GuardVerdict[];
  metrics: PlanMetrics;
}

/** The use case passed a snapshot that lacks data the profile needs: a bug upstream, not a market state. */
export class PlanInputError extends AppError {
  constructor(what: string) {
    super({
      code: 'plan.input_missing',
      what,
      notDone: 'no plan was made and no order was sent',
      todo: 'fetch book tops and trading rules for every symbol of the profile before planning',
    });
  }
}

const ZERO = new Big(0);
const MARKET_GUARDS: GuardName[] = ['emptyBook', 'spread', 'priceBounds', 'priceMove', 'tradingStatus'];
const ORDER_GUARDS: GuardName[] = ['balance', 'turnover', 'depth'];

interface Market {
  asset: string;
  symbol: string;
  book: BookTop;
}

function marketsOf(snapshot: PlanSnapshot, profile: StrategyProfile): Market[] {
  return Object.keys(profile.targets)
    .filter((asset) => asset !== profile.quote)
    .map((asset) => {
      const symbol = symbolOf(asset, profile.quote);
      const book = snapshot.books.get(symbol);
      if (!book) throw new PlanInputError(`the snapshot has no book top for ${symbol}`);
      const rules = snapshot.rules.get(symbol);
      if (!rules) throw new PlanInputError(`the snapshot has no trading rules for ${symbol}`);
      if (rules.baseAsset !== asset || rules.quoteAsset !== profile.quote)
        throw new PlanInputError(
          `the trading rules given for ${symbol} describe ${rules.baseAsset}/${rules.quoteAsset}`,
        );
      return { asset, symbol, book };
    });
}

function skipFor(guard: GuardName): SkipReason {
  return guard === 'cooldown' ? 'cooldown' : `guard:${guard}`;
}

/**
 * The strategy in one pure call (DESIGN §4.8, §5): valuation → drift → trigger decision → sized,
 * rounded orders → guards. Same inputs, same plan. A skip is a result, never an exception.
 */
export function plan(snapshot: PlanSnapshot, profile: StrategyProfile, state: PortfolioState, now: Date): Plan {
  const markets = marketsOf(snapshot, profile);
  const mids = new Map<string, Big>();
  const spreads = new Map<string, Big>();
  const assetPrices = new Map<string, Big>();
  for (const { asset, symbol, book } of markets) {
    const mid = midPrice(book);
    mids.set(symbol, mid);
    assetPrices.set(asset, mid);
    const bps = spreadBps(book);
    if (bps !== null) spreads.set(symbol, bps);
  }
  const books = markets.map((m) => m.book);
  const valuation = valuePortfolio(snapshot.balances, assetPrices, profile);
  const decision = decideTrigger(valuation, profile, state.lastRebalanceAt, now);
  const { legs, orders } = sizeOrders({ valuation, decision, profile, books: snapshot.books, rules: snapshot.rules });
  const legSymbols = legs.map((l) => l.symbol);

  // Listed only when it blocks: plans of books quoted on both sides stay what they were (golden master).
  const emptyBook = emptyBookGuard(books);
  const guards: GuardVerdict[] = [
    cooldownGuard(profile, state, now),
    ...(emptyBook.verdict === 'block' ? [emptyBook] : []),
    spreadGuard(profile, books),
    priceBoundsGuard(profile, mids),
    priceMoveGuard(profile, mids, snapshot.lastPrices),
    tradingStatusGuard(profile, legSymbols, snapshot.rules),
    balanceGuard(profile, orders, snapshot.balances),
    turnoverGuard(profile, orders, state, now),
    depthGuard(profile, orders, snapshot.depth),
  ];
  const blocked = (names: GuardName[]) => guards.filter((g) => g.verdict === 'block' && names.includes(g.guard));

  const turnoverToday = state.turnover && state.turnover.day === utcDay(now) ? state.turnover.notional : ZERO;
  const metrics = (traded: readonly PlannedOrder[]): PlanMetrics => ({
    quote: profile.quote,
    totalValue: valuation.total,
    totalDrift: valuation.totalDrift,
    totalDriftAfter: traded.length > 0 ? driftAfterFill(valuation, traded) : valuation.totalDrift,
    prices: mids,
    spreadBps: spreads,
    plannedNotional: traded.reduce((s, o) => s.plus(o.notional), ZERO),
    plannedFees: traded.reduce((s, o) => s.plus(o.fee), ZERO),
    turnoverToday,
  });
  const base = { profile: profile.id, at: now, decision, valuation, legs, guards };
  const skip = (reason: SkipReason, text: string): Plan => ({
    ...base,
    status: 'skip',
    skip: reason,
    reason: text,
    orders: [],
    metrics: metrics([]),
  });

  if (valuation.total.lte(0))
    return skip('empty_portfolio', `the portfolio is worth 0 ${profile.quote} after reserves; nothing to rebalance`);
  if (!decision.trigger) return skip(decision.hold ?? 'within_band', decision.reason);
  const cooldown = guards[0];
  if (cooldown && cooldown.verdict === 'block') return skip('cooldown', `cooldown: ${cooldown.reason}`);
  const marketBlock = blocked(MARKET_GUARDS)[0];
  if (marketBlock) return skip(skipFor(marketBlock.guard), `guard ${marketBlock.guard}: ${marketBlock.reason}`);
  if (orders.length === 0) {
    const notes = legs.map((l) => `${l.symbol} ${l.side.toLowerCase()}: ${l.note ?? 'nothing to do'}`).join('; ');
    const costly = legs.some((l) => l.dropped === 'cost_exceeds_benefit');
    return skip(costly ? 'cost_exceeds_benefit' : 'below_minimum', `${decision.reason}; ${notes}`);
  }
  const orderBlock = blocked(ORDER_GUARDS)[0];
  if (orderBlock) return skip(skipFor(orderBlock.guard), `guard ${orderBlock.guard}: ${orderBlock.reason}`);

  const summary = orders
    .map(
      (o) =>
        `${o.side.toLowerCase()} ${o.quantity.toFixed()} ${o.asset} at ${o.price ? o.price.toFixed() : 'market'} (~${fmtAmount(o.notional, 2)} ${profile.quote})`,
    )
    .join(', ');
  return {
    ...base,
    status: 'trade',
    skip: null,
    reason: `${decision.reason}; ${summary}`,
    orders,
    metrics: metrics(orders),
  };
}
