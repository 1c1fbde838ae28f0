import { OAuth2Client } from 'google-auth-library';
import type { AuthMode, Config } from '../config/config';
import { isLoopbackUrl } from '../config/config';
import type { Logger } from '../observability/logger';
import { silentLogger } from '../observability/logger';
import type { Clock } from '../ports/clock';
import { systemClock } from '../ports/clock';
import { AuthError, type AuthErrorCode, statusOf } from './auth-error';
import { type BearerToken, extractBearerToken, type HeaderBag, type TokenHeader } from './bearer-token';
import { CertFetchError, createCertSource, type FetchLike } from './cert-source';
import { checkClaims, GCLOUD_CLIENT_ID, GOOGLE_ISSUERS, MAX_LIFETIME_S } from './claims';
import { type DecodedJwt, decodeJwt } from './jwt';

declare const verified: unique symbol;

/**
 * What Cloud Run puts in place of the signature of the ID token its IAM check accepted, in whichever
 * header carried it (https://cloud.google.com/run/docs/troubleshooting#signature-removed).
 */
export const SIGNATURE_REMOVED_BY_GOOGLE = 'SIGNATURE_REMOVED_BY_GOOGLE';

/** A caller whose token passed every check of the configured mode. Only `authenticate` makes one. */
export interface VerifiedCaller {
  readonly email: string;
  readonly sub: string;
  /** seconds since the epoch, from the token */
  readonly iat: number;
  readonly exp: number;
  readonly mode: AuthMode;
  /** the header the token came from; undefined in mode `none` */
  readonly header: TokenHeader | undefined;
  readonly [verified]: true;
}

export type AuthResult = { ok: true; caller: VerifiedCaller } | { ok: false; error: AuthError };

export interface Authenticator {
  readonly mode: AuthMode;
  /** Never throws for a bad request; refusals come back as `{ ok: false, error }` and are logged once. */
  authenticate(headers: HeaderBag): Promise<AuthResult>;
}

export interface AuthenticatorDeps {
  /** MEXC_BASE_URL: mode `none` is honoured only when it is loopback */
  exchangeBaseUrl: string;
  logger?: Logger;
  clock?: Clock;
  /** replaces global fetch for the certs (tests use the real one against a loopback server) */
  fetch?: FetchLike;
}

/**
 * Builds the per-instance authenticator for AUTH_MODE (DESIGN §6):
 * - `verify`: RS256 signature against the certs at OIDC_CERTS_URL (google-auth-library), then
 *   issuer, exact audience, time (≤ 5 min skew), allowed email, email_verified.
 * - `platform-verified`: Cloud Run IAM verified the signature and replaced it with
 *   SIGNATURE_REMOVED_BY_GOOGLE; the same claim checks. A token that still carries a real signature
 *   (the platform did not touch it) is verified as in `verify`, so this mode is never weaker.
 * - `none`: no checks, and only while the exchange URL is loopback; otherwise every call gets 403.
 */
export function createAuthenticator(auth: Config['auth'], deps: AuthenticatorDeps): Authenticator {
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? systemClock;
  const allowedEmails = new Set(auth.allowedEmails.map((e) => e.toLowerCase()));
  const gcloudUserEmails = new Set((auth.gcloudUserEmails ?? []).map((e) => e.toLowerCase()));

  const refuse = (code: AuthErrorCode, meta: Record<string, string | number | boolean | null>): AuthResult => {
    const error = new AuthError(code, meta);
    // The reason and non-secret facts only: the token, and the library's messages that embed it, stay out.
    logger.warn('auth.refused', { code, status: error.status, reason: error.what, ...error.metadata });
    return { ok: false, error };
  };
  const fail = (error: AuthError, meta: Record<string, string | number | boolean | null> = {}): AuthResult =>
    refuse(error.code, { ...error.metadata, ...meta });

  const accept = (
    claims: { email: string; sub: string; iat: number; exp: number },
    header: TokenHeader | undefined,
  ): AuthResult => {
    const caller = { ...claims, mode: auth.mode, header } as VerifiedCaller;
    logger.debug('auth.accepted', { email: caller.email, mode: auth.mode, header: header ?? null });
    return { ok: true, caller };
  };

  if (auth.mode === 'none') {
    const loopback = safeIsLoopback(deps.exchangeBaseUrl);
    if (!loopback) logger.error('auth.none_refused', { reason: 'AUTH_MODE=none with a non-loopback exchange URL' });
    return {
      mode: 'none',
      async authenticate() {
        if (!loopback) return refuse('auth.none_refused', {});
        const nowS = Math.floor(clock.now().getTime() / 1000);
        return accept({ email: 'anonymous@local', sub: 'anonymous', iat: nowS, exp: nowS }, undefined);
      },
    };
  }

  const audience = auth.audience;
  if (!audience) throw new Error('OIDC_AUDIENCE is required unless AUTH_MODE=none (loadConfig enforces this)');
  const expectations = () => ({
    audience,
    allowedEmails,
    gcloudUserEmails,
    nowS: Math.floor(clock.now().getTime() / 1000),
  });
  // the library checks the audience with the signature; checkClaims then limits gcloud's to the listed people
  const audiences = gcloudUserEmails.size > 0 ? [audience, GCLOUD_CLIENT_ID] : audience;

  const certs = createCertSource({ url: auth.certsUrl, clock, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const client = new OAuth2Client();

  /** Signature (google-auth-library, certs from OIDC_CERTS_URL), then our own claim checks. */
  const verifySigned = async (bearer: BearerToken, jwt: DecodedJwt): Promise<AuthResult> => {
    const where = { header: bearer.header };
    const kid = jwt.header.kid;
    if (!kid) return refuse('auth.unknown_kid', { ...where, kid: null });

    let pem: string | undefined;
    try {
      pem = (await certs.forKid(kid)).pem;
    } catch (error) {
      if (!(error instanceof CertFetchError)) throw error;
      return refuse('auth.certs_unavailable', { ...where, detail: error.message });
    }
    if (!pem) return refuse('auth.unknown_kid', { ...where, kid: clip(kid) });

    try {
      await client.verifySignedJwtWithCertsAsync(
        bearer.token,
        { [kid]: pem },
        audiences,
        [...GOOGLE_ISSUERS],
        MAX_LIFETIME_S,
      );
    } catch {
      // The library's message embeds the token; it is dropped. Name the most specific failure we can
      // see in the (unverified) claims, but never a 403: an unverified token earns no identity.
      const claimIssue = checkClaims(jwt.payload, expectations());
      const code =
        claimIssue instanceof AuthError && statusOf(claimIssue.code) === 401 ? claimIssue.code : 'auth.bad_signature';
      return refuse(code, { ...where, kid: clip(kid) });
    }

    const claims = checkClaims(jwt.payload, expectations());
    if (claims instanceof AuthError) return fail(claims, where);
    return accept(claims, bearer.header);
  };

  const platformVerified = auth.mode === 'platform-verified';
  return {
    mode: auth.mode,
    async authenticate(headers) {
      const bearer = extractBearerToken(headers);
      if (bearer instanceof AuthError) return fail(bearer);
      const where = { header: bearer.header };
      const jwt = decodeJwt(bearer.token, platformVerified);
      if (jwt instanceof AuthError) return fail(jwt, where);
      // Decided before any key is touched: `none` and HS256 (keyed with our public key) never reach a verifier.
      if (jwt.header.alg !== 'RS256') return refuse('auth.bad_algorithm', { ...where, alg: clipAlg(jwt) });
      const stripped = jwt.signature === '' || jwt.signature === SIGNATURE_REMOVED_BY_GOOGLE;
      if (!stripped) return verifySigned(bearer, jwt);
      // Only Cloud Run IAM, which already checked the signature, may hand us a token without one.
      if (!platformVerified) return refuse('auth.missing_signature', where);
      const claims = checkClaims(jwt.payload, expectations());
      if (claims instanceof AuthError) return fail(claims, where);
      return accept(claims, bearer.header);
    },
  };
}

function safeIsLoopback(url: string): boolean {
  try {
    return isLoopbackUrl(url);
  } catch {
    return false;
  }
}

function clip(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}

function clipAlg(jwt: DecodedJwt): string {
  return clip(jwt.header.alg);
}
