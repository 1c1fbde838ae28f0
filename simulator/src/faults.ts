import * as v from 'valibot';

export const faultSchema = v.strictObject({
  /** "METHOD /path", e.g. "POST /api/v3/order"; "*" matches every exchange request. */
  endpoint: v.pipe(
    v.string('endpoint must be "METHOD /path" or "*"'),
    v.regex(/^(\*|(GET|POST|DELETE|PUT) \/\S*)$/, 'endpoint must be "METHOD /path" or "*"'),
  ),
  /**
   * 5xx, 429, 418: HTTP errors. 403: MEXC's WAF limit ("HTTP 403 return code is used when the WAF
   * Limit (Web Application Firewall) has been violated", docs general info), an HTML page without a
   * body code. oversold: 400 {"msg":"Oversold","code":30005} (MEXC docs error table; the body of a
   * live thin-book sell failure). unknown_code: 400 with `code` (default 99999), a code no client
   * knows. delay: answer normally after delayMs. accept_then_timeout: execute, then drop the socket.
   * visibility_lag (POST /api/v3/order): the order is placed, but GET /api/v3/order answers -2013
   * "Order does not exist." for it during delayMs (ccxt#21614: "quite often" right after a create).
   */
  kind: v.picklist(
    ['5xx', '429', '418', '403', 'oversold', 'unknown_code', 'delay', 'accept_then_timeout', 'visibility_lag'],
    'kind must be one of 5xx, 429, 418, 403, oversold, unknown_code, delay, accept_then_timeout, visibility_lag',
  ),
  /** error kinds only: execute the request first, then answer with the error (an order accepted, then an error) */
  accept: v.optional(v.boolean('accept must be true or false')),
  /** unknown_code: the body code sent */
  code: v.optional(v.pipe(v.number('code must be a number'), v.integer('code must be an integer'))),
  count: v.optional(
    v.pipe(
      v.number('count must be a number'),
      v.integer('count must be an integer'),
      v.minValue(1, 'count must be at least 1'),
    ),
    1,
  ),
  delayMs: v.optional(v.pipe(v.number('delayMs must be a number'), v.minValue(0), v.maxValue(600_000))),
  retryAfterS: v.optional(v.pipe(v.number('retryAfterS must be a number'), v.integer(), v.minValue(0))),
  status: v.optional(
    v.pipe(
      v.number('status must be a number'),
      v.integer(),
      v.minValue(500, 'status must be 5xx'),
      v.maxValue(599, 'status must be 5xx'),
    ),
  ),
});

export type FaultInput = v.InferInput<typeof faultSchema>;

/** Kinds that answer with an error instead of (or, with `accept`, after) executing the request. */
export const ERROR_FAULTS: ReadonlySet<string> = new Set(['5xx', '429', '418', '403', 'oversold', 'unknown_code']);
export type Fault = v.InferOutput<typeof faultSchema> & { remaining: number };

/** Faults wait in the order they were added; each matching request uses up one. */
export class FaultQueue {
  private faults: Fault[] = [];

  add(input: v.InferOutput<typeof faultSchema>): void {
    this.faults.push({ ...input, remaining: input.count });
  }

  clear(): void {
    this.faults = [];
  }

  take(endpoint: string): Fault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && (f.endpoint === '*' || f.endpoint === endpoint));
    if (!fault) return undefined;
    fault.remaining--;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fault;
  }

  pending(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }
}
