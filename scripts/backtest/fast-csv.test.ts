import fc from 'fast-check';
import { mulberry32 } from '../lib/prng';
import { columnsOfBars, NOT_SCALED, readBarColumns } from './fast-csv';
import { type Bar, readBars } from './price-csv';

/** The fast reader must read what readBars reads and refuse what it refuses, in the same words. */
function slow(text: string): { bars: Bar[] } | { error: string } {
  try {
    return { bars: [...readBars(text, 'p.csv')] };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function fast(text: string, asBytes: boolean): { bars: Bar[] } | { error: string } {
  try {
    const c = readBarColumns(asBytes ? Buffer.from(text, 'utf8') : text, 'p.csv');
    const bars = Array.from({ length: c.length }, (_, i) => c.bar(i));
    for (let i = 0; i < c.length; i += 1) {
      const bar = bars[i] as Bar;
      if (c.time[i] !== bar.time || c.close[i] !== Number(bar.close) || c.closeText(i) !== bar.close)
        throw new Error(`columns disagree with the bar at ${i}`);
      const scale = c.closeScale[i] as number;
      if (scale !== NOT_SCALED && (c.closeInt[i] as number) / 10 ** scale !== Number(bar.close))
        throw new Error(`closeInt/closeScale wrong at ${i}`);
    }
    return { bars };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function same(text: string): void {
  const expected = slow(text);
  expect({ text, ...fast(text, true) }).toEqual({ text, ...expected });
  expect({ text, ...fast(text, false) }).toEqual({ text, ...expected });
}

const CELLS = [
  '2025-01-01T00:00:00Z',
  '2025-01-01T01:00:00.000Z',
  '2025-02-31T13:05:07.123Z',
  '2025-02-29T23:59:59Z',
  '2025-13-01T00:00:00Z',
  '2025-01-32T00:00:00Z',
  '2025-01-01T24:00:00Z',
  '2025-01-01T23:60:00Z',
  '2025-01-01T00:00:00.12Z',
  '2025-01-01T00:00:00.1234Z',
  '2025-01-01T00:00:00+01:00',
  '2025-01-01 00:00:00',
  '2025-01-01',
  '1735689600',
  '1735689600000',
  '173568960',
  '17356896000000',
  '0.5',
  '0.51234567',
  '12',
  '0',
  '0.000',
  '.5',
  '5.',
  '1..2',
  '00.10',
  '123456789012345678',
  '0.1234567890123456789',
  ' 0.5',
  '0.5 ',
  '-1',
  'abc',
  '',
  '1e3',
  '0,5',
  '٣',
];

describe('fast CSV reader', () => {
  it('reads the usual files as readBars does', () => {
    same('time,close\n2025-01-01T00:00:00Z,0.5\n1735693200,0.51\r\n1735696800000,0.52\n');
    same('# note\nClose,High,Low,Open,Time,Volume\n\n0.5,0.6,0.4,0.45,2025-01-01,100\n');
    same('\ufefftime,open,high,low,close,volume\n2025-01-01T00:00:00.000Z,0.5,0.6,0.4,0.55,1\n');
    same('time,close\n2025-01-01T00:00:00.000Z,0.5\n   \n#c\n2025-01-01T01:00:00.000Z,0.6');
    same('time,close\n2025-01-01T00:00:00.000Z,0.5\r\n\r\n2025-01-01T01:00:00.000Z,0.6\r\n');
  });

  it.each([
    [''],
    ['time,close\n'],
    ['date,price\n2025-01-01,1\n'],
    ['time,high,close\n2025-01-01,1,1\n'],
    ['time,close\n2025-01-01,0.5\n2025-01-02,abc\n'],
    ['time,close\n2025-01-01,0\n'],
    ['time,close\nyesterday,0.5\n'],
    ['time,close\n2025-01-02,0.5\n2025-01-01,0.5\n'],
    ['time,close\n2025-01-01T00:00:00Z,0.5\n2025-01-01T00:00:00.000Z,0.5\n'],
    ['time,close\n2025-01-01\n'],
    ['time,open,high,low,close\n2025-01-01,0.5,0.6,0.4,0.7\n'],
    ['time,open,high,low,close\n2025-01-01T00:00:00Z,0.3,0.6,0.4,0.5\n'],
    ['time,high,low,close\n2025-01-01T00:00:00Z,0.4,0.6,0.5\n'],
  ])('%j fails as readBars fails', (text) => {
    expect('error' in slow(text)).toBe(true);
    same(text);
  });

  it('agrees with readBars on random lines of good and bad cells', () => {
    const headers = ['time,close', 'close,time', 'time,open,high,low,close', 'Time,Low,High,Close,Volume'];
    fc.assert(
      fc.property(
        fc.constantFrom(...headers),
        fc.array(fc.array(fc.constantFrom(...CELLS), { minLength: 1, maxLength: 6 }), { maxLength: 6 }),
        fc.constantFrom('\n', '\r\n'),
        (header, rows, eol) => same([header, ...rows.map((r) => r.join(','))].join(eol)),
      ),
      { numRuns: 3000, seed: 16 },
    );
  });

  it('agrees with readBars on generated series, close-only and OHLC', () => {
    const random = mulberry32(7);
    const lines = ['time,open,high,low,close'];
    let t = Date.UTC(2024, 11, 30, 20);
    for (let i = 0; i < 3000; i += 1) {
      const c = 0.4 + random() * 0.2;
      const fmt = (x: number) =>
        x
          .toFixed(1 + Math.floor(random() * 9))
          .replace(/(\.\d*?)0+$/, '$1')
          .replace(/\.$/, '');
      const time = i % 3 === 0 ? String(t / 1000) : i % 3 === 1 ? new Date(t).toISOString() : String(t);
      lines.push(`${time},${fmt(c)},${fmt(c * 1.01)},${fmt(c * 0.99)},${fmt(c)}`);
      t += 3_600_000 + Math.floor(random() * 1000);
    }
    same(lines.join('\n'));
    same(
      lines
        .map((l) =>
          l
            .split(',')
            .filter((_, j) => j === 0 || j === 4)
            .join(','),
        )
        .join('\n'),
    );
  });

  it('columnsOfBars gives the same columns as reading the CSV', () => {
    const text = 'time,close\n2025-01-01T00:00:00Z,0.5\n2025-01-01T01:00:00Z,0.1234567890123456789\n';
    const a = readBarColumns(text, 'p.csv');
    const b = columnsOfBars(readBars(text, 'p.csv'));
    expect([...b.time]).toEqual([...a.time]);
    expect([...b.close]).toEqual([...a.close]);
    expect([...b.closeScale]).toEqual([...a.closeScale]);
    expect([b.bar(0), b.bar(1)]).toEqual([a.bar(0), a.bar(1)]);
  });
});
