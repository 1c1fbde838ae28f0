import { parseProfile } from '@qrl-rebalancer/shared/domain';
import Big from 'big.js';
import { fillPrice, runBacktest } from './engine';
import type { Bar } from './price-csv';

/**
 * Volatility pumping (Luenberger, "Investment Science", 1998, §15.6 "Volatility pumping"; Fernholz &
 * Shay, "Stochastic Portfolio Theory and Stock Market Equilibrium", J. Finance 37(2), 1982).
 *
 * A portfolio held at weight 1/2 in an asset and 1/2 in cash, rebalanced after every move, while the
 * price alternates p → q → p → … with x = q/p:
 *   p → q: value × (1/2 + x/2)   = (1 + x)/2
 *   q → p: value × (1/2 + 1/(2x)) = (1 + x)/(2x)
 * so each full cycle p → q → p multiplies the value by
 *   g = (1 + x)² / (4x) = 1 + (x − 1)² / (4x)   (> 1 for every x ≠ 1)
 * while buy-and-hold is back where it started. After n cycles: rebalanced / buy-and-hold = gⁿ.
 * (Luenberger's example, x = 2: half-steps 1.5 and 0.75, g = 9/8.)
 */
function pumpingGain(p: number, q: number, cycles: number): number {
  const x = q / p;
  return ((1 + x) ** 2 / (4 * x)) ** cycles;
}

function alternating(p: string, q: string, cycles: number): Bar[] {
  const start = Date.UTC(2025, 0, 1);
  return Array.from({ length: 2 * cycles + 1 }, (_, i) => {
    const close = i % 2 === 0 ? p : q;
    return { time: start + i * 3_600_000, low: close, high: close, close };
  });
}

/** Rebalances on every bar: tiny band, no cooldown, maker orders at the close, no caps or guards in the way. */
const everyBar = parseProfile('pump', {
  targets: { QRL: '0.5', USDT: '0.5' },
  bandAbs: '0.001',
  cooldown: '0s',
  orderTtl: '0s',
  minTradeNotional: '0',
  maxOrderNotional: '100000000',
  maxDailyTurnover: null,
  orderType: 'maker',
  maxSpreadBps: null,
  maxPriceMoveBps: null,
  checkDepth: false,
  minFeeRate: '0',
});

const CAPITAL = new Big(1_000_000);

describe('backtest engine: volatility pumping on a price alternating between two levels', () => {
  it.each([
    ['0.5', '0.6', 50],
    ['0.5', '0.4', 30],
    ['0.25', '0.5', 10],
  ])('p %s ↔ q %s, %i cycles: rebalanced / buy-and-hold matches (1 + x)² / (4x) per cycle', (p, q, cycles) => {
    const report = runBacktest({
      bars: alternating(p, q, cycles),
      profile: everyBar,
      feeRate: new Big(0),
      capital: CAPITAL,
    });

    expect(report.strategy.rebalances).toBe(2 * cycles);
    expect(report.strategy.fees.eq(0)).toBe(true);
    const measured = report.strategy.finalValue.div(report.buyAndHold.finalValue).toNumber();
    const predicted = pumpingGain(Number(p), Number(q), cycles);
    // Tolerance from rounding only: each order's quantity is floored to the 0.01 QRL step, so a
    // rebalance misses 50/50 by at most 0.01 QRL × price ≤ 0.006 USDT of a ~10⁶ USDT portfolio (weight
    // error ≤ 6·10⁻⁹); that changes one step's growth factor by ≤ |x − 1| × 6·10⁻⁹, so at most
    // ~1.2·10⁻⁷ relative over 100 steps (measured: ~4·10⁻⁸, always a little under the formula because
    // flooring trades slightly less than ideal). A wrong formula such as 1 + (x − 1)²/4 per cycle is
    // off by 8 % here.
    expect(Math.abs(measured / predicted - 1)).toBeLessThan(2e-7);
    expect(measured).toBeGreaterThan(1);
  });

  it('fees shift the result down, by exactly the fee rate on the turnover', () => {
    const bars = alternating('0.5', '0.6', 20);
    const free = runBacktest({ bars, profile: everyBar, feeRate: new Big(0), capital: CAPITAL });
    const paid = runBacktest({ bars, profile: everyBar, feeRate: new Big('0.001'), capital: CAPITAL });

    expect(paid.strategy.fees.gt(0)).toBe(true);
    expect(paid.strategy.fees.eq(paid.strategy.turnover.times('0.001'))).toBe(true);
    expect(paid.strategy.finalValue.lt(free.strategy.finalValue)).toBe(true);
    // Fees never touch buy-and-hold or cash.
    expect(paid.buyAndHold.finalValue.eq(free.buyAndHold.finalValue)).toBe(true);
    expect(paid.allQuote.finalValue.eq(CAPITAL)).toBe(true);
    // The gap is at least the fees paid (they also stop compounding) and of the same order.
    const gap = free.strategy.finalValue.minus(paid.strategy.finalValue);
    expect(gap.gte(paid.strategy.fees.times('0.99'))).toBe(true);
    expect(gap.lte(paid.strategy.fees.times(2))).toBe(true);
  });

  it('a flat price never trades and every portfolio keeps its value', () => {
    const bars = alternating('0.5', '0.5', 5);
    const report = runBacktest({ bars, profile: everyBar, capital: CAPITAL });
    expect(report.strategy.trades).toBe(0);
    expect(report.strategy.finalValue.eq(CAPITAL)).toBe(true);
    expect(report.buyAndHold.maxDrawdown).toBe(0);
  });
});

describe('backtest engine: fills and reporting', () => {
  it('fills at the planned price inside the candle and at the candle edge beyond it', () => {
    const ioc = parseProfile('ioc', {
      bandAbs: '0.01',
      cooldown: '0s',
      orderTtl: '0s',
      maxSlippageBps: 100,
      maxDailyTurnover: null,
      maxPriceMoveBps: null,
    });
    const start = Date.UTC(2025, 0, 1);
    const first: Bar = { time: start, low: '0.5', high: '0.5', close: '0.5' };
    // At a close of 0.6 the plan sells with an IOC limit 1 % under the bid: 0.594.
    const sellAt = (low: string) => {
      const bars: Bar[] = [first, { time: start + 3_600_000, low, high: '0.61', close: '0.6' }];
      const r = runBacktest({ bars, profile: ioc, feeRate: new Big(0) });
      const sold = new Big(r.buyAndHold.holdings.QRL ?? '0').minus(r.strategy.holdings.QRL ?? '0');
      expect(r.strategy.trades).toBe(1);
      return r.strategy.turnover.div(sold).toFixed();
    };
    expect(sellAt('0.59')).toBe('0.594');
    expect(sellAt('0.598')).toBe('0.598');
  });

  it('a candle that never reached the planned price misses the order', () => {
    expect(fillPrice({ side: 'BUY', expectedPrice: new Big('0.49') }, new Big('0.5'), new Big('0.6'))).toBeNull();
    expect(fillPrice({ side: 'SELL', expectedPrice: new Big('0.61') }, new Big('0.5'), new Big('0.6'))).toBeNull();
    expect(fillPrice({ side: 'BUY', expectedPrice: new Big('0.7') }, new Big('0.5'), new Big('0.6'))?.toFixed()).toBe(
      '0.6',
    );
    expect(fillPrice({ side: 'SELL', expectedPrice: new Big('0.55') }, new Big('0.5'), new Big('0.6'))?.toFixed()).toBe(
      '0.55',
    );
  });

  it('reports max drawdown from the running peak', () => {
    const start = Date.UTC(2025, 0, 1);
    const closes = ['1', '2', '1', '1.5'];
    const bars = closes.map((close, i) => ({ time: start + i * 86_400_000, low: close, high: close, close }));
    const hold = runBacktest({ bars, profile: parseProfile('wide', { bandAbs: '0.5' }), capital: new Big(100) });
    // Buy-and-hold 50 QRL + 50 USDT: 100 → 150 → 100 → 125; drawdown (150 − 100) / 150.
    expect(hold.buyAndHold.maxDrawdown).toBeCloseTo(1 / 3, 10);
    expect(hold.buyAndHold.finalValue.toFixed()).toBe('125');
    expect(hold.buyAndHold.return.toFixed()).toBe('0.25');
  });

  it('refuses a three-asset profile, naming it', () => {
    const three = parseProfile('three', { targets: { QRL: '0.4', BTC: '0.3', USDT: '0.3' } });
    expect(() => runBacktest({ bars: alternating('1', '2', 1), profile: three })).toThrow(
      /profile three holds 3 assets/,
    );
  });
});
