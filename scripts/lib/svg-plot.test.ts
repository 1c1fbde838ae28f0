import { lineChartSvg, niceTicks, stepDecimals, thin, timeTicks } from './svg-plot';

const day = (d: string) => Date.parse(`${d}T00:00:00Z`);

describe('niceTicks: round y ticks', () => {
  it.each([
    [0, 1, 5, 0, 1, 0.2],
    [953.17, 1104.88, 5, 950, 1150, 50],
    [953.17, 1104.88, 8, 940, 1120, 20],
    [0.4863, 0.5311, 4, 0.48, 0.54, 0.02],
    [0, 0.00734, 5, 0, 0.008, 0.002],
    [-3.2, 7.9, 5, -5, 10, 2.5],
    [1000, 1000, 5, 940, 1060, 20],
  ])('[%d, %d] in about %i steps → %d … %d by %d', (lo, hi, count, min, max, step) => {
    const t = niceTicks(lo, hi, count);
    expect([t.min, t.max, t.step]).toEqual([min, max, step]);
    expect(t.values[0]).toBe(min);
    expect(t.values.at(-1)).toBe(max);
    // every tick is a whole multiple of the step, written without float noise
    for (const v of t.values) expect(String(v)).toMatch(/^-?\d+(\.\d{1,3})?$/);
  });

  it('counts the decimals a step needs', () => {
    expect([stepDecimals(25), stepDecimals(2.5), stepDecimals(0.25), stepDecimals(0.002)]).toEqual([0, 1, 2, 3]);
  });
});

describe('timeTicks: dates along the x axis', () => {
  it('labels days on midnight for a few weeks, at most maxLabels', () => {
    const ticks = timeTicks(day('2025-01-01') + 3_600_000, day('2025-01-05'), 5);
    expect(ticks.map((t) => t.label)).toEqual(['2025-01-02', '2025-01-03', '2025-01-04', '2025-01-05']);
  });

  it('labels seconds within a minute, and the two ends of a span no step fits', () => {
    const t0 = Date.parse('2025-01-01T11:20:00.500Z');
    expect(timeTicks(t0, t0 + 55_000, 4).map((t) => t.label)).toEqual(['11:20:15', '11:20:30', '11:20:45']);
    expect(timeTicks(t0, t0 + 400, 8).map((t) => t.time)).toEqual([t0, t0 + 400]);
  });

  it('labels hours within a day, weeks on Mondays, months and years on the first', () => {
    expect(timeTicks(day('2025-01-01'), day('2025-01-01') + 6 * 3_600_000, 8).map((t) => t.label)).toEqual([
      '01-01 00:00',
      '01-01 01:00',
      '01-01 02:00',
      '01-01 03:00',
      '01-01 04:00',
      '01-01 05:00',
      '01-01 06:00',
    ]);
    const weeks = timeTicks(day('2025-01-01'), day('2025-02-15'), 8);
    expect(weeks.map((t) => t.label)).toEqual([
      '2025-01-06',
      '2025-01-13',
      '2025-01-20',
      '2025-01-27',
      '2025-02-03',
      '2025-02-10',
    ]);
    for (const t of weeks) expect(new Date(t.time).getUTCDay()).toBe(1);
    expect(timeTicks(day('2025-01-15'), day('2025-07-01'), 8).map((t) => t.label)).toEqual([
      '2025-02',
      '2025-03',
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
    ]);
    expect(timeTicks(day('2019-03-01'), day('2025-03-01'), 8).map((t) => t.label)).toEqual([
      '2020',
      '2021',
      '2022',
      '2023',
      '2024',
      '2025',
    ]);
  });
});

describe('lineChartSvg', () => {
  const points = (values: number[]): [number, number][] =>
    values.map((v, i) => [day('2025-01-01') + i * 86_400_000, v]);

  it('draws lines, round ticks, date labels, a band with its target and trade markers', () => {
    const svg = lineChartSvg({
      title: 'QRL weight <test>',
      yLabel: 'weight',
      lines: [{ name: 'QRL', color: '#1f77b4', points: points([0.71, 0.5, 0.53, 0.47]) }],
      bands: [{ from: 0.45, to: 0.55, color: '#1f77b4', centre: 0.5, label: 'band 0.45–0.55' }],
      markers: [{ time: day('2025-01-02'), value: 0.5, kind: 'sell', label: 'sold 300 QRL' }],
      include: [0, 1],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('QRL weight &lt;test&gt;');
    expect(svg.match(/<polyline /g)).toHaveLength(1);
    const yLabels = [...svg.matchAll(/text-anchor="end">([-\d.]+)<\/text>/g)].map((m) => m[1]);
    expect(yLabels).toEqual(['0.00', '0.25', '0.50', '0.75', '1.00']);
    expect(svg).toContain('>01-02 00:00</text>');
    expect(svg).toContain('>01-04 00:00</text>');
    const weeks = lineChartSvg({
      title: 't',
      yLabel: 'y',
      lines: [{ name: 'v', color: 'red', points: points(Array(30).fill(1)) }],
    });
    expect(weeks).toContain('>2025-01-06</text>');
    expect(svg).toMatch(/fill="#d62728"[^>]*><title>sold 300 QRL<\/title>/);
    expect(svg).toContain('stroke-dasharray="5 4"');
    expect(svg).toContain('>sell</text>');
  });

  it('draws a running total as steps, and says so when there is nothing to draw', () => {
    const svg = lineChartSvg({
      title: 't',
      yLabel: 'y',
      lines: [{ name: 'fees', color: 'red', points: points([0, 1, 3]), steps: true }],
    });
    expect(svg.match(/points="([^"]+)"/)?.[1]?.split(' ')).toHaveLength(5);
    expect(lineChartSvg({ title: 't', yLabel: 'y', lines: [] })).toContain('no data yet');
  });

  it('thins a long series but keeps its extremes and its last point', () => {
    const values = Array.from({ length: 10_000 }, (_v, i) => Math.sin(i / 50) + (i === 7_777 ? -5 : 0));
    const time = values.map((_v, i) => i);
    const out = thin(time, values, 600);
    expect(out.length).toBeLessThanOrEqual(700);
    expect(out).toContainEqual([7_777, values[7_777]]);
    expect(out.at(-1)).toEqual([9_999, values[9_999]]);
  });
});
