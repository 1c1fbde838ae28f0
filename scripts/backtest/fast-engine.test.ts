import { DEFAULT_PROFILE_ID, parseProfile, parseProfiles } from '@qrl-rebalancer/shared/domain';
import Big from 'big.js';
import { type BacktestReport, runBacktest } from './engine';
import { readBarColumns } from './fast-csv';
import { type FastStats, runBacktestFast } from './fast-engine';
import { gbmBars } from './gbm';
import { readBars } from './price-csv';
import { reportJson } from './report';

/**
 * The fast path against the exact engine on a generated 200,000-bar CSV (the golden series are in
 * engine.golden.test.ts; the 1,000,000-bar equality runs in `npm run bench`, where the exact engine's
 * ~30 s belong): every trade, skip, value of the series and the final report the same.
 */
function csvOf(bars: number, sigma: number, seed: number): string {
  const lines = ['time,open,high,low,close'];
  let i = 0;
  for (const bar of gbmBars({ sigma, bars, seed })) {
    const c = Number(bar.close);
    // every fifth bar has a range, so fills at the candle's edge and missed maker orders occur
    const [low, high] =
      i % 5 === 0 ? [(c * (1 - sigma)).toFixed(6), (c * (1 + sigma)).toFixed(6)] : [bar.close, bar.close];
    lines.push(`${new Date(bar.time).toISOString()},${bar.close},${high},${low},${bar.close}`);
    i += 1;
  }
  return `${lines.join('\n')}\n`;
}

function same(a: BacktestReport, b: BacktestReport): void {
  expect(JSON.stringify(reportJson(b))).toBe(JSON.stringify(reportJson(a)));
  expect(b.strategy.maxDrawdown).toBe(a.strategy.maxDrawdown);
  expect(b.buyAndHold.maxDrawdown).toBe(a.buyAndHold.maxDrawdown);
}

describe('fast backtest = exact backtest', () => {
  it('on a 200,000-bar CSV: same report, same value series; almost every bar decided without plan()', () => {
    const text = csvOf(200_000, 0.003, 16);
    const profile = parseProfiles(undefined)[DEFAULT_PROFILE_ID];
    if (!profile) throw new Error('no default profile');
    const exact = runBacktest({ bars: readBars(text, 'gbm.csv'), profile, keepSeries: true });
    expect(exact.strategy.trades).toBeGreaterThan(20);

    const stats: FastStats = { fastBars: 0, exactBars: 0, slowValues: 0 };
    const fast = runBacktestFast({ columns: readBarColumns(text, 'gbm.csv'), profile, keepSeries: true }, stats);
    same(exact, fast);
    expect(fast.series).toEqual(exact.series);
    expect(stats.fastBars + stats.exactBars).toBe(200_000);
    expect(stats.exactBars).toBeLessThan(2_000);

    const quiet = runBacktestFast({
      columns: readBarColumns(Buffer.from(text), 'gbm.csv'),
      profile,
      keepSeries: false,
    });
    same(exact, quiet);
  }, 120_000);

  it.each([
    ['periodic', { mode: 'periodic', period: '6h', bandAbs: null }],
    [
      'hybrid, relative band, band edge',
      {
        mode: 'hybrid',
        period: '3d',
        bandRel: '0.05',
        bandAbs: null,
        rebalanceTo: 'bandEdge',
        cooldown: '0s',
        orderTtl: '0s',
      },
    ],
    ['hybrid, absolute band, short period', { mode: 'hybrid', period: '12h', bandAbs: '0.02' }],
    ['a band of one basis point', { bandAbs: '0.0001', cooldown: '0s', orderTtl: '0s', minTradeNotional: '1' }],
  ])('other trigger modes: %s', (_name, knobs) => {
    const text = csvOf(5_000, 0.01, 3);
    const profile = parseProfile('p', knobs);
    const exact = runBacktest({
      bars: readBars(text, 'g.csv'),
      profile,
      capital: new Big(777),
      feeRate: new Big('0.002'),
    });
    const fast = runBacktestFast({
      columns: readBarColumns(text, 'g.csv'),
      profile,
      capital: new Big(777),
      feeRate: new Big('0.002'),
    });
    same(exact, fast);
    expect(fast.series).toEqual(exact.series);
  });

  it('a wallet too small for any order', () => {
    const text = 'time,close\n2025-01-01T00:00:00Z,0.5\n2025-01-01T01:00:00Z,0.6\n';
    const profile = parseProfiles(undefined)[DEFAULT_PROFILE_ID];
    if (!profile) throw new Error('no default profile');
    const input = { profile, capital: new Big('0.001') };
    same(
      runBacktest({ ...input, bars: readBars(text, 'e.csv') }),
      runBacktestFast({ ...input, columns: readBarColumns(text, 'e.csv') }),
    );
  });
});
