/**
 * Scrubs text that may carry a URL or an echoed parameter before it reaches an error or a log:
 * ky's HTTPError/TimeoutError/NetworkError messages embed the full request URL, whose query holds
 * the signature (and, for a misconfigured server, could echo anything).
 */
export const OMITTED = '<omitted>';

export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text
    // any query string of a URL: signature, timestamp and parameters go together
    .replace(/(https?:\/\/[^\s?"']*)\?[^\s"']*/gi, `$1?${OMITTED}`)
    .replace(/signature=[^&\s"']*/gi, `signature=${OMITTED}`)
    .replace(/(x-mexc-apikey["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, `$1${OMITTED}`);
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(OMITTED);
  }
  return out;
}

/** A cause that keeps the original's name and (scrubbed) message but none of its request objects. */
export function sanitizedCause(error: unknown, secrets: readonly (string | undefined)[]): Error {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const cause = new Error(redact(message, secrets));
  cause.name = name;
  return cause;
}
