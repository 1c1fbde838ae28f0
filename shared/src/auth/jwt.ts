import * as v from 'valibot';
import { AuthError } from './auth-error';

/**
 * Splits and decodes a compact JWT without trusting it. Only the header fields that decide how to
 * verify (alg, kid) are read here; claims are checked in claims.ts.
 */
const segment = /^[A-Za-z0-9_-]+$/;

const headerSchema = v.object({
  alg: v.string(),
  kid: v.optional(v.string()),
  typ: v.optional(v.string()),
});

export interface DecodedJwt {
  header: v.InferOutput<typeof headerSchema>;
  /** unverified claims: a plain JSON object */
  payload: Record<string, unknown>;
  /** empty when the signature was stripped */
  signature: string;
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `header.payload.signature`; the signature may be empty (`alg: none`, or stripped by Cloud Run):
 * the caller decides what an empty one means. `allowTwoSegments` also accepts `header.payload`.
 */
export function decodeJwt(token: string, allowTwoSegments = false): DecodedJwt | AuthError {
  const parts = token.split('.');
  const [h, p, s = ''] = parts;
  const shapeOk =
    h !== undefined &&
    p !== undefined &&
    segment.test(h) &&
    segment.test(p) &&
    (parts.length === 3 || (allowTwoSegments && parts.length === 2)) &&
    (s === '' || segment.test(s));
  if (!shapeOk) return new AuthError('auth.malformed_token', { reason: 'not three base64url segments' });

  const header = v.safeParse(headerSchema, decodeJson(h));
  if (!header.success) return new AuthError('auth.malformed_token', { reason: 'header is not a JWT header' });
  const payload = decodeJson(p);
  if (!isPlainObject(payload)) return new AuthError('auth.malformed_token', { reason: 'payload is not a JSON object' });
  return { header: header.output, payload, signature: s };
}
