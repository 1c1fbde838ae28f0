import Big from 'big.js';
import { balances, hoursAgo, NOW, profile } from './test-fixtures';
import { decideTrigger } from './trigger';
import { valuePortfolio } from './valuation';

/** QRL priced at 1 so the QRL balance is its value; total 1000 USDT. */
function valuation(qrlWeight: string, knobs: Record<string, unknown> = {}) {
  const p = profile(knobs);
  const qrl = new Big(qrlWeight).times(1000).toFixed();
  const usdt = new Big(1000).minus(qrl).toFixed();
  return { p, v: valuePortfolio(balances({ QRL: qrl, USDT: usdt }), new Map([['QRL', new Big(1)]]), p) };
}

describe('decideTrigger', () => {
  it('threshold: trades outside the absolute band, with a reason carrying the numbers', () => {
    const { p, v } = valuation('0.571');
    const d = decideTrigger(v, p, null, NOW);
    expect(d).toMatchObject({ trigger: true, by: 'threshold' });
    expect(d.reason).toBe('QRL weight 0.571 is 7.1 pts above target 0.500, band ±5.0 pts');
    expect(d.moveFraction.toFixed()).toBe('1');
  });

  it('threshold: holds inside the band, and exactly on its edge', () => {
    for (const w of ['0.53', '0.55', '0.45']) {
      const { p, v } = valuation(w);
      const d = decideTrigger(v, p, null, NOW);
      expect(d).toMatchObject({ trigger: false, hold: 'within_band' });
      expect(d.reason).toMatch(/^within band: QRL weight/);
    }
  });

  it('threshold: the relative band scales with the target', () => {
    const knobs = { targets: { QRL: '0.2', USDT: '0.8' }, bandRel: '0.25' };
    expect(decideTrigger(valuation('0.24', knobs).v, valuation('0.24', knobs).p, null, NOW).trigger).toBe(false);
    const { p, v } = valuation('0.26', knobs);
    const d = decideTrigger(v, p, null, NOW);
    expect(d.trigger).toBe(true);
    // USDT's band is ±20 pts, QRL's ±5 pts: QRL is the asset under pressure.
    expect(d.reason).toBe('QRL weight 0.260 is 6.0 pts above target 0.200, band ±5.0 pts');
  });

  it('periodic: due without any history, and after the period', () => {
    const knobs = { mode: 'periodic', period: '24h' };
    const { p, v } = valuation('0.51', knobs);
    expect(decideTrigger(v, p, null, NOW)).toMatchObject({ trigger: true, by: 'periodic' });
    const due = decideTrigger(v, p, hoursAgo(25), NOW);
    expect(due).toMatchObject({ trigger: true, by: 'periodic' });
    expect(due.reason).toMatch(/^periodic rebalance due \(last rebalance 25\.0 h ago, period 24\.0 h\)/);
    const early = decideTrigger(v, p, hoursAgo(3), NOW);
    expect(early).toMatchObject({ trigger: false, hold: 'not_due' });
    expect(early.reason).toBe('not due: last rebalance 3.0 h ago, period 24.0 h');
  });

  it('hybrid: either the band or the period fires', () => {
    const knobs = { mode: 'hybrid', period: '24h' };
    const out = valuation('0.6', knobs);
    expect(decideTrigger(out.v, out.p, hoursAgo(1), NOW)).toMatchObject({ trigger: true, by: 'threshold' });
    const inside = valuation('0.51', knobs);
    expect(decideTrigger(inside.v, inside.p, hoursAgo(30), NOW)).toMatchObject({ trigger: true, by: 'periodic' });
    const neither = decideTrigger(inside.v, inside.p, hoursAgo(2), NOW);
    expect(neither).toMatchObject({ trigger: false, hold: 'within_band' });
    expect(neither.reason).toMatch(/periodic not due/);
  });

  it('bandEdge: moves only as far as the band edge', () => {
    const { p, v } = valuation('0.6', { rebalanceTo: 'bandEdge' });
    const d = decideTrigger(v, p, null, NOW);
    // drift 10 pts, band 5 pts: half the way.
    expect(d.moveFraction.toFixed()).toBe('0.5');
  });

  it('bandEdge: a periodic trigger inside the band leaves nothing to trade', () => {
    const { p, v } = valuation('0.52', { mode: 'hybrid', rebalanceTo: 'bandEdge' });
    expect(decideTrigger(v, p, null, NOW)).toMatchObject({ trigger: false, hold: 'within_band' });
  });
});
