import type Big from 'big.js';

/**
 * `base × close + quote` as a JS number, exactly what `base.times(close).plus(quote).toNumber()`
 * gives (big.js multiplies and adds without rounding, and toNumber is Number() of the exact decimal,
 * i.e. the double nearest to the exact value), in a few dozen float operations instead of big.js.
 *
 * The operands are scaled integers: base = B / 10^sb, close = C / 10^sc, quote = Q / 10^sq. With
 * k = max(sb + sc, sq) the exact value is M / 10^k, M = B·C·10^(k−sb−sc) + Q·10^(k−sq), an integer
 * held exactly as two doubles (Dekker's product, Knuth's sum). The quotient by 10^k (an exact
 * double for k ≤ 22) is rounded once, its remainder computed exactly, and the candidate is taken only
 * when the exact value lies strictly inside the candidate's rounding interval, with a margin of 2^-30
 * of half a spacing for the few rounding errors of the check itself. Anything else (operands too
 * long, a value near a rounding tie) answers NaN and the caller uses big.js: never a wrong number.
 * exact-value.test.ts compares it with big.js over random and adversarial inputs.
 */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const TWO53 = 2 ** 53;
const TWO103 = 2 ** 103;
const SPLIT = 134_217_729; // 2^27 + 1
const GUARD = 1 - 2 ** -30;
const POW2 = new Float64Array(2048).map((_, e) => 2 ** (e - 1075));
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

// Scratch outputs of the error-free transformations (no allocation per bar).
let hiOut = 0;
let loOut = 0;

/** hiOut + loOut = a · b exactly (Dekker; no overflow for the magnitudes used here). */
function twoProduct(a: number, b: number): void {
  const p = a * b;
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  hiOut = p;
  loOut = ah * bh - p + ah * bl + al * bh + al * bl;
}

/** hiOut + loOut = a + b exactly (Knuth). */
function twoSum(a: number, b: number): void {
  const s = a + b;
  const bb = s - a;
  hiOut = s;
  loOut = a - (s - bb) + (b - bb);
}

/** The double nearest to (h + l) / d, for d = 10^k exact; NaN when too close to a tie to tell. */
function roundQuotient(h: number, l: number, d: number): number {
  if (h === 0) return l === 0 ? 0 : Number.NaN;
  const q = h / d;
  twoProduct(q, d);
  const r = h - hiOut - loOut + l;
  const e = r / d;
  const w = q + e;
  const delta = e - (w - q);
  f64[0] = w;
  const hi = u32[1] as number;
  const exp = (hi >>> 20) & 0x7ff;
  if (exp === 0 || exp === 0x7ff || w < 0) return Number.NaN;
  const ulp = POW2[exp] as number;
  // below a power of two the spacing halves
  const half = delta < 0 && u32[0] === 0 && (hi & 0xfffff) === 0 ? ulp * 0.25 : ulp * 0.5;
  return Math.abs(delta) < half * GUARD ? w : Number.NaN;
}

/** A non-negative Big as integer / 10^scale, the integer as a BigInt. */
export function scaledOf(x: Big): { int: bigint; scale: number } {
  const digits = x.c.join('');
  const scale = x.c.length - 1 - x.e;
  if (scale >= 0) return { int: BigInt(digits), scale };
  return { int: BigInt(digits) * 10n ** BigInt(-scale), scale: 0 };
}

/** Number(base × close + quote) for one wallet and any close, each call a handful of float operations. */
export class WalletValue {
  private readonly b: number;
  private readonly sb: number;
  private readonly sq: number;
  /** k → [high, low] of Q·10^(k−sq) as two doubles, NaN when not exact */
  private readonly qAt: Float64Array = new Float64Array(46).fill(Number.NaN);

  constructor(base: Big, quote: Big) {
    const b = scaledOf(base);
    this.b = b.int < BigInt(TWO53) ? Number(b.int) : Number.NaN;
    this.sb = b.scale;
    const q = scaledOf(quote);
    this.sq = q.scale;
    for (let k = q.scale; k < POW10.length; k += 1) {
      const qk = q.int * 10n ** BigInt(k - q.scale);
      const high = Number(qk);
      if (high >= TWO103) break;
      this.qAt[2 * k] = high;
      this.qAt[2 * k + 1] = Number(qk - BigInt(high));
    }
  }

  /** close = closeInt / 10^closeScale; NaN when the fast way cannot be sure (then use big.js). */
  at(closeInt: number, closeScale: number): number {
    const p = this.b * closeInt;
    // an integer below 2^53 is exact; NaN operands fail here too
    if (!(p < TWO53) || closeScale >= POW10.length) return Number.NaN;
    const sp = this.sb + closeScale;
    const k = Math.max(sp, this.sq);
    if (k >= POW10.length) return Number.NaN;
    const qh = this.qAt[2 * k] as number;
    if (Number.isNaN(qh)) return Number.NaN;
    const ql = this.qAt[2 * k + 1] as number;
    twoProduct(p, POW10[k - sp] as number);
    const x1 = hiOut;
    const x2 = loOut;
    if (x1 >= TWO103) return Number.NaN;
    twoSum(x1, qh);
    const s1 = hiOut;
    // integers each below 2^51: their sum is exact
    const t = x2 + ql + loOut;
    twoSum(s1, t);
    return roundQuotient(hiOut, loOut, POW10[k] as number);
  }
}
