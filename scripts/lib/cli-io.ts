/** What the ledger-reading commands (runs, report) print through, so tests can capture it. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
  /** tests: where .local is */
  localDir?: string;
}

export const stdio: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** An error's message; parseArgs' without its error-class prefix and its hint about `--` (not what a caller here means). */
export function argumentProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/^\w*Error \[[A-Z_]+\]: /, '')
    .replace(/\. To specify a positional argument.*$/s, '')
    .trim();
}
