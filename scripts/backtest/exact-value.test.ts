import Big from 'big.js';
import fc from 'fast-check';
import { WalletValue } from './exact-value';

/** The fast value equals big.js's toNumber() whenever it answers, and answers almost always. */
const decimal = (maxInt: number, maxScale: number) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: maxInt }),
      fc.integer({ min: 0, max: maxScale }),
      fc.bigInt({ min: 0n, max: 10n ** 16n }),
    )
    .map(([int, scale, frac]) => {
      const f = (frac % 10n ** BigInt(scale)).toString().padStart(scale, '0');
      return scale === 0 ? String(int) : `${int}.${f}`;
    });

function scaled(text: string): { int: number; scale: number } {
  const [i = '', f = ''] = text.split('.');
  return { int: Number(i + f), scale: f.length };
}

function check(base: string, close: string, quote: string): boolean | null {
  const exact = new Big(base).times(close).plus(quote).toNumber();
  const c = scaled(close);
  const fast = new WalletValue(new Big(base), new Big(quote)).at(c.int, c.scale);
  if (Number.isNaN(fast)) return null;
  if (!Object.is(fast, exact)) throw new Error(`${base} × ${close} + ${quote}: fast ${fast}, big.js ${exact}`);
  return true;
}

describe('exact wallet value', () => {
  it('equals big.js over random wallets and closes', () => {
    let answered = 0;
    let runs = 0;
    fc.assert(
      fc.property(decimal(100_000, 2), decimal(50, 8), decimal(100_000, 16), (base, close, quote) => {
        const answer = check(base, close, quote);
        // the fast way declines when B·C is not below 2^53 (beyond a QRL wallet); count the rest
        if (Number(base.replace('.', '')) * Number(close.replace('.', '')) >= 2 ** 53) return;
        runs += 1;
        if (answer) answered += 1;
      }),
      { numRuns: 20_000, seed: 16 },
    );
    expect(answered / runs).toBeGreaterThan(0.999);
  });

  it('equals big.js on sums that land near a rounding tie, or declines', () => {
    // quote digits chosen so that the exact sum sits a hair from a midpoint between two doubles
    for (const [base, close, quote] of [
      ['1', '0.5', '0.1'],
      ['0', '0.5', '0.30000000000000004'],
      ['1', '0.00000001', '4503599627370496'],
      ['1000.01', '0.12345678', '500.00000000000005684341886080801486968994140625'],
      ['2', '0.25', '9007199254740992'],
      ['0', '1', '0'],
      ['997.43', '0.51234567', '498.12345678901234'],
    ] as const) {
      check(base, close, quote);
    }
  });

  it('ties and half-ulp cases: every answer matches', () => {
    // 2^53 + 1 is a tie between 2^53 and 2^53 + 2
    expect(check('1', '1', '9007199254740993')).not.toBe(false);
    let answered = 0;
    for (let i = 0; i < 2000; i += 1) {
      const quote = `${4503599627370496 + i}.5`;
      if (check('0.01', `0.${String(i).padStart(8, '0')}`, quote)) answered += 1;
    }
    expect(answered).toBeGreaterThan(0);
  });
});
