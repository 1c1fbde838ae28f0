import * as v from 'valibot';

export const faultSchema = v.strictObject({
  /** "METHOD /path", e.g. "POST /api/v3/order"; "*" matches every exchange request. */
  endpoint: v.pipe(
    v.string('endpoint must be "METHOD /path" or "*"'),
    v.regex(/^(\*|(GET|POST|DELETE|PUT) \/\S*)$/, 'endpoint must be "METHOD /path" or "*"'),
  ),
  kind: v.picklist(
    ['5xx', '429', '418', 'delay', 'accept_then_timeout'],
    'kind must be one of 5xx, 429, 418, delay, accept_then_timeout',
  ),
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
