import { loadConfig } from '../config';
import { assertDisjointProfiles, DEFAULT_KNOBS, ProfileError, parseProfile, parseProfiles } from './profile';

function problemsOf(json: string | undefined): string {
  try {
    parseProfiles(json);
  } catch (error) {
    if (error instanceof ProfileError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected a ProfileError');
}

const one = (knobs: Record<string, unknown>) => JSON.stringify({ default: knobs });

describe('parseProfiles', () => {
  it('returns the built-in default profile when STRATEGY_PROFILES is unset', () => {
    const { default: p } = parseProfiles(undefined);
    expect(p).toBeDefined();
    if (!p) return;
    expect(p.id).toBe('default');
    expect(p.quote).toBe('USDT');
    expect(Object.entries(p.targets).map(([a, w]) => [a, w.toFixed()])).toEqual([
      ['QRL', '0.5'],
      ['USDT', '0.5'],
    ]);
    expect(p.bandAbs?.toFixed()).toBe('0.05');
    expect(p.bandRel).toBeNull();
    expect(p).toMatchObject({
      mode: 'threshold',
      periodMs: 86_400_000,
      cooldownMs: 3_600_000,
      rebalanceTo: 'target',
      orderType: 'ioc',
      maxSlippageBps: 50,
      maxSpreadBps: 100,
      maxPriceMoveBps: 1000,
      orderTtlMs: 600_000,
      checkDepth: true,
    });
    expect(p.minTradeNotional.toFixed()).toBe(DEFAULT_KNOBS.minTradeNotional);
    expect(p.maxOrderNotional.toFixed()).toBe(DEFAULT_KNOBS.maxOrderNotional);
    expect(p.maxDailyTurnover?.toFixed()).toBe(DEFAULT_KNOBS.maxDailyTurnover);
    expect(p.minFeeRate.toFixed()).toBe(DEFAULT_KNOBS.minFeeRate);
  });

  it('is what the composition root gets from config.strategyProfilesJson', () => {
    const env = { AUTH_MODE: 'none', MEXC_BASE_URL: 'http://127.0.0.1:9090' };
    expect(Object.keys(parseProfiles(loadConfig(env).strategyProfilesJson))).toEqual(['default']);
    const custom = loadConfig({ ...env, STRATEGY_PROFILES: JSON.stringify({ cautious: { bandAbs: '0.1' } }) });
    expect(parseProfiles(custom.strategyProfilesJson).cautious?.bandAbs?.toFixed()).toBe('0.1');
  });

  it('parses a three-asset hybrid profile with strings, numbers and durations', () => {
    const profiles = parseProfiles(
      JSON.stringify({
        trio: {
          targets: { QRL: '0.4', BTC: 0.3, USDT: '0.3' },
          bandRel: '0.25',
          mode: 'hybrid',
          period: '6h',
          cooldown: '30m',
          rebalanceTo: 'bandEdge',
          reserves: { USDT: '20' },
          orderType: 'maker',
          priceBounds: { QRLUSDT: { min: '0.01', max: '10' } },
          maxSpreadBps: null,
          maxDailyTurnover: null,
        },
      }),
    );
    const p = profiles.trio;
    expect(p?.targets.BTC?.toFixed()).toBe('0.3');
    expect(p?.bandAbs).toBeNull();
    expect(p?.bandRel?.toFixed()).toBe('0.25');
    expect(p?.periodMs).toBe(6 * 3_600_000);
    expect(p?.cooldownMs).toBe(30 * 60_000);
    expect(p?.reserves.USDT?.toFixed()).toBe('20');
    expect(p?.priceBounds.QRLUSDT?.max?.toFixed()).toBe('10');
    expect(p?.maxSpreadBps).toBeNull();
    expect(p?.maxDailyTurnover).toBeNull();
  });

  it.each([
    [one({ bandAbs: '-0.1' }), /profiles\.default\.bandAbs must be a non-negative decimal/],
    [one({ bandAbs: '1.5' }), /profiles\.default\.bandAbs must be above 0 and at most 1/],
    [one({ bandAbs: 'abc' }), /profiles\.default\.bandAbs/],
    [one({ targets: { QRL: '0.6', USDT: '0.5' } }), /profiles\.default\.targets weights sum to 1\.1/],
    [one({ targets: { QRL: '0.5', BTC: '0.5' } }), /profiles\.default\.quote USDT must also be one of the targets/],
    [one({ targets: { qrl: '0.5', USDT: '0.5' } }), /profiles\.default\.targets\.qrl/],
    [one({ mode: 'sometimes' }), /profiles\.default\.mode must be threshold, periodic or hybrid/],
    [one({ period: '5 hours' }), /profiles\.default\.period must be a duration/],
    [one({ bandAbs: null }), /profiles\.default\.bandAbs or bandRel is needed in threshold mode/],
    [
      one({ mode: 'periodic', bandAbs: null, rebalanceTo: 'bandEdge' }),
      /profiles\.default\.rebalanceTo bandEdge needs/,
    ],
    [one({ maxSlippageBps: 2.5 }), /profiles\.default\.maxSlippageBps must be a whole number/],
    [one({ maxOrderNotional: '1', minTradeNotional: '5' }), /profiles\.default\.maxOrderNotional 1 is below/],
    [one({ reserves: { BTC: '1' } }), /profiles\.default\.reserves\.BTC names an asset that is not in targets/],
    [one({ priceBounds: { BTCUSDT: {} } }), /profiles\.default\.priceBounds\.BTCUSDT is not a traded symbol/],
    [one({ priceBounds: { QRLUSDT: { min: '2', max: '1' } } }), /priceBounds\.QRLUSDT min must be below max/],
    [one({ cooldown: '5m', orderTtl: '10m' }), /profiles\.default\.cooldown must be at least orderTtl/],
    [one({ bandabs: '0.05' }), /profiles\.default\.bandabs.*is not a known strategy knob/],
    [JSON.stringify({ 'bad id': {} }), /profiles\.bad id is not a profile id/],
    ['{}', /profiles must define at least one profile/],
    ['[1]', /profiles must be a JSON object/],
    ['{not json', /profiles is not valid JSON/],
  ])('names the field for %s', (json, message) => {
    expect(problemsOf(json)).toMatch(message);
  });

  it('reports the problems of every profile together, as an AppError with what to do', () => {
    let error: unknown;
    try {
      parseProfiles(JSON.stringify({ a: { bandAbs: '2' }, b: { mode: 'x' } }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProfileError);
    const e = error as ProfileError;
    expect(e.problems).toHaveLength(2);
    expect(e.code).toBe('config.profiles_invalid');
    expect(e.todo).toMatch(/docs\/strategy\.md/);
  });

  it('takes how long a blocked price move must hold, and refuses a count below 1 naming the field', () => {
    const p = parseProfile('p', { priceMoveHoldRuns: 5, priceMoveHold: '2h' });
    expect([p.priceMoveHoldRuns, p.priceMoveHoldMs]).toEqual([5, 7_200_000]);
    const defaults = parseProfile('d', {});
    expect([defaults.priceMoveHoldRuns, defaults.priceMoveHoldMs]).toEqual([3, 1_800_000]);
    expect(() => parseProfile('p', { priceMoveHoldRuns: 0 })).toThrow(
      /profiles\.p\.priceMoveHoldRuns must be at least 1/,
    );
  });

  it('turns the other band off when only one is named, and keeps the default when none is', () => {
    const p = parseProfiles(one({ bandRel: '0.2' })).default;
    expect(p?.bandAbs).toBeNull();
    expect(p?.bandRel?.toFixed()).toBe('0.2');
    const both = parseProfiles(one({ bandRel: '0.2', bandAbs: '0.03' })).default;
    expect(both?.bandAbs?.toFixed()).toBe('0.03');
  });
});

describe('profiles of one account', () => {
  const trio = { targets: { QRL: '0.4', BTC: '0.3', USDT: '0.3' } };

  function errorOf(json: string): ProfileError {
    try {
      parseProfiles(json);
    } catch (error) {
      if (error instanceof ProfileError) return error;
      throw error;
    }
    throw new Error('expected a ProfileError');
  }

  it('refuses two profiles that share assets, naming STRATEGY_PROFILES, both ids and the assets', () => {
    const error = errorOf(JSON.stringify({ default: {}, trio }));
    expect(error.problems).toEqual([
      'profiles "default" and "trio" both hold QRL, USDT: one MEXC account\'s balances cannot be kept at two sets of targets; give each profile its own assets or deploy them on separate accounts (ACCOUNT_ID / API keys)',
    ]);
    expect(error.message).toMatch(/^STRATEGY_PROFILES is invalid: profiles "default" and "trio" both hold QRL, USDT/);
    expect(error.notDone).toMatch(/did not start/);
    expect(error.code).toBe('config.profiles_invalid');
  });

  it('counts the quote: two profiles quoting in USDT share the USDT balance', () => {
    const json = JSON.stringify({
      qrl: { targets: { QRL: '0.5', USDT: '0.5' } },
      btc: { targets: { BTC: '0.5', USDT: '0.5' } },
    });
    expect(errorOf(json).problems).toEqual([expect.stringMatching(/^profiles "qrl" and "btc" both hold USDT:/)]);
  });

  it('names every overlapping pair, together with the field problems of the other profiles', () => {
    const error = errorOf(JSON.stringify({ a: {}, b: {}, c: trio, d: { bandAbs: '2' } }));
    expect(error.problems).toEqual([
      'profiles.d.bandAbs must be above 0 and at most 1',
      expect.stringMatching(/^profiles "a" and "b" both hold QRL, USDT:/),
      expect.stringMatching(/^profiles "a" and "c" both hold QRL, USDT:/),
      expect.stringMatching(/^profiles "b" and "c" both hold QRL, USDT:/),
    ]);
  });

  it('starts profiles with disjoint assets, quote included', () => {
    const profiles = parseProfiles(
      JSON.stringify({
        qrl: { targets: { QRL: '0.5', USDT: '0.5' } },
        btc: { quote: 'USDC', targets: { BTC: '0.6', USDC: '0.4' } },
      }),
    );
    expect(Object.keys(profiles)).toEqual(['qrl', 'btc']);
    expect(() => assertDisjointProfiles(profiles)).not.toThrow();
  });

  it('is also a check of its own for profiles built one by one', () => {
    const apart = {
      x: parseProfile('x', {}),
      y: parseProfile('y', { quote: 'USDC', targets: { BTC: '1', USDC: '0' } }),
    };
    expect(() => assertDisjointProfiles(apart)).not.toThrow();
    const same = { x: parseProfile('x', {}), y: parseProfile('y', { cooldown: '2h' }) };
    expect(() => assertDisjointProfiles(same)).toThrow(ProfileError);
    expect(() => assertDisjointProfiles(same)).toThrow(/profiles "x" and "y" both hold QRL, USDT/);
  });
});
