import type Big from 'big.js';

/** Number formatting for reasons a human reads in the ledger; never used for values sent anywhere. */

/** A decimal with at most `dp` places and no trailing zeros: 1.50 → "1.5". */
export function fmtAmount(value: Big, dp = 4): string {
  const rounded = value.round(dp);
  // Keep tiny non-zero values visible instead of printing "0".
  if (rounded.eq(0) && !value.eq(0)) return value.prec(2).toFixed();
  return rounded.toFixed();
}

export function fmtWeight(value: Big): string {
  return value.toFixed(3);
}

/** Weight difference in percentage points, one decimal. */
export function fmtPts(value: Big): string {
  return value.times(100).toFixed(1);
}

export function fmtDuration(ms: number): string {
  if (ms >= 2 * 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  if (ms >= 60_000) return `${Math.floor(ms / 60_000)} min`;
  return `${Math.floor(ms / 1000)} s`;
}
