import Big from 'big.js';
import { ceilToStep, floorToStep, isMultipleOf, minimumNotional, roundPrice, ruleViolations } from './rounding';
import { qrlRules } from './test-fixtures';

const b = (x: string) => new Big(x);

describe('rounding with MEXC-shaped precision (tick 0.0001, step 0.01)', () => {
  const rules = qrlRules();

  it('reads the copied QRLUSDT vector as tick 0.0001, step 0.01, min notional 1 USDT', () => {
    expect(rules.tickSize.toFixed()).toBe('0.0001');
    expect(rules.stepSize.toFixed()).toBe('0.01');
    expect(rules.minNotional.toFixed()).toBe('1');
  });

  it.each([
    ['200.299', '200.29'],
    ['200.29', '200.29'],
    ['0.009', '0'],
    ['12345.6789', '12345.67'],
  ])('floors quantity %s to %s', (qty, expected) => {
    expect(floorToStep(b(qty), rules.stepSize).toFixed()).toBe(expected);
  });

  it('rounds buy prices down and sell prices up to the tick', () => {
    expect(roundPrice(b('0.50354'), rules.tickSize, 'BUY').toFixed()).toBe('0.5035');
    expect(roundPrice(b('0.50351'), rules.tickSize, 'SELL').toFixed()).toBe('0.5036');
    expect(roundPrice(b('0.5035'), rules.tickSize, 'SELL').toFixed()).toBe('0.5035');
    expect(ceilToStep(b('0.00001'), rules.tickSize).toFixed()).toBe('0.0001');
  });

  it('treats a zero increment as no grid', () => {
    expect(floorToStep(b('1.23456'), b('0')).toFixed()).toBe('1.23456');
    expect(isMultipleOf(b('1.23456'), b('0'))).toBe(true);
  });

  it('uses the larger of the exchange minimum and minTradeNotional', () => {
    expect(minimumNotional(rules, b('5')).toFixed()).toBe('5');
    expect(minimumNotional(rules, b('0.5')).toFixed()).toBe('1');
  });

  it('names every rule an order breaks', () => {
    const problems = ruleViolations(rules, {
      side: 'BUY',
      type: 'IMMEDIATE_OR_CANCEL',
      quantity: b('1.005'),
      price: b('0.50001'),
      notional: b('0.5'),
    });
    expect(problems.join('\n')).toMatch(/not a multiple of step 0.01/);
    expect(problems.join('\n')).toMatch(/not a multiple of tick 0.0001/);
    expect(problems.join('\n')).toMatch(/below minimum 1/);
  });

  it('accepts an order on the grid above the minimum, and a MARKET order without price', () => {
    const ok = { side: 'SELL' as const, quantity: b('2.01'), notional: b('1.005') };
    expect(ruleViolations(rules, { ...ok, type: 'IMMEDIATE_OR_CANCEL', price: b('0.5') })).toEqual([]);
    expect(ruleViolations(rules, { ...ok, type: 'MARKET', price: null })).toEqual([]);
    expect(ruleViolations(rules, { ...ok, type: 'LIMIT_MAKER', price: null })).toEqual([
      'a LIMIT_MAKER order needs a positive price',
    ]);
  });
});
