import { barsToCsv, gbmBars } from './gbm';
import { readBars } from './price-csv';

describe('gbm generator', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = [...gbmBars({ sigma: 0.02, bars: 50, seed: 1 })];
    const b = [...gbmBars({ sigma: 0.02, bars: 50, seed: 1 })];
    const c = [...gbmBars({ sigma: 0.02, bars: 50, seed: 2 })];
    expect(a).toEqual(b);
    expect(a.map((x) => x.close)).not.toEqual(c.map((x) => x.close));
    expect(a[0]?.close).toBe('0.5');
  });

  it('has the volatility it was asked for (sample std of log returns over 20k bars)', () => {
    const closes = [...gbmBars({ sigma: 0.01, bars: 20_001, seed: 3 })].map((b) => Number(b.close));
    const r = closes.slice(1).map((c, i) => Math.log(c / (closes[i] ?? c)));
    const mean = r.reduce((s, x) => s + x, 0) / r.length;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1));
    // standard error of a sample sd is σ/√(2n) ≈ 0.00005 here; 8 decimals of price add far less
    expect(Math.abs(sd - 0.01)).toBeLessThan(0.0003);
  });

  it('writes a CSV the reader reads back', () => {
    const bars = [...gbmBars({ sigma: 0.05, bars: 20, seed: 9 })];
    expect([...readBars([...barsToCsv(bars)].join(''), 'gen.csv')]).toEqual(bars);
  });
});
