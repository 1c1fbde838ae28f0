import type { Response } from '@google-cloud/functions-framework';
import { AuthError } from '../auth/auth-error';
import { AppError } from '../errors';
import type { Logger } from '../observability/logger';
import { httpStatus } from './status';

/** Strings that look like a JWT or a signed query; an unplanned error's message may carry one. */
const SECRETISH = [/eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, /((?:signature|token|secret|apikey|api_key)=)[^&\s"]+/gi];

export function scrub(message: string): string {
  return SECRETISH.reduce(
    (text, pattern) =>
      text.replace(pattern, (_m, prefix?: string) => `${typeof prefix === 'string' ? prefix : ''}<omitted>`),
    message,
  );
}

/** What a log line may say about an error: its class, code and our own sentences, never a token. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof AppError)
    return { errorClass: error.name, code: error.code, retryable: error.retryable, error: error.toJSON() };
  if (error instanceof Error) return { errorClass: error.name, code: 'internal', error: scrub(error.message) };
  return { errorClass: typeof error, code: 'internal' };
}

export interface ErrorBody {
  error: string;
  message: string;
  todo?: string;
  executionId?: string;
}

/**
 * The answer to a refused or failed request. Auth refusals say the reason only; nothing of the
 * request (body, token) is repeated. Unplanned errors say as little as possible: details are in the log.
 */
export function sendError(res: Response, error: unknown, executionId?: string): number {
  const status = httpStatus({ error });
  const body: ErrorBody =
    error instanceof AuthError
      ? { error: error.code, message: error.reason }
      : error instanceof AppError
        ? { error: error.code, message: error.what, todo: error.todo }
        : { error: 'internal', message: 'the function failed unexpectedly; see its log for the details' };
  if (executionId) body.executionId = executionId;
  const allow = error instanceof AppError ? error.metadata.allow : undefined;
  if (status === 405 && typeof allow === 'string') res.set('Allow', allow);
  res.status(status).json(body);
  return status;
}

/** Logs a refusal or failure once, at a severity that matches who has to act. */
export function logError(logger: Logger, error: unknown, status: number): void {
  const fields = { status, ...describeError(error) };
  if (status >= 500) logger.error('invocation.error', fields);
  else if (!(error instanceof AuthError)) logger.warn('request.refused', fields);
  // AuthError: the authenticator already logged `auth.refused` with the reason.
}
