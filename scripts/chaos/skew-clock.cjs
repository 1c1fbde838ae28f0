/**
 * Chaos seam, not a product hook (issue #18): `NODE_OPTIONS=--require scripts/chaos/skew-clock.cjs`
 * with CHAOS_CLOCK_SKEW_MS=±ms makes the process's wall clock (Date.now(), new Date()) run that far
 * from the machine's, as on a Cloud Run instance whose clock is off. Monotonic time
 * (performance.now, process.hrtime) is left alone: elapsed time stays true, as it does on a skewed
 * host. The campaign starts a function with it; nothing in the product knows it exists.
 */
'use strict';

const skew = Number(process.env.CHAOS_CLOCK_SKEW_MS ?? '0');
if (!Number.isFinite(skew))
  throw new Error(`CHAOS_CLOCK_SKEW_MS must be a number of ms, not ${process.env.CHAOS_CLOCK_SKEW_MS}`);

if (skew !== 0) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(realNow() + skew);
      else super(...args);
    }
    static now() {
      return realNow() + skew;
    }
  }
  // Date() called without new returns a string of the current time
  const SkewedDateFn = new Proxy(SkewedDate, {
    apply: () => new SkewedDate().toString(),
  });
  globalThis.Date = SkewedDateFn;
}
