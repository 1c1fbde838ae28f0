import { AppError } from '../../errors';

/**
 * Typed exchange errors. Each class carries the decision the caller needs (retry or not, stop or
 * not) and says what happened, what was not done and what to do. Messages hold the endpoint
 * ("POST /api/v3/order"), MEXC's code and text: never a query string, key, secret or signature.
 */
export type Metadata = Record<string, string | number | boolean | null>;

export interface ExchangeErrorInput {
  /** "METHOD /path", never with its query */
  endpoint: string;
  /** MEXC's numeric error code when the body had one */
  mexcCode?: number | null;
  /** MEXC's message, already scrubbed of secrets */
  mexcMessage?: string | null;
  httpStatus?: number | null;
  cause?: unknown;
  metadata?: Metadata;
}

function describe(input: ExchangeErrorInput): string {
  const parts: string[] = [];
  if (input.httpStatus) parts.push(`HTTP ${input.httpStatus}`);
  if (input.mexcCode !== undefined && input.mexcCode !== null) parts.push(`code ${input.mexcCode}`);
  if (input.mexcMessage) parts.push(`"${input.mexcMessage}"`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function meta(input: ExchangeErrorInput, extra: Metadata = {}): Metadata {
  return {
    endpoint: input.endpoint,
    mexcCode: input.mexcCode ?? null,
    httpStatus: input.httpStatus ?? null,
    ...input.metadata,
    ...extra,
  };
}

/** Base of every MEXC adapter error, so callers can tell exchange trouble from their own. */
export abstract class ExchangeError extends AppError {
  readonly endpoint: string;
  readonly mexcCode: number | null;
  readonly httpStatus: number | null;

  protected constructor(
    code: string,
    input: ExchangeErrorInput,
    text: { what: string; notDone: string; todo: string },
    retryable: boolean,
    extra: Metadata = {},
  ) {
    super({
      code,
      what: `${text.what}${describe(input)}`,
      notDone: text.notDone,
      todo: text.todo,
      retryable,
      cause: input.cause,
      metadata: meta(input, extra),
    });
    this.endpoint = input.endpoint;
    this.mexcCode = input.mexcCode ?? null;
    this.httpStatus = input.httpStatus ?? null;
  }
}

/** Key, secret, signature, IP whitelist or key permissions are wrong: a person must fix the key. */
export class ExchangeAuthError extends ExchangeError {
  constructor(input: ExchangeErrorInput) {
    super(
      'exchange.auth',
      input,
      {
        what: `MEXC refused the API key or its signature on ${input.endpoint}`,
        notDone: 'the request was not executed; no order was placed or changed by it',
        todo: 'check MEXC_API_KEY / MEXC_API_SECRET, the key permissions (SPOT_ACCOUNT_READ, SPOT_DEAL_READ, SPOT_DEAL_WRITE), its IP whitelist and expiry',
      },
      false,
    );
  }
}

/** HTTP 429: too many requests. Waiting `retryAfterMs` avoids an IP ban. */
export class RateLimitError extends ExchangeError {
  readonly retryAfterMs: number | null;

  constructor(input: ExchangeErrorInput & { retryAfterMs: number | null }) {
    super(
      'exchange.rate_limited',
      input,
      {
        what: `MEXC rate-limited ${input.endpoint}${input.retryAfterMs === null ? '' : `; it asks to wait ${input.retryAfterMs} ms`}`,
        notDone: 'the request was not executed by the exchange',
        todo: 'wait before the next run (Retry-After when given); fewer calls per run if it repeats',
      },
      true,
      { retryAfterMs: input.retryAfterMs },
    );
    this.retryAfterMs = input.retryAfterMs;
  }
}

/**
 * HTTP 403 without a body code: MEXC's web application firewall. "HTTP 403 return code is used
 * when the WAF Limit (Web Application Firewall) has been violated" (MEXC docs, general info). A
 * rate limit of another kind, not a key problem: back off and call less.
 */
export class WafLimitError extends ExchangeError {
  readonly retryAfterMs: number | null;

  constructor(input: ExchangeErrorInput & { retryAfterMs: number | null }) {
    super(
      'exchange.waf_limited',
      input,
      {
        what: `MEXC's web application firewall (WAF) refused ${input.endpoint}: its WAF limit was exceeded`,
        notDone: 'the request was not executed by the exchange',
        todo: 'this is a request-rate limit at MEXC, not the API key: wait before the next run, make fewer calls per run and do not run several instances from one IP; ask MEXC support if it persists',
      },
      true,
      { retryAfterMs: input.retryAfterMs },
    );
    this.retryAfterMs = input.retryAfterMs;
  }
}

/** HTTP 418: the IP is banned for ignoring 429s. Every further call extends the ban, so this client stops. */
export class IpBannedError extends ExchangeError {
  readonly retryAfterMs: number | null;
  readonly bannedUntil: number;

  constructor(input: ExchangeErrorInput & { retryAfterMs: number | null; bannedUntil: number }) {
    super(
      'exchange.ip_banned',
      input,
      {
        what: `MEXC banned this IP (HTTP 418) on ${input.endpoint} until ${new Date(input.bannedUntil).toISOString()}`,
        notDone: 'the request was not executed; this client sends nothing more to MEXC until the ban ends',
        todo: 'do not retry; find what called MEXC too often, and resume after the ban ends',
      },
      false,
      { retryAfterMs: input.retryAfterMs, bannedUntil: input.bannedUntil },
    );
    this.retryAfterMs = input.retryAfterMs;
    this.bannedUntil = input.bannedUntil;
  }
}

/** Not enough free balance for the order (30004 / 10101). */
export class InsufficientBalanceError extends ExchangeError {
  constructor(input: ExchangeErrorInput) {
    super(
      'exchange.insufficient_balance',
      input,
      {
        what: `MEXC rejected the order for insufficient balance on ${input.endpoint}`,
        notDone: 'the order was not placed',
        todo: 're-read balances next run (another order or a withdrawal may hold funds); the plan is recomputed from fresh balances',
      },
      false,
    );
  }
}

/**
 * 30005 "Oversold" (MEXC docs error table). Ambiguous by its sources: ccxt maps the code to
 * InvalidOrder but matches the text "Oversold" to InsufficientFunds first; it is seen on sells into
 * a thin book as well as on sells above the free balance. The order was refused either way
 * (docs/mexc-real-behaviour.md, "30005 Oversold").
 */
export class OversoldError extends ExchangeError {
  constructor(input: ExchangeErrorInput) {
    super(
      'exchange.oversold',
      input,
      {
        what: `MEXC refused the sell as oversold on ${input.endpoint}`,
        notDone: 'the order was not placed',
        todo: 'MEXC does not say which limit it hit: either the free balance is below the sell (another order or a withdrawal holds it) or the bid side cannot take it (a thin book); the next run re-reads balances and the book, and a smaller or limit-priced sell may pass',
      },
      false,
    );
  }
}

/** The order breaks a rule: min/max notional, precision, price range, order type, side. */
export class InvalidOrderError extends ExchangeError {
  constructor(input: ExchangeErrorInput) {
    super(
      'exchange.invalid_order',
      input,
      {
        what: `MEXC rejected the order as invalid on ${input.endpoint}`,
        notDone: 'the order was not placed',
        todo: 'compare the order with the symbol rules (tick, step, min notional, order types); the rules cache refreshes on the next instance',
      },
      false,
    );
  }
}

/** The symbol is unknown, or not open to API trading for this key (10007 and friends). */
export class BadSymbolError extends ExchangeError {
  constructor(input: ExchangeErrorInput & { symbol?: string }) {
    super(
      'exchange.bad_symbol',
      input,
      {
        what: `MEXC does not accept symbol ${input.symbol ?? '(see metadata)'} over the API on ${input.endpoint}`,
        notDone: 'nothing was traded on this symbol',
        todo: 'check the symbol is in this key\'s /api/v3/selfSymbols (MEXC API management: the pairs a key may trade) and in /api/v3/defaultSymbols; MEXC also answers 10007 during "API maintenance" of a pair',
      },
      false,
      { symbol: input.symbol ?? null },
    );
  }
}

/** Trading is paused for the symbol, side or account (30000, 30016, 30018, 30027, 30028, 26). */
export class TradingSuspendedError extends ExchangeError {
  constructor(input: ExchangeErrorInput) {
    super(
      'exchange.trading_suspended',
      input,
      {
        what: `MEXC has suspended trading for this request on ${input.endpoint}`,
        notDone: 'the order was not placed',
        todo: 'wait for MEXC to reopen trading (see its announcements); later runs try again',
      },
      true,
    );
  }
}

/** 700003 persisted after re-reading the server time once. */
export class ClockSkewError extends ExchangeError {
  constructor(input: ExchangeErrorInput & { offsetMs: number }) {
    super(
      'exchange.clock_skew',
      input,
      {
        what: `MEXC said the request timestamp is outside recvWindow on ${input.endpoint}, even after re-syncing the server time (offset ${input.offsetMs} ms)`,
        notDone: 'the request was not executed',
        todo: 'check the machine clock and network latency; raise MEXC_RECV_WINDOW_MS (at most 60000) if latency is high',
      },
      true,
      { offsetMs: input.offsetMs },
    );
  }
}

/** 5xx, a timeout or a dropped connection on a request that changes nothing: safe to try again. */
export class ExchangeUnavailableError extends ExchangeError {
  constructor(input: ExchangeErrorInput & { attempts: number }) {
    super(
      'exchange.unavailable',
      input,
      {
        what: `MEXC did not answer ${input.endpoint} usably after ${input.attempts} attempt(s)`,
        notDone:
          'no usable answer arrived; it was a read or a cancel, both safe to repeat, and no order was placed by it',
        todo: 'retry on a later run (open orders are reconciled first); check MEXC status if it persists',
      },
      true,
      { attempts: input.attempts },
    );
  }
}

/**
 * A request that creates an order got no answer that proves it was refused (timeout, 5xx,
 * connection drop, an error code outside ORDER_NOT_PLACED_CODES, a 4xx without a code): MEXC may
 * or may not have accepted it. Never resend it; query by client order id first.
 */
export class UnknownOutcomeError extends ExchangeError {
  readonly clientOrderId: string;

  constructor(input: ExchangeErrorInput & { clientOrderId: string; symbol: string }) {
    super(
      'exchange.unknown_outcome',
      input,
      {
        what: `the order ${input.clientOrderId} on ${input.symbol} may or may not have been accepted: ${input.endpoint} got no answer that proves it was refused`,
        notDone: 'the order was not resent',
        todo: `query the order by client order id ${input.clientOrderId} before anything else; never place it again blindly`,
      },
      false,
      { clientOrderId: input.clientOrderId, symbol: input.symbol },
    );
    this.clientOrderId = input.clientOrderId;
  }
}

/**
 * MEXC accepted the order (its answer named an orderId) but reading it back found nothing — MEXC
 * answers -2013 "Order does not exist." "quite often" right after a successful create (ccxt#21614)
 * — or the read-back failed. Its status and fills are unknown and nothing is assumed about them:
 * an IOC may have filled completely. Not a refusal: the caller keeps the intent `unknown` and a
 * later lookup by client order id settles it.
 */
export class OrderUnconfirmedError extends ExchangeError {
  readonly clientOrderId: string;
  readonly orderId: string;

  constructor(input: ExchangeErrorInput & { clientOrderId: string; symbol: string; orderId: string }) {
    super(
      'exchange.order_unconfirmed',
      input,
      {
        what: `MEXC accepted order ${input.clientOrderId} on ${input.symbol} (orderId ${input.orderId}), but ${input.endpoint} did not show it when read back`,
        notDone: 'its status and fills were not assumed; the order was not resent',
        todo: `look it up again by client order id ${input.clientOrderId} (the next run reconciles it); never place it again`,
      },
      false,
      { clientOrderId: input.clientOrderId, symbol: input.symbol, orderId: input.orderId },
    );
    this.clientOrderId = input.clientOrderId;
    this.orderId = input.orderId;
  }
}

/**
 * MEXC accepted a cancel, but the order could not be read back afterwards. The cancel answer is
 * thin (no status, no executedQty: ccxt's live cancelOrder comment), so what the order ended as —
 * cancelled with nothing filled, or partly filled first — is unknown and not assumed.
 */
export class CancelUnconfirmedError extends ExchangeError {
  constructor(input: ExchangeErrorInput & { symbol: string; orderId: string }) {
    super(
      'exchange.cancel_unconfirmed',
      input,
      {
        what: `MEXC accepted the cancel of order ${input.orderId} on ${input.symbol}, but ${input.endpoint} did not show the order when read back`,
        notDone: 'its final status and fills were not assumed',
        todo: `look the order up again (order id ${input.orderId}); the next run reconciles it`,
      },
      true,
      { symbol: input.symbol, orderId: input.orderId },
    );
  }
}

/**
 * The order's send deadline (NewOrder.sendBy) passed before it was signed: the process stalled
 * between the ledger saying "send" and the request. It was not signed or sent, so it can never
 * execute; the run that owns the portfolio now decides what to trade.
 */
export class SendDeadlinePassedError extends ExchangeError {
  constructor(input: ExchangeErrorInput & { clientOrderId: string; sendBy: number; now: number }) {
    super(
      'exchange.send_deadline_passed',
      input,
      {
        what: `order ${input.clientOrderId} was due to be sent by ${new Date(input.sendBy).toISOString()} but the process only got to it at ${new Date(input.now).toISOString()}`,
        notDone: 'the order was not signed or sent',
        todo: 'nothing; the next run plans from fresh prices. If it repeats, look for CPU throttling or long pauses of the function',
      },
      false,
      { clientOrderId: input.clientOrderId, lateMs: input.now - input.sendBy },
    );
  }
}

/**
 * GET /api/v3/myTrades answers at most one page per request (MEXC docs "Account Trade List":
 * limit default 100, max 100 in the current docs) and has no cursor besides the time window, so a
 * window is split until every part comes back shorter than a page. This says it could not be done:
 * the request budget ran out, or more than a page of trades share one millisecond.
 */
export class TradesIncompleteError extends ExchangeError {
  constructor(input: ExchangeErrorInput & { symbol: string; startTime: number; endTime: number; reason: string }) {
    super(
      'exchange.trades_incomplete',
      input,
      {
        what: `MEXC's trades of ${input.symbol} from ${new Date(input.startTime).toISOString()} to ${new Date(input.endTime).toISOString()} could not be read completely: ${input.reason}`,
        notDone: 'no trades were returned: a partial list would under-count fills and fees',
        todo: "retry on a later run; if it repeats, read the trades in MEXC's web export for that window and report the order ids",
      },
      true,
      { symbol: input.symbol, startTime: input.startTime, endTime: input.endTime },
    );
  }
}

/** The exchange does not know the order (-2011 / -2013): for a cancel, after looking it up. */
export class OrderNotFoundError extends ExchangeError {
  constructor(input: ExchangeErrorInput) {
    super(
      'exchange.order_not_found',
      input,
      {
        what: `MEXC does not know the order on ${input.endpoint}`,
        notDone: 'nothing was cancelled or changed',
        todo: 'treat the order as never placed or long finished; reconcile from myTrades if fills are in doubt',
      },
      false,
    );
  }
}

/** The request itself is malformed (a bug here, or a bad setting such as recvWindow). */
export class ExchangeRequestError extends ExchangeError {
  constructor(input: ExchangeErrorInput) {
    super(
      'exchange.bad_request',
      input,
      {
        what: `MEXC rejected the request format on ${input.endpoint}`,
        notDone: 'the request was not executed',
        todo: 'this is a bug or a bad setting (e.g. MEXC_RECV_WINDOW_MS); report it with the code and message',
      },
      false,
    );
  }
}

/** A MEXC error code this adapter has no row for. */
export class ExchangeRejectedError extends ExchangeError {
  constructor(input: ExchangeErrorInput) {
    super(
      'exchange.rejected',
      input,
      {
        what: `MEXC rejected ${input.endpoint} with an error this bot does not know`,
        notDone: 'the request was not executed as far as MEXC says',
        todo: 'look the code up in the MEXC Spot v3 docs and add a row to the error table',
      },
      false,
    );
  }
}

/** A success answer that does not have the shape the reference documents: a field is named. */
export class ExchangeResponseError extends ExchangeError {
  readonly field: string;

  constructor(input: ExchangeErrorInput & { field: string; problem: string }) {
    super(
      'exchange.bad_response',
      input,
      {
        what: `MEXC's answer to ${input.endpoint} has an unexpected field ${input.field}: ${input.problem}`,
        notDone: 'the answer was not used',
        todo: 'compare the response with the MEXC Spot v3 docs; MEXC may have changed the field',
      },
      false,
      { field: input.field },
    );
    this.field = input.field;
  }
}
