import Big from 'big.js';
import type { OrderState } from '../domain/market';
import type { StrategyProfile } from '../domain/profile';
import type { AppError } from '../errors/app-error';
import type { Logger } from '../observability/logger';
import type { Exchange } from '../ports/exchange';
import type { Ledger, OrderIntent } from '../ports/ledger';
import { isWorking, updateFromState } from './order-outcome';
import { toAppError, UnsettledOrdersError } from './run-errors';
import { absentAfter, mayDeclareAbsent, VISIBILITY_MARGIN_MS, wasAcknowledged } from './send-window';

export interface ReconcileResult {
  /** intents this step changed, as they are now */
  settled: OrderIntent[];
  /** pending/submitted/unknown intents the exchange could not be asked about: nothing may be planned */
  unsettled: OrderIntent[];
  /** orders still resting on the book, younger than the profile's orderTtl */
  open: OrderIntent[];
  /** the first exchange error that left an intent unsettled */
  error: AppError | null;
  /**
   * quote traded by intents of earlier runs since they were last recorded (a maker order that
   * filled after its run ended, an IOC that had ended unknown). Information for the run's result:
   * updateIntent already added it to today's turnover and started the cool-down as it recorded it
   */
  discoveredQuote: Big;
}

export interface ReconcileContext {
  ledger: Ledger;
  exchange: Exchange;
  profile: StrategyProfile;
  now: Date;
  logger: Logger;
  /** the exchange's recvWindow, ms (see send-window.ts) */
  recvWindowMs: number;
  /** the run reconciling: fills of its own intents are not reported as discovered */
  runId: string;
  /** a dry run (or LIVE_TRADING off) only looks: it cancels nothing */
  dryRun: boolean;
  /** the account whose open intents are settled: those of every profile, renamed or removed ones included */
  accountId: string;
}

/**
 * DESIGN §4.6: every intent of the account not yet settled (from any run, this one included when it
 * was taken over) is looked up by its client order id. The exchange's answer is the truth: fills
 * and fees are recorded, a resting order older than orderTtl is cancelled. "Not found" becomes
 * `absent` only once it is final (send-window.ts: a pending intent at once, a sent one after
 * sendBy + recvWindow + margin), and only if the intent still has the status read here; before
 * that, and when the lookup fails, the intent stays as it was and blocks planning.
 */
export async function reconcileIntents(ctx: ReconcileContext): Promise<ReconcileResult> {
  const { ledger, exchange, profile, logger } = ctx;
  const result: ReconcileResult = { settled: [], unsettled: [], open: [], error: null, discoveredQuote: new Big(0) };
  const intents = await ledger.listUnsettledIntents(ctx.accountId);
  for (const intent of intents) {
    const ref = { symbol: intent.symbol, clientOrderId: intent.clientOrderId };
    let state: Awaited<ReturnType<Exchange['queryOrder']>>;
    try {
      state = await exchange.queryOrder(ref);
      // an acknowledged order is also looked up by the exchange's own id before anything is concluded
      if (!state && intent.orderId !== null) {
        state = await exchange.queryOrder({ symbol: intent.symbol, orderId: intent.orderId });
      }
      // A sent order about to be declared absent is also looked for where a lagging order lookup
      // would not show it: the open orders and the trades since the intent was written.
      if (!state && intent.status !== 'pending' && mayDeclareAbsent(intent, ctx.now, ctx.recvWindowMs)) {
        state = await findElsewhere(exchange, intent);
      }
    } catch (error) {
      logger.warn('intent.unreconciled', {
        clientOrderId: intent.clientOrderId,
        runId: intent.runId,
        status: intent.status,
        error: error instanceof Error ? error.message : String(error),
      });
      if (intent.status === 'open') result.open.push(intent);
      else result.unsettled.push(intent);
      result.error ??= toAppError('querying an unsettled order', error);
      continue;
    }
    let cancelled = false;
    if (!ctx.dryRun && state && isWorking(state) && ctx.now.getTime() - state.time >= profile.orderTtlMs) {
      try {
        state = await exchange.cancelOrder(ref);
        cancelled = true;
      } catch (error) {
        logger.warn('intent.cancel_failed', {
          clientOrderId: intent.clientOrderId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (!state && wasAcknowledged(intent)) {
      // The exchange answered for this order before: it exists, and may still rest on the book.
      logger.warn('intent.acknowledged_not_found', {
        clientOrderId: intent.clientOrderId,
        runId: intent.runId,
        status: intent.status,
        orderId: intent.orderId,
      });
      result.unsettled.push(intent);
      result.error ??= new UnsettledOrdersError(
        [intent.clientOrderId],
        undefined,
        `the exchange acknowledged it (order id ${intent.orderId ?? '?'}) but does not show it now; it is never declared absent`,
      );
      continue;
    }
    if (!state && !mayDeclareAbsent(intent, ctx.now, ctx.recvWindowMs)) {
      // Sent a moment ago: it may still arrive or become visible. Ask again next run.
      logger.warn('intent.not_visible_yet', {
        clientOrderId: intent.clientOrderId,
        runId: intent.runId,
        status: intent.status,
        absentAfter: absentAfter(intent, ctx.recvWindowMs)?.toISOString() ?? null,
      });
      result.unsettled.push(intent);
      result.error ??= new UnsettledOrdersError(
        [intent.clientOrderId],
        undefined,
        'the exchange does not show it yet, and it was sent too recently to be sure it never will',
      );
      continue;
    }
    const by = { byRun: ctx.runId, accountId: ctx.accountId };
    const updated = state
      ? await ledger.updateIntent({ ...(await updateFromState(intent, state, exchange, logger)), ...by })
      : await ledger.updateIntent({
          ...by,
          runId: intent.runId,
          clientOrderId: intent.clientOrderId,
          status: 'absent',
          onlyFrom: [intent.status],
          error: {
            code: 'order.absent',
            message: `the exchange does not know client order id ${intent.clientOrderId}, and it can no longer arrive: the order was never placed`,
          },
        });
    if (updated.status === 'pending' || updated.status === 'submitted' || updated.status === 'unknown') {
      // another writer moved the intent on since it was read: the next run looks again
      result.unsettled.push(updated);
      continue;
    }
    logger.info('intent.reconciled', {
      clientOrderId: intent.clientOrderId,
      runId: intent.runId,
      from: intent.status,
      to: updated.status,
      orderId: updated.orderId,
      executedQuantity: updated.executedQuantity,
      cancelled,
    });
    result.settled.push(updated);
    if (updated.status === 'open') result.open.push(updated);
    const found = new Big(updated.executedQuote).minus(intent.executedQuote);
    if (intent.runId !== ctx.runId && found.gt(0)) result.discoveredQuote = result.discoveredQuote.plus(found);
  }
  return result;
}

/**
 * The order of a sent intent in the open orders of its symbol, or behind one of the account's trades
 * since the intent was written (trades carry only the exchange's order id, so each unknown one is
 * looked up once). Throws when the exchange cannot be asked: then nothing may be concluded.
 */
async function findElsewhere(exchange: Exchange, intent: OrderIntent): Promise<OrderState | null> {
  const open = await exchange.openOrders(intent.symbol);
  const resting = open.find((o) => o.clientOrderId === intent.clientOrderId);
  if (resting) return resting;
  const startTime = intent.createdAt.getTime() - VISIBILITY_MARGIN_MS;
  const trades = await exchange.myTrades(intent.symbol, { startTime });
  const orderIds = [...new Set(trades.filter((t) => t.time >= startTime).map((t) => t.orderId))];
  for (const orderId of orderIds) {
    const state = await exchange.queryOrder({ symbol: intent.symbol, orderId });
    if (state?.clientOrderId === intent.clientOrderId) return state;
  }
  return null;
}
