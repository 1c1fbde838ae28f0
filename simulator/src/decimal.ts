import Big from 'big.js';

/** Strict decimal text as MEXC accepts it: digits with an optional fraction, no sign, no exponent. */
const decimalPattern = /^(?:\d+)(?:\.\d+)?$/;

export function isDecimalText(text: string): boolean {
  return decimalPattern.test(text);
}

/** Digits after the point as written, ignoring trailing zeros ("1.50" has 1). */
export function decimalPlaces(text: string): number {
  const dot = text.indexOf('.');
  if (dot < 0) return 0;
  return text.slice(dot + 1).replace(/0+$/, '').length;
}

export function roundDown(value: Big, places: number): Big {
  return value.round(places, Big.roundDown);
}

export function roundUp(value: Big, places: number): Big {
  return value.round(places, Big.roundUp);
}

/** Plain decimal text without exponent and without trailing zeros, as MEXC prints amounts. */
export function text(value: Big): string {
  return value.toFixed();
}

export function minBig(a: Big, b: Big): Big {
  return a.lt(b) ? a : b;
}

export { Big };
