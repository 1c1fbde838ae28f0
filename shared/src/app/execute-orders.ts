import type { OrderState } from '../domain/market';
import type { AppError } from '../errors/app-error';
import type { Logger } from '../observability/logger';
import type { Clock } from '../ports/clock';
import type { Exchange, NewOrder } from '../ports/exchange';
import type {
  FinishIntent,
  IntentOutcome,
  IntentStatus,
  OrderIntent,
  SubmitIntentInput,
  SubmitIntentResult,
} from '../ports/ledger';
import { isOrderRefusal, updateFromState } from './order-outcome';
import { errorRecord, LeaseLostError, SendDeadlineError, toAppError, UnsettledOrdersError } from './run-errors';
import { SEND_WINDOW_MS } from './send-window';

/**
 * The statuses this attempt's answer may still overwrite after sending: once a newer run settled the
 * intent (filled, absent, …) this attempt's possibly stale answer changes nothing (the ledger also
 * never lowers fills or moves a status backwards).
 */
const AFTER_SEND: readonly IntentStatus[] = ['submitted', 'unknown', 'open'];

/** One order of the plan on its way out: the intent written for it and the order it stands for. */
export interface Leg {
  intent: OrderIntent;
  order: NewOrder;
}

/** What became of one leg: the intent as this run now knows it, and what to record (null: nothing learned). */
export interface LegResult {
  intent: OrderIntent;
  outcome: FinishIntent | null;
}

export interface ExecuteContext {
  exchange: Exchange;
  logger: Logger;
  clock: Clock;
  /**
   * the clock the exchange adapter judges NewOrder.sendBy by (the instance's): a sendBy of the
   * ledger's clock is handed over as the same distance ahead on this one
   */
  adapterClock: Clock;
  /** in-process deadline: no order is signed after it */
  deadline: Date;
  /**
   * marks a `pending` intent `submitted` (the slower paths write intents ahead as pending); the common
   * path's intents are already submitted by the claim commit, and this is not called for them
   */
  submit?: (input: Omit<SubmitIntentInput, 'runId' | 'accountId' | 'owner'>) => Promise<SubmitIntentResult>;
  /** the exchange's recvWindow, frozen on each intent at submit (send-window.ts) */
  recvWindowMs?: number;
}

export interface ExecuteResult {
  legs: LegResult[];
  /** orders the exchange accepted */
  ordersPlaced: number;
  /** why execution stopped early (a rejection, or an outcome that stayed unknown); null when all went */
  failure: AppError | null;
}

/**
 * DESIGN §4.10. Sells go first so a buy can spend what they freed. An order leaves only while its
 * intent is `submitted` and before its `sendBy` (checked again right before the request is signed),
 * so a process that stalls never sends late. Nothing is written between the orders: what each answer
 * says is recorded with the run's finish, and a crash before it leaves the intent `submitted`, which
 * the next run queries by client order id. An ambiguous answer (timeout, 5xx, dropped connection) is
 * queried at once — never sent again; an order the exchange does not show yet stays `unknown` and
 * fails the run (retryable). A refusal, or an outcome that stays unknown, stops the rest: those
 * intents end `absent` ("not sent"), since they were never sent.
 */
export async function executeOrders(runId: string, legs: readonly Leg[], ctx: ExecuteContext): Promise<ExecuteResult> {
  const { exchange, logger, clock } = ctx;
  const queue = inSendOrder(legs, (l) => l.intent);
  const results: LegResult[] = [];
  let ordersPlaced = 0;
  let failure: AppError | null = null;
  const done = (intent: OrderIntent, outcome: FinishIntent | null) => {
    results.push({ intent: outcome ? intentAfter(intent, outcome) : intent, outcome });
  };

  for (const { intent: written, order } of queue) {
    if (!failure && clock.now() > ctx.deadline) failure = new SendDeadlineError(runId, ctx.deadline);
    if (failure) {
      done(written, notSent(written, failure));
      continue;
    }
    let intent = written;
    if (intent.status === 'pending' && ctx.submit) {
      const submit = await ctx.submit({
        clientOrderId: intent.clientOrderId,
        sendBy: new Date(Math.min(clock.now().getTime() + SEND_WINDOW_MS, ctx.deadline.getTime())),
        ...(ctx.recvWindowMs !== undefined ? { recvWindowMs: ctx.recvWindowMs } : {}),
      });
      if (submit.outcome === 'refused') {
        // Another attempt owns the account now (this one stalled past its lease): it settles the intents.
        logger.warn('order.not_submitted', { clientOrderId: intent.clientOrderId, reason: submit.reason });
        failure = new LeaseLostError(
          runId,
          `the order intent ${intent.clientOrderId} could not be submitted (${submit.reason})`,
        );
        done(submit.intent, null);
        continue;
      }
      intent = submit.intent;
    }
    const sendBy = intent.sendBy;
    if (intent.status !== 'submitted' || !sendBy || clock.now() > sendBy) {
      // stalled between the ledger and the request: the order is not sent late
      failure = new SendDeadlineError(runId, sendBy ?? ctx.deadline);
      done(intent, notSent(intent, failure));
      continue;
    }
    let state: OrderState | null = null;
    try {
      state = await exchange.placeOrder({ ...order, sendBy: onClock(ctx.adapterClock, sendBy, clock) });
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
        // the reconciler of a newer run may already have declared it absent
        done(intent, {
          clientOrderId: intent.clientOrderId,
          status: 'rejected',
          error: errorRecord(appError),
          onlyFrom: ['submitted'],
        });
        failure = appError;
        continue;
      }
      logger.warn('order.unknown', { clientOrderId: intent.clientOrderId, symbol: intent.symbol, code: appError.code });
      const settled = await settleUnknown(runId, intent, ctx, appError);
      if (settled.placed) ordersPlaced += 1;
      failure = settled.failure;
      done(intent, settled.outcome);
      continue;
    }
    ordersPlaced += 1;
    const outcome = await answerOf(intent, state, ctx);
    logger.info('order.placed', {
      clientOrderId: intent.clientOrderId,
      orderId: state.orderId,
      symbol: intent.symbol,
      side: intent.side,
      type: intent.type,
      quantity: intent.quantity,
      price: intent.price,
      status: outcome.status,
      executedQuantity: state.executedQuantity.toFixed(),
      executedQuote: state.executedQuote.toFixed(),
    });
    done(intent, outcome);
  }
  return { legs: results.sort((a, b) => a.intent.leg - b.intent.leg), ordersPlaced, failure };
}

/** Sells go first, so a buy can spend what they freed; then by leg. */
export function inSendOrder<T>(items: readonly T[], of: (item: T) => { side: string; leg: number }): T[] {
  return [...items].sort((x, y) => {
    const a = of(x);
    const b = of(y);
    return a.side === b.side ? a.leg - b.leg : a.side === 'SELL' ? -1 : 1;
  });
}

/** The send got no answer: ask the exchange before anything else happens. */
async function settleUnknown(
  runId: string,
  intent: OrderIntent,
  ctx: ExecuteContext,
  cause: AppError,
): Promise<{ outcome: FinishIntent; placed: boolean; failure: AppError | null }> {
  const unknown: FinishIntent = {
    clientOrderId: intent.clientOrderId,
    status: 'unknown',
    error: { code: cause.code, message: cause.message },
    onlyFrom: ['submitted'],
  };
  try {
    const state = await ctx.exchange.queryOrder({ symbol: intent.symbol, clientOrderId: intent.clientOrderId });
    if (!state) {
      // "Not found" a moment after an unanswered send may only mean "not visible yet" (or still on
      // its way): the intent stays `unknown` and the run fails retryable; a later run declares it
      // absent only once sendBy + recvWindow + margin has passed (send-window.ts).
      ctx.logger.warn('intent.not_visible_yet', { clientOrderId: intent.clientOrderId, runId, status: 'unknown' });
      return {
        outcome: unknown,
        placed: false,
        failure: new UnsettledOrdersError(
          [intent.clientOrderId],
          undefined,
          'the send got no answer and the exchange does not show the order yet',
        ),
      };
    }
    const outcome = await answerOf(intent, state, ctx);
    ctx.logger.info('intent.reconciled', {
      clientOrderId: intent.clientOrderId,
      runId,
      from: 'unknown',
      to: outcome.status,
      orderId: state.orderId,
      executedQuantity: state.executedQuantity.toFixed(),
    });
    return { outcome, placed: true, failure: null };
  } catch (error) {
    ctx.logger.warn('intent.unreconciled', {
      clientOrderId: intent.clientOrderId,
      runId,
      status: 'unknown',
      error: error instanceof Error ? error.message : String(error),
    });
    return { outcome: unknown, placed: false, failure: new UnsettledOrdersError([intent.clientOrderId], error) };
  }
}

async function answerOf(intent: OrderIntent, state: OrderState, ctx: ExecuteContext): Promise<FinishIntent> {
  const { runId: _runId, ...update } = await updateFromState(intent, state, ctx.exchange, ctx.logger);
  return { ...update, onlyFrom: AFTER_SEND };
}

/** An intent this attempt did not send ends `absent`, unless another writer moved it on meanwhile. */
function notSent(intent: OrderIntent, failure: AppError): FinishIntent {
  return {
    clientOrderId: intent.clientOrderId,
    status: 'absent',
    onlyFrom: [intent.status],
    error: {
      code: 'order.not_sent',
      message: `not sent: ${failure.code === 'run.send_deadline' ? 'the send deadline passed' : `an earlier order of this run failed (${failure.code})`}`,
    },
  };
}

/** The intent as this run's answer leaves it (what the report shows; the ledger records the same). */
export function intentAfter(intent: OrderIntent, outcome: IntentOutcome): OrderIntent {
  const text = (x: { toFixed(): string } | string | undefined, fallback: string) =>
    x === undefined ? fallback : typeof x === 'string' ? x : x.toFixed();
  return {
    ...intent,
    status: outcome.status,
    orderId: outcome.orderId ?? intent.orderId,
    exchangeStatus: outcome.exchangeStatus ?? intent.exchangeStatus,
    executedQuantity: text(outcome.executedQuantity, intent.executedQuantity),
    executedQuote: text(outcome.executedQuote, intent.executedQuote),
    fees: outcome.fees
      ? Object.fromEntries(Object.entries(outcome.fees).map(([asset, fee]) => [asset, text(fee, '0')]))
      : intent.fees,
  };
}

/** `instant` of clock `from`, as the instant the same time ahead on clock `to` (neither's offset matters) */
function onClock(to: Clock, instant: Date, from: Clock): Date {
  return new Date(to.now().getTime() + (instant.getTime() - from.now().getTime()));
}
