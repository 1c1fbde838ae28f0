import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProfile, type StrategyProfile } from '@qrl-rebalancer/shared/domain';
import Big from 'big.js';
import { type BacktestInput, type BacktestReport, runBacktest } from './engine';
import { columnsOfBars } from './fast-csv';
import { runBacktestFast } from './fast-engine';
import { gbmBars } from './gbm';
import type { Bar } from './price-csv';
import { reportJson } from './report';

/**
 * Golden master for the engine: performance work must leave every report byte for byte as it was.
 * Seeded GBM paths under profiles that trade often (tiny band, no cool-down), each order policy,
 * hybrid and periodic modes, bandEdge, and a cap that blocks; the digest covers the JSON report and
 * the value series. Recorded from the engine before any optimisation.
 */
const PROFILES: StrategyProfile[] = [
  parseProfile('default', {}),
  parseProfile('busy-ioc', {
    bandAbs: '0.002',
    cooldown: '0s',
    orderTtl: '0s',
    minTradeNotional: '1',
    maxDailyTurnover: '300',
  }),
  parseProfile('busy-maker', {
    bandAbs: '0.003',
    cooldown: '0s',
    orderTtl: '0s',
    orderType: 'maker',
    minFeeRate: '0',
    minTradeNotional: '1',
  }),
  parseProfile('hybrid-market', {
    targets: { QRL: '0.3', USDT: '0.7' },
    bandRel: '0.1',
    mode: 'hybrid',
    period: '12h',
    cooldown: '2h',
    orderType: 'market',
    rebalanceTo: 'bandEdge',
    maxPriceMoveBps: 150,
  }),
  parseProfile('periodic', { mode: 'periodic', period: '1d', bandAbs: null, reserves: { QRL: '10' } }),
];

type Engine = (input: BacktestInput & { bars: Bar[] }) => BacktestReport;

const ENGINES: Record<string, Engine> = {
  exact: runBacktest,
  fast: ({ bars, ...rest }) => runBacktestFast({ ...rest, columns: columnsOfBars(bars) }),
};

interface Golden {
  /** sha256 over every case's report and value series, as recorded before the performance work */
  hash: string;
  /** per case (`profile σ fees`): the report as JSON, and a digest of its value series */
  cases: Record<string, { report: Record<string, unknown>; series: string }>;
}

function golden(engine: Engine): Golden {
  const hash = createHash('sha256');
  const cases: Golden['cases'] = {};
  PROFILES.forEach((profile, i) => {
    for (const [sigma, fees] of [
      [0.01, null],
      [0.03, new Big('0.001')],
    ] as const) {
      const bars = [...gbmBars({ sigma, bars: 2000, seed: 100 + i })].map((b, j) => {
        // Every third bar has a candle range, so fills at the edge and missed orders occur too.
        if (j % 3 !== 0) return b;
        const c = Number(b.close);
        return { ...b, low: (c * (1 - sigma)).toFixed(6), high: (c * (1 + sigma / 2)).toFixed(6) };
      });
      const report = engine({ bars, profile, feeRate: fees, capital: new Big(5000) });
      // the value series as recorded; the trade list for the plot's markers came later, checked on its own
      const { trades: filled = [], ...values } = report.series ?? {};
      expect(filled).toHaveLength(report.strategy.trades);
      const json = reportJson(report);
      const series = JSON.stringify(report.series ? values : null);
      hash.update(`${JSON.stringify(json)}\n${series}\n`);
      const name = `${profile.id} sigma ${sigma} fees ${fees?.toFixed() ?? 'default'}`;
      cases[name] = { report: json, series: createHash('sha256').update(series).digest('hex').slice(0, 16) };
    }
  });
  return { hash: hash.digest('hex'), cases };
}

/**
 * The recorded reports: engine.golden.fixture.json. `UPDATE_GOLDEN=1 npx jest scripts/backtest/engine.golden`
 * rewrites it from the exact engine, for a change that is meant (commit it with the code, say why).
 */
const fixture = join(__dirname, 'engine.golden.fixture.json');

describe('backtest engine golden master', () => {
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(fixture, `${JSON.stringify(golden(runBacktest), null, 2)}\n`);

  // The fast engine (fast-engine.ts) must give the exact engine's report and value series to the byte.
  it.each(Object.keys(ENGINES))(
    '%s engine reports byte for byte what the engine reported before the performance work',
    (name) => {
      const result = golden(ENGINES[name] as Engine);
      // a change shows first as a diff of the reports, field by field
      expect(result.cases).toEqual((JSON.parse(readFileSync(fixture, 'utf8')) as Golden).cases);
      // not rewritable: recorded from the engine before any optimisation
      expect(result.hash).toBe('684da71daf82f48f7056f8270d34bdefb9857b0cc3220a2b6f0110cf31d8b3d0');
    },
  );
});
