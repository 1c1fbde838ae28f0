import Big from 'big.js';
import fc from 'fast-check';
import { div } from './division';

/** div() must be big.js's div to the last digit, sign and representation, for every input. */
const digits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 40 }).map((d) => d.join(''));
const decimal = fc
  .record({ digits, exponent: fc.integer({ min: -40, max: 30 }), negative: fc.boolean() })
  .map(({ digits: d, exponent, negative }) => new Big(`${negative ? '-' : ''}${d}e${exponent}`));

function same(a: Big, b: Big): void {
  expect({ c: a.c, e: a.e, s: a.s, fixed: a.toFixed() }).toEqual({ c: b.c, e: b.e, s: b.s, fixed: b.toFixed() });
}

describe('div (fast exact division)', () => {
  it('equals Big#div for random operands under every rounding mode and several DP', () => {
    const saved = { dp: Big.DP, rm: Big.RM };
    try {
      fc.assert(
        fc.property(
          decimal,
          decimal,
          fc.constantFrom(0, 1, 2, 3),
          fc.constantFrom(20, 20, 0, 1, 8, 40),
          (x, y, rm, dp) => {
            Big.RM = rm as Big.RoundingMode;
            Big.DP = dp;
            if (y.eq(0)) {
              expect(() => div(x, y)).toThrow(/Division by zero/);
              return;
            }
            same(div(x, y), x.div(y));
          },
        ),
        { numRuns: 20_000 },
      );
    } finally {
      Big.DP = saved.dp;
      Big.RM = saved.rm;
    }
  });

  it('equals Big#div on exact quotients and exact ties (the half-way cases rounding modes disagree on)', () => {
    const saved = { dp: Big.DP, rm: Big.RM };
    try {
      fc.assert(
        fc.property(
          decimal.filter((y) => !y.eq(0)),
          digits,
          fc.constantFrom('5', '0', ''),
          fc.constantFrom(0, 1, 2, 3),
          fc.constantFrom(20, 0, 3),
          (y, d, last, rm, dp) => {
            Big.RM = rm as Big.RoundingMode;
            Big.DP = dp;
            // x / y = d·10^-dp (exact) or d5·10^-(dp+1) (a tie at dp places)
            const x = y.times(new Big(`${d}${last}e-${dp + last.length}`));
            same(div(x, y), x.div(y));
          },
        ),
        { numRuns: 10_000 },
      );
    } finally {
      Big.DP = saved.dp;
      Big.RM = saved.rm;
    }
  });

  it('equals Big#div on the operands plan() divides (values by totals, ties, exact quotients)', () => {
    const cases: [string, string][] = [
      ['500.00000000', '1000.0000000'],
      ['1', '3'],
      ['2', '3'],
      ['0.5', '2'],
      ['5e-21', '1'],
      ['4.9999e-21', '1'],
      ['1.5e-20', '1'],
      ['2.5e-20', '1'],
      ['-2.5e-20', '1'],
      ['-1e-30', '3'],
      ['0', '7'],
      ['-0', '7'],
      ['123456789.123456789', '0.000000001'],
      ['0.00034968', '143623.63'],
      ['42.96783548153435', '93.19014641993435'],
    ];
    for (const rm of [0, 1, 2, 3] as const) {
      const saved = Big.RM;
      Big.RM = rm;
      try {
        for (const [a, b] of cases) {
          same(div(new Big(a), new Big(b)), new Big(a).div(new Big(b)));
          same(div(new Big(b), new Big(a).eq(0) ? new Big(1) : new Big(a)), new Big(b).div(new Big(a).eq(0) ? 1 : a));
        }
      } finally {
        Big.RM = saved;
      }
    }
  });
});
