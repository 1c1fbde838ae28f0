import { AppError } from '../errors';

export type RequestErrorStatus = 400 | 404 | 405 | 413 | 415;

/**
 * A request this function will not act on as sent: wrong method, a body that is not the JSON object
 * it expects, an unknown profile. The caller must change the request; retrying it unchanged cannot
 * help, so it is a 4xx. `what` names the field or header; it never repeats the body back.
 */
export class RequestError extends AppError {
  readonly status: RequestErrorStatus;

  constructor(details: {
    code: string;
    status: RequestErrorStatus;
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
    this.status = details.status;
  }
}

export function methodNotAllowed(allowed: readonly string[]): RequestError {
  return new RequestError({
    code: 'request.method_not_allowed',
    status: 405,
    what: `this function answers ${allowed.join(' or ')} only`,
    todo: `send the request with ${allowed[0]}`,
    metadata: { allow: allowed.join(', ') },
  });
}

export function unknownProfile(profile: string, known: readonly string[]): RequestError {
  return new RequestError({
    code: 'request.unknown_profile',
    status: 400,
    what: `profile "${clip(profile)}" is not in STRATEGY_PROFILES (known: ${known.join(', ')})`,
    todo: 'send one of the known profile ids, or leave profile out for "default"',
    metadata: { field: 'profile' },
  });
}

/** Keeps an attacker-chosen string short in answers and logs. */
export function clip(value: string, max = 40): string {
  const safe = value.replace(/[^\x20-\x7e]/g, '?');
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}
