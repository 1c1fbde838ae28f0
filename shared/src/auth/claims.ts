import * as v from 'valibot';
import { AuthError } from './auth-error';

/** Issuers Google writes into ID tokens (both spellings occur). */
export const GOOGLE_ISSUERS: readonly string[] = ['accounts.google.com', 'https://accounts.google.com'];
/** Allowed clock difference between Google and this instance, as google-auth-library allows. */
export const CLOCK_SKEW_S = 300;
/**
 * The audience of the ID token gcloud mints for a user account (`gcloud auth print-identity-token`,
 * `gcloud functions call`): gcloud's own OAuth client id (CLOUDSDK_CLIENT_ID in the Cloud SDK). gcloud
 * cannot give a user's token another audience (`--audiences` needs a service account), so a person can
 * only call with it. Accepted only for the e-mails in OIDC_GCLOUD_USER_EMAILS (see checkClaims).
 */
export const GCLOUD_CLIENT_ID = '32555940559.apps.googleusercontent.com';
/** Google ID tokens live one hour; anything claiming more than a day is not one. */
export const MAX_LIFETIME_S = 86_400;

const seconds = v.pipe(v.number(), v.integer(), v.minValue(0));
const claimsSchema = v.object({
  iss: v.string(),
  aud: v.unknown(),
  sub: v.pipe(v.string(), v.minLength(1)),
  email: v.pipe(v.string(), v.minLength(3)),
  email_verified: v.unknown(),
  iat: seconds,
  exp: seconds,
  nbf: v.optional(seconds),
});

export interface VerifiedClaims {
  email: string;
  sub: string;
  iat: number;
  exp: number;
}

export interface ClaimExpectations {
  audience: string;
  /** lower-case */
  allowedEmails: ReadonlySet<string>;
  /**
   * lower-case; user accounts whose token may carry GCLOUD_CLIENT_ID as its audience instead of the
   * function URL. Such a token is not bound to this function (any service the person sends it to within
   * its hour could replay it here), so this is an explicit, per-person opt-in.
   */
  gcloudUserEmails?: ReadonlySet<string>;
  nowS: number;
}

/**
 * Checks the claims of a token whose signature is already established (or, in
 * platform-verified mode, vouched for by Cloud Run). Order: shape, issuer, audience, time, then
 * who the caller is — so a 403 is only ever given to a token that is otherwise fine.
 */
export function checkClaims(payload: Record<string, unknown>, expected: ClaimExpectations): VerifiedClaims | AuthError {
  const parsed = v.safeParse(claimsSchema, payload);
  if (!parsed.success) {
    const field = v.getDotPath(parsed.issues[0]) ?? 'payload';
    return new AuthError('auth.bad_claims', { field });
  }
  const c = parsed.output;
  if (!GOOGLE_ISSUERS.includes(c.iss)) return new AuthError('auth.wrong_issuer', { iss: clip(c.iss) });
  // Exact string match: an audience with an extra path, a trailing slash or a list is another audience.
  // gcloud's own audience counts only for a person listed for it.
  const gcloudUser = c.aud === GCLOUD_CLIENT_ID && expected.gcloudUserEmails?.has(c.email.toLowerCase()) === true;
  if (typeof c.aud !== 'string' || (c.aud !== expected.audience && !gcloudUser))
    return new AuthError('auth.wrong_audience', { aud: typeof c.aud === 'string' ? clip(c.aud) : 'not a string' });
  if (expected.nowS > c.exp + CLOCK_SKEW_S) return new AuthError('auth.expired', { exp: c.exp, now: expected.nowS });
  if (c.iat > expected.nowS + CLOCK_SKEW_S || (c.nbf !== undefined && c.nbf > expected.nowS + CLOCK_SKEW_S))
    return new AuthError('auth.not_yet_valid', { iat: c.iat, nbf: c.nbf ?? null, now: expected.nowS });
  if (c.exp < c.iat || c.exp - c.iat > MAX_LIFETIME_S)
    return new AuthError('auth.bad_claims', { field: 'exp', reason: 'lifetime outside 0..86400 s' });
  if (!expected.allowedEmails.has(c.email.toLowerCase()))
    return new AuthError('auth.email_not_allowed', { email: clip(c.email) });
  if (c.email_verified !== true) return new AuthError('auth.email_unverified', { email: clip(c.email) });
  return { email: c.email, sub: c.sub, iat: c.iat, exp: c.exp };
}

/** Claim values come from the caller: keep what reaches a log line short. */
function clip(value: string): string {
  return value.length > 120 ? `${value.slice(0, 120)}…` : value;
}
