import type { ValueSeries } from './engine';

/**
 * Value over time, strategy vs buy-and-hold, as a self-contained SVG (no library). Long series are
 * thinned to at most `maxPoints` per line, keeping each bucket's first point and its extremes so
 * drawdowns stay visible.
 */
const WIDTH = 900;
const HEIGHT = 420;
const PAD = { left: 80, right: 20, top: 40, bottom: 50 };

function thin(time: number[], values: number[], maxPoints: number): [number, number][] {
  const n = values.length;
  if (n <= maxPoints) return values.map((v, i) => [time[i] ?? 0, v]);
  const bucket = Math.ceil(n / Math.floor(maxPoints / 3));
  const out: [number, number][] = [];
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

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function valueChartSvg(series: ValueSeries, title: string, quote: string, maxPoints = 1500): string {
  const lines = [
    { name: 'rebalance', color: '#1f77b4', points: thin(series.time, series.strategy, maxPoints) },
    { name: 'buy and hold', color: '#ff7f0e', points: thin(series.time, series.buyAndHold, maxPoints) },
  ];
  const all = lines.flatMap((l) => l.points);
  const t0 = Math.min(...all.map((p) => p[0]));
  const t1 = Math.max(...all.map((p) => p[0]));
  let v0 = Math.min(...all.map((p) => p[1]));
  let v1 = Math.max(...all.map((p) => p[1]));
  if (v1 === v0) {
    v0 -= 1;
    v1 += 1;
  }
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * plotW);
  const y = (v: number) => PAD.top + (1 - (v - v0) / (v1 - v0)) * plotH;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => v0 + f * (v1 - v0));
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${PAD.left}" y="22" font-size="15">${escapeXml(title)}</text>`,
    ...ticks.map(
      (v) =>
        `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e5e5"/>` +
        `<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(2)}</text>`,
    ),
    `<text x="${PAD.left}" y="${HEIGHT - 18}">${day(t0)}</text>`,
    `<text x="${WIDTH - PAD.right}" y="${HEIGHT - 18}" text-anchor="end">${day(t1)}</text>`,
    `<text x="14" y="${PAD.top + plotH / 2}" transform="rotate(-90 14 ${PAD.top + plotH / 2})" text-anchor="middle">value (${escapeXml(quote)})</text>`,
    ...lines.map(
      (l) =>
        `<polyline fill="none" stroke="${l.color}" stroke-width="1.5" points="${l.points
          .map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`)
          .join(' ')}"/>`,
    ),
    ...lines.map(
      (l, i) =>
        `<rect x="${WIDTH - 190}" y="${PAD.top + 6 + i * 18}" width="12" height="3" fill="${l.color}"/>` +
        `<text x="${WIDTH - 172}" y="${PAD.top + 11 + i * 18}">${l.name}</text>`,
    ),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}
