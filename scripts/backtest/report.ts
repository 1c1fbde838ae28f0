import type Big from 'big.js';
import type { BacktestReport, PortfolioResult, StrategyResult } from './engine';

/** The backtest's result as a table for a human, and as plain JSON (decimals as strings). */

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} %`;
}

function money(x: Big, dp = 2): string {
  const [int = '0', frac] = x.toFixed(dp).split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = int.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${digits}${frac ? `.${frac}` : ''}`;
}

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
    money(p.finalValue),
    pct(p.return.toNumber()),
    `${(p.maxDrawdown * 100).toFixed(2)} %`,
    String(p.trades),
    money(p.turnover),
    money(p.fees, 4),
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
    `price ${r.firstClose} → ${r.lastClose} ${r.quote}; start ${money(r.capital)} ${r.quote} at the target weights; fees maker ${bps(r.makerFeeRate)}, taker ${bps(r.takerFeeRate)}`,
    '',
    line(header),
    ...cells.map(line),
    '',
    `rebalance vs buy and hold: ${edge.gte(0) ? '+' : ''}${money(edge)} ${r.quote}; rebalanced on ${s.rebalances} bars, ${s.missedOrders} planned orders not reached by the candle`,
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
