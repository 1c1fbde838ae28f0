import Big from 'big.js';
import { type BacktestInput, type BacktestReport, Replay, walletValue } from './engine';
import { WalletValue } from './exact-value';
import type { BarColumns } from './fast-csv';

/**
 * The backtest with the same result as runBacktest (every trade, skip, value and the final report),
 * without plan() on the bars that cannot trade. A bar is decided here only when plan() is certain
 * to skip it for a reason that needs no planning:
 * - `not_due`: periodic mode and the period has not passed since the last rebalance (integer ms);
 * - `within_band`: threshold mode, or hybrid mode with the period not passed, and every asset's
 *   |weight − target| is at least MARGIN inside its band. The weights are computed in doubles, whose
 *   error here is below 1e-15 (a few roundings of values near 1) against big.js's exact value
 *   rounded to 20 places; MARGIN = 1e-9 is six orders of magnitude wider, so a bar near the band
 *   edge always goes to plan();
 * - only while the wallet holds something (else plan() says `empty_portfolio`).
 * Every other bar, and the first, goes through Replay.step, the exact engine's own code. A skipped
 * bar's values come from WalletValue (exactly big.js's toNumber(), or big.js itself when it
 * declines), so drawdowns and the value series are the exact engine's to the last bit; when no
 * series is kept and a double estimate shows neither drawdown can move (Replay.seeInert), the exact
 * values are not needed at all.
 */
export const MARGIN = 1e-9;

export type FastInput = Omit<BacktestInput, 'bars'> & { columns: BarColumns };

export interface FastStats {
  /** bars decided without plan() */
  fastBars: number;
  /** bars given to plan() */
  exactBars: number;
  /** values big.js computed because WalletValue declined */
  slowValues: number;
}

export function runBacktestFast(input: FastInput, stats?: FastStats): BacktestReport {
  const { columns } = input;
  const replay = new Replay(input);
  const n = columns.length;
  const { time, close, closeInt, closeScale } = columns;
  const { profile, base, quote } = replay;
  const mode = profile.mode;
  const periodMs = profile.periodMs;
  const targetBase = (profile.targets[base] as Big).toNumber();
  const targetQuote = (profile.targets[quote] as Big).toNumber();
  const bandOf = (target: Big | undefined): number => {
    if (target === undefined) return Number.NEGATIVE_INFINITY;
    const rel = profile.bandRel ? profile.bandRel.times(target) : null;
    const band = profile.bandAbs && rel ? (profile.bandAbs.lt(rel) ? profile.bandAbs : rel) : (profile.bandAbs ?? rel);
    return band === null ? Number.POSITIVE_INFINITY : band.toNumber();
  };
  // the allowed |drift| minus the margin; a band of null never fires
  const insideBase = bandOf(profile.targets[base]) - MARGIN;
  const insideQuote = bandOf(profile.targets[quote]) - MARGIN;
  let fastBars = 0;
  let exactBars = 0;
  let slowValues = 0;

  let version = -1;
  let baseF = 0;
  let quoteF = 0;
  let nonEmpty = false;
  let strategyValue: WalletValue | null = null;
  let holdValue: WalletValue | null = null;
  let holdBaseF = 0;
  let holdQuoteF = 0;
  const exact = (i: number) => {
    replay.lastClose = i > 0 ? new Big(columns.closeText(i - 1)) : null;
    replay.step(columns.bar(i));
    exactBars += 1;
  };

  for (let i = 0; i < n; i += 1) {
    if (i === 0) {
      exact(0);
      holdValue = new WalletValue(replay.hold.base, replay.hold.quote);
      holdBaseF = replay.hold.base.toNumber();
      holdQuoteF = replay.hold.quote.toNumber();
      continue;
    }
    if (version !== replay.walletVersion) {
      version = replay.walletVersion;
      baseF = replay.strategy.base.toNumber();
      quoteF = replay.strategy.quote.toNumber();
      nonEmpty = replay.strategy.base.gt(0) || replay.strategy.quote.gt(0);
      strategyValue = new WalletValue(replay.strategy.base, replay.strategy.quote);
    }
    const t = time[i] as number;
    let reason: string | null = null;
    if (nonEmpty) {
      const last = replay.state.lastRebalanceAt;
      const due = mode !== 'threshold' && (last === null || t - last.getTime() >= periodMs);
      if (mode === 'periodic') reason = due ? null : 'not_due';
      else if (!due) {
        const vb = baseF * (close[i] as number);
        const w = vb / (vb + quoteF);
        if (Math.abs(w - targetBase) < insideBase && Math.abs(1 - w - targetQuote) < insideQuote)
          reason = 'within_band';
      }
    }
    if (reason === null) {
      exact(i);
      continue;
    }
    replay.skip(reason);
    fastBars += 1;
    const c = close[i] as number;
    if (replay.seeInert(baseF * c + quoteF, holdBaseF * c + holdQuoteF)) continue;
    const ci = closeInt[i] as number;
    const cs = closeScale[i] as number;
    let vs = (strategyValue as WalletValue).at(ci, cs);
    let vh = (holdValue as WalletValue).at(ci, cs);
    if (Number.isNaN(vs) || Number.isNaN(vh)) {
      const c = new Big(columns.closeText(i));
      if (Number.isNaN(vs)) {
        vs = walletValue(replay.strategy, c).toNumber();
        slowValues += 1;
      }
      if (Number.isNaN(vh)) {
        vh = walletValue(replay.hold, c).toNumber();
        slowValues += 1;
      }
    }
    replay.see(t, vs, vh);
  }
  if (n > 0) {
    replay.last = columns.bar(n - 1);
    replay.lastClose = new Big(replay.last.close);
  }
  if (stats) Object.assign(stats, { fastBars, exactBars, slowValues });
  return replay.report();
}
