import Big from 'big.js';
import type { Plan } from '../domain/plan';
import { dec, planToJson } from '../domain/plan-json';
import type { PlannedOrder } from '../domain/sizing';
import type { Valuation } from '../domain/valuation';
import type { AppError } from '../errors/app-error';
import type {
  FinalRunStatus,
  OrderIntent,
  PriceReferenceRecord,
  RunEnd,
  RunRecord,
  StoredRecord,
  StoredValue,
} from '../ports/ledger';
import type { RebalanceReport, ReportOrder } from './contract';
import type { MarketSnapshot } from './market-snapshot';
import { plainRecord } from './plain-record';
import { errorRecord } from './run-errors';

/**
 * The one place a run's record is built: the run document's end (what an operator reads in the
 * Firestore console) and the HTTP answer, from the same outcome; and the answer again from a stored
 * document, for a repeated execution id.
 */

/** How a claimed attempt ended, before it is written down. */
export interface RunOutcome {
  status: FinalRunStatus;
  reason: string | null;
  /** one sentence for a human, with numbers: it opens the run document */
  message: string;
  error?: AppError;
  market?: MarketSnapshot;
  before?: Valuation;
  after?: Valuation;
  plan?: Plan;
  /** this run's orders as they ended (live), or what a dry run would have sent */
  orders: ReportOrder[];
  ordersPlaced: number;
  /** intents of earlier runs settled by this one */
  reconciled: readonly OrderIntent[];
  /** quote those intents traded since their own runs recorded them (already counted into turnover) */
  discovered: Big;
  /** the price references after this run (every run that priced the market stores them) */
  priceReference?: Record<string, PriceReferenceRecord>;
}

export interface RunFacts {
  runId: string;
  profileId: string;
  quote: string;
  dryRun: boolean;
  attempt: number;
  metrics: { durationMs: number; exchangeCalls: number };
}

export function reportOrderFromIntent(intent: OrderIntent): ReportOrder {
  return {
    leg: intent.leg,
    clientOrderId: intent.clientOrderId,
    symbol: intent.symbol,
    side: intent.side,
    type: intent.type,
    quantity: intent.quantity,
    price: intent.price,
    status: intent.status,
    orderId: intent.orderId,
    executedQuantity: intent.executedQuantity,
    executedQuote: intent.executedQuote,
    fees: { ...intent.fees },
  };
}

/** A dry run's order: what would have been sent, under the id it would have had. */
export function reportOrderFromPlan(order: PlannedOrder, clientOrderId: string): ReportOrder {
  return {
    leg: order.leg,
    clientOrderId,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    quantity: dec(order.quantity),
    price: order.price ? dec(order.price) : null,
    status: 'planned',
    orderId: null,
    executedQuantity: '0',
    executedQuote: '0',
    fees: {},
  };
}

/** asset → weight, for reading: 4 decimals (the exact figures are in the plan's valuation inputs) */
export function weightsOf(valuation: Valuation): Record<string, string> {
  return Object.fromEntries(valuation.holdings.map((h) => [h.asset, h.weight.toFixed(4)]));
}

/** asset → summed fee over orders */
export function feesOf(orders: readonly ReportOrder[]): Record<string, string> {
  const fees: Record<string, Big> = {};
  for (const order of orders) {
    for (const [asset, amount] of Object.entries(order.fees)) fees[asset] = (fees[asset] ?? new Big(0)).plus(amount);
  }
  return Object.fromEntries(Object.entries(fees).map(([asset, amount]) => [asset, dec(amount)]));
}

/**
 * The fees of the orders valued in the quote asset, for the log line a dashboard charts: a fee in
 * the quote counts as it is, one in the traded asset at the order's own average price; a fee in any
 * other asset (MX deduction) cannot be valued here and is left out (the ledger has every fee exactly).
 */
export function feesInQuote(orders: readonly ReportOrder[], quote: string): Big {
  let total = new Big(0);
  for (const order of orders) {
    const quantity = new Big(order.executedQuantity);
    for (const [asset, amount] of Object.entries(order.fees)) {
      if (asset === quote) total = total.plus(amount);
      else if (order.symbol === `${asset}${quote}` && quantity.gt(0)) {
        total = total.plus(new Big(amount).times(order.executedQuote).div(quantity));
      }
    }
  }
  return total;
}

export function sumQuote(orders: readonly ReportOrder[]): Big {
  return orders.reduce((s, o) => s.plus(o.executedQuote), new Big(0));
}

/** The run document's end and the HTTP answer, from one outcome. */
export function recordOf(facts: RunFacts, outcome: RunOutcome): { end: RunEnd; report: RebalanceReport } {
  const filled = outcome.orders.filter((o) => new Big(o.executedQuantity).gt(0));
  const metrics = { ...facts.metrics, ordersPlaced: outcome.ordersPlaced, ordersFilled: filled.length };
  const before = outcome.before
    ? {
        value: dec(outcome.before.total),
        weights: weightsOf(outcome.before),
        drift: dec(outcome.before.totalDrift),
        ...(outcome.market ? marketRecord(outcome.market) : {}),
      }
    : undefined;
  const after = outcome.after ? { value: dec(outcome.after.total), weights: weightsOf(outcome.after) } : undefined;
  const details = {
    quote: facts.quote,
    ...(before ? { before } : {}),
    ...(outcome.plan ? { plan: planRecord(outcome.plan) } : {}),
    orders: outcome.orders,
    ...(after ? { after } : {}),
    totals: { notional: dec(sumQuote(outcome.orders)), fees: feesOf(outcome.orders) },
    ...(outcome.reconciled.length > 0
      ? {
          reconciled: outcome.reconciled.map((i) => ({
            runId: i.runId,
            clientOrderId: i.clientOrderId,
            status: i.status,
            executedQuantity: i.executedQuantity,
            executedQuote: i.executedQuote,
          })),
          discoveredNotional: dec(outcome.discovered),
        }
      : {}),
    metrics,
    ...(outcome.error ? { error: errorRecord(outcome.error) } : {}),
  };
  const report: RebalanceReport = {
    executionId: facts.runId,
    profile: facts.profileId,
    status: outcome.status,
    reason: outcome.reason,
    message: outcome.message,
    duplicate: false,
    dryRun: facts.dryRun,
    attempt: facts.attempt,
    orders: outcome.orders,
    ...(before ? { portfolio: portfolioOf(facts.quote, before, after) } : {}),
    metrics,
    ...(outcome.error
      ? { error: { code: outcome.error.code, message: outcome.error.message, retryable: outcome.error.retryable } }
      : {}),
  };
  return {
    end: { status: outcome.status, reason: outcome.reason, summary: outcome.message, details: plainRecord(details) },
    report,
  };
}

function portfolioOf(
  quote: string,
  before: { value: string; weights: Record<string, string> },
  after: { value: string; weights: Record<string, string> } | undefined,
): NonNullable<RebalanceReport['portfolio']> {
  return {
    quote,
    valueBefore: before.value,
    weightsBefore: before.weights,
    ...(after ? { valueAfter: after.value, weightsAfter: after.weights } : {}),
  };
}

function marketRecord(market: MarketSnapshot) {
  return {
    balances: Object.fromEntries(market.balances.map((b) => [b.asset, { free: dec(b.free), locked: dec(b.locked) }])),
    prices: Object.fromEntries([...market.mids].map(([symbol, mid]) => [symbol, dec(mid)])),
    books: Object.fromEntries(
      [...market.books].map(([symbol, b]) => [symbol, { bid: dec(b.bidPrice), ask: dec(b.askPrice) }]),
    ),
  };
}

/** The plan as the run keeps it: its orders are the run's `orders`, its valuation is `before`, its time a Timestamp. */
function planRecord(p: Plan) {
  const { orders: _orders, valuation: _valuation, at: _at, profile: _profile, ...rest } = planToJson(p);
  return { ...rest, at: p.at };
}

function isRecord(value: StoredValue | undefined): value is StoredRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

const text = (value: StoredValue | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The stored answer of a finished run, for a repeated execution id: rebuilt from the run document
 * (v1 documents kept the answer itself under `report`). Only the duplicate flag differs.
 */
export function storedReport(run: RunRecord): RebalanceReport {
  const doc = run.document;
  const legacy = doc.report;
  if (isRecord(legacy) && typeof legacy.status === 'string' && Array.isArray(legacy.orders)) {
    return { ...(legacy as unknown as RebalanceReport), duplicate: true };
  }
  const error = isRecord(doc.error) ? doc.error : null;
  const before = isRecord(doc.before) ? doc.before : null;
  const after = isRecord(doc.after) ? doc.after : null;
  const quote = text(doc.quote);
  const weights = (x: StoredRecord | null) => (x && isRecord(x.weights) ? (x.weights as Record<string, string>) : {});
  return {
    executionId: run.runId,
    profile: run.profileId,
    status: run.status === 'running' ? 'in_progress' : run.status,
    reason: run.reason,
    message: run.summary ?? `run ${run.runId} already ended ${run.status}${run.reason ? ` (${run.reason})` : ''}`,
    duplicate: true,
    dryRun: run.dryRun,
    attempt: run.attempt,
    orders: withLaterSettlements(Array.isArray(doc.orders) ? (doc.orders as unknown as ReportOrder[]) : [], doc),
    ...(before && quote
      ? {
          portfolio: portfolioOf(
            quote,
            { value: text(before.value) ?? '0', weights: weights(before) },
            after ? { value: text(after.value) ?? '0', weights: weights(after) } : undefined,
          ),
        }
      : {}),
    ...(isRecord(doc.metrics) ? { metrics: doc.metrics as Record<string, number | string> } : {}),
    ...(error && typeof error.code === 'string'
      ? {
          error: {
            code: error.code,
            message: text(error.message) ?? error.code,
            ...(typeof error.retryable === 'boolean' ? { retryable: error.retryable } : {}),
          },
        }
      : {}),
  };
}

/** Orders a later run settled (`settledLater` on the run document) are answered as they ended. */
function withLaterSettlements(orders: ReportOrder[], doc: StoredRecord): ReportOrder[] {
  const later = isRecord(doc.settledLater) ? doc.settledLater : {};
  return orders.map((order) => {
    const settled = later[order.clientOrderId];
    if (!isRecord(settled)) return order;
    return {
      ...order,
      status: text(settled.status) ?? order.status,
      orderId: text(settled.orderId) ?? order.orderId,
      executedQuantity: text(settled.executedQuantity) ?? order.executedQuantity,
      executedQuote: text(settled.executedQuote) ?? order.executedQuote,
      fees: isRecord(settled.fees) ? (settled.fees as Record<string, string>) : order.fees,
    };
  });
}

/** the code of an answer that met a live attempt of the same run */
export const IN_PROGRESS = 'run.in_progress';

export function inProgressReport(run: RunRecord): RebalanceReport {
  const until = run.lease ? run.lease.until.toISOString() : 'unknown';
  const message = `attempt ${run.attempt} of run ${run.runId} is still working on it (lease until ${until}); nothing was done by this request; a retry after the lease ended resumes the run if that attempt died, else answers its report`;
  return {
    executionId: run.runId,
    profile: run.profileId,
    status: 'in_progress',
    reason: IN_PROGRESS,
    message,
    duplicate: true,
    dryRun: run.dryRun,
    attempt: run.attempt,
    orders: [],
    // Cloud Scheduler retries only a non-2xx answer (HttpTarget: acknowledged by a code in 200-299,
    // https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs#httptarget):
    // the caller answers 409, and the retry after the lease ended takes the run over
    error: { code: IN_PROGRESS, message, retryable: true },
  };
}
