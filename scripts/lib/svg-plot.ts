/**
 * Line charts over time as self-contained SVG (no library, no network): the backtest's value plot and
 * every chart of `npm run report`. Round y ticks (1, 2, 2.5, 5 × 10ⁿ), dates along the x axis on round
 * calendar steps, horizontal bands (a weight's target band), and markers (trades: ▲ buy, ▼ sell).
 */

export type Point = readonly [time: number, value: number];

export interface Line {
  name: string;
  color: string;
  points: readonly Point[];
  /** SVG stroke-dasharray, e.g. "4 3" */
  dash?: string;
  /** draw as steps (a running total changes at its points, not between them) */
  steps?: boolean;
}

export interface HorizontalBand {
  from: number;
  to: number;
  color: string;
  label?: string;
  /** a value drawn as a dashed line inside the band (the target) */
  centre?: number;
}

export interface Marker {
  time: number;
  /** where on the y axis; without it the marker sits on the x axis */
  value?: number;
  kind: 'buy' | 'sell';
  /** tooltip */
  label?: string;
}

export interface ChartSpec {
  title: string;
  yLabel: string;
  lines: readonly Line[];
  bands?: readonly HorizontalBand[];
  markers?: readonly Marker[];
  /** values the y axis must include (0 for a running total, 0 and 1 for a weight) */
  include?: readonly number[];
  /** tick label; default: as many decimals as the tick step needs */
  formatY?: (value: number, step: number) => string;
  width?: number;
  height?: number;
}

const PAD = { left: 80, right: 20, top: 52, bottom: 56 };
export const MARKER_COLORS = { buy: '#2ca02c', sell: '#d62728' } as const;

export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * At most `maxPoints` points per line: each bucket keeps its first point and its extremes, so a long
 * series keeps its drawdowns; the last point is always kept.
 */
export function thin(time: readonly number[], values: readonly number[], maxPoints: number): Point[] {
  const n = values.length;
  if (n <= maxPoints) return values.map((v, i) => [time[i] ?? 0, v]);
  const bucket = Math.ceil(n / Math.floor(maxPoints / 3));
  const out: Point[] = [];
  for (let start = 0; start < n; start += bucket) {
    const end = Math.min(n, start + bucket);
    let lo = start;
    let hi = start;
    for (let i = start; i < end; i += 1) {
      if ((values[i] ?? 0) < (values[lo] ?? 0)) lo = i;
      if ((values[i] ?? 0) > (values[hi] ?? 0)) hi = i;
    }
    for (const i of [...new Set([start, lo, hi])].sort((a, b) => a - b)) out.push([time[i] ?? 0, values[i] ?? 0]);
  }
  const lastIndex = n - 1;
  out.push([time[lastIndex] ?? 0, values[lastIndex] ?? 0]);
  return out;
}

export interface Ticks {
  /** the axis, widened to whole steps */
  min: number;
  max: number;
  step: number;
  values: number[];
}

/** Round ticks covering [lo, hi]: a step of 1, 2, 2.5 or 5 × 10ⁿ giving about `count` intervals. */
export function niceTicks(lo: number, hi: number, count = 5): Ticks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return niceTicks(0, 1, count);
  if (hi < lo) return niceTicks(hi, lo, count);
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.05;
    return niceTicks(lo - pad, hi + pad, count);
  }
  const rough = (hi - lo) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((f) => f * magnitude >= rough * (1 - 1e-9)) ?? 10) * magnitude;
  const min = Math.floor(lo / step + 1e-9) * step;
  const max = Math.ceil(hi / step - 1e-9) * step;
  const values: number[] = [];
  for (let i = 0; min + i * step <= max + step * 1e-9; i += 1) values.push(clean(min + i * step, step));
  return { min: clean(min, step), max: clean(max, step), step, values };
}

/** Decimals a tick step needs: 0.25 → 2, 5 → 0, 2.5 → 1. */
export function stepDecimals(step: number): number {
  for (let d = 0; d <= 12; d += 1) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6) return d;
  return 12;
}

function clean(value: number, step: number): number {
  return Number(value.toFixed(stepDecimals(step)));
}

export function defaultFormatY(value: number, step: number): string {
  const text = value.toFixed(stepDecimals(step));
  return text === '-0' ? '0' : text;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SECOND = 1_000;
const FIXED_STEPS = [
  SECOND,
  5 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
];
const MONTH_STEPS = [1, 3, 6, 12];

export interface TimeTick {
  time: number;
  label: string;
}

const iso = (t: number) => new Date(t).toISOString();

/** `hh:mm:ss` under a minute, `MM-DD hh:mm` under a day, else `YYYY-MM-DD` (UTC). */
function fixedLabel(t: number, step: number): string {
  if (step < MINUTE) return iso(t).slice(11, 19);
  return step < DAY ? iso(t).slice(5, 16).replace('T', ' ') : iso(t).slice(0, 10);
}

/**
 * Date labels on a round calendar step (UTC): seconds label `hh:mm:ss`, minutes and hours `MM-DD hh:mm`, days `YYYY-MM-DD`
 * (weeks start on Monday), months `YYYY-MM`; the smallest step that gives at most `maxLabels` labels.
 */
export function timeTicks(t0: number, t1: number, maxLabels = 8): TimeTick[] {
  if (!(t1 > t0)) return [{ time: t0, label: iso(t0).slice(0, 19).replace('T', ' ') }];
  for (const step of FIXED_STEPS) {
    if ((t1 - t0) / step > maxLabels) continue;
    // weeks on Mondays: the epoch was a Thursday
    const offset = step === 7 * DAY || step === 14 * DAY ? 4 * DAY : 0;
    const first = Math.ceil((t0 - offset) / step) * step + offset;
    const ticks: TimeTick[] = [];
    for (let t = first; t <= t1; t += step) ticks.push({ time: t, label: fixedLabel(t, step) });
    // a span shorter than any step that lands inside it: label its two ends
    if (ticks.length < 2) return [t0, t1].map((t) => ({ time: t, label: fixedLabel(t, SECOND) }));
    return ticks;
  }
  for (const months of MONTH_STEPS) {
    const start = new Date(t0);
    let index = start.getUTCFullYear() * 12 + start.getUTCMonth();
    if (Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1) < t0) index += 1;
    const ticks: TimeTick[] = [];
    for (index = Math.ceil(index / months) * months; ; index += months) {
      const t = Date.UTC(Math.floor(index / 12), index % 12, 1);
      if (t > t1) break;
      ticks.push({ time: t, label: months === 12 ? iso(t).slice(0, 4) : iso(t).slice(0, 7) });
    }
    if (ticks.length <= maxLabels) return ticks;
  }
  const years = Math.ceil((t1 - t0) / (365 * DAY) / maxLabels);
  const ticks: TimeTick[] = [];
  for (let y = Math.ceil(new Date(t0).getUTCFullYear() / years) * years; Date.UTC(y, 0, 1) <= t1; y += years)
    if (Date.UTC(y, 0, 1) >= t0) ticks.push({ time: Date.UTC(y, 0, 1), label: String(y) });
  return ticks;
}

function marker(x: number, y: number, kind: 'buy' | 'sell', label: string | undefined): string {
  const s = 5;
  const path =
    kind === 'buy'
      ? `M${x},${y - s} L${x + s},${y + s} L${x - s},${y + s} Z`
      : `M${x},${y + s} L${x + s},${y - s} L${x - s},${y - s} Z`;
  const title = label ? `<title>${escapeXml(label)}</title>` : '';
  return `<path d="${path}" fill="${MARKER_COLORS[kind]}" fill-opacity="0.85" stroke="white" stroke-width="0.5">${title}</path>`;
}

const f1 = (n: number) => n.toFixed(1);

/** One chart; returns the `<svg>` element as a string. */
export function lineChartSvg(spec: ChartSpec): string {
  const width = spec.width ?? 900;
  const height = spec.height ?? 420;
  const points = spec.lines.flatMap((l) => l.points);
  const times = [...points.map((p) => p[0]), ...(spec.markers ?? []).map((m) => m.time)];
  const values = [
    ...points.map((p) => p[1]),
    ...(spec.markers ?? []).flatMap((m) => (m.value === undefined ? [] : [m.value])),
    ...(spec.bands ?? []).flatMap((b) => [b.from, b.to]),
    ...(spec.include ?? []),
  ].filter(Number.isFinite);
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${PAD.left}" y="22" font-size="15">${escapeXml(spec.title)}</text>`,
  ];
  if (times.length === 0 || values.length === 0) {
    parts.push(
      `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#777">no data yet</text>`,
      '</svg>',
    );
    return `${parts.join('\n')}\n`;
  }
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const ticks = niceTicks(Math.min(...values), Math.max(...values), Math.max(2, Math.floor(plotH / 70)));
  const x = (t: number) => PAD.left + (t1 === t0 ? plotW / 2 : ((t - t0) / (t1 - t0)) * plotW);
  const y = (v: number) => PAD.top + (1 - (v - ticks.min) / (ticks.max - ticks.min)) * plotH;
  const format = spec.formatY ?? defaultFormatY;

  for (const band of spec.bands ?? []) {
    const top = y(Math.max(band.from, band.to));
    const bottom = y(Math.min(band.from, band.to));
    parts.push(
      `<rect x="${PAD.left}" y="${f1(top)}" width="${plotW}" height="${f1(Math.max(0.5, bottom - top))}" fill="${band.color}" fill-opacity="0.15"/>`,
    );
    if (band.centre !== undefined)
      parts.push(
        `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${f1(y(band.centre))}" y2="${f1(y(band.centre))}" stroke="${band.color}" stroke-dasharray="5 4"/>`,
      );
    if (band.label)
      parts.push(
        `<text x="${PAD.left + plotW - 4}" y="${f1(top - 3)}" text-anchor="end" fill="${band.color}" font-size="11">${escapeXml(band.label)}</text>`,
      );
  }
  for (const v of ticks.values)
    parts.push(
      `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${f1(y(v))}" y2="${f1(y(v))}" stroke="#e5e5e5"/>` +
        `<text x="${PAD.left - 6}" y="${f1(y(v) + 4)}" text-anchor="end">${escapeXml(format(v, ticks.step))}</text>`,
    );
  const labelEvery = Math.max(4, Math.floor(plotW / 95));
  for (const tick of timeTicks(t0, t1, labelEvery)) {
    const tx = x(tick.time);
    // a label at either end of the axis is kept inside the picture
    const halfWidth = tick.label.length * 3.3;
    const anchor = tx + halfWidth > width - 2 ? 'end' : tx - halfWidth < 2 ? 'start' : 'middle';
    parts.push(
      `<line x1="${f1(tx)}" x2="${f1(tx)}" y1="${PAD.top}" y2="${PAD.top + plotH + 4}" stroke="#f0f0f0"/>` +
        `<text x="${f1(tx)}" y="${PAD.top + plotH + 18}" text-anchor="${anchor}">${escapeXml(tick.label)}</text>`,
    );
  }
  parts.push(
    `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" stroke="#999"/>`,
    `<text x="${width - PAD.right}" y="${height - 8}" text-anchor="end" fill="#777" font-size="11">time (UTC)</text>`,
    `<text x="14" y="${PAD.top + plotH / 2}" transform="rotate(-90 14 ${PAD.top + plotH / 2})" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  for (const line of spec.lines) {
    if (line.points.length === 0) continue;
    const coords: string[] = [];
    line.points.forEach(([t, v], i) => {
      const previous = line.points[i - 1];
      if (line.steps && previous) coords.push(`${f1(x(t))},${f1(y(previous[1]))}`);
      coords.push(`${f1(x(t))},${f1(y(v))}`);
    });
    const dash = line.dash ? ` stroke-dasharray="${line.dash}"` : '';
    parts.push(
      line.points.length === 1
        ? `<circle cx="${coords[0]?.split(',')[0]}" cy="${coords[0]?.split(',')[1]}" r="3" fill="${line.color}"/>`
        : `<polyline fill="none" stroke="${line.color}" stroke-width="1.5"${dash} points="${coords.join(' ')}"/>`,
    );
  }
  for (const m of spec.markers ?? [])
    parts.push(
      marker(
        Number(f1(x(m.time))),
        Number(f1(m.value === undefined ? PAD.top + plotH - 6 : y(m.value))),
        m.kind,
        m.label,
      ),
    );

  const legend: { name: string; draw: (lx: number, ly: number) => string }[] = spec.lines.map((l) => ({
    name: l.name,
    draw: (lx, ly) => `<rect x="${lx}" y="${ly - 4}" width="12" height="3" fill="${l.color}"/>`,
  }));
  const kinds = new Set((spec.markers ?? []).map((m) => m.kind));
  for (const kind of ['buy', 'sell'] as const)
    if (kinds.has(kind)) legend.push({ name: kind, draw: (lx, ly) => marker(lx + 6, ly - 3, kind, undefined) });
  // one row under the title, outside the plot, so it never hides a line
  let lx = PAD.left;
  for (const item of legend) {
    parts.push(`${item.draw(lx, 40)}<text x="${lx + 18}" y="40" font-size="11">${escapeXml(item.name)}</text>`);
    lx += 18 + item.name.length * 6.5 + 16;
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
