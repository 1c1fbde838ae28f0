import Big from 'big.js';
import { PlanInputError, plan } from './plan';
import { planToJson, profileToJson } from './plan-json';
import { balances, book, depth, FRESH, hoursAgo, NOW, profile, qrlSnapshot, rulesFor } from './test-fixtures';

describe('plan', () => {
  it('trades a drifted QRL/USDT portfolio back to target with the default profile', () => {
    const p = plan(qrlSnapshot({ free: { QRL: '1000', USDT: '300' } }), profile(), FRESH, NOW);
    expect(p).toMatchObject({ profile: 'test', status: 'trade', skip: null });
    expect(p.reason).toMatch(
      /^QRL weight 0\.625 is 12\.5 pts above target 0\.500, band ±5\.0 pts; sell 200\.29 QRL at 0\.4975 \(~99\.64 USDT\)$/,
    );
    expect(p.metrics.totalValue.toFixed()).toBe('800.5');
    expect(p.metrics.totalDriftAfter.lt(p.metrics.totalDrift)).toBe(true);
    expect(p.metrics.plannedNotional.eq(p.orders[0]?.notional ?? 0)).toBe(true);
  });

  it('holds inside the band with the reason and no orders', () => {
    const p = plan(qrlSnapshot({ free: { QRL: '1000', USDT: '480' } }), profile(), FRESH, NOW);
    expect(p).toMatchObject({ status: 'skip', skip: 'within_band', orders: [], legs: [] });
    expect(p.reason).toMatch(/^within band: QRL weight 0\.51\d is \d\.\d pts above target 0\.500, band ±5\.0 pts$/);
  });

  it('periodic: not due is a skip of its own', () => {
    const p = plan(
      qrlSnapshot({ free: { QRL: '1000', USDT: '300' } }),
      profile({ mode: 'periodic' }),
      { lastRebalanceAt: hoursAgo(5), turnover: null },
      NOW,
    );
    expect(p).toMatchObject({ status: 'skip', skip: 'not_due' });
  });

  it('an empty portfolio is a skip, not an error', () => {
    const p = plan(qrlSnapshot({ free: { QRL: '0', USDT: '0' } }), profile(), FRESH, NOW);
    expect(p).toMatchObject({ status: 'skip', skip: 'empty_portfolio' });
  });

  it('throws PlanInputError when the snapshot lacks a symbol the profile needs', () => {
    const s = qrlSnapshot({ free: { QRL: '1', USDT: '1' } });
    expect(() => plan({ ...s, books: new Map() }, profile(), FRESH, NOW)).toThrow(PlanInputError);
    expect(() => plan({ ...s, rules: new Map() }, profile(), FRESH, NOW)).toThrow(/no trading rules for QRLUSDT/);
    expect(() => plan({ ...s, rules: new Map([['QRLUSDT', rulesFor('BTC')]]) }, profile(), FRESH, NOW)).toThrow(
      /describe BTC\/USDT/,
    );
  });

  it('three assets with bandEdge: sells before buys and the total drift shrinks', () => {
    const p = plan(
      {
        balances: balances({ QRL: '8000', ABC: '10', USDT: '100' }),
        books: new Map([
          ['QRLUSDT', book('QRLUSDT', '0.1', '0.1')],
          ['ABCUSDT', book('ABCUSDT', '20', '20')],
        ]),
        rules: new Map([
          ['QRLUSDT', rulesFor('QRL')],
          ['ABCUSDT', rulesFor('ABC')],
        ]),
        depth: new Map([
          ['QRLUSDT', depth('QRLUSDT', [['0.1', '1000000']], [['0.1', '1000000']])],
          ['ABCUSDT', depth('ABCUSDT', [['20', '1000000']], [['20', '1000000']])],
        ]),
      },
      profile({
        targets: { QRL: '0.4', ABC: '0.3', USDT: '0.3' },
        bandAbs: '0.05',
        rebalanceTo: 'bandEdge',
        maxOrderNotional: '10000',
        minTradeNotional: '0',
      }),
      FRESH,
      NOW,
    );
    // QRL 800 (0.727), ABC 200 (0.182), USDT 100 (0.091): USDT is 20.9 pts under, QRL 32.7 over.
    expect(p.decision.moveFraction.gt(0.8)).toBe(true);
    expect(p.orders.map((o) => `${o.side} ${o.asset}`)).toEqual(['SELL QRL', 'BUY ABC']);
    expect(p.metrics.totalDriftAfter.lt(p.metrics.totalDrift)).toBe(true);
  });

  it('serialises to plain JSON with decimal strings only', () => {
    const snapshot = qrlSnapshot({ free: { QRL: '1000', USDT: '0.0000001' }, lastPrice: '0.5' });
    const p = plan(snapshot, profile({ maxOrderNotional: '100' }), FRESH, NOW);
    const json = planToJson(p);
    const text = JSON.stringify(json);
    expect(JSON.parse(text)).toEqual(json);
    expect(text).not.toMatch(/\d[eE][+-]?\d/);
    expect(json.valuation.holdings[1]?.free).toBe('0.0000001');
    expect(json.orders[0]).toMatchObject({ leg: 0, side: 'SELL', type: 'IMMEDIATE_OR_CANCEL', price: '0.4975' });
    expect(typeof json.orders[0]?.quantity).toBe('string');
    expect(json.metrics.prices).toEqual({ QRLUSDT: '0.5005' });
    expect(json.at).toBe('2026-03-10T12:00:00.000Z');
    expect(profileToJson(profile()).targets).toEqual({ QRL: '0.5', USDT: '0.5' });
  });

  it('is deterministic: same inputs, same plan', () => {
    const make = () =>
      planToJson(
        plan(
          qrlSnapshot({ free: { QRL: '1000', USDT: '300' }, lastPrice: '0.49' }),
          profile(),
          { lastRebalanceAt: hoursAgo(3), turnover: { day: '2026-03-10', notional: new Big('10') } },
          NOW,
        ),
      );
    expect(make()).toEqual(make());
  });
});
