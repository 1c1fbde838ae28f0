import { utcText } from '@qrl-rebalancer/shared/domain';
import { lineChartSvg, type Marker, thin } from '../lib/svg-plot';
import type { ValueSeries } from './engine';

/** Markers past this many would hide the lines; the plot then says how many trades it leaves out. */
const MAX_MARKERS = 400;

/**
 * Value over time, strategy vs buy-and-hold, with each trade marked on the strategy's line (▲ buy,
 * ▼ sell), drawn by the plotting module `npm run report` uses too. Long series are thinned to at most
 * `maxPoints` per line, keeping each bucket's extremes so drawdowns stay visible.
 */
export function valueChartSvg(series: ValueSeries, title: string, quote: string, maxPoints = 1500): string {
  const every = Math.max(1, Math.ceil(series.trades.length / MAX_MARKERS));
  const markers: Marker[] = series.trades
    .filter((_t, i) => i % every === 0)
    .map((t) => ({
      time: t.time,
      value: t.value,
      kind: t.side === 'BUY' ? 'buy' : 'sell',
      label: `${utcText(new Date(t.time))} ${t.side} ${t.notional.toFixed(2)} ${quote}`,
    }));
  const shown = every === 1 ? '' : ` (every ${every}th of ${series.trades.length} trades marked)`;
  return lineChartSvg({
    title: `${title}${shown}`,
    yLabel: `value (${quote})`,
    lines: [
      { name: 'rebalance', color: '#1f77b4', points: thin(series.time, series.strategy, maxPoints) },
      { name: 'buy and hold', color: '#ff7f0e', points: thin(series.time, series.buyAndHold, maxPoints) },
    ],
    markers,
  });
}
