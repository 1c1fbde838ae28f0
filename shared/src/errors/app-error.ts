/**
 * Base of every error the project throws on purpose. Each one tells an operator three things:
 * what happened, what was not done because of it, and what to do next. `retryable` carries the
 * decision whether a caller (Cloud Scheduler) should try again; the HTTP layer maps it to a status.
 * Messages never contain keys, secrets, signatures or tokens.
 */
export interface AppErrorDetails {
  /** stable, dotted, machine-readable: `config.invalid`, `exchange.rate_limited` */
  code: string;
  what: string;
  notDone: string;
  todo: string;
  retryable?: boolean;
  cause?: unknown;
  /** non-secret facts for the ledger and logs */
  metadata?: Record<string, string | number | boolean | null>;
}

export class AppError extends Error {
  readonly code: string;
  readonly what: string;
  readonly notDone: string;
  readonly todo: string;
  readonly retryable: boolean;
  readonly metadata: Record<string, string | number | boolean | null>;

  constructor(details: AppErrorDetails) {
    super(`${details.what}; ${details.notDone}; ${details.todo}`, { cause: details.cause });
    this.name = new.target.name;
    this.code = details.code;
    this.what = details.what;
    this.notDone = details.notDone;
    this.todo = details.todo;
    this.retryable = details.retryable ?? false;
    this.metadata = details.metadata ?? {};
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      what: this.what,
      notDone: this.notDone,
      todo: this.todo,
      retryable: this.retryable,
      metadata: this.metadata,
    };
  }
}
