import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * MEXC signs `totalParams` = raw query string immediately followed by the raw body (no separator),
 * with the `signature` pair itself left out; lowercase hex HMAC-SHA256 keyed with the API secret.
 * Written from ../shared/reference/mexc-spot-v3.md §2 independently of the client's signer.
 */
export function hmacHex(secret: string, totalParams: string): string {
  return createHmac('sha256', secret).update(totalParams, 'utf8').digest('hex');
}

/** Removes every `signature=` pair from a raw `k=v&k=v` string, keeping the other bytes exactly as sent. */
export function withoutSignature(raw: string): { rest: string; signature: string | undefined } {
  let signature: string | undefined;
  const kept: string[] = [];
  for (const pair of raw.split('&')) {
    if (pair.startsWith('signature=')) signature = pair.slice('signature='.length);
    else if (pair !== '') kept.push(pair);
  }
  return { rest: kept.join('&'), signature };
}

/** The string MEXC would have signed for this request, plus the signature it carried (query first). */
export function totalParamsOf(rawQuery: string, rawBody: string): { totalParams: string; signature?: string } {
  const query = withoutSignature(rawQuery);
  const body = looksLikeForm(rawBody) ? withoutSignature(rawBody) : { rest: rawBody, signature: undefined };
  const signature = query.signature ?? body.signature;
  return signature === undefined
    ? { totalParams: query.rest + body.rest }
    : { totalParams: query.rest + body.rest, signature };
}

/** Only lowercase hex of the right length counts (the DOC: "signature is support lowercase only"). */
export function signatureMatches(secret: string, totalParams: string, signature: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(signature)) return false;
  const expected = Buffer.from(hmacHex(secret, totalParams), 'utf8');
  return timingSafeEqual(expected, Buffer.from(signature, 'utf8'));
}

function looksLikeForm(raw: string): boolean {
  return raw !== '' && !raw.trimStart().startsWith('{');
}
