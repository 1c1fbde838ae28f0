import { AppError } from '../errors/app-error';
import type { Exchange } from '../ports/exchange';
import { type Ledger, LedgerUnavailableError } from '../ports/ledger';

/**
 * A run always ends inside the function timeout (issue #18: a Firestore call that hung 130 s made
 * a request take 137 s, past the 120 s timeout, and the platform killed it mid-run). Every ledger
 * and exchange call of a run gets a deadline from the time left; the last stretch is kept for the
 * commit that records the run's end, and an order leaves only while there is time to send it AND
 * record it (the point of no return). A call past its deadline is not waited for: the run stops
 * there, answers 503, and the next attempt (a Scheduler retry once the lease ended, or the next
 * trigger) reconciles what this one left.
 */

export interface RunLimits {
  /** kept for the commit that records the run's end (its fallback transactions included) */
  finishReserveMs: number;
  /** the longest an order call may take: the exchange client's request timeout (MEXC client: 10 s) */
  orderCallMs: number;
  /** the most any one ledger call may take, however much time is left */
  ledgerCallMs: number;
  /** the most any one exchange port call (its retries included) may take */
  exchangeCallMs: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = {
  finishReserveMs: 10_000,
  orderCallMs: 10_000,
  ledgerCallMs: 20_000,
  exchangeCallMs: 30_000,
};

/**
 * The limits for a function with this timeout: the defaults, each capped at a share of the budget
 * so that a short timeout (the fault campaign runs with seconds, to keep its lease waits short)
 * still leaves half of its budget for the reads and the send: the order call and the final commit a
 * quarter each, any other call half. From about 40 s up they are the defaults.
 */
export function limitsFor(functionTimeoutS: number): RunLimits {
  const quarter = Math.floor((functionTimeoutS * 1000 - ANSWER_RESERVE_MS) / 4);
  return {
    finishReserveMs: Math.min(DEFAULT_RUN_LIMITS.finishReserveMs, quarter),
    orderCallMs: Math.min(DEFAULT_RUN_LIMITS.orderCallMs, quarter),
    // a cold instance's first call (channel, TLS, the protos) takes the longest: these get half
    ledgerCallMs: Math.min(DEFAULT_RUN_LIMITS.ledgerCallMs, 2 * quarter),
    exchangeCallMs: Math.min(DEFAULT_RUN_LIMITS.exchangeCallMs, 2 * quarter),
  };
}

/** Time kept after the run returns, to write the HTTP answer and the last log lines before the platform's timeout. */
export const ANSWER_RESERVE_MS = 2_000;

/** The time one request has, measured from its start on a monotonic clock (never a wall clock). */
export interface RunBudget {
  readonly limits: RunLimits;
  /** ms left before the run must have returned; ≤ 0 once spent */
  remainingMs(): number;
}

export function startBudget(
  totalMs: number,
  options: { limits?: RunLimits; elapsedMs?: () => number } = {},
): RunBudget {
  const elapsed = options.elapsedMs ?? (() => performance.now());
  const endsAt = elapsed() + totalMs;
  return { limits: options.limits ?? DEFAULT_RUN_LIMITS, remainingMs: () => endsAt - elapsed() };
}

/** The budget of one request to a function with this timeout. */
export function functionBudget(functionTimeoutS: number, limits = limitsFor(functionTimeoutS)): RunBudget {
  return startBudget(functionTimeoutS * 1000 - ANSWER_RESERVE_MS, { limits });
}

/** ms an order may still take to leave, with the end of the run still recordable after it */
export function sendTimeLeftMs(budget: RunBudget): number {
  return budget.remainingMs() - budget.limits.finishReserveMs - budget.limits.orderCallMs;
}

/** A step of the run did not finish inside the function's time. */
export class RunDeadlineError extends AppError {
  constructor(step: string, waitedMs: number | null) {
    super({
      code: 'run.deadline',
      what:
        waitedMs === null
          ? `${step}: this run had no time left for it inside the function timeout`
          : `${step} did not answer within ${Math.max(0, Math.round(waitedMs))} ms, the time this run had left inside the function timeout`,
      notDone:
        'the run stopped at that step; no order was sent after it; orders sent before it are on their intents, which the next attempt reconciles',
      todo: 'nothing: a Scheduler retry (once the lease has ended) or the next trigger goes on from the ledger; if it repeats, check the exchange and Firestore latency',
      retryable: true,
      metadata: { step },
    });
  }
}

/** `work` settled, or `onTimeout()` thrown after `ms`: the call is no longer waited for (it may still land). */
export async function within<T>(work: () => Promise<T>, ms: number, onTimeout: (ms: number) => Error): Promise<T> {
  if (ms <= 0) throw onTimeout(ms);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout(ms)), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Every exchange call within min(its cap, the time left before the finish reserve). A call that
 * runs out is RunDeadlineError; an order then is an unknown outcome that the run queries, never
 * resends (execute-orders.ts), and the point of no return keeps an order from starting that late.
 */
export function deadlineExchange(inner: Exchange, budget: RunBudget): Exchange {
  const bounded = <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) => {
    return (...args: A): Promise<R> => {
      const ms = Math.min(budget.limits.exchangeCallMs, budget.remainingMs() - budget.limits.finishReserveMs);
      return within(
        () => fn(...args),
        ms,
        (waited) => new RunDeadlineError(`the exchange call ${name}`, waited),
      );
    };
  };
  return {
    ...(inner.recvWindowMs !== undefined ? { recvWindowMs: inner.recvWindowMs } : {}),
    serverTime: bounded('serverTime', () => inner.serverTime()),
    symbolRules: bounded('symbolRules', (symbols) => inner.symbolRules(symbols)),
    apiTradableSymbols: bounded('apiTradableSymbols', () => inner.apiTradableSymbols()),
    balances: bounded('balances', () => inner.balances()),
    account: bounded('account', () => inner.account()),
    bookTop: bounded('bookTop', (symbol) => inner.bookTop(symbol)),
    depth: bounded('depth', (symbol, limit) => inner.depth(symbol, limit)),
    placeOrder: bounded('placeOrder', (order) => inner.placeOrder(order)),
    cancelOrder: bounded('cancelOrder', (ref) => inner.cancelOrder(ref)),
    queryOrder: bounded('queryOrder', (ref) => inner.queryOrder(ref)),
    openOrders: bounded('openOrders', (symbol) => inner.openOrders(symbol)),
    myTrades: bounded('myTrades', (symbol, options) => inner.myTrades(symbol, options)),
  };
}

/**
 * Every ledger call within min(its cap, the time left); all but the run's end also leave the
 * finish reserve. A call that runs out is LedgerUnavailableError (retryable: 503): its write may or
 * may not land, so a claim that timed out is never traded on, and an end that timed out leaves the
 * run `running` until its lease ends and a retry takes it over.
 */
export function deadlineLedger(inner: Ledger, budget: RunBudget): Ledger {
  const bounded = <A extends unknown[], R>(operation: string, fn: (...args: A) => Promise<R>, final = false) => {
    return (...args: A): Promise<R> => {
      const left = budget.remainingMs() - (final ? 0 : budget.limits.finishReserveMs);
      return within(
        () => fn(...args),
        Math.min(budget.limits.ledgerCallMs, left),
        (waited) =>
          new LedgerUnavailableError(
            operation,
            new Error(
              `no answer within ${Math.max(0, Math.round(waited))} ms, the time this run had left inside the function timeout`,
            ),
          ),
      );
    };
  };
  return {
    now: () => inner.now(),
    openRun: bounded('read the run and its account', (input) => inner.openRun(input)),
    startRun: bounded('claim the run', (input) => inner.startRun(input)),
    takeOverRun: bounded('take over the run', (input) => inner.takeOverRun(input)),
    extendLease: bounded('extend the lease', (input) => inner.extendLease(input)),
    readRun: bounded('read the run', (runId) => inner.readRun(runId)),
    finishRun: bounded('finish the run', (input) => inner.finishRun(input), true),
    readAccount: bounded('read the account', (accountId) => inner.readAccount(accountId)),
    acquireLock: bounded('take the account lock', (input) => inner.acquireLock(input)),
    releaseLock: bounded('release the account lock', (input) => inner.releaseLock(input), true),
    writeIntents: bounded('write the order intents', (input) => inner.writeIntents(input)),
    updateIntent: bounded('update the order intent', (input) => inner.updateIntent(input)),
    submitIntent: bounded('mark the order intent submitted', (input) => inner.submitIntent(input)),
    listIntents: bounded('list the order intents', (runId) => inner.listIntents(runId)),
    listUnsettledIntents: bounded('read the open order intents', (accountId) => inner.listUnsettledIntents(accountId)),
    recordSnapshot: bounded('record the snapshot', (input) => inner.recordSnapshot(input)),
  };
}
