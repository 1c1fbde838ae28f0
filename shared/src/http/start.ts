import { ENV_VARS } from '../config/env';
import { AppError } from '../errors';

export interface StartIo {
  /** one line, newline included */
  write(line: string): void;
  exit(code: number): never;
}

const processIo: StartIo = {
  write: (line) => process.stderr.write(line),
  exit: (code) => process.exit(code),
};

/**
 * Builds a function's handler at module load. A configuration the function cannot start with (a
 * ConfigError, a bad STRATEGY_PROFILES — any AppError) is printed as one Cloud Logging JSON line at
 * ERROR whose `message` says what is wrong and names the variables, and the process exits 1 at once:
 * thrown instead, it would reach functions-framework's loader, which prints "Provided module can't be
 * loaded. Is there a syntax error in your code?" and a stack trace. Anything else is a bug and is rethrown.
 */
export function startOrExit<T>(fn: string, build: () => T, io: StartIo = processIo): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const text = `${error.what}; ${error.todo}`;
    const variables = ENV_VARS.filter((name) => new RegExp(`\\b${name}\\b`).test(text));
    io.write(
      `${JSON.stringify({
        severity: 'ERROR',
        message: `${error.code}: ${fn} did not start: ${text}`,
        function: fn,
        code: error.code,
        variables,
        time: new Date().toISOString(),
      })}\n`,
    );
    return io.exit(1);
  }
}
