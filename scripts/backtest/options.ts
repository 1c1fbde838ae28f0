import { parseArgs } from 'node:util';
import Big from 'big.js';
import * as v from 'valibot';
import { AppError } from '../../shared/src/errors';

/** `npm run backtest -- …` arguments as a pure function of argv, like functions-framework's parseOptions. */
export const USAGE = `usage: npm run backtest -- (--prices <file.csv> | --generate gbm [--sigma S] [--bars N] [--seed K])
       [--profile <id|file.json>] [--fees-bps N] [--capital C] [--json] [--plot out.svg] [--progress|--no-progress]
       [--exact]

  --prices      CSV with a header: time,close or time,open,high,low,close (time ISO 8601 or Unix s/ms)
  --generate    gbm: synthetic geometric Brownian motion, hourly bars from 2025-01-01, start price 0.5
  --sigma       per-bar volatility of the log price (default 0.01)
  --bars        number of generated bars (default 2000)
  --seed        seed of the generator (default 1)
  --profile     a profile id of STRATEGY_PROFILES (built-in "default" when unset) or a JSON file of knobs
  --fees-bps    fee in basis points for maker and taker (default: MEXC's maker 0, taker 5)
  --capital     starting value in the quote asset (default 1000)
  --json        print the report as JSON
  --plot        write an SVG of value over time, rebalance vs buy and hold
  --progress    progress bar on stderr (default: when stderr is a terminal and the series is long)
  --exact       run plan() on every bar (the reference engine; same result, much slower)`;

export class BacktestUsageError extends AppError {
  constructor(problem: string) {
    super({
      code: 'backtest.usage',
      what: problem,
      notDone: 'the backtest did not run',
      todo: `see the usage:\n${USAGE}`,
    });
  }
}

export interface BacktestOptions {
  source: { kind: 'csv'; path: string } | { kind: 'gbm'; sigma: number; bars: number; seed: number };
  profile: string;
  feeRate: Big | null;
  capital: Big;
  json: boolean;
  plot: string | null;
  /** null: decide from the terminal */
  progress: boolean | null;
  /** plan() on every bar instead of the fast path (same report) */
  exact: boolean;
}

const DECIMAL = /^\d+(\.\d+)?$/;
const numberFrom = (what: string, check: (n: number) => boolean) =>
  v.pipe(
    v.string(),
    v.regex(/^-?\d+(\.\d+)?(e-?\d+)?$/i, `must be a number (${what})`),
    v.transform(Number),
    v.check(check, `must be ${what}`),
  );

const schema = v.object({
  prices: v.optional(v.pipe(v.string(), v.minLength(1, 'must name a CSV file'))),
  generate: v.optional(v.picklist(['gbm'], 'must be gbm (the only generator)')),
  sigma: v.optional(
    numberFrom('above 0 and at most 1', (n) => n > 0 && n <= 1),
    '0.01',
  ),
  bars: v.optional(
    numberFrom('a whole number from 1 to 50000000', (n) => Number.isInteger(n) && n >= 1 && n <= 50_000_000),
    '2000',
  ),
  seed: v.optional(
    numberFrom('a whole number from 0 to 4294967295', (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32),
    '1',
  ),
  profile: v.optional(v.pipe(v.string(), v.minLength(1, 'must name a profile')), 'default'),
  'fees-bps': v.optional(
    v.pipe(
      v.string(),
      v.regex(DECIMAL, 'must be a non-negative number of basis points such as 10'),
      v.check((s) => Number(s) <= 1000, 'must be at most 1000 (10 %)'),
    ),
  ),
  capital: v.optional(
    v.pipe(
      v.string(),
      v.regex(DECIMAL, 'must be a positive decimal such as 1000'),
      v.check((s) => Number(s) > 0, 'must be above 0'),
    ),
    '1000',
  ),
  json: v.optional(v.boolean(), false),
  plot: v.optional(v.pipe(v.string(), v.minLength(1, 'must name an output file'))),
  progress: v.optional(v.boolean()),
  'no-progress': v.optional(v.boolean()),
  exact: v.optional(v.boolean(), false),
});

export function parseBacktestArgs(argv: readonly string[]): BacktestOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        prices: { type: 'string' },
        generate: { type: 'string' },
        sigma: { type: 'string' },
        bars: { type: 'string' },
        seed: { type: 'string' },
        profile: { type: 'string' },
        'fees-bps': { type: 'string' },
        capital: { type: 'string' },
        json: { type: 'boolean' },
        plot: { type: 'string' },
        progress: { type: 'boolean' },
        'no-progress': { type: 'boolean' },
        exact: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new BacktestUsageError(error instanceof Error ? error.message : String(error));
  }
  const parsed = v.safeParse(schema, values, { abortEarly: false });
  if (!parsed.success)
    throw new BacktestUsageError(
      parsed.issues.map((i) => `--${v.getDotPath(i) ?? '?'} "${String(i.input)}" ${i.message}`).join('; '),
    );
  const o = parsed.output;
  if ((o.prices === undefined) === (o.generate === undefined))
    throw new BacktestUsageError('give exactly one of --prices <file.csv> and --generate gbm');
  if (o.progress && o['no-progress'])
    throw new BacktestUsageError('--progress and --no-progress contradict each other');
  return {
    source:
      o.prices !== undefined
        ? { kind: 'csv', path: o.prices }
        : { kind: 'gbm', sigma: o.sigma, bars: o.bars, seed: o.seed },
    profile: o.profile,
    feeRate: o['fees-bps'] === undefined ? null : new Big(o['fees-bps']).div(10_000),
    capital: new Big(o.capital),
    json: o.json,
    plot: o.plot ?? null,
    progress: o.progress ? true : o['no-progress'] ? false : null,
    exact: o.exact,
  };
}
