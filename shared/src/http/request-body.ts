import * as v from 'valibot';
import { EXECUTION_ID_PATTERN } from '../auth/execution-id';
import { clip, RequestError } from './request-error';

/** The body `rebalance` and `snapshot` accept (DESIGN §4.1). Every field is optional; an empty body is `{}`. */
export interface RunRequest {
  profile?: string;
  dryRun?: boolean;
  executionId?: string;
}

export type RunRequestField = keyof RunRequest;
const FIELDS: readonly RunRequestField[] = ['profile', 'dryRun', 'executionId'];

const bodySchema = v.strictObject({
  profile: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, "_" or "-"'),
    ),
  ),
  dryRun: v.optional(v.boolean('must be true or false')),
  executionId: v.optional(
    v.pipe(v.string('must be a string'), v.regex(EXECUTION_ID_PATTERN, 'must match ^[A-Za-z0-9_-]{8,64}$')),
  ),
});

function badBody(code: string, what: string, field: string | null, allowed: readonly string[]): RequestError {
  return new RequestError({
    code,
    what,
    todo: `send a JSON object with any of ${allowed.join(', ')} (or no body at all)`,
    metadata: { field },
  });
}

/** The refusal of a body that is not JSON, whichever parser found it (ours, or functions-framework's). */
export function badJsonBody(allowed: readonly RunRequestField[] = FIELDS): RequestError {
  return badBody('request.bad_json', 'the body is not valid JSON', null, allowed);
}

/**
 * functions-framework has already run its body parsers: JSON content types arrive as a value,
 * text as a string, anything else (Scheduler's default application/octet-stream) as a Buffer, no
 * body as `{}` or undefined. Strings and buffers are parsed here so every caller gets the same rules.
 */
export function parseRunRequest(
  body: unknown,
  allowed: readonly RunRequestField[] = FIELDS,
): RunRequest | RequestError {
  const bad = (code: string, what: string, field: string | null) => badBody(code, what, field, allowed);
  let value = body;
  if (Buffer.isBuffer(value)) value = value.toString('utf8');
  if (typeof value === 'string') {
    if (value.trim() === '') return {};
    try {
      value = JSON.parse(value);
    } catch {
      return badJsonBody(allowed);
    }
  }
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    return bad('request.bad_body', 'the body must be a JSON object', null);

  const unknown = Object.keys(value).find((key) => !(allowed as readonly string[]).includes(key));
  if (unknown !== undefined)
    return bad(
      'request.unknown_field',
      `unknown field "${clip(unknown)}" (allowed: ${allowed.join(', ')})`,
      clip(unknown),
    );
  const parsed = v.safeParse(bodySchema, value);
  if (parsed.success) return parsed.output;
  const issue = parsed.issues[0];
  const key = issue.path?.[0]?.key;
  const field = typeof key === 'string' ? key : null;
  if (field !== null && !(FIELDS as readonly string[]).includes(field))
    return bad('request.unknown_field', `unknown field "${clip(field)}" (allowed: ${allowed.join(', ')})`, clip(field));
  if (field === 'executionId') return bad('request.bad_execution_id', `executionId ${issue.message}`, 'executionId');
  return bad('request.bad_field', `${field ?? 'body'} ${issue.message}`, field);
}
