import { AppError } from '../errors';

/**
 * A request this function will not act on as sent: wrong method, a body that is not the JSON object
 * it expects. The caller must change the request; retrying it unchanged cannot help, so its code is
 * a 4xx in the status table (status.ts). `what` names the field or header; it never repeats the body back.
 */
export class RequestError extends AppError {
  constructor(details: {
    code: string;
    what: string;
    todo: string;
    metadata?: Record<string, string | number | boolean | null>;
  }) {
    super({
      code: details.code,
      what: details.what,
      notDone: 'the request was refused before anything ran; no run was claimed and no order was sent',
      todo: details.todo,
      retryable: false,
      ...(details.metadata ? { metadata: details.metadata } : {}),
    });
  }
}

export function methodNotAllowed(allowed: readonly string[]): RequestError {
  return new RequestError({
    code: 'request.method_not_allowed',
    what: `this function answers ${allowed.join(' or ')} only`,
    todo: `send the request with ${allowed[0]}`,
    metadata: { allow: allowed.join(', ') },
  });
}

/** Keeps an attacker-chosen string short in answers and logs. */
export function clip(value: string, max = 40): string {
  const safe = value.replace(/[^\x20-\x7e]/g, '?');
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}
