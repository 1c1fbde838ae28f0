import Big from 'big.js';
import { fmtGrouped, fmtSignedPct } from './format';

describe('fmtGrouped', () => {
  it('groups thousands and keeps dp decimals, for Big and number alike', () => {
    expect(fmtGrouped(new Big('1234567.5'))).toBe('1,234,567.50');
    expect(fmtGrouped(1234567.5)).toBe('1,234,567.50');
    expect(fmtGrouped(new Big('-1234.56789'), 4)).toBe('-1,234.5679');
    expect(fmtGrouped(999)).toBe('999.00');
    expect(fmtGrouped(new Big('12'), 0)).toBe('12');
  });

  it('writes a number that is not finite as it is, instead of throwing', () => {
    expect(fmtGrouped(Number.NaN)).toBe('NaN');
    expect(fmtGrouped(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});

describe('fmtSignedPct', () => {
  it('signs gains and keeps two decimals', () => {
    expect(fmtSignedPct(0.0123)).toBe('+1.23 %');
    expect(fmtSignedPct(0)).toBe('+0.00 %');
    expect(fmtSignedPct(-0.5)).toBe('-50.00 %');
  });
});
