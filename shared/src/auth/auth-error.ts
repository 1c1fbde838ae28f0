import { AppError } from '../errors';

/**
 * Every way a caller can be refused, with its HTTP status and the sentence an operator reads.
 * 401: no usable proof of identity (missing, malformed, forged, expired, for another audience).
 * 403: a genuine token of a caller this function does not accept, or a server that refuses to run
 * unauthenticated. 503: the signing certs could not be fetched, so nobody can be checked; a retry
 * later is safe and wanted. No entry ever carries the token.
 */
const table = {
  'auth.missing_token': [
    401,
    'no ID token: neither Authorization nor X-Serverless-Authorization carries a Bearer token',
  ],
  'auth.malformed_token': [401, 'the bearer token is not a well-formed JWT'],
  'auth.bad_algorithm': [401, 'the token is not signed with RS256'],
  'auth.unknown_kid': [401, 'the token names a signing key the issuer does not publish'],
  'auth.bad_signature': [401, 'the token signature does not verify against the issuer keys'],
  'auth.missing_signature': [
    401,
    'the token has no signature: Cloud Run IAM removed it (use AUTH_MODE=platform-verified on a private service)',
  ],
  'auth.wrong_issuer': [401, 'the token was not issued by accounts.google.com'],
  'auth.wrong_audience': [401, 'the token audience is not exactly OIDC_AUDIENCE'],
  'auth.expired': [401, 'the token has expired'],
  'auth.not_yet_valid': [401, 'the token is not valid yet (iat or nbf is in the future)'],
  'auth.bad_claims': [401, 'the token lacks a required claim (sub, email, iat or exp)'],
  'auth.email_not_allowed': [403, 'the caller email is not in OIDC_ALLOWED_EMAILS'],
  'auth.email_unverified': [403, 'the caller email is not verified (email_verified is not true)'],
  'auth.none_refused': [403, 'AUTH_MODE=none is refused because the exchange URL is not a loopback address'],
  'auth.certs_unavailable': [503, 'the signing certs could not be fetched from OIDC_CERTS_URL'],
} as const satisfies Record<string, readonly [401 | 403 | 503, string]>;

export type AuthErrorCode = keyof typeof table;
/** every code, for the HTTP layer's status table (http/status.ts) */
export const AUTH_ERROR_CODES = Object.keys(table) as readonly AuthErrorCode[];
export type AuthStatus = 401 | 403 | 503;

const todo: Record<AuthStatus, string> = {
  401: 'call with a fresh Google-signed ID token for audience OIDC_AUDIENCE in Authorization: Bearer',
  403: 'call as a service account listed in OIDC_ALLOWED_EMAILS, or fix the function configuration',
  503: 'check OIDC_CERTS_URL and egress; Cloud Scheduler retries on its own',
};

export class AuthError extends AppError {
  readonly status: AuthStatus;
  override readonly code: AuthErrorCode;

  /** `metadata` holds non-secret facts only (header name, kid, email, aud); never the token. */
  constructor(code: AuthErrorCode, metadata: Record<string, string | number | boolean | null> = {}) {
    const [status, what] = table[code];
    super({
      code,
      what,
      notDone: 'the request was refused before anything ran; no run was claimed and no order was sent',
      todo: todo[status],
      retryable: status === 503,
      metadata: { status, ...metadata },
    });
    this.status = status;
    this.code = code;
  }

  /** `code: sentence`, short enough for a response body and a log line. */
  get reason(): string {
    return `${this.code}: ${this.what}`;
  }
}

export function statusOf(code: AuthErrorCode): AuthStatus {
  return table[code][0];
}
