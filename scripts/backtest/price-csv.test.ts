import { readBars } from './price-csv';

const read = (text: string) => [...readBars(text, 'prices.csv')];

describe('price CSV', () => {
  it('reads time,close with ISO, epoch-second and epoch-millisecond times', () => {
    const bars = read('time,close\n2025-01-01T00:00:00Z,0.5\n1735693200,0.51\r\n1735696800000,0.52\n');
    expect(bars.map((b) => b.time)).toEqual([1735689600000, 1735693200000, 1735696800000]);
    expect(bars.map((b) => [b.low, b.high, b.close])).toEqual([
      ['0.5', '0.5', '0.5'],
      ['0.51', '0.51', '0.51'],
      ['0.52', '0.52', '0.52'],
    ]);
  });

  it('reads OHLC in any column order, ignores extra columns, comments and blank lines', () => {
    const bars = read('# note\nClose,High,Low,Open,Time,Volume\n\n0.5,0.6,0.4,0.45,2025-01-01,100\n');
    expect(bars).toEqual([{ time: Date.UTC(2025, 0, 1), low: '0.4', high: '0.6', close: '0.5' }]);
  });

  it.each([
    ['', /prices.csv is empty/],
    ['time,close\n', /has a header but no bars/],
    ['date,price\n2025-01-01,1\n', /line 1 \(header\) has no close column/],
    ['time,high,close\n2025-01-01,1,1\n', /names high without the other/],
    ['time,close\n2025-01-01,0.5\n2025-01-02,abc\n', /line 3, column 2 \(close\): "abc" is not a decimal price/],
    ['time,close\n2025-01-01,0\n', /line 2, column 2 \(close\): "0" is not above 0/],
    ['time,close\nyesterday,0.5\n', /line 2, column 1 \(time\): "yesterday" is not a time/],
    [
      'time,close\n2025-01-02,0.5\n2025-01-01,0.5\n',
      /line 3, column 1 \(time\): "2025-01-01" is not after the previous bar/,
    ],
    ['time,close\n2025-01-01\n', /line 2 has 1 columns, the header has 2 \(column 2 close is missing\)/],
    ['time,close\n2025-01-01,0.5\n2025-01-02,0.5,7\n', /line 3 has 3 cells, the header has 2 columns \(time,close\)/],
    ['time,close\n2025-01-01,0.5,\n', /line 2 has 3 cells, the header has 2 columns/],
    ['time,open,high,low,close\n2025-01-01,0.5,0.6,0.4,0.7\n', /line 2: the candle is inconsistent/],
  ])('%j fails naming where: %s', (text, message) => {
    expect(() => read(text)).toThrow(message);
  });
});
