import Big from 'big.js';
import { dec } from '../domain/plan-json';
import type { PlannedOrder } from '../domain/sizing';
import type { Valuation } from '../domain/valuation';
import type { OrderIntent, RunRecord, StoredRecord, StoredValue } from '../ports/ledger';
import type { RebalanceReport, ReportOrder } from './contract';

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

export function weightsOf(valuation: Valuation): Record<string, string> {
  return Object.fromEntries(valuation.holdings.map((h) => [h.asset, dec(h.weight)]));
}

/** asset → summed fee over intents */
export function feesOf(intents: readonly OrderIntent[]): Record<string, Big> {
  const fees: Record<string, Big> = {};
  for (const intent of intents) {
    for (const [asset, amount] of Object.entries(intent.fees)) {
      fees[asset] = (fees[asset] ?? new Big(0)).plus(amount);
    }
  }
  return fees;
}

export function sumQuote(intents: readonly OrderIntent[]): Big {
  return intents.reduce((s, i) => s.plus(i.executedQuote), new Big(0));
}

function isRecord(value: StoredValue | undefined): value is StoredRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * The stored answer of a finished run, for a repeated execution id. The report was written by this
 * module (finishRun), so its shape is ours; only the duplicate flag changes.
 */
export function storedReport(run: RunRecord): RebalanceReport {
  const stored = run.report;
  if (stored && typeof stored.status === 'string' && Array.isArray(stored.orders)) {
    return { ...(stored as unknown as RebalanceReport), duplicate: true };
  }
  const error = isRecord(run.error ?? undefined) ? run.error : null;
  return {
    executionId: run.runId,
    profile: run.profileId,
    status: run.status === 'running' ? 'in_progress' : run.status,
    reason: run.reason,
    message: `run ${run.runId} already ended ${run.status}${run.reason ? ` (${run.reason})` : ''}`,
    duplicate: true,
    dryRun: run.dryRun,
    attempt: run.attempt,
    orders: [],
    ...(error && typeof error.code === 'string'
      ? { error: { code: error.code, message: typeof error.message === 'string' ? error.message : error.code } }
      : {}),
  };
}

export function inProgressReport(run: RunRecord): RebalanceReport {
  const until = run.lease ? run.lease.until.toISOString() : 'unknown';
  return {
    executionId: run.runId,
    profile: run.profileId,
    status: 'in_progress',
    reason: null,
    message: `attempt ${run.attempt} of run ${run.runId} is still working on it (lease until ${until}); ask again for its report`,
    duplicate: true,
    dryRun: run.dryRun,
    attempt: run.attempt,
    orders: [],
  };
}
