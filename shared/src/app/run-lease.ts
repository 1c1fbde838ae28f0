/**
 * How long one attempt may live, and how long its lease holds the run and the account.
 *
 * The platform ends a request at the function timeout (FUNCTION_TIMEOUT_S, the deployed timeout):
 * https://cloud.google.com/functions/docs/configuring/timeout. An attempt is claimed after its
 * request started, so a lease of timeout + LEASE_MARGIN_MS from the claim outlives every live
 * attempt: a lease that has ended means its attempt is dead, and nobody waits on a dead one for
 * longer than the margin past the timeout (issue #18: a 5-minute lease kept the account locked
 * long after the attempt was killed).
 */
export const LEASE_MARGIN_MS = 5_000;

/** the run lease and account lock, ms, for a function with this timeout */
export function leaseMsFor(functionTimeoutS: number): number {
  return functionTimeoutS * 1000 + LEASE_MARGIN_MS;
}
