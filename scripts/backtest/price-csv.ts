import * as v from 'valibot';
import { AppError } from '../../shared/src/errors';

/**
 * Price history as CSV: a header line, then one bar per line. `time,close` at least; `open,high,low`
 * are used when present (high and low together). Extra columns (volume, …) are ignored. Times are
 * ISO 8601 or Unix epoch seconds/milliseconds and must strictly increase.
 */
export interface Bar {
  /** ms since epoch */
  time: number;
  /** decimal strings, exactly as in the file; for a close-only file low = high = close */
  low: string;
  high: string;
  close: string;
}

export class PriceCsvError extends AppError {
  constructor(what: string) {
    super({
      code: 'backtest.prices_invalid',
      what,
      notDone: 'the backtest did not run',
      todo: 'fix the named line and column of the price file (header time,close or time,open,high,low,close)',
    });
  }
}

const DECIMAL = /^\d+(\.\d+)?$/;
const priceCell = v.pipe(
  v.string(),
  v.regex(DECIMAL, 'is not a decimal price such as 0.5123'),
  v.check((s) => Number(s) > 0, 'is not above 0'),
);
const epochCell = v.pipe(v.string(), v.regex(/^\d{9,13}$/));
const isoCell = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/),
  v.check((s) => !Number.isNaN(Date.parse(s))),
);
/** Epoch values at or above 1e11 are milliseconds (1e11 s is the year 5138). */
const EPOCH_MS_FROM = 100_000_000_000;

const TIME_NAMES = ['time', 'timestamp', 'date', 'datetime'];

export interface Columns {
  time: number;
  close: number;
  open: number | null;
  high: number | null;
  low: number | null;
  names: string[];
}

export function headerColumns(line: string, source: string): Columns {
  const names = line.split(',').map((n) => n.trim().toLowerCase());
  const find = (candidates: readonly string[]) => {
    const i = names.findIndex((n) => candidates.includes(n));
    return i < 0 ? null : i;
  };
  const time = find(TIME_NAMES);
  const close = find(['close']);
  const high = find(['high']);
  const low = find(['low']);
  const missing: string[] = [];
  if (time === null) missing.push('time');
  if (close === null) missing.push('close');
  if (time === null || close === null)
    throw new PriceCsvError(
      `${source} line 1 (header) has no ${missing.join(' and ')} column; found "${line.trim()}", expected time,close or time,open,high,low,close`,
    );
  if ((high === null) !== (low === null))
    throw new PriceCsvError(`${source} line 1 (header) names ${high === null ? 'low' : 'high'} without the other`);
  return { time, close, open: find(['open']), high, low, names };
}

function cellError(source: string, line: number, column: number, name: string, value: string, why: string) {
  return new PriceCsvError(`${source} line ${line}, column ${column + 1} (${name}): "${value}" ${why}`);
}

function parseTime(raw: string, source: string, line: number, column: number, name: string): number {
  if (v.is(epochCell, raw)) {
    const n = Number(raw);
    return n >= EPOCH_MS_FROM ? n : n * 1000;
  }
  if (v.is(isoCell, raw)) return Date.parse(raw);
  throw cellError(
    source,
    line,
    column,
    name,
    raw,
    'is not a time (ISO 8601 such as 2025-01-01T00:00:00Z, or Unix epoch seconds or milliseconds)',
  );
}

/**
 * One data line (not blank, not a comment) as a bar, or the error that names its line and column:
 * readBars' per-line rules, shared with the fast reader (fast-csv.ts) for any line it does not read
 * itself, so both accept the same lines and fail with the same words.
 */
export function parseLine(line: string, lineNo: number, cols: Columns, lastTime: number, source: string): Bar {
  const cells = line.split(',');
  // A cell the header does not name is a shifted or merged row: reading on would take the wrong column.
  if (cells.length > cols.names.length)
    throw new PriceCsvError(
      `${source} line ${lineNo} has ${cells.length} cells, the header has ${cols.names.length} columns (${cols.names.join(',')}); remove the extra cell or name its column in the header`,
    );
  const cell = (i: number) => {
    const value = cells[i];
    if (value === undefined)
      throw new PriceCsvError(
        `${source} line ${lineNo} has ${cells.length} columns, the header has ${cols.names.length} (column ${i + 1} ${cols.names[i]} is missing)`,
      );
    return value.trim();
  };
  const price = (i: number | null): string | null => {
    if (i === null) return null;
    const raw = cell(i);
    const parsed = v.safeParse(priceCell, raw);
    if (!parsed.success)
      throw cellError(source, lineNo, i, cols.names[i] ?? '', raw, parsed.issues[0]?.message ?? 'is not a price');
    return parsed.output;
  };
  const time = parseTime(cell(cols.time), source, lineNo, cols.time, cols.names[cols.time] ?? 'time');
  if (time <= lastTime)
    throw cellError(
      source,
      lineNo,
      cols.time,
      cols.names[cols.time] ?? 'time',
      cell(cols.time),
      `is not after the previous bar's time (${new Date(lastTime).toISOString()}); bars must be in time order without repeats`,
    );
  const close = price(cols.close) ?? '';
  const open = price(cols.open);
  const high = price(cols.high) ?? close;
  const low = price(cols.low) ?? close;
  if (cols.high !== null) {
    const h = Number(high);
    const l = Number(low);
    const inside = (x: string | null) => x === null || (Number(x) >= l && Number(x) <= h);
    if (l > h || !inside(close) || !inside(open))
      throw new PriceCsvError(
        `${source} line ${lineNo}: the candle is inconsistent (low ${low}, high ${high}, open ${open ?? '-'}, close ${close}); low ≤ open, close ≤ high must hold`,
      );
  }
  return { time, low, high, close };
}

/** The file's end: an empty file or a header without bars is an error. */
export function checkEnd(columns: Columns | null, rows: number, source: string): void {
  if (columns === null) throw new PriceCsvError(`${source} is empty: no header line and no bars`);
  if (rows === 0) throw new PriceCsvError(`${source} has a header but no bars`);
}

/**
 * Bars one by one, so a million-line file is never held as objects; the caller decides what to keep.
 * `source` names the file in errors.
 */
export function* readBars(text: string, source: string): Generator<Bar> {
  let columns: Columns | null = null;
  let lastTime = Number.NEGATIVE_INFINITY;
  let lineNo = 0;
  let start = 0;
  let rows = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    lineNo += 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (columns === null) {
      columns = headerColumns(line, source);
      continue;
    }
    const bar = parseLine(line, lineNo, columns, lastTime, source);
    lastTime = bar.time;
    rows += 1;
    yield bar;
  }
  checkEnd(columns, rows, source);
}
