/**
 * Ledger documents as `npm run runs` and `npm run report` read them: straight from Firestore, parsed
 * defensively. A field of the wrong type reads as missing, never as an error, so one odd document
 * (edited by hand, written by the first release with its answer under `report`, or still `running`)
 * never hides the others. Shapes: docs/ledger.md.
 */
import type { DocumentData, Firestore, Query } from '@google-cloud/firestore';

export type Decimal = string;

export interface OrderView {
  leg: number | null;
  clientOrderId: string;
  symbol: string;
  side: string;
  type: string;
  quantity: Decimal | null;
  price: Decimal | null;
  /** as the run recorded it at its end */
  status: string;
  orderId: string | null;
  executedQuantity: Decimal;
  executedQuote: Decimal;
  fees: Record<string, Decimal>;
  /** how a later run settled it (`settledLater` on the run, `settledBy` on the intent), else null */
  settledLater: {
    status: string;
    executedQuantity: Decimal;
    executedQuote: Decimal;
    fees: Record<string, Decimal>;
    settledBy: string | null;
    at: Date | null;
  } | null;
}

export interface RunView {
  id: string;
  /** 1: a first-release document (its answer under `report`); 2: the current shape */
  version: 1 | 2;
  status: string;
  reason: string | null;
  summary: string | null;
  profile: string;
  account: string | null;
  dryRun: boolean;
  trigger: { kind: string | null; jobName: string | null; scheduleTime: Date | null; caller: string | null };
  attempt: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  quote: string | null;
  before: {
    value: Decimal | null;
    weights: Record<string, Decimal>;
    drift: Decimal | null;
    prices: Record<string, Decimal>;
    balances: Record<string, { free: Decimal; locked: Decimal }>;
  } | null;
  planReason: string | null;
  guards: { guard: string; verdict: string; reason: string }[];
  orders: OrderView[];
  after: { value: Decimal | null; weights: Record<string, Decimal> } | null;
  totals: { notional: Decimal | null; fees: Record<string, Decimal> };
  reconciled: { runId: string; clientOrderId: string; status: string; executedQuote: Decimal }[];
  discoveredNotional: Decimal | null;
  metrics: Record<string, number>;
  error: { code: string; message: string | null; todo: string | null; retryable: boolean } | null;
}

export interface IntentView {
  clientOrderId: string;
  run: string;
  status: string;
  side: string;
  symbol: string;
  quantity: Decimal | null;
  executedQuantity: Decimal;
  executedQuote: Decimal;
  fees: Record<string, Decimal>;
  orderId: string | null;
  settledBy: string | null;
  error: { code: string; message: string | null } | null;
  updatedAt: Date | null;
}

export interface SnapshotView {
  id: string;
  at: Date;
  profile: string | null;
  account: string | null;
  quote: string | null;
  value: Decimal | null;
  weights: Record<string, Decimal>;
  prices: Record<string, Decimal>;
  balances: Record<string, Decimal>;
  /** per asset from the valuation: target weight and band half-width */
  targets: Record<string, { target: number; band: number | null }>;
}

// ---- defensive field readers --------------------------------------------------------------------

type Raw = Record<string, unknown>;

const isRecord = (v: unknown): v is Raw =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !isTimestamp(v);

function isTimestamp(v: unknown): v is { toDate(): Date } {
  return typeof v === 'object' && v !== null && typeof (v as { toDate?: unknown }).toDate === 'function';
}

export function date(v: unknown): Date | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (isTimestamp(v)) return v.toDate();
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(v);
  return null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const DECIMAL = /^-?\d+(\.\d+)?(e-?\d+)?$/i;
export const dec = (v: unknown): Decimal | null =>
  typeof v === 'string' && DECIMAL.test(v) ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null;
const rec = (v: unknown): Raw => (isRecord(v) ? v : {});

function decimals(v: unknown): Record<string, Decimal> {
  const out: Record<string, Decimal> = {};
  for (const [key, value] of Object.entries(rec(v))) {
    const d = dec(value);
    if (d !== null) out[key] = d;
  }
  return out;
}

function orderOf(raw: unknown, later: unknown): OrderView | null {
  if (!isRecord(raw)) return null;
  const clientOrderId = str(raw.clientOrderId);
  if (!clientOrderId) return null;
  const settled = isRecord(later) ? later : null;
  return {
    leg: num(raw.leg),
    clientOrderId,
    symbol: str(raw.symbol) ?? '?',
    side: str(raw.side) ?? '?',
    type: str(raw.type) ?? '?',
    quantity: dec(raw.quantity),
    price: dec(raw.price),
    status: str(raw.status) ?? '?',
    orderId: str(raw.orderId),
    executedQuantity: dec(raw.executedQuantity) ?? '0',
    executedQuote: dec(raw.executedQuote) ?? '0',
    fees: decimals(raw.fees),
    settledLater: settled
      ? {
          status: str(settled.status) ?? '?',
          executedQuantity: dec(settled.executedQuantity) ?? '0',
          executedQuote: dec(settled.executedQuote) ?? '0',
          fees: decimals(settled.fees),
          settledBy: str(settled.settledBy),
          at: date(settled.at),
        }
      : null,
  };
}

function balancesOf(v: unknown): Record<string, { free: Decimal; locked: Decimal }> {
  const out: Record<string, { free: Decimal; locked: Decimal }> = {};
  const entries: [string, unknown][] = Array.isArray(v)
    ? v.flatMap((b) => (isRecord(b) && typeof b.asset === 'string' ? [[b.asset, b] as [string, unknown]] : []))
    : Object.entries(rec(v));
  for (const [asset, b] of entries) {
    const r = rec(b);
    out[asset] = { free: dec(r.free) ?? '0', locked: dec(r.locked) ?? '0' };
  }
  return out;
}

/** One `runs/{id}` document, v1 or v2. */
export function runView(id: string, data: DocumentData): RunView {
  const report = isRecord(data.report) ? data.report : null;
  const version = report && data.summary === undefined ? 1 : 2;
  const trigger = rec(data.trigger);
  const later = rec(data.settledLater);
  const before = isRecord(data.before) ? data.before : null;
  const after = isRecord(data.after) ? data.after : null;
  const portfolio = rec(report?.portfolio);
  const plan = rec(data.plan);
  const rawOrders = Array.isArray(data.orders) ? data.orders : Array.isArray(report?.orders) ? report.orders : [];
  const error = isRecord(data.error) ? data.error : isRecord(report?.error) ? report.error : null;
  const totals = rec(data.totals);
  const orders = rawOrders.flatMap((o) => {
    const view = orderOf(o, isRecord(o) ? later[String(o.clientOrderId)] : undefined);
    return view ? [view] : [];
  });
  return {
    id,
    version,
    status: str(data.status) ?? str(report?.status) ?? '?',
    reason: str(data.reason) ?? str(report?.reason),
    summary: str(data.summary) ?? str(report?.message),
    profile: str(data.profile) ?? str(report?.profile) ?? '?',
    account: str(data.account),
    dryRun: data.dryRun === true || report?.dryRun === true,
    trigger: {
      kind: str(trigger.kind),
      jobName: str(trigger.jobName),
      scheduleTime: date(trigger.scheduleTime),
      caller: str(trigger.caller),
    },
    attempt: num(data.attempt),
    startedAt: date(data.startedAt),
    finishedAt: date(data.finishedAt),
    quote: str(data.quote) ?? str(portfolio.quote) ?? str(rec(plan.metrics).quote),
    before: before
      ? {
          value: dec(before.value),
          weights: decimals(before.weights),
          drift: dec(before.drift),
          prices: decimals(before.prices),
          balances: balancesOf(before.balances),
        }
      : report && portfolio.valueBefore !== undefined
        ? {
            value: dec(portfolio.valueBefore),
            weights: decimals(portfolio.weightsBefore),
            drift: null,
            prices: {},
            balances: {},
          }
        : null,
    planReason: str(plan.reason),
    guards: (Array.isArray(plan.guards) ? plan.guards : []).flatMap((g) =>
      isRecord(g) && typeof g.guard === 'string'
        ? [{ guard: g.guard, verdict: str(g.verdict) ?? '?', reason: str(g.reason) ?? '' }]
        : [],
    ),
    orders,
    after: after
      ? { value: dec(after.value), weights: decimals(after.weights) }
      : report && portfolio.valueAfter !== undefined
        ? { value: dec(portfolio.valueAfter), weights: decimals(portfolio.weightsAfter) }
        : null,
    totals: {
      notional: dec(totals.notional) ?? (version === 1 ? sumQuote(orders) : null),
      fees: Object.keys(rec(totals.fees)).length > 0 ? decimals(totals.fees) : version === 1 ? sumFees(orders) : {},
    },
    reconciled: (Array.isArray(data.reconciled) ? data.reconciled : []).flatMap((r) =>
      isRecord(r) && typeof r.clientOrderId === 'string'
        ? [
            {
              runId: str(r.runId) ?? '?',
              clientOrderId: r.clientOrderId,
              status: str(r.status) ?? '?',
              executedQuote: dec(r.executedQuote) ?? '0',
            },
          ]
        : [],
    ),
    discoveredNotional: dec(data.discoveredNotional),
    metrics: Object.fromEntries(
      Object.entries(rec(data.metrics ?? report?.metrics)).flatMap(([k, v]) =>
        num(v) === null ? [] : [[k, v as number]],
      ),
    ),
    error: error
      ? {
          code: str(error.code) ?? 'error',
          message: str(error.what) ?? str(error.message),
          todo: str(error.todo),
          retryable: error.retryable === true,
        }
      : null,
  };
}

function sumQuote(orders: OrderView[]): Decimal | null {
  if (orders.length === 0) return null;
  return String(orders.reduce((sum, o) => sum + Number(o.executedQuote), 0));
}

function sumFees(orders: OrderView[]): Record<string, Decimal> {
  const out: Record<string, number> = {};
  for (const o of orders) for (const [a, f] of Object.entries(o.fees)) out[a] = (out[a] ?? 0) + Number(f);
  return Object.fromEntries(Object.entries(out).map(([a, f]) => [a, String(f)]));
}

export function intentView(id: string, data: DocumentData): IntentView {
  const error = isRecord(data.error) ? data.error : null;
  return {
    clientOrderId: str(data.clientOrderId) ?? id,
    // intents written before runId was the stored name say `run`
    run: str(data.runId) ?? str(data.run) ?? '?',
    status: str(data.status) ?? '?',
    side: str(data.side) ?? '?',
    symbol: str(data.symbol) ?? '?',
    quantity: dec(data.quantity),
    executedQuantity: dec(data.executedQuantity) ?? '0',
    executedQuote: dec(data.executedQuote) ?? '0',
    fees: decimals(data.fees),
    orderId: str(data.orderId),
    settledBy: str(data.settledBy),
    error: error ? { code: str(error.code) ?? 'error', message: str(error.message) } : null,
    updatedAt: date(data.updatedAt),
  };
}

export function snapshotView(id: string, data: DocumentData): SnapshotView | null {
  const at = date(data.at);
  if (!at) return null;
  const targets: SnapshotView['targets'] = {};
  const holdings = rec(data.valuation).holdings;
  for (const h of Array.isArray(holdings) ? holdings : []) {
    if (!isRecord(h) || typeof h.asset !== 'string') continue;
    const target = Number(dec(h.target));
    const band = dec(h.band);
    if (Number.isFinite(target)) targets[h.asset] = { target, band: band === null ? null : Number(band) };
  }
  const balances: Record<string, Decimal> = {};
  for (const [asset, b] of Object.entries(balancesOf(data.balances)))
    balances[asset] = String(Number(b.free) + Number(b.locked));
  return {
    id,
    at,
    profile: str(data.profile),
    account: str(data.account),
    quote: str(data.quote),
    value: dec(data.value),
    weights: decimals(data.weights),
    prices: decimals(data.prices),
    balances,
    targets,
  };
}

// ---- queries ------------------------------------------------------------------------------------

export interface RunQuery {
  profile?: string | undefined;
  /** any of these statuses */
  statuses?: readonly string[] | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  /** newest first, at most this many (after the filters) */
  limit: number;
}

const PAGE = 200;
/** a filter that matches little must not read a whole year of runs */
const MAX_SCANNED = 20_000;

/**
 * Runs newest first. Only `startedAt` is queried (its single-field index exists in every project);
 * profile and status are filtered here, so no composite index is needed.
 */
export async function listRuns(db: Firestore, query: RunQuery): Promise<{ runs: RunView[]; scanned: number }> {
  let base: Query = db.collection('runs').orderBy('startedAt', 'desc');
  if (query.since) base = base.where('startedAt', '>=', query.since);
  if (query.until) base = base.where('startedAt', '<=', query.until);
  const runs: RunView[] = [];
  let scanned = 0;
  let last: DocumentData | undefined;
  while (runs.length < query.limit && scanned < MAX_SCANNED) {
    const page = await (last ? base.startAfter(last) : base).limit(PAGE).get();
    for (const doc of page.docs) {
      scanned += 1;
      const run = runView(doc.id, doc.data());
      if (query.profile && run.profile !== query.profile) continue;
      if (query.statuses && query.statuses.length > 0 && !query.statuses.includes(run.status)) continue;
      runs.push(run);
      if (runs.length >= query.limit) break;
    }
    if (page.docs.length < PAGE) break;
    last = page.docs.at(-1);
  }
  return { runs, scanned };
}

export async function readRun(db: Firestore, id: string): Promise<{ run: RunView; intents: IntentView[] } | null> {
  const [snap, orders] = await Promise.all([db.doc(`runs/${id}`).get(), db.collection(`runs/${id}/orders`).get()]);
  if (!snap.exists) return null;
  return {
    run: runView(id, snap.data() ?? {}),
    intents: orders.docs
      .map((d) => intentView(d.id, d.data()))
      .sort((a, b) => a.clientOrderId.localeCompare(b.clientOrderId)),
  };
}

export async function listSnapshots(
  db: Firestore,
  query: { profile?: string | undefined; since?: Date | undefined; until?: Date | undefined },
): Promise<SnapshotView[]> {
  let q: Query = db.collection('snapshots').orderBy('at', 'asc');
  if (query.since) q = q.where('at', '>=', query.since);
  if (query.until) q = q.where('at', '<=', query.until);
  const snaps = await q.get();
  return snaps.docs.flatMap((d) => {
    const view = snapshotView(d.id, d.data());
    return view && (!query.profile || view.profile === query.profile) ? [view] : [];
  });
}
