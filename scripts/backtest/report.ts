import type Big from 'big.js';
import { fmtGrouped, fmtSignedPct } from '../../shared/src/domain/format';
import type { BacktestReport, PortfolioResult, StrategyResult } from './engine';

/** The backtest's result as a table for a human, and as plain JSON (decimals as strings). */

function bps(rate: Big): string {
  return `${rate.times(10_000).toFixed()} bps`;
}

export function formatReport(r: BacktestReport): string {
  const rows = [r.strategy, r.buyAndHold, r.allQuote];
  const header = [
    'portfolio',
    `final ${r.quote}`,
    'return',
    'max drawdown',
    'trades',
    `turnover ${r.quote}`,
    `fees ${r.quote}`,
  ];
  const cells = rows.map((p: PortfolioResult) => [
    p.name,
    fmtGrouped(p.finalValue),
    fmtSignedPct(p.return.toNumber()),
    `${(p.maxDrawdown * 100).toFixed(2)} %`,
    String(p.trades),
    fmtGrouped(p.turnover),
    fmtGrouped(p.fees, 4),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    c.map((x, i) => (i === 0 ? x.padEnd(widths[i] ?? 0) : x.padStart(widths[i] ?? 0))).join('  ');
  const s: StrategyResult = r.strategy;
  const skips = Object.entries(s.skips)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const edge = r.strategy.finalValue.minus(r.buyAndHold.finalValue);
  return [
    `Backtest ${r.symbol}, profile ${r.profile}: ${r.bars} bars, ${r.from} → ${r.to}`,
    `price ${r.firstClose} → ${r.lastClose} ${r.quote}; start ${fmtGrouped(r.capital)} ${r.quote} at the target weights; fees maker ${bps(r.makerFeeRate)}, taker ${bps(r.takerFeeRate)}`,
    '',
    line(header),
    ...cells.map(line),
    '',
    `rebalance vs buy and hold: ${edge.gte(0) ? '+' : ''}${fmtGrouped(edge)} ${r.quote}; rebalanced on ${s.rebalances} bars, ${s.missedOrders} planned orders not reached by the candle`,
    `skipped bars: ${skips || 'none'}`,
    ...r.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

function portfolioJson(p: PortfolioResult): Record<string, unknown> {
  return {
    name: p.name,
    finalValue: p.finalValue.toFixed(),
    return: p.return.toFixed(8),
    maxDrawdown: Number(p.maxDrawdown.toFixed(8)),
    trades: p.trades,
    turnover: p.turnover.toFixed(),
    fees: p.fees.toFixed(),
    holdings: p.holdings,
  };
}

export function reportJson(r: BacktestReport): Record<string, unknown> {
  return {
    symbol: r.symbol,
    profile: r.profile,
    bars: r.bars,
    from: r.from,
    to: r.to,
    firstClose: r.firstClose,
    lastClose: r.lastClose,
    capital: r.capital.toFixed(),
    makerFeeRate: r.makerFeeRate.toFixed(),
    takerFeeRate: r.takerFeeRate.toFixed(),
    strategy: {
      ...portfolioJson(r.strategy),
      rebalances: r.strategy.rebalances,
      missedOrders: r.strategy.missedOrders,
      skips: r.strategy.skips,
    },
    buyAndHold: portfolioJson(r.buyAndHold),
    allQuote: portfolioJson(r.allQuote),
    notes: r.notes,
  };
}
