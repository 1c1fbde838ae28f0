/**
 * Structured logger in Cloud Logging's JSON format: one object per line on stdout, with
 * `severity` and `message` as Cloud Logging reads them and bound fields (executionId, function,
 * trace) on every line. Values whose key names a secret are replaced before anything is written.
 */
export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR' | 'CRITICAL';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  notice(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export type LogSink = (line: string) => void;

const rank: Record<Severity, number> = { DEBUG: 0, INFO: 1, NOTICE: 2, WARNING: 3, ERROR: 4, CRITICAL: 5 };
const levelFloor: Record<LogLevel, Severity> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' };
const secretKey = /(secret|password|token|authorization|signature|apikey|api_key|credential)/i;

export const REDACTED = '<omitted>';

export function createLogger(
  level: LogLevel = 'info',
  sink: LogSink = (line) => process.stdout.write(`${line}\n`),
  bound: LogFields = {},
): Logger {
  const floor = rank[levelFloor[level]];
  const write = (severity: Severity, event: string, fields: LogFields = {}) => {
    if (rank[severity] < floor) return;
    const entry = { severity, message: event, time: new Date().toISOString(), ...bound, ...fields };
    sink(JSON.stringify(entry, redactor));
  };
  return {
    debug: (e, f) => write('DEBUG', e, f),
    info: (e, f) => write('INFO', e, f),
    notice: (e, f) => write('NOTICE', e, f),
    warn: (e, f) => write('WARNING', e, f),
    error: (e, f) => write('ERROR', e, f),
    child: (fields) => createLogger(level, sink, { ...bound, ...fields }),
  };
}

function redactor(this: unknown, key: string, value: unknown): unknown {
  if (key && secretKey.test(key) && value !== undefined && value !== null && value !== '') return REDACTED;
  if (value instanceof Error) {
    const json = (value as { toJSON?: () => unknown }).toJSON;
    return typeof json === 'function' ? json.call(value) : { name: value.name, message: value.message };
  }
  return value;
}

/** A logger that drops everything, for unit tests of code that takes a Logger. */
export const silentLogger: Logger = createLogger('error', () => undefined);
