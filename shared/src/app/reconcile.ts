import type { StrategyProfile } from '../domain/profile';
import type { AppError } from '../errors/app-error';
import type { Logger } from '../observability/logger';
import type { Exchange } from '../ports/exchange';
import type { Ledger, OrderIntent } from '../ports/ledger';
import { isWorking, updateFromState } from './order-outcome';
import { toAppError } from './run-errors';

export interface ReconcileResult {
  /** intents this step changed, as they are now */
  settled: OrderIntent[];
  /** pending/submitted/unknown intents the exchange could not be asked about: nothing may be planned */
  unsettled: OrderIntent[];
  /** orders still resting on the book, younger than the profile's orderTtl */
  open: OrderIntent[];
  /** the first exchange error that left an intent unsettled */
  error: AppError | null;
}

export interface ReconcileContext {
  ledger: Ledger;
  exchange: Exchange;
  profile: StrategyProfile;
  now: Date;
  logger: Logger;
}

/**
 * DESIGN §4.6: every intent of the profile not yet settled (from any run, this one included when it
 * was taken over) is looked up by its client order id. The exchange's answer is the truth: not found
 * → `absent` (it never got there; the adapter has already asked again for a moment, as an accepted
 * order can take a moment to show); a resting order older than orderTtl is cancelled; fills and fees
 * are recorded. An intent whose lookup fails stays as it was and blocks planning.
 */
export async function reconcileIntents(ctx: ReconcileContext): Promise<ReconcileResult> {
  const { ledger, exchange, profile, logger } = ctx;
  const result: ReconcileResult = { settled: [], unsettled: [], open: [], error: null };
  const intents = await ledger.listUnsettledIntents(profile.id);
  for (const intent of intents) {
    const ref = { symbol: intent.symbol, clientOrderId: intent.clientOrderId };
    let state: Awaited<ReturnType<Exchange['queryOrder']>>;
    try {
      state = await exchange.queryOrder(ref);
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
    if (state && isWorking(state) && ctx.now.getTime() - state.time >= profile.orderTtlMs) {
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
    const updated = state
      ? await ledger.updateIntent(await updateFromState(intent, state, exchange, logger))
      : await ledger.updateIntent({
          runId: intent.runId,
          clientOrderId: intent.clientOrderId,
          status: 'absent',
          error: {
            code: 'order.absent',
            message: `the exchange does not know client order id ${intent.clientOrderId}: the order was never placed`,
          },
        });
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
  }
  return result;
}
