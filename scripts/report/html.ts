/**
 * The report as one self-contained HTML page: inline CSS and inline SVG charts drawn by
 * scripts/lib/svg-plot.ts (the backtest's plotting module), no script, no font, no image, no link to
 * anything outside the file, so it opens offline and can be mailed as is.
 */
import { fmtGrouped, fmtSignedPct } from '../../shared/src/domain/format';
import { escapeXml, type Line, lineChartSvg, type Marker, stepDecimals } from '../lib/svg-plot';
import { runRow, TABLE_HEADER, utc } from '../runs/format';
import type { ReportModel, Trade } from './model';

const COLORS = ['#1f77b4', '#9467bd', '#8c564b', '#17becf', '#bcbd22', '#e377c2'];

/** The series' value at `time`: its last point at or before it (else its first). */
export function valueAt(series: readonly [number, number][], time: number): number | undefined {
  let found: number | undefined = series[0]?.[1];
  for (const [t, v] of series) {
    if (t > time) break;
    found = v;
  }
  return found;
}

function tradeLabel(t: Trade, quote: string): string {
  return `${utc(new Date(t.time))} ${t.side} ${t.quantity} ${t.symbol} for ${fmtGrouped(t.notional)} ${quote}, fee ${t.fee.toPrecision(3)} ${quote} (${t.runId}${t.settledLater ? ', settled by a later run' : ''})`;
}

function markers(model: ReportModel, at: (t: Trade) => number | undefined): Marker[] {
  return model.trades.flatMap((t) => {
    const value = at(t);
    return value === undefined
      ? []
      : [{ time: t.time, value, kind: t.side === 'BUY' ? 'buy' : 'sell', label: tradeLabel(t, model.quote) } as Marker];
  });
}

function headline(model: ReportModel): [string, string][] {
  const first = model.value[0]?.[1];
  const last = model.value.at(-1)?.[1];
  const holdLast = model.buyAndHold.at(-1)?.[1];
  const holdFirst = model.buyAndHold[0]?.[1];
  const rows: [string, string][] = [
    [
      'period (UTC)',
      model.from === null ? '—' : `${utc(new Date(model.from))} → ${utc(new Date(model.to ?? model.from))}`,
    ],
    [
      'portfolio value',
      first === undefined || last === undefined
        ? '—'
        : `${fmtGrouped(first)} → ${fmtGrouped(last)} ${model.quote} (${fmtSignedPct(last / first - 1)})`,
    ],
  ];
  if (holdFirst !== undefined && holdLast !== undefined && last !== undefined) {
    const balances = Object.entries(model.startBalances)
      .filter(([, x]) => x !== 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([a, x]) => `${x} ${a}`)
      .join(' + ');
    rows.push(
      [
        'buy and hold',
        `${fmtGrouped(holdFirst)} → ${fmtGrouped(holdLast)} ${model.quote} (${fmtSignedPct(holdLast / holdFirst - 1)}), holding ${balances} from ${utc(new Date(model.startAt ?? 0))}`,
      ],
      ['rebalancing vs holding', `${last - holdLast >= 0 ? '+' : ''}${fmtGrouped(last - holdLast)} ${model.quote}`],
    );
  }
  const turnover = model.cumulativeTurnover.at(-1)?.[1] ?? 0;
  const fees = model.cumulativeFees.at(-1)?.[1] ?? 0;
  rows.push(
    [
      'trades',
      `${model.trades.length} (${model.trades.filter((t) => t.side === 'BUY').length} buys, ${model.trades.filter((t) => t.side === 'SELL').length} sells)`,
    ],
    ['turnover', `${fmtGrouped(turnover)} ${model.quote}`],
    [
      'fees',
      `${fees.toPrecision(4)} ${model.quote}${turnover > 0 ? ` (${((fees / turnover) * 10_000).toFixed(1)} bps of turnover)` : ''}`,
    ],
    [
      'runs',
      Object.entries(model.statusCounts)
        .sort((a, b) => b[1] - a[1])
        .map(([s, n]) => `${n} ${s}`)
        .join(', ') || 'none',
    ],
    ['snapshots', String(model.snapshots)],
  );
  return rows;
}

export interface RenderOptions {
  /** one line saying what was read */
  source: string;
  generatedAt: Date;
}

export function renderReport(model: ReportModel, options: RenderOptions): string {
  const q = model.quote;
  const valueChart = lineChartSvg({
    title: `Portfolio value vs buy-and-hold of the starting balances (${q})`,
    yLabel: `value (${q})`,
    lines: [
      { name: 'portfolio', color: '#1f77b4', points: model.value },
      { name: 'buy and hold', color: '#ff7f0e', points: model.buyAndHold, dash: '6 3' },
    ],
    markers: markers(model, (t) => t.value ?? valueAt(model.value, t.time)),
    width: 1100,
    height: 420,
  });
  const assets = Object.keys(model.weights).sort();
  const weightCharts = assets.map((asset, i) => {
    const color = COLORS[i % COLORS.length] ?? '#1f77b4';
    const band = model.bands[asset];
    const series = model.weights[asset] ?? [];
    const line: Line = { name: `${asset} weight`, color, points: series };
    return lineChartSvg({
      title: `${asset} weight${band ? `: target ${band.target}${band.band !== null ? ` ± ${band.band}` : ''}` : ''}`,
      yLabel: 'weight',
      lines: [line],
      bands: band
        ? [
            {
              from: band.target - (band.band ?? 0),
              to: band.target + (band.band ?? 0),
              color,
              centre: band.target,
              label:
                band.band !== null
                  ? `band ${(band.target - band.band).toFixed(3)}–${(band.target + band.band).toFixed(3)}`
                  : 'target',
            },
          ]
        : [],
      markers: markers(model, (t) => valueAt(series, t.time)),
      formatY: (v, step) => `${(v * 100).toFixed(stepDecimals(step * 100))} %`,
      width: 545,
      height: 300,
    });
  });
  const turnoverChart = lineChartSvg({
    title: `Cumulative turnover (${q})`,
    yLabel: q,
    lines: [{ name: 'turnover', color: '#2ca02c', points: model.cumulativeTurnover, steps: true }],
    include: [0],
    width: 545,
    height: 300,
  });
  const feesChart = lineChartSvg({
    title: `Cumulative fees (${q})`,
    yLabel: q,
    lines: [{ name: 'fees', color: '#d62728', points: model.cumulativeFees, steps: true }],
    include: [0],
    width: 545,
    height: 300,
  });
  const runRows = model.runs
    .map(
      (r) =>
        `<tr class="${escapeXml(r.status)}">${runRow(r)
          .map((c) => `<td>${escapeXml(c)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  const bandNote =
    model.bandSource === 'snapshot'
      ? 'Bands are the targets and band widths the latest snapshot recorded.'
      : model.bandSource === 'profile'
        ? 'Bands are the profile’s configured targets and band widths.'
        : 'No target or band is known (no snapshot recorded one).';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>qrl-rebalancer report: ${escapeXml(model.profile)}</title>
<style>
  body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1140px; }
  h1 { font-size: 22px; margin-bottom: 4px; }
  h2 { font-size: 17px; margin-top: 28px; }
  .meta { color: #666; font-size: 13px; }
  table { border-collapse: collapse; font-size: 13px; }
  td, th { padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
  table.runs td, table.runs th { border-bottom: 1px solid #eee; white-space: nowrap; }
  table.runs tr.failed td { color: #b00020; }
  table.runs tr.skipped td { color: #666; }
  .grid { display: flex; flex-wrap: wrap; gap: 10px; }
  .note { color: #666; font-size: 13px; }
  svg { border: 1px solid #eee; }
</style>
</head>
<body>
<h1>qrl-rebalancer: profile ${escapeXml(model.profile)}</h1>
<p class="meta">From ${escapeXml(options.source)}; generated ${escapeXml(utc(options.generatedAt))} UTC. All amounts in ${escapeXml(q)}.</p>
<table class="summary">
${headline(model)
  .map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`)
  .join('\n')}
</table>
${model.notes.map((n) => `<p class="note">${escapeXml(n)}</p>`).join('\n')}
<h2>Value</h2>
<p class="note">From snapshots and each run's value before and after it traded. Buy-and-hold keeps the balances of the first point, valued at each later point's prices. ▲ buy, ▼ sell (hover for the order).</p>
${valueChart}
<h2>Weights</h2>
<p class="note">${escapeXml(bandNote)} A run trades when a weight leaves its band.</p>
<div class="grid">
${weightCharts.join('\n')}
</div>
<h2>Turnover and fees</h2>
<div class="grid">
${turnoverChart}
${feesChart}
</div>
<h2>Last runs</h2>
<p class="note">Newest first; <code>npm run runs -- show &lt;execution id&gt;</code> tells one in words.</p>
<table class="runs">
<tr>${TABLE_HEADER.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>
${runRows || '<tr><td colspan="9">no runs</td></tr>'}
</table>
</body>
</html>
`;
}
