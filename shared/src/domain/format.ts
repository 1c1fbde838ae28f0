import Big from 'big.js';

/** Number formatting for text a human reads (ledger reasons, reports); never used for values sent anywhere. */

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

/** Thousands grouped with commas, `dp` decimals: 1234567.5 → "1,234,567.50" (a number that is not finite as is). */
export function fmtGrouped(value: Big | number, dp = 2): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const [int = '0', frac] = new Big(value).toFixed(dp).split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = int.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${digits}${frac ? `.${frac}` : ''}`;
}

/** A ratio as a signed percentage, two decimals: 0.0123 → "+1.23 %". */
export function fmtSignedPct(ratio: number): string {
  return `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(2)} %`;
}

export function fmtDuration(ms: number): string {
  if (ms >= 2 * 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  if (ms >= 60_000) return `${Math.floor(ms / 60_000)} min`;
  return `${Math.floor(ms / 1000)} s`;
}
