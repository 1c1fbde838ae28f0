import {
  type BookTop,
  type Depth,
  floorToStep,
  type PlannedOrder,
  type PlanSnapshot,
  type PortfolioState,
  plan,
  type StrategyProfile,
  type SymbolRules,
  utcDay,
} from '@qrl-rebalancer/shared/domain';
import Big from 'big.js';
import { AppError } from '../../shared/src/errors';
import type { Bar } from './price-csv';
import { backtestRules } from './symbol-rules';

/**
 * Replays the functions' own plan() over a price series (DESIGN §5), one snapshot per bar:
 * - the book is bid = ask = close (no spread model), with unlimited depth at that price;
 * - the plan's orders fill in full at their planned price (the limit, or for MARKET the estimate)
 *   when it lies within the candle's range [low, high] (close-only file: low = high = close); a
 *   marketable price beyond the range fills at the range's edge, the worst price that traded (a buy
 *   limit above the high at the high, a sell limit under the low at the low); a price the candle never
 *   reached on the passive side (a buy under the low, a sell over the high) is a missed order;
 * - fees are charged in quote at the symbol's commission for the order type (maker/taker);
 * - the portfolio state (last rebalance, daily turnover) carries over like the ledger's portfolio doc.
 * The portfolio starts at the target weights of `capital` at the first close (quantities on the step
 * grid, no fee), the same start as buy-and-hold.
 */
export interface BacktestInput {
  bars: Iterable<Bar>;
  profile: StrategyProfile;
  /** replaces maker and taker commission; null keeps MEXC's (maker 0, taker 0.0005) */
  feeRate?: Big | null;
  /** starting value in the profile's quote asset */
  capital?: Big;
  /** called after each bar with the number of bars done */
  onBar?: (done: number) => void;
  /** keep the value of each portfolio at each bar (for the plot); default true */
  keepSeries?: boolean;
}

export interface PortfolioResult {
  name: string;
  finalValue: Big;
  /** finalValue / start − 1 */
  return: Big;
  /** largest fall from a running peak, as a fraction of the peak (a statistic, so a JS number) */
  maxDrawdown: number;
  trades: number;
  /** Σ filled notional, in quote */
  turnover: Big;
  fees: Big;
  /** final amounts per asset, decimal strings */
  holdings: Record<string, string>;
}

export interface StrategyResult extends PortfolioResult {
  /** planned orders the candle never reached */
  missedOrders: number;
  /** bars on which the plan traded */
  rebalances: number;
  /** skip reason → number of bars */
  skips: Record<string, number>;
}

export interface ValueSeries {
  time: number[];
  strategy: number[];
  buyAndHold: number[];
  /** every filled order: its bar's time, side and notional, and the strategy's value after that bar */
  trades: { time: number; side: 'BUY' | 'SELL'; notional: number; value: number }[];
}

export interface BacktestReport {
  symbol: string;
  profile: string;
  quote: string;
  base: string;
  bars: number;
  from: string;
  to: string;
  firstClose: string;
  lastClose: string;
  capital: Big;
  makerFeeRate: Big;
  takerFeeRate: Big;
  strategy: StrategyResult;
  buyAndHold: PortfolioResult;
  allQuote: PortfolioResult;
  series: ValueSeries | null;
  notes: string[];
}

export class BacktestInputError extends AppError {
  constructor(what: string, todo: string) {
    super({ code: 'backtest.input_invalid', what, notDone: 'the backtest did not run', todo });
  }
}

const ZERO = new Big(0);
/** "Unlimited" liquidity at the close: the backtest has no order book model. */
const DEEP = new Big('1e15');

class Drawdown {
  private peak = Number.NEGATIVE_INFINITY;
  max = 0;

  see(value: number): void {
    if (value > this.peak) this.peak = value;
    else if (this.peak > 0) {
      const dd = (this.peak - value) / this.peak;
      if (dd > this.max) this.max = dd;
    }
  }

  /**
   * True when see(v) would change nothing for every v within a relative 1e-12 of `approx`: no new
   * peak, and a drawdown no deeper than the deepest so far (both computed as see() computes them,
   * which is monotonic in v). The fast engine then needs no exact value for the bar.
   */
  inert(approx: number): boolean {
    const peak = this.peak;
    if (!(peak > 0 && approx * (1 + 1e-12) < peak)) return false;
    return (peak - approx * (1 - 1e-12)) / peak <= this.max;
  }
}

export interface Wallet {
  base: Big;
  quote: Big;
}

export function walletValue(w: Wallet, close: Big): Big {
  return w.base.times(close).plus(w.quote);
}

/** The fill price within the candle, or null when the candle never reached the order's price. */
export function fillPrice(order: Pick<PlannedOrder, 'side' | 'expectedPrice'>, low: Big, high: Big): Big | null {
  const p = order.expectedPrice;
  if (order.side === 'BUY') return p.lt(low) ? null : p.gt(high) ? high : p;
  return p.gt(high) ? null : p.lt(low) ? low : p;
}

function feeRateOf(order: PlannedOrder, rules: SymbolRules): Big {
  return order.type === 'LIMIT_MAKER' ? rules.makerCommission : rules.takerCommission;
}

function result(
  name: string,
  wallet: Wallet,
  close: Big,
  capital: Big,
  dd: Drawdown,
  base: string,
  quote: string,
): PortfolioResult {
  const finalValue = walletValue(wallet, close);
  return {
    name,
    finalValue,
    return: capital.gt(0) ? finalValue.div(capital).minus(1) : ZERO,
    maxDrawdown: dd.max,
    trades: 0,
    turnover: ZERO,
    fees: ZERO,
    holdings: { [base]: wallet.base.toFixed(), [quote]: wallet.quote.toFixed() },
  };
}

function assetsOf(profile: StrategyProfile): { base: string; quote: string; baseWeight: Big } {
  const assets = Object.keys(profile.targets);
  const others = assets.filter((a) => a !== profile.quote);
  const base = others[0];
  if (others.length !== 1 || base === undefined)
    throw new BacktestInputError(
      `profile ${profile.id} holds ${assets.length} assets (${assets.join(', ')}); one price series can only replay a two-asset profile`,
      'use a profile with one asset and the quote asset, e.g. {"targets":{"QRL":"0.5","USDT":"0.5"}}',
    );
  return { base, quote: profile.quote, baseWeight: profile.targets[base] ?? ZERO };
}

/**
 * One replay's state and the exact step, bar by bar. runBacktest drives it with every bar; the fast
 * engine (fast-engine.ts) drives the same object, calling `step` on every bar that may trade and
 * deciding the others itself, so both share one implementation of planning, fills and bookkeeping.
 */
export class Replay {
  readonly notes: string[] = [];
  readonly profile: StrategyProfile;
  readonly base: string;
  readonly quote: string;
  readonly rules: SymbolRules;
  readonly symbol: string;
  readonly capital: Big;
  readonly series: ValueSeries | null;
  private readonly rulesMap: Map<string, SymbolRules>;
  readonly capitalValue: number;
  readonly state: PortfolioState = { lastRebalanceAt: null, turnover: null };
  readonly strategy: Wallet = { base: ZERO, quote: ZERO };
  hold: Wallet = { base: ZERO, quote: ZERO };
  private readonly baseWeight: Big;
  private readonly ddStrategy = new Drawdown();
  private readonly ddHold = new Drawdown();
  private readonly ddQuote = new Drawdown();
  private readonly onBar: ((done: number) => void) | undefined;
  trades = 0;
  /** this bar's fills, for the plot's markers (kept only with the series) */
  private readonly barTrades: { side: 'BUY' | 'SELL'; notional: number }[] = [];
  missed = 0;
  rebalances = 0;
  turnover = ZERO;
  fees = ZERO;
  readonly skips: Record<string, number> = {};
  count = 0;
  first: Bar | null = null;
  last: Bar | null = null;
  lastClose: Big | null = null;
  /** bumped whenever the strategy wallet changes */
  walletVersion = 0;

  constructor(input: Omit<BacktestInput, 'bars'>) {
    let profile = input.profile;
    if (Object.keys(profile.reserves).length > 0) {
      // Reserves sit outside the managed portfolio; the backtest simulates only the managed part.
      profile = { ...profile, reserves: {} };
      this.notes.push('reserves of the profile are ignored: the backtest simulates only the managed portfolio');
    }
    this.profile = profile;
    const { base, quote, baseWeight } = assetsOf(profile);
    this.base = base;
    this.quote = quote;
    this.baseWeight = baseWeight;
    this.rules = backtestRules(base, quote, input.feeRate ?? null);
    this.symbol = this.rules.symbol;
    this.capital = input.capital ?? new Big(1000);
    this.series = (input.keepSeries ?? true) ? { time: [], strategy: [], buyAndHold: [], trades: [] } : null;
    // Constant for the whole run: built once, not per bar.
    this.rulesMap = new Map([[this.symbol, this.rules]]);
    this.capitalValue = this.capital.toNumber();
    this.onBar = input.onBar;
  }

  /** Every bar through plan(): the exact engine. */
  step(bar: Bar): void {
    const { strategy, rules, symbol, profile, state, base, quote } = this;
    const close = new Big(bar.close);
    if (this.first === null) {
      this.first = bar;
      const units = floorToStep(this.capital.times(this.baseWeight).div(close), rules.stepSize);
      strategy.base = units;
      strategy.quote = this.capital.minus(units.times(close));
      this.hold = { ...strategy };
      this.walletVersion += 1;
    }
    const low = bar.low === bar.close ? close : new Big(bar.low);
    const high = bar.high === bar.close ? close : new Big(bar.high);
    const now = new Date(bar.time);
    const book: BookTop = { symbol, bidPrice: close, bidQuantity: DEEP, askPrice: close, askQuantity: DEEP };
    const level = [{ price: close, quantity: DEEP }];
    const depth: Depth = { symbol, bids: level, asks: level };
    const lastClose = this.lastClose;
    const snapshot: PlanSnapshot = {
      balances: [
        { asset: base, free: strategy.base, locked: ZERO },
        { asset: quote, free: strategy.quote, locked: ZERO },
      ],
      books: new Map([[symbol, book]]),
      rules: this.rulesMap,
      depth: new Map([[symbol, depth]]),
      ...(lastClose ? { lastPrices: new Map([[symbol, lastClose]]) } : {}),
    };
    const p = plan(snapshot, profile, state, now);
    if (p.status === 'skip') {
      this.skip(p.skip ?? 'unknown');
    } else {
      let filledNotional = ZERO;
      for (const order of p.orders) {
        const price = fillPrice(order, low, high);
        if (price === null) {
          this.missed += 1;
          continue;
        }
        const notional = order.quantity.times(price);
        const fee = notional.times(feeRateOf(order, rules));
        if (order.side === 'BUY') {
          const spend = notional.plus(fee);
          if (spend.gt(strategy.quote))
            throw new Error(`bug: the plan spends ${spend.toFixed()} ${quote} of ${strategy.quote.toFixed()}`);
          strategy.quote = strategy.quote.minus(spend);
          strategy.base = strategy.base.plus(order.quantity);
        } else {
          if (order.quantity.gt(strategy.base))
            throw new Error(`bug: the plan sells ${order.quantity.toFixed()} ${base} of ${strategy.base.toFixed()}`);
          strategy.base = strategy.base.minus(order.quantity);
          strategy.quote = strategy.quote.plus(notional).minus(fee);
        }
        this.walletVersion += 1;
        this.trades += 1;
        if (this.series)
          this.barTrades.push({ side: order.side === 'BUY' ? 'BUY' : 'SELL', notional: notional.toNumber() });
        this.turnover = this.turnover.plus(notional);
        this.fees = this.fees.plus(fee);
        filledNotional = filledNotional.plus(notional);
      }
      if (filledNotional.gt(0)) {
        this.rebalances += 1;
        state.lastRebalanceAt = now;
        const day = utcDay(now);
        const today = state.turnover && state.turnover.day === day ? state.turnover.notional : ZERO;
        state.turnover = { day, notional: today.plus(filledNotional) };
      }
    }
    this.see(bar.time, walletValue(strategy, close).toNumber(), walletValue(this.hold, close).toNumber());
    this.lastClose = close;
    this.last = bar;
  }

  /**
   * Ends a skipped bar whose values are known only approximately (relative error far below 1e-12)
   * when that is enough: no value series is kept and neither drawdown can change. False: the caller
   * computes the exact values and calls see().
   */
  seeInert(valueStrategy: number, valueHold: number): boolean {
    if (this.series !== null || !this.ddStrategy.inert(valueStrategy) || !this.ddHold.inert(valueHold)) return false;
    this.ddQuote.see(this.capitalValue);
    this.count += 1;
    this.onBar?.(this.count);
    return true;
  }

  /** A bar the plan skipped, and why. */
  skip(reason: string): void {
    this.skips[reason] = (this.skips[reason] ?? 0) + 1;
  }

  /** The values of a bar (strategy, buy and hold), after its trades; ends the bar. */
  see(time: number, valueStrategy: number, valueHold: number): void {
    this.ddStrategy.see(valueStrategy);
    this.ddHold.see(valueHold);
    this.ddQuote.see(this.capitalValue);
    const series = this.series;
    if (series) {
      series.time.push(time);
      series.strategy.push(valueStrategy);
      series.buyAndHold.push(valueHold);
      for (const t of this.barTrades) series.trades.push({ time, ...t, value: valueStrategy });
      this.barTrades.length = 0;
    }
    this.count += 1;
    this.onBar?.(this.count);
  }

  report(): BacktestReport {
    const { first, last, lastClose, profile, strategy, capital, base, quote } = this;
    if (first === null || last === null || lastClose === null)
      throw new BacktestInputError('the price series has no bars', 'give a CSV with at least one bar');
    const strategyResult = result(
      `rebalance (${profile.id})`,
      strategy,
      lastClose,
      capital,
      this.ddStrategy,
      base,
      quote,
    );
    return {
      symbol: this.symbol,
      profile: profile.id,
      base,
      quote,
      bars: this.count,
      from: new Date(first.time).toISOString(),
      to: new Date(last.time).toISOString(),
      firstClose: first.close,
      lastClose: last.close,
      capital,
      makerFeeRate: this.rules.makerCommission,
      takerFeeRate: this.rules.takerCommission,
      strategy: {
        ...strategyResult,
        trades: this.trades,
        turnover: this.turnover,
        fees: this.fees,
        missedOrders: this.missed,
        rebalances: this.rebalances,
        skips: this.skips,
      },
      buyAndHold: result('buy and hold', this.hold, lastClose, capital, this.ddHold, base, quote),
      allQuote: result(`100 % ${quote}`, { base: ZERO, quote: capital }, lastClose, capital, this.ddQuote, base, quote),
      series: this.series,
      notes: this.notes,
    };
  }
}

/** The exact engine: plan() on every bar (`npm run backtest -- --exact`, and the reference of the fast one). */
export function runBacktest(input: BacktestInput): BacktestReport {
  const replay = new Replay(input);
  for (const bar of input.bars) replay.step(bar);
  return replay.report();
}
