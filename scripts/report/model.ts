/**
 * What `npm run report` draws, computed from the ledger's runs and snapshots of one profile (pure, so it
 * is tested without Firestore):
 * - the portfolio's value over time: snapshots (`value` at `at`), each run's `before.value` at its start
 *   and `after.value` at its end;
 * - buy-and-hold: the balances of the first point held unchanged, valued at each later point's prices
 *   (a point without prices — a run's `after` — takes its run's `before` prices);
 * - each asset's weight over time and its band (target ± band, from the latest snapshot's valuation,
 *   else from the profile's configuration);
 * - every order that traded (settled later or not) as a trade: time, side, notional, fees in the quote
 *   asset (a fee in another asset is valued at its run's price), and their running totals.
 */

import { finalOf } from '../runs/format';
import type { OrderView, RunView, SnapshotView } from '../runs/ledger-read';

export interface Trade {
  time: number;
  runId: string;
  clientOrderId: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  notional: number;
  /** all fees of the order, valued in the quote asset */
  fee: number;
  /** portfolio value right after (the run's `after.value`), when known */
  value: number | null;
  settledLater: boolean;
}

export interface AssetBand {
  target: number;
  band: number | null;
}

export interface ReportModel {
  profile: string;
  quote: string;
  from: number | null;
  to: number | null;
  value: [number, number][];
  buyAndHold: [number, number][];
  /** the balances buy-and-hold holds, and when they were read */
  startBalances: Record<string, number>;
  startAt: number | null;
  weights: Record<string, [number, number][]>;
  bands: Record<string, AssetBand>;
  bandSource: 'snapshot' | 'profile' | 'none';
  trades: Trade[];
  cumulativeTurnover: [number, number][];
  cumulativeFees: [number, number][];
  runs: RunView[];
  statusCounts: Record<string, number>;
  snapshots: number;
  notes: string[];
}

type Prices = Record<string, number>;

/** Price of each asset in the quote: the quote is 1, others from `<ASSET><QUOTE>` prices. */
function assetPrices(symbolPrices: Record<string, string>, quote: string): Prices {
  const out: Prices = { [quote]: 1 };
  for (const [symbol, price] of Object.entries(symbolPrices)) {
    const p = Number(price);
    if (symbol.endsWith(quote) && symbol.length > quote.length && Number.isFinite(p) && p > 0)
      out[symbol.slice(0, -quote.length)] = p;
  }
  return out;
}

function worth(balances: Record<string, number>, prices: Prices): number | null {
  let total = 0;
  for (const [asset, amount] of Object.entries(balances)) {
    if (amount === 0) continue;
    const p = prices[asset];
    if (p === undefined) return null;
    total += amount * p;
  }
  return total;
}

function num(v: string | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function weightsOf(w: Record<string, string>): Record<string, number> {
  return Object.fromEntries(Object.entries(w).flatMap(([a, x]) => (num(x) === null ? [] : [[a, Number(x)]])));
}

interface Point {
  time: number;
  value: number | null;
  prices: Prices | null;
  balances: Record<string, number> | null;
  weights: Record<string, number>;
}

function tradeOf(run: RunView, o: OrderView, prices: Prices, quote: string): Trade | null {
  const end = finalOf(o);
  const quantity = Number(end.executedQuantity);
  if (!(quantity > 0) || (o.side !== 'BUY' && o.side !== 'SELL')) return null;
  const time = o.settledLater?.at?.getTime() ?? run.finishedAt?.getTime() ?? run.startedAt?.getTime();
  if (time === undefined) return null;
  let fee = 0;
  for (const [asset, amount] of Object.entries(end.fees)) {
    const p = asset === quote ? 1 : prices[asset];
    if (p !== undefined) fee += Number(amount) * p;
  }
  return {
    time,
    runId: run.id,
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    quantity,
    notional: Number(end.executedQuote),
    fee,
    value: o.settledLater ? null : num(run.after?.value),
    settledLater: o.settledLater !== null,
  };
}

function running(trades: readonly Trade[], of: (t: Trade) => number, from: number | null): [number, number][] {
  const out: [number, number][] = from === null ? [] : [[from, 0]];
  let total = 0;
  for (const t of trades) {
    total += of(t);
    out.push([t.time, total]);
  }
  return out;
}

export interface ModelInput {
  runs: readonly RunView[];
  snapshots: readonly SnapshotView[];
  /** the profile to draw; default: the only one, else `default` */
  profile?: string | undefined;
  /** target and band per asset from the configuration, used when no snapshot has them */
  configuredBands?: (profile: string) => Record<string, AssetBand> | null;
  /** how many of the latest runs the table shows */
  lastRuns?: number;
}

export class ReportInputError extends Error {
  override name = 'ReportInputError';
}

export function chooseProfile(runs: readonly RunView[], snapshots: readonly SnapshotView[], wanted?: string): string {
  const seen = [
    ...new Set([...runs.map((r) => r.profile), ...snapshots.flatMap((s) => (s.profile ? [s.profile] : []))]),
  ]
    .filter((p) => p !== '?')
    .sort();
  if (wanted) return wanted;
  if (seen.length <= 1) return seen[0] ?? 'default';
  if (seen.includes('default')) return 'default';
  throw new ReportInputError(`the ledger holds several profiles (${seen.join(', ')}); pick one with --profile`);
}

export function buildReportModel(input: ModelInput): ReportModel {
  const profile = chooseProfile(input.runs, input.snapshots, input.profile);
  const runs = input.runs
    .filter((r) => r.profile === profile && r.startedAt)
    .sort((a, b) => (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0));
  const snapshots = input.snapshots
    .filter((s) => s.profile === profile)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const quote = runs.find((r) => r.quote)?.quote ?? snapshots.find((s) => s.quote)?.quote ?? 'USDT';
  const notes: string[] = [];

  const points: Point[] = [];
  for (const s of snapshots)
    points.push({
      time: s.at.getTime(),
      value: num(s.value),
      prices: assetPrices(s.prices, quote),
      balances: Object.keys(s.balances).length
        ? Object.fromEntries(Object.entries(s.balances).map(([a, x]) => [a, Number(x)]))
        : null,
      weights: weightsOf(s.weights),
    });
  const trades: Trade[] = [];
  for (const r of runs) {
    const prices = r.before ? assetPrices(r.before.prices, quote) : null;
    if (r.before && r.startedAt) {
      const balances = Object.keys(r.before.balances).length
        ? Object.fromEntries(Object.entries(r.before.balances).map(([a, b]) => [a, Number(b.free) + Number(b.locked)]))
        : null;
      points.push({
        time: r.startedAt.getTime(),
        value: num(r.before.value),
        prices,
        balances,
        weights: weightsOf(r.before.weights),
      });
    }
    if (r.after && r.finishedAt)
      points.push({
        time: r.finishedAt.getTime(),
        value: num(r.after.value),
        prices,
        balances: null,
        weights: weightsOf(r.after.weights),
      });
    for (const o of r.orders) {
      const t = tradeOf(r, o, prices ?? { [quote]: 1 }, quote);
      if (t) trades.push(t);
    }
  }
  points.sort((a, b) => a.time - b.time);
  trades.sort((a, b) => a.time - b.time);

  const start = points.find((p) => p.balances && p.prices && worth(p.balances, p.prices) !== null);
  const startBalances = start?.balances ?? {};
  if (!start && points.length > 0)
    notes.push('no point has both balances and prices, so there is no buy-and-hold line');
  const value: [number, number][] = points.flatMap((p) =>
    p.value === null ? [] : [[p.time, p.value] as [number, number]],
  );
  const buyAndHold: [number, number][] = start
    ? points.flatMap((p) => {
        if (p.time < start.time || !p.prices) return [];
        const v = worth(startBalances, p.prices);
        return v === null ? [] : [[p.time, v] as [number, number]];
      })
    : [];

  const weights: Record<string, [number, number][]> = {};
  for (const p of points)
    for (const [asset, w] of Object.entries(p.weights)) {
      const series = weights[asset] ?? [];
      series.push([p.time, w]);
      weights[asset] = series;
    }

  let bands: Record<string, AssetBand> = {};
  let bandSource: ReportModel['bandSource'] = 'none';
  const latestWithTargets = [...snapshots].reverse().find((s) => Object.keys(s.targets).length > 0);
  if (latestWithTargets) {
    bands = latestWithTargets.targets;
    bandSource = 'snapshot';
  } else {
    const configured = input.configuredBands?.(profile) ?? null;
    if (configured) {
      bands = configured;
      bandSource = 'profile';
      notes.push(
        `no snapshot records the targets, so the bands are profile ${profile}'s as configured here (STRATEGY_PROFILES)`,
      );
    }
  }

  const from = points[0]?.time ?? trades[0]?.time ?? null;
  const to = points.at(-1)?.time ?? trades.at(-1)?.time ?? null;
  const statusCounts: Record<string, number> = {};
  for (const r of runs) statusCounts[r.status] = (statusCounts[r.status] ?? 0) + 1;
  const unpriced = runs.filter(
    (r) => r.orders.some((o) => Object.keys(finalOf(o).fees).some((a) => a !== quote)) && !r.before,
  );
  if (unpriced.length > 0)
    notes.push(
      `${unpriced.length} run(s) paid fees in another asset without a recorded price; those fees are left out`,
    );
  return {
    profile,
    quote,
    from,
    to,
    value,
    buyAndHold,
    startBalances,
    startAt: start?.time ?? null,
    weights,
    bands,
    bandSource,
    trades,
    cumulativeTurnover: running(trades, (t) => t.notional, from),
    cumulativeFees: running(trades, (t) => t.fee, from),
    runs: [...runs].reverse().slice(0, input.lastRuns ?? 20),
    statusCounts,
    snapshots: snapshots.length,
    notes,
  };
}
