import { parseBacktestArgs } from './options';

describe('backtest arguments', () => {
  it('reads a CSV run with every option', () => {
    const o = parseBacktestArgs([
      '--prices',
      'p.csv',
      '--profile',
      'x.json',
      '--fees-bps',
      '10',
      '--capital',
      '250',
      '--json',
      '--plot',
      'o.svg',
      '--progress',
    ]);
    expect(o.source).toEqual({ kind: 'csv', path: 'p.csv' });
    expect(o.profile).toBe('x.json');
    expect(o.feeRate?.toFixed()).toBe('0.001');
    expect(o.capital.toFixed()).toBe('250');
    expect([o.json, o.plot, o.progress]).toEqual([true, 'o.svg', true]);
  });

  it('reads a generated run with defaults', () => {
    const o = parseBacktestArgs(['--generate', 'gbm', '--sigma', '0.02', '--bars', '500', '--seed', '7']);
    expect(o.source).toEqual({ kind: 'gbm', sigma: 0.02, bars: 500, seed: 7 });
    expect([o.profile, o.feeRate, o.json, o.plot, o.progress]).toEqual(['default', null, false, null, null]);
    expect(parseBacktestArgs(['--generate', 'gbm', '--no-progress']).progress).toBe(false);
  });

  it.each([
    [[], /exactly one of --prices/],
    [['--prices', 'a.csv', '--generate', 'gbm'], /exactly one of --prices/],
    [['--generate', 'walk'], /--generate "walk" must be gbm/],
    [['--generate', 'gbm', '--bars', '1.5'], /--bars "1.5" must be a whole number/],
    [['--generate', 'gbm', '--sigma', '0'], /--sigma "0" must be above 0/],
    [['--prices', 'a.csv', '--fees-bps=-1'], /--fees-bps "-1" must be a non-negative number/],
    [['--prices', 'a.csv', '--capital', '0'], /--capital "0" must be above 0/],
    [['--prices', 'a.csv', '--what'], /Unknown option '--what'/],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parseBacktestArgs(argv)).toThrow(message);
  });
});
