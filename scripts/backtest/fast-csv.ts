import { type Bar, type Columns, checkEnd, headerColumns, parseLine } from './price-csv';

/**
 * The price CSV read in one pass into columns, for the fast backtest (fast-engine.ts). It accepts
 * exactly what readBars accepts and yields the same bars: a cell in the common form (an ISO time
 * `YYYY-MM-DDTHH:MM:SS[.sss]Z` or Unix epoch digits, a price of digits with at most one point) is
 * read here with char codes; any other line (spaces, other time forms, a bad cell, time out of
 * order, an inconsistent candle) goes through readBars' own parseLine, which reads it or throws the
 * error readBars would. Prices are kept as offsets into the text, so a bar's strings are only made
 * for the bars the exact planner sees.
 */
export interface BarColumns {
  readonly length: number;
  /** ms since epoch */
  readonly time: Float64Array;
  /** Number(close) */
  readonly close: Float64Array;
  /** close = closeInt / 10^closeScale exactly; closeScale NOT_SCALED when the close has over 15 digits */
  readonly closeInt: Float64Array;
  readonly closeScale: Uint8Array;
  /** the bar exactly as readBars yields it */
  bar(i: number): Bar;
  /** the close cell, as readBars yields it */
  closeText(i: number): string;
}

export const NOT_SCALED = 255;

/** digits beyond this are not kept as an exact integer in a double */
const MAX_DIGITS = 15;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const EPOCH_MS_FROM = 100_000_000_000;

const C0 = 48;
const DOT = 46;
const COMMA = 44;
const CR = 13;
const LF = 10;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const LETTER_T = 84;
const LETTER_Z = 90;

/** The scanner's results (module scratch, so nothing is allocated per cell). */
let cellEnd = 0;
let priceInt = 0;
let priceScale = 0;
let priceValue = 0;

/**
 * A price cell from `from` in readBars' form /^\d+(\.\d+)?$/, above 0, ending at a comma or `end`:
 * sets cellEnd, priceInt / priceScale (exact when at most 15 digits, else NaN / NOT_SCALED) and
 * priceValue = Number(cell). False for anything else (the line then goes to parseLine).
 */
function scanPrice(b: Uint8Array, from: number, end: number): boolean {
  let int = 0;
  let digits = 0;
  let scale = -1;
  let i = from;
  for (; i < end; i += 1) {
    const d = (b[i] as number) - C0;
    if (d >= 0 && d <= 9) {
      if (digits > 0 || d !== 0) digits += 1;
      int = int * 10 + d;
      if (scale >= 0) scale += 1;
    } else if (d === DOT - C0 && scale < 0 && i > from) scale = 0;
    else if (d === COMMA - C0) break;
    else return false;
  }
  if (i === from || scale === 0 || int === 0) return false;
  if (scale < 0) scale = 0;
  cellEnd = i;
  if (digits <= MAX_DIGITS && scale < POW10.length) {
    priceInt = int;
    priceScale = scale;
    // both exact doubles: the quotient is Number(cell), correctly rounded
    priceValue = int / (POW10[scale] as number);
  } else {
    priceInt = Number.NaN;
    priceScale = NOT_SCALED;
    priceValue = Number(latin1(b, from, i));
  }
  return true;
}

function latin1(b: Uint8Array, from: number, to: number): string {
  return Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('latin1');
}

function digit(b: Uint8Array, at: number): number {
  const d = (b[at] as number) - C0;
  return d >= 0 && d <= 9 ? d : -100;
}

let dayKey = -1;
let dayMs = Number.NaN;

/**
 * A time cell from `from`, ending at a comma or `end`, or NaN for the slow path: epoch seconds/ms
 * (9–13 digits), or `YYYY-MM-DDTHH:MM:SSZ` / `YYYY-MM-DDTHH:MM:SS.sssZ` with HH < 24 and MM, SS
 * < 60, the day itself from Date.parse (once per day, so exactly as Date.parse counts days).
 */
function scanTime(b: Uint8Array, from: number, end: number): number {
  let i = from;
  let x = 0;
  for (; i < end; i += 1) {
    const d = (b[i] as number) - C0;
    if (d < 0 || d > 9) break;
    x = x * 10 + d;
  }
  const n = i - from;
  if (n >= 9 && n <= 13 && (i === end || b[i] === COMMA)) {
    cellEnd = i;
    return x >= EPOCH_MS_FROM ? x : x * 1000;
  }
  if (n !== 4 || b[from + 4] !== DASH || b[from + 7] !== DASH || b[from + 10] !== LETTER_T) return Number.NaN;
  if (b[from + 13] !== COLON || b[from + 16] !== COLON) return Number.NaN;
  let stop = from + 19;
  let ms = 0;
  if (b[stop] === DOT) {
    const d1 = digit(b, from + 20);
    const d2 = digit(b, from + 21);
    const d3 = digit(b, from + 22);
    if (d1 < 0 || d2 < 0 || d3 < 0) return Number.NaN;
    ms = d1 * 100 + d2 * 10 + d3;
    stop = from + 23;
  }
  if (stop >= end || b[stop] !== LETTER_Z || !(stop + 1 === end || b[stop + 1] === COMMA)) return Number.NaN;
  const month = digit(b, from + 5) * 10 + digit(b, from + 6);
  const day = digit(b, from + 8) * 10 + digit(b, from + 9);
  const hh = digit(b, from + 11) * 10 + digit(b, from + 12);
  const mm = digit(b, from + 14) * 10 + digit(b, from + 15);
  const ss = digit(b, from + 17) * 10 + digit(b, from + 18);
  if (month < 0 || day < 0 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return Number.NaN;
  const key = (x * 100 + month) * 100 + day;
  if (key !== dayKey) {
    dayKey = key;
    dayMs = Date.parse(`${latin1(b, from, from + 10)}T00:00:00Z`);
  }
  if (Number.isNaN(dayMs)) return Number.NaN;
  cellEnd = stop + 1;
  return dayMs + ((hh * 60 + mm) * 60 + ss) * 1000 + ms;
}

/** Commas in a line: a line with more cells than the header names goes to parseLine, which refuses it. */
function commasIn(b: Uint8Array, from: number, end: number): number {
  let n = 0;
  for (let i = from; i < end; i += 1) if (b[i] === COMMA) n += 1;
  return n;
}

/** `end` or the next comma from `from`. */
function skipCell(b: Uint8Array, from: number, end: number): number {
  let i = from;
  while (i < end && b[i] !== COMMA) i += 1;
  return i;
}

class Growable {
  time: Float64Array;
  close: Float64Array;
  closeInt: Float64Array;
  closeScale: Uint8Array;
  /** [start, end) of close, low, high in the bytes; -1 start for a bar kept in `special` */
  spans: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.time = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.closeInt = new Float64Array(capacity);
    this.closeScale = new Uint8Array(capacity);
    this.spans = new Int32Array(capacity * 6);
  }

  ensure(): void {
    if (this.length < this.time.length) return;
    const grow = <T extends Float64Array | Uint8Array | Int32Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    const n = Math.max(16, this.time.length * 2);
    this.time = grow(this.time, n);
    this.close = grow(this.close, n);
    this.closeInt = grow(this.closeInt, n);
    this.closeScale = grow(this.closeScale, n);
    this.spans = grow(this.spans, n * 6);
  }
}

/** Roughly the number of lines, to size the columns once. */
function lineEstimate(b: Uint8Array): number {
  const sample = Math.min(b.length, 65_536);
  let lines = 1;
  for (let i = 0; i < sample; i += 1) if (b[i] === LF) lines += 1;
  return Math.ceil((lines * b.length) / Math.max(1, sample)) + 16;
}

/** What a line needs, by column: 0 nothing, else the cell's role. */
const ROLE_TIME = 1;
const ROLE_CLOSE = 2;
const ROLE_OPEN = 3;
const ROLE_HIGH = 4;
const ROLE_LOW = 5;

/**
 * The price CSV as columns. `input` is the file's bytes (readFileSync without an encoding: no UTF-16
 * copy of the file) or its text; lines are decoded as UTF-8 only when parseLine reads them, which
 * gives the same strings as decoding the whole file (a line break never falls inside a character).
 */
export function readBarColumns(input: Uint8Array | string, source: string): BarColumns {
  const b = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const bytes = Buffer.from(b.buffer, b.byteOffset, b.length);
  let columns: Columns | null = null;
  let roles = new Uint8Array(0);
  let lastNeeded = 0;
  const g = new Growable(lineEstimate(b));
  const special = new Map<number, Bar>();
  let lastTime = Number.NEGATIVE_INFINITY;
  let lineNo = 0;
  let start = 0;
  const len = b.length;
  dayKey = -1;

  while (start <= len) {
    let end = bytes.indexOf(LF, start);
    if (end < 0) end = len;
    const lineStart = start;
    let lineEnd = end;
    start = end + 1;
    lineNo += 1;
    if (lineEnd > lineStart && b[lineEnd - 1] === CR) lineEnd -= 1;
    const first = lineEnd > lineStart ? (b[lineStart] as number) : -1;
    if (first === -1 || first === HASH) continue;
    if (columns === null || first < C0 || first > C0 + 9) {
      // a header, a blank line of spaces, or a data line that starts oddly (parseLine reads it)
      const line = bytes.toString('utf8', lineStart, lineEnd);
      if (line.trim() === '') continue;
      if (columns === null) {
        columns = headerColumns(line, source);
        lastNeeded = Math.max(columns.time, columns.close, columns.open ?? 0, columns.high ?? 0, columns.low ?? 0);
        roles = new Uint8Array(lastNeeded + 1);
        roles[columns.time] = ROLE_TIME;
        roles[columns.close] = ROLE_CLOSE;
        if (columns.open !== null) roles[columns.open] = ROLE_OPEN;
        if (columns.high !== null) roles[columns.high] = ROLE_HIGH;
        if (columns.low !== null) roles[columns.low] = ROLE_LOW;
        continue;
      }
    }
    g.ensure();
    const at = g.length;
    if (
      !fastLine(b, lineStart, lineEnd, roles, lastNeeded, lastTime, g, at) ||
      commasIn(b, lineStart, lineEnd) >= columns.names.length
    ) {
      const bar = parseLine(bytes.toString('utf8', lineStart, lineEnd), lineNo, columns, lastTime, source);
      special.set(at, bar);
      g.time[at] = bar.time;
      g.close[at] = Number(bar.close);
      const closeBytes = Buffer.from(bar.close, 'latin1');
      const ok = scanPrice(closeBytes, 0, closeBytes.length);
      g.closeInt[at] = ok ? priceInt : Number.NaN;
      g.closeScale[at] = ok ? priceScale : NOT_SCALED;
      g.spans[6 * at] = -1;
    }
    lastTime = g.time[at] as number;
    g.length += 1;
  }
  checkEnd(columns, g.length, source);

  const n = g.length;
  const { spans } = g;
  const time = g.time.subarray(0, n);
  const close = g.close.subarray(0, n);
  const closeInt = g.closeInt.subarray(0, n);
  const closeScale = g.closeScale.subarray(0, n);
  const cell = (from: number, to: number) => latin1(b, from, to);
  return {
    length: n,
    time,
    close,
    closeInt,
    closeScale,
    closeText(i) {
      const s = spans[6 * i] as number;
      return s < 0 ? (special.get(i) as Bar).close : cell(s, spans[6 * i + 1] as number);
    },
    bar(i) {
      const s = spans[6 * i] as number;
      if (s < 0) return special.get(i) as Bar;
      const c = cell(s, spans[6 * i + 1] as number);
      const lo = spans[6 * i + 2] as number;
      if (lo < 0) return { time: time[i] as number, low: c, high: c, close: c };
      return {
        time: time[i] as number,
        low: cell(lo, spans[6 * i + 3] as number),
        high: cell(spans[6 * i + 4] as number, spans[6 * i + 5] as number),
        close: c,
      };
    },
  };
}

/**
 * One pass over the line's bytes, cell by cell up to the last column needed; false (the line goes to
 * parseLine) for any cell not in the common form, a time not after the last, or a candle that
 * readBars would refuse, checked on the same Numbers.
 */
function fastLine(
  b: Uint8Array,
  lineStart: number,
  lineEnd: number,
  roles: Uint8Array,
  lastNeeded: number,
  lastTime: number,
  g: Growable,
  at: number,
): boolean {
  let pos = lineStart;
  let time = Number.NaN;
  let close = 0;
  let open = Number.NaN;
  let high = Number.NaN;
  let low = Number.NaN;
  const o = 6 * at;
  g.spans[o + 2] = -1;
  for (let col = 0; col <= lastNeeded; col += 1) {
    if (col > 0) {
      if (b[pos] !== COMMA) return false;
      pos += 1;
    }
    const role = roles[col];
    if (role === ROLE_TIME) {
      time = scanTime(b, pos, lineEnd);
      if (Number.isNaN(time)) return false;
      pos = cellEnd;
    } else if (role === 0) {
      pos = skipCell(b, pos, lineEnd);
    } else {
      if (!scanPrice(b, pos, lineEnd)) return false;
      if (role === ROLE_CLOSE) {
        close = priceValue;
        g.close[at] = priceValue;
        g.closeInt[at] = priceInt;
        g.closeScale[at] = priceScale;
        g.spans[o] = pos;
        g.spans[o + 1] = cellEnd;
      } else if (role === ROLE_OPEN) open = priceValue;
      else if (role === ROLE_HIGH) {
        high = priceValue;
        g.spans[o + 4] = pos;
        g.spans[o + 5] = cellEnd;
      } else {
        low = priceValue;
        g.spans[o + 2] = pos;
        g.spans[o + 3] = cellEnd;
      }
      pos = cellEnd;
    }
  }
  if (!(time > lastTime)) return false;
  // readBars' candle check: low ≤ open, close ≤ high
  if (!Number.isNaN(high) && (low > high || close < low || close > high || open < low || open > high)) return false;
  g.time[at] = time;
  return true;
}

/** Bars already in memory (a generated series) as columns, for the fast engine. */
export function columnsOfBars(input: Iterable<Bar>): BarColumns {
  const bars = [...input];
  const n = bars.length;
  const time = new Float64Array(n);
  const close = new Float64Array(n);
  const closeInt = new Float64Array(n);
  const closeScale = new Uint8Array(n);
  bars.forEach((bar, i) => {
    time[i] = bar.time;
    close[i] = Number(bar.close);
    const text = Buffer.from(bar.close, 'latin1');
    const ok = scanPrice(text, 0, text.length);
    closeInt[i] = ok ? priceInt : Number.NaN;
    closeScale[i] = ok ? priceScale : NOT_SCALED;
  });
  return {
    length: n,
    time,
    close,
    closeInt,
    closeScale,
    bar: (i) => bars[i] as Bar,
    closeText: (i) => (bars[i] as Bar).close,
  };
}
