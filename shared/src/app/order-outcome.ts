import Big from 'big.js';
import type { OrderState } from '../domain/market';
import { AppError } from '../errors/app-error';
import type { Logger } from '../observability/logger';
import type { Exchange } from '../ports/exchange';
import type { IntentStatus, OrderIntent, UpdateIntentInput } from '../ports/ledger';

/** What an order's exchange state means for its intent (see IntentStatus in the ledger port). */
export function intentStatusOf(state: OrderState): IntentStatus {
  switch (state.status) {
    case 'FILLED':
      return 'filled';
    case 'NEW':
    case 'PARTIALLY_FILLED':
      return 'open';
    case 'PARTIALLY_CANCELED':
      return 'partially_filled';
    case 'CANCELED':
      return state.executedQuantity.gt(0) ? 'partially_filled' : 'canceled';
  }
}

/**
 * Error codes that are a definite "no": the exchange answered with a code that proves it did not
 * take the order (the MEXC adapter's whitelist, ORDER_NOT_PLACED_CODES in exchange/mexc/error-map.ts),
 * or the adapter refused to send it (local checks, a send deadline, a ban in force). Anything else
 * from placeOrder — an unknown outcome, an unknown exchange code (`exchange.rejected`), a transport
 * failure, a malformed answer, an error that is not the exchange's at all — may hide an accepted
 * order, so its intent must stay queryable, never `rejected`.
 */
const REFUSAL_CODES: ReadonlySet<string> = new Set([
  'exchange.auth',
  'exchange.rate_limited',
  'exchange.ip_banned',
  'exchange.insufficient_balance',
  'exchange.oversold',
  'exchange.invalid_order',
  'exchange.bad_symbol',
  'exchange.trading_suspended',
  'exchange.clock_skew',
  'exchange.bad_request',
  'exchange.send_deadline_passed',
]);

/** True only for an error of the exchange call itself that says the order was not placed. */
export function isOrderRefusal(error: unknown): error is AppError {
  return error instanceof AppError && REFUSAL_CODES.has(error.code);
}

export function isWorking(state: OrderState): boolean {
  return state.status === 'NEW' || state.status === 'PARTIALLY_FILLED';
}

/**
 * Commission per asset of one order, from its trades. MEXC's order answer carries no fees, so a
 * filled order costs one more call; when it fails the fill is still recorded, marked `feesUnread`,
 * and a later run reads them (the fault campaign found the fees lost for good on a 418 here).
 */
async function feesOf(exchange: Exchange, state: OrderState, logger: Logger): Promise<Record<string, Big> | null> {
  if (!state.executedQuantity.gt(0)) return {};
  try {
    const trades = await exchange.myTrades(state.symbol, { orderId: state.orderId });
    const fees: Record<string, Big> = {};
    for (const t of trades) {
      if (t.orderId !== state.orderId) continue;
      fees[t.commissionAsset] = (fees[t.commissionAsset] ?? new Big(0)).plus(t.commission);
    }
    return fees;
  } catch (error) {
    logger.warn('order.fees_unread', {
      clientOrderId: state.clientOrderId,
      orderId: state.orderId,
      error: error instanceof Error ? error.message : String(error),
    });
    return null;
  }
}

/** The intent update for an order as the exchange reports it, fees included when it traded. */
export async function updateFromState(
  intent: Pick<OrderIntent, 'runId' | 'clientOrderId'>,
  state: OrderState,
  exchange: Exchange,
  logger: Logger,
): Promise<UpdateIntentInput> {
  const fees = await feesOf(exchange, state, logger);
  return {
    runId: intent.runId,
    clientOrderId: intent.clientOrderId,
    status: intentStatusOf(state),
    orderId: state.orderId,
    exchangeStatus: state.status,
    executedQuantity: state.executedQuantity,
    executedQuote: state.executedQuote,
    ...(fees ? { fees } : { feesUnread: true }),
  };
}
