import { AuthError } from './auth-error';

/** Request headers as Node and functions-framework hand them over (names lower-case, repeats as arrays). */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export type TokenHeader = 'authorization' | 'x-serverless-authorization';

export interface BearerToken {
  token: string;
  header: TokenHeader;
}

/** Longer than any Google ID token by far; a bigger header is noise, not a token. */
const MAX_TOKEN_LENGTH = 8192;

/** Reads a header whatever its case. */
export function headerValue(headers: HeaderBag, name: string): string | readonly string[] | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * The ID token of the request. X-Serverless-Authorization wins when present: Cloud Run's IAM checks
 * that header instead of Authorization when both are sent, so the claims we read must come from
 * the token Cloud Run checked, not from a second one an invoker placed beside it.
 */
export function extractBearerToken(headers: HeaderBag): BearerToken | AuthError {
  const serverless = headerValue(headers, 'x-serverless-authorization');
  const header: TokenHeader = serverless !== undefined ? 'x-serverless-authorization' : 'authorization';
  const raw = serverless ?? headerValue(headers, 'authorization');
  if (raw === undefined || raw === '') return new AuthError('auth.missing_token');
  // Two values are ambiguous: refuse instead of guessing which one a proxy looked at.
  if (typeof raw !== 'string') return new AuthError('auth.malformed_token', { header, reason: 'repeated header' });
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(raw);
  if (!match?.[1]) return new AuthError('auth.malformed_token', { header, reason: 'not "Bearer <token>"' });
  const token = match[1];
  if (token.length > MAX_TOKEN_LENGTH) return new AuthError('auth.malformed_token', { header, reason: 'too long' });
  return { token, header };
}
