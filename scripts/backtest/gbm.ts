import { mulberry32 } from '../lib/prng';
import type { Bar } from './price-csv';

/**
 * Synthetic prices so the backtest runs with no data file: geometric Brownian motion,
 * close_{t+1} = close_t · exp((mu − sigma²/2) + sigma · z), z ~ N(0, 1) from a seeded generator, so
 * the same seed gives the same series on every machine. `sigma` and `mu` are per bar.
 */
export interface GbmOptions {
  sigma: number;
  bars: number;
  seed: number;
  mu?: number;
  startPrice?: number;
  startTime?: number;
  intervalMs?: number;
}

/** Prices are written with 8 decimals (finer than the 0.0001 tick, as a real mid price can be). */
function fmtPrice(x: number): string {
  const s = Math.max(x, 1e-8).toFixed(8).replace(/0+$/, '');
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

export function* gbmBars(options: GbmOptions): Generator<Bar> {
  const random = mulberry32(options.seed);
  const { sigma } = options;
  const mu = options.mu ?? 0;
  const interval = options.intervalMs ?? 3_600_000;
  let time = options.startTime ?? Date.UTC(2025, 0, 1);
  let price = options.startPrice ?? 0.5;
  for (let i = 0; i < options.bars; i += 1) {
    const close = fmtPrice(price);
    yield { time, low: close, high: close, close };
    // Box–Muller; 1 − u keeps the logarithm away from 0.
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    price *= Math.exp(mu - (sigma * sigma) / 2 + sigma * z);
    time += interval;
  }
}

/** The same bars as a `time,close` CSV (ISO times), e.g. to keep a generated series. */
export function* barsToCsv(bars: Iterable<Bar>): Generator<string> {
  yield 'time,close\n';
  for (const bar of bars) yield `${new Date(bar.time).toISOString()},${bar.close}\n`;
}
