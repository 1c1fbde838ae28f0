import Big from 'big.js';
import { plan } from './plan';
import { ruleViolations } from './rounding';
import { balances, book, depth, FRESH, NOW, profile, qrlSnapshot, rulesFor } from './test-fixtures';

const only = <T>(xs: readonly T[]): T => {
  expect(xs).toHaveLength(1);
  return xs[0] as T;
};

describe('sizing: order policies with MEXC precision (tick 0.0001, step 0.01)', () => {
  it('ioc sell: IMMEDIATE_OR_CANCEL at bid − maxSlippageBps, rounded up to the tick, quantity down to the step', () => {
    const p = plan(
      qrlSnapshot({ free: { QRL: '1000', USDT: '300' }, bid: '0.5003', ask: '0.5013' }),
      profile(),
      FRESH,
      NOW,
    );
    expect(p.status).toBe('trade');
    const o = only(p.orders);
    expect(o).toMatchObject({ leg: 0, symbol: 'QRLUSDT', side: 'SELL', type: 'IMMEDIATE_OR_CANCEL' });
    // 0.5003 × 0.995 = 0.49779850 → up to 0.4978
    expect(o.price?.toFixed()).toBe('0.4978');
    // mid 0.5008: QRL is worth 500.8 of 800.8; the target 400.4 → sell 100.4 / 0.5008 = 200.479… → 200.47
    expect(o.quantity.toFixed()).toBe('200.47');
    expect(o.notional.toFixed()).toBe(o.quantity.times('0.4978').toFixed());
    // taker 0.0005 from the rules is below the 0.001 floor
    expect(o.fee.toFixed()).toBe(o.notional.times('0.001').toFixed());
  });

  it('ioc buy: limit at ask + maxSlippageBps rounded down to the tick', () => {
    const p = plan(
      qrlSnapshot({ free: { QRL: '200', USDT: '700' }, bid: '0.5000', ask: '0.5010' }),
      profile(),
      FRESH,
      NOW,
    );
    const o = only(p.orders);
    expect(o.side).toBe('BUY');
    // 0.5010 × 1.005 = 0.503505 → down to 0.5035
    expect(o.price?.toFixed()).toBe('0.5035');
    expect(o.quantity.mod('0.01').toFixed()).toBe('0');
  });

  it('maker: LIMIT_MAKER at the best bid for a buy and the best ask for a sell', () => {
    const buy = plan(qrlSnapshot({ free: { QRL: '200', USDT: '700' } }), profile({ orderType: 'maker' }), FRESH, NOW);
    expect(only(buy.orders)).toMatchObject({ type: 'LIMIT_MAKER', side: 'BUY' });
    expect(buy.orders[0]?.price?.toFixed()).toBe('0.5');
    const sell = plan(qrlSnapshot({ free: { QRL: '1000', USDT: '200' } }), profile({ orderType: 'maker' }), FRESH, NOW);
    expect(sell.orders[0]?.price?.toFixed()).toBe('0.501');
  });

  it('market: MARKET without a price; notional estimated at best ± slippage', () => {
    const p = plan(qrlSnapshot({ free: { QRL: '200', USDT: '700' } }), profile({ orderType: 'market' }), FRESH, NOW);
    const o = only(p.orders);
    expect(o.type).toBe('MARKET');
    expect(o.price).toBeNull();
    expect(o.expectedPrice.toFixed()).toBe('0.503505');
  });

  it('counts fees when deciding what a buy can afford', () => {
    // 900 USDT are locked in an open order: only 100 may be spent, fee included.
    const snapshot = qrlSnapshot({ free: { QRL: '0', USDT: '100' }, locked: { USDT: '900' } });
    const p = plan(snapshot, profile({ maxOrderNotional: '1000' }), FRESH, NOW);
    const o = only(p.orders);
    expect(o.notional.plus(o.fee).lte(100)).toBe(true);
    // one more step would not be affordable
    const oneMore = o.quantity.plus('0.01').times(o.expectedPrice).times('1.001');
    expect(oneMore.gt(100)).toBe(true);
    expect(p.legs[0]?.note).toMatch(/limited to the free USDT less reserve: 100 USDT/);
  });

  it('keeps reserves: they are outside the portfolio and never traded', () => {
    const p = plan(
      qrlSnapshot({ free: { QRL: '0', USDT: '600' } }),
      profile({ reserves: { USDT: '500' } }),
      FRESH,
      NOW,
    );
    expect(p.valuation.total.toFixed()).toBe('100');
    const o = only(p.orders);
    expect(o.notional.plus(o.fee).lte(100)).toBe(true);
    expect(o.notional.gt(45)).toBe(true);
  });

  it('never sells more than the free balance less reserve', () => {
    const snapshot = qrlSnapshot({ free: { QRL: '150', USDT: '0' }, locked: { QRL: '850' } });
    const o = only(plan(snapshot, profile({ reserves: { QRL: '50' } }), FRESH, NOW).orders);
    expect(o.quantity.toFixed()).toBe('100');
  });

  it('drops a leg when half of its ideal size is below max(exchange minimum, minTradeNotional)', () => {
    const snapshot = qrlSnapshot({ free: { QRL: '100', USDT: '46.8' }, bid: '0.5', ask: '0.5' });
    const p = plan(snapshot, profile({ bandAbs: '0.01', minTradeNotional: '0' }), FRESH, NOW);
    expect(p).toMatchObject({ status: 'skip', skip: 'below_minimum', orders: [] });
    expect(p.legs[0]?.note).toBe('below minimum: half of the ideal QRLUSDT sell is 0.8 USDT < 1 USDT');
    expect(p.reason).toMatch(/0\.8 USDT < 1 USDT/);
    const higher = plan(snapshot, profile({ bandAbs: '0.01', minTradeNotional: '5' }), FRESH, NOW);
    expect(higher.legs[0]?.note).toMatch(/0\.8 USDT < 5 USDT/);
  });

  it('drops a leg whose rounded, limited size falls below the minimum', () => {
    const snapshot = qrlSnapshot({ free: { QRL: '1', USDT: '0' }, locked: { QRL: '99' } });
    const p = plan(snapshot, profile({ minTradeNotional: '0' }), FRESH, NOW);
    expect(p.skip).toBe('below_minimum');
    expect(p.legs[0]?.note).toMatch(/^below minimum: 0\.4975 USDT < 1 USDT; limited to the free QRL/);
  });

  it('regression: chaos seed 7 run 259 — an ioc sell capped at maxOrderNotional traded 120.60 for a cap of 120: it must be capped at the bid it fills at, not its limit', () => {
    const p = plan(
      qrlSnapshot({ free: { QRL: '10000', USDT: '0' }, bid: '0.5000', ask: '0.5010' }),
      profile({ maxOrderNotional: '120', maxSlippageBps: 500 }),
      FRESH,
      NOW,
    );
    const o = only(p.orders);
    expect(o.side).toBe('SELL');
    // filled in full at the bid (the best it can get), it still trades no more than the cap
    expect(o.quantity.times('0.5000').lte(120)).toBe(true);
    expect(o.quantity.toFixed()).toBe('240');
  });

  it('caps an order at maxOrderNotional', () => {
    const p = plan(qrlSnapshot({ free: { QRL: '10000', USDT: '0' } }), profile({ maxOrderNotional: '50' }), FRESH, NOW);
    const o = only(p.orders);
    expect(o.notional.lte(50)).toBe(true);
    // a sell is capped at the bid it can fill at; at its limit (bid − 50 bps) it is worth a little less
    expect(o.notional.gt('49.7')).toBe(true);
    expect(p.legs[0]?.note).toMatch(/capped at maxOrderNotional 50/);
  });

  it('puts sells before buys whatever the target order, and numbers the legs in that order', () => {
    const trio = profile({ targets: { BTC: '0.3', QRL: '0.3', USDT: '0.4' }, maxOrderNotional: '10000' });
    const p = plan(
      {
        balances: balances({ BTC: '0.001', QRL: '1000', USDT: '400' }),
        books: new Map([
          ['BTCUSDT', book('BTCUSDT', '30000', '30001')],
          ['QRLUSDT', book('QRLUSDT', '0.5', '0.501')],
        ]),
        rules: new Map([
          ['BTCUSDT', rulesFor('BTC', 'USDT', { tickSize: new Big('0.01'), stepSize: new Big('0.00001') })],
          ['QRLUSDT', rulesFor('QRL')],
        ]),
        depth: new Map([
          ['BTCUSDT', depth('BTCUSDT', [['30000', '100']], [['30001', '100']])],
          ['QRLUSDT', depth('QRLUSDT', [['0.5', '100000']], [['0.501', '100000']])],
        ]),
      },
      trio,
      FRESH,
      NOW,
    );
    expect(p.status).toBe('trade');
    expect(p.orders.map((o) => [o.leg, o.side, o.asset])).toEqual([
      [0, 'SELL', 'QRL'],
      [1, 'BUY', 'BTC'],
    ]);
    // the buy is paid from quote that is free now, not from the sell's proceeds
    const buy = p.orders[1];
    expect(buy?.notional.plus(buy.fee).lte(400)).toBe(true);
    for (const o of p.orders) {
      const r = o.asset === 'BTC' ? p.legs[0] : p.legs[1];
      expect(r?.order).toEqual(o);
    }
  });

  it('skips with both figures when the cost exceeds what removing the drift is worth', () => {
    const snapshot = qrlSnapshot({ free: { QRL: '1100', USDT: '480' }, bid: '0.4', ask: '0.6' });
    const p = plan(snapshot, profile({ bandAbs: '0.01', maxSpreadBps: null }), FRESH, NOW);
    expect(p.skip).toBe('cost_exceeds_benefit');
    expect(p.legs[0]?.note).toMatch(/is worth \d+(\.\d+)? USDT <= expected cost \d+(\.\d+)? USDT \(fee/);
  });

  it('produces orders that meet every MEXC rule', () => {
    for (const free of [
      { QRL: '1234.567', USDT: '12.3456' },
      { QRL: '3.21', USDT: '987.654' },
    ]) {
      for (const orderType of ['ioc', 'maker', 'market']) {
        const p = plan(qrlSnapshot({ free }), profile({ orderType, minTradeNotional: '0' }), FRESH, NOW);
        expect(p.orders.length).toBe(1);
        for (const o of p.orders) expect(ruleViolations(rulesFor('QRL'), o)).toEqual([]);
      }
    }
  });
});
