import { type ServedFunction, serveFunction } from '../lib/serve-function';

export interface Answer {
  status: number;
  body: unknown;
  /** performance.now() when the request was sent, on the bench's clock */
  sentAt: number;
  ms: number;
}

export interface FunctionUnderTest extends Pick<ServedFunction, 'url' | 'spawnedAt' | 'listenMs' | 'output'> {
  post(body: unknown, headers?: Record<string, string>): Promise<Answer>;
  stop(): Promise<void>;
}

/**
 * functions-framework serving `<dir>` (a bundle folder) as Cloud Run does (serveFunction). `env`
 * gets the URL (the function's OIDC audience). The clock starts right before spawn and the port is
 * polled every 2 ms, so `listenMs` is the time a platform waits before it can route a request.
 */
export async function startFunction(
  dir: string,
  target: string,
  env: (url: string) => Record<string, string>,
  timeoutMs = 30_000,
): Promise<FunctionUnderTest> {
  const fn = await serveFunction(target, { source: dir, env, timeoutMs, pollMs: 2 });
  return {
    url: fn.url,
    spawnedAt: fn.spawnedAt,
    listenMs: fn.listenMs,
    output: fn.output,
    stop: () => fn.stop(),
    async post(body, headers = {}) {
      const sentAt = performance.now();
      const response = await fetch(fn.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      const ms = performance.now() - sentAt;
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed, sentAt, ms };
    },
  };
}
