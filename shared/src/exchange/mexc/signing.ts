import { createHmac } from 'node:crypto';

/**
 * MEXC signing (ref §2.2): signature = lowercase hex HMAC-SHA256(secret, totalParams), where
 * totalParams is the query string exactly as sent followed by the body with no separator. This
 * client sends every parameter in the query and an empty body (ref §2.3, as the official SDK and
 * ccxt do), so totalParams is the query string.
 */
export function hmacSha256Hex(secret: string, totalParams: string): string {
  return createHmac('sha256', secret).update(totalParams, 'utf8').digest('hex');
}

export type Param = readonly [name: string, value: string];

/**
 * Percent-encodes a value so the URL parser leaves it byte-for-byte alone: what is signed is what
 * goes on the wire. encodeURIComponent keeps !'()* literal, and the WHATWG URL parser may encode
 * `'` in a query, which would break the signature; uppercase hex is what MEXC asks for (ref §2.2).
 */
export function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `a=1&b=2` in the given order; parameter order is kept because the server hashes the bytes sent. */
export function toQueryString(params: readonly Param[]): string {
  return params.map(([name, value]) => `${encodeValue(name)}=${encodeValue(value)}`).join('&');
}

export interface SignedQuery {
  /** the query string that was signed (without signature) */
  totalParams: string;
  signature: string;
  /** what goes after `?` on the wire */
  query: string;
}

/**
 * Business params in caller order, then recvWindow (when set), then timestamp, then signature —
 * the order of the reference's own vectors (qrl_limit_buy_with_client_id, account_recvwindow_first).
 */
export function signQuery(
  params: readonly Param[],
  timing: { timestamp: number; recvWindowMs?: number | undefined },
  secret: string,
): SignedQuery {
  const all: Param[] = [...params];
  if (timing.recvWindowMs !== undefined) all.push(['recvWindow', String(timing.recvWindowMs)]);
  all.push(['timestamp', String(timing.timestamp)]);
  const totalParams = toQueryString(all);
  const signature = hmacSha256Hex(secret, totalParams);
  return { totalParams, signature, query: `${totalParams}&signature=${signature}` };
}
