import type { OrderState } from '../domain/market';
import type { AppError } from '../errors/app-error';
import type { Logger } from '../observability/logger';
import type { Clock } from '../ports/clock';
import type { Exchange, NewOrder } from '../ports/exchange';
import type { IntentStatus, Ledger, OrderIntent } from '../ports/ledger';
import { isOrderRefusal, updateFromState } from './order-outcome';
import { errorRecord, LeaseLostError, SendDeadlineError, toAppError, UnsettledOrdersError } from './run-errors';
import { SEND_WINDOW_MS } from './send-window';

/**
 * The statuses this attempt's answer may still overwrite after sending: once a newer run settled the
 * intent (filled, absent, …) this attempt's possibly stale answer changes nothing (the ledger also
 * never lowers fills or moves a status backwards).
 */
const AFTER_SEND: readonly IntentStatus[] = ['submitted', 'unknown', 'open'];

export interface ExecuteContext {
  ledger: Ledger;
  exchange: Exchange;
  logger: Logger;
  clock: Clock;
  /** this attempt: only while it holds the run lease and the portfolio lock may an intent be submitted */
  owner: string;
  profileId: string;
  /** in-process deadline: no order is signed after it */
  deadline: Date;
  /** the exchange's recvWindow, frozen on each intent at submit (send-window.ts) */
  recvWindowMs?: number;
}

export interface ExecuteResult {
  /** the run's intents as they ended */
  intents: OrderIntent[];
  /** orders the exchange accepted */
  ordersPlaced: number;
  /** why execution stopped early (a rejection, or an outcome that stayed unknown); null when all went */
  failure: AppError | null;
}

/**
 * DESIGN §4.10. Sells go first so a buy can spend what they freed. Each intent is marked
 * `submitted` before its order leaves, so a crash between the two leaves a trace the next run
 * queries. That mark is conditional (the intent still `pending`, this attempt still holding a live
 * run lease and portfolio lock) and carries a `sendBy` a few seconds ahead, checked again right
 * before the request is signed: a process that stalls past it never sends the order late. An
 * unanswered send whose order the exchange does not show yet stays `unknown` and fails the run
 * (retryable): "not found" right after a send is not final. An ambiguous answer (timeout, 5xx, dropped connection) marks it `unknown` and the order
 * is queried by client order id at once — never sent again. A refusal or an outcome that stays
 * unknown stops the rest: their intents end `absent` with the reason, since they were never sent.
 */
export async function executeOrders(
  runId: string,
  intents: readonly OrderIntent[],
  orders: ReadonlyMap<string, NewOrder>,
  ctx: ExecuteContext,
): Promise<ExecuteResult> {
  const { ledger, exchange, logger, clock } = ctx;
  const queue = [...intents].sort((a, b) => (a.side === b.side ? a.leg - b.leg : a.side === 'SELL' ? -1 : 1));
  const done: OrderIntent[] = [];
  let ordersPlaced = 0;
  let failure: AppError | null = null;

  for (const intent of queue) {
    const order = orders.get(intent.clientOrderId);
    if (!failure && order && clock.now() > ctx.deadline) failure = new SendDeadlineError(runId, ctx.deadline);
    if (failure || !order) {
      done.push(await notSent(ledger, runId, intent, failure));
      continue;
    }
    const sendBy = new Date(Math.min(clock.now().getTime() + SEND_WINDOW_MS, ctx.deadline.getTime()));
    const submit = await ledger.submitIntent({
      runId,
      clientOrderId: intent.clientOrderId,
      profileId: ctx.profileId,
      owner: ctx.owner,
      sendBy,
      ...(ctx.recvWindowMs !== undefined ? { recvWindowMs: ctx.recvWindowMs } : {}),
    });
    if (submit.outcome === 'refused') {
      // Another attempt owns the portfolio now (this one stalled past its lease): it settles the intents.
      logger.warn('order.not_submitted', { clientOrderId: intent.clientOrderId, reason: submit.reason });
      failure = new LeaseLostError(
        runId,
        `the order intent ${intent.clientOrderId} could not be submitted (${submit.reason})`,
      );
      done.push(submit.intent);
      continue;
    }
    const submitted = submit.intent;
    if (clock.now() > sendBy) {
      // stalled between the ledger and the request: the order is not sent late
      failure = new SendDeadlineError(runId, sendBy);
      done.push(await notSent(ledger, runId, submitted, failure, 'submitted'));
      continue;
    }
    let state: OrderState | null = null;
    try {
      state = await exchange.placeOrder({ ...order, sendBy });
    } catch (error) {
      // Only the exchange call is judged here: a definite refusal ends the intent `rejected`;
      // anything else may hide an accepted order, so it turns `unknown` and is queried.
      const appError = toAppError('placing an order', error);
      if (isOrderRefusal(error)) {
        logger.warn('order.rejected', {
          clientOrderId: intent.clientOrderId,
          code: appError.code,
          error: appError.what,
        });
        done.push(
          await ledger.updateIntent({
            runId,
            clientOrderId: intent.clientOrderId,
            status: 'rejected',
            error: errorRecord(appError),
            // the reconciler of a newer run may already have declared it absent
            onlyFrom: ['submitted'],
          }),
        );
        failure = appError;
        continue;
      }
      await ledger.updateIntent({
        runId,
        clientOrderId: intent.clientOrderId,
        status: 'unknown',
        error: { code: appError.code, message: appError.message },
        // a newer run's reconciler may already have recorded the exchange's answer
        onlyFrom: ['submitted'],
      });
      logger.warn('order.unknown', { clientOrderId: intent.clientOrderId, symbol: intent.symbol, code: appError.code });
    }
    if (state) {
      ordersPlaced += 1;
      try {
        const updated = await ledger.updateIntent({
          ...(await updateFromState(intent, state, exchange, logger)),
          onlyFrom: AFTER_SEND,
        });
        logger.info('order.placed', {
          clientOrderId: intent.clientOrderId,
          orderId: updated.orderId,
          symbol: intent.symbol,
          side: intent.side,
          type: intent.type,
          quantity: intent.quantity,
          price: intent.price,
          status: updated.status,
          executedQuantity: updated.executedQuantity,
          executedQuote: updated.executedQuote,
        });
        done.push(updated);
      } catch (error) {
        // The exchange took the order; only recording its answer failed. The intent stays
        // `submitted` (written before the send), so the next run queries it by client order id.
        // It is never `rejected`: a live order must not be forgotten and planned again.
        logger.warn('order.unrecorded', {
          clientOrderId: intent.clientOrderId,
          orderId: state.orderId,
          error: error instanceof Error ? error.message : String(error),
        });
        failure = new UnsettledOrdersError([intent.clientOrderId], error);
        done.push({ ...submitted, orderId: state.orderId, exchangeStatus: state.status });
      }
      continue;
    }
    // The outcome is unknown: ask the exchange before anything else happens.
    try {
      const state = await exchange.queryOrder({ symbol: intent.symbol, clientOrderId: intent.clientOrderId });
      if (!state) {
        // "Not found" a moment after an unanswered send may only mean "not visible yet" (or still on
        // its way): the intent stays `unknown` and the run fails retryable; a later run declares it
        // absent only once sendBy + recvWindow + margin has passed (send-window.ts).
        logger.warn('intent.not_visible_yet', { clientOrderId: intent.clientOrderId, runId, status: 'unknown' });
        failure = new UnsettledOrdersError(
          [intent.clientOrderId],
          undefined,
          'the send got no answer and the exchange does not show the order yet',
        );
        const current = (await ledger.listIntents(runId)).find((i) => i.clientOrderId === intent.clientOrderId);
        if (current) done.push(current);
        continue;
      }
      ordersPlaced += 1;
      const updated = await ledger.updateIntent({
        ...(await updateFromState(intent, state, exchange, logger)),
        onlyFrom: AFTER_SEND,
      });
      logger.info('intent.reconciled', {
        clientOrderId: intent.clientOrderId,
        runId,
        from: 'unknown',
        to: updated.status,
        orderId: updated.orderId,
        executedQuantity: updated.executedQuantity,
      });
      done.push(updated);
    } catch (error) {
      logger.warn('intent.unreconciled', {
        clientOrderId: intent.clientOrderId,
        runId,
        status: 'unknown',
        error: error instanceof Error ? error.message : String(error),
      });
      failure = new UnsettledOrdersError([intent.clientOrderId], error);
      const current = (await ledger.listIntents(runId)).find((i) => i.clientOrderId === intent.clientOrderId);
      if (current) done.push(current);
    }
  }
  return { intents: done.sort((a, b) => a.leg - b.leg), ordersPlaced, failure };
}

/** An intent this attempt did not send ends `absent`, unless another writer moved it on meanwhile. */
function notSent(
  ledger: Ledger,
  runId: string,
  intent: OrderIntent,
  failure: AppError | null,
  from: 'pending' | 'submitted' = 'pending',
): Promise<OrderIntent> {
  return ledger.updateIntent({
    runId,
    clientOrderId: intent.clientOrderId,
    status: 'absent',
    onlyFrom: [from],
    error: {
      code: 'order.not_sent',
      message: failure
        ? `not sent: ${failure.code === 'run.send_deadline' ? 'the send deadline passed' : `an earlier order of this run failed (${failure.code})`}`
        : 'not sent: no order',
    },
  });
}
