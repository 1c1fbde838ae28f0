import ky, { isHTTPError, isTimeoutError, type KyInstance } from 'ky';
import * as v from 'valibot';
import type { Logger } from '../../observability/logger';
import { type ErrorKind, kindOfMexcCode, provesOrderNotPlaced } from './error-map';
import {
  BadSymbolError,
  ClockSkewError,
  ExchangeAuthError,
  type ExchangeError,
  type ExchangeErrorInput,
  ExchangeRejectedError,
  ExchangeRequestError,
  ExchangeUnavailableError,
  InsufficientBalanceError,
  InvalidOrderError,
  IpBannedError,
  OrderNotFoundError,
  OversoldError,
  RateLimitError,
  SendDeadlinePassedError,
  TradingSuspendedError,
  UnknownOutcomeError,
  WafLimitError,
} from './errors';
import { redact, sanitizedCause } from './redact';
import { errorBodySchema, parseResponse, serverTimeSchema } from './schemas';
import { type Param, signQuery, toQueryString } from './signing';
import type { Throttle } from './throttle';

/**
 * One place that talks HTTP to MEXC. It signs, keeps the server-time offset, classifies every
 * failure into a typed error, and decides retries:
 * - reads (and cancels, which are safe to repeat) retry transport failures, 5xx and 429 with
 *   jittered exponential back-off, or exactly Retry-After when MEXC sends one;
 * - order placement is sent once: a timeout, dropped connection or 5xx is UnknownOutcomeError;
 * - 700003 (timestamp outside recvWindow) re-reads the server time and repeats the request once,
 *   for every kind: MEXC rejected it before doing anything;
 * - 418 (IP banned) stops this client: nothing is sent until the ban has passed;
 * - 403 without a body code is MEXC's WAF limit: reads back off as for a rate limit;
 * - every request first waits for its token buckets (throttle.ts), within MEXC's real limits.
 */
export type CallKind = 'read' | 'cancel' | 'order';

export interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  params: readonly Param[];
  signed: boolean;
  kind: CallKind;
  /** for UnknownOutcomeError on orders */
  order?: { symbol: string; clientOrderId: string };
  /** ms since epoch: never sign or send this call later (orders: NewOrder.sendBy) */
  sendBy?: number;
}

export interface CallEvent {
  /** "METHOD /path" */
  endpoint: string;
  attempt: number;
}

export interface CallMetrics {
  /** HTTP requests sent to MEXC, every attempt and time sync included */
  calls: number;
  byEndpoint: Record<string, number>;
  /** attempts after the first one of the same call (back-off and clock re-sync) */
  retries: number;
}

export interface TransportOptions {
  baseUrl: string;
  apiKey: string | undefined;
  apiSecret: string | undefined;
  recvWindowMs: number;
  timeoutMs: number;
  /** attempts per read, first included */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** a Retry-After longer than this is not waited for: RateLimitError is thrown at once */
  maxRetryAfterMs: number;
  /** how long to stop after a 418 that carries no Retry-After (MEXC bans start at 2 minutes, ref §3) */
  defaultBanMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  logger: Logger;
  onCall?: ((event: CallEvent) => void) | undefined;
  /** client-side rate limiting per class of request (throttle.ts); null sends at once */
  throttle?: Throttle | null;
}

type Failure =
  | { kind: 'http'; status: number; code: number | null; message: string | null; retryAfterMs: number | null }
  | { kind: 'transport'; reason: 'timeout' | 'network'; cause: Error }
  | { kind: 'body'; problem: string };

/** What one HTTP attempt ended with; the retry loop decides what it means. */
type AttemptResult = { ok: true; data: unknown } | { ok: false; failure: Failure };

export class MexcTransport {
  private readonly http: KyInstance;
  private offsetMs = 0;
  private synced = false;
  private syncing: Promise<number> | null = null;
  private bannedUntil = 0;
  private banRetryAfterMs: number | null = null;
  private readonly counters: CallMetrics = { calls: 0, byEndpoint: {}, retries: 0 };

  constructor(private readonly options: TransportOptions) {
    this.http = ky.create({
      baseUrl: `${options.baseUrl.replace(/\/+$/, '')}/`,
      timeout: options.timeoutMs,
      // retries are decided here, per kind of call; ky must never resend an order
      retry: 0,
      // MEXC answers 700013 without it, even on an empty body (ref §2.1)
      headers: { 'Content-Type': 'application/json' },
    });
  }

  metrics(): CallMetrics {
    return { ...this.counters, byEndpoint: { ...this.counters.byEndpoint } };
  }

  clockOffsetMs(): number {
    return this.offsetMs;
  }

  /** GET /api/v3/time: stores offset = serverTime − local midpoint of the round trip; returns serverTime. */
  syncTime(): Promise<number> {
    if (!this.syncing) {
      this.syncing = (async () => {
        try {
          const before = this.options.now();
          const data = await this.send({
            method: 'GET',
            path: '/api/v3/time',
            params: [],
            signed: false,
            kind: 'read',
          });
          const after = this.options.now();
          const { serverTime } = parseResponse(serverTimeSchema, data, 'GET /api/v3/time');
          this.offsetMs = Math.round(serverTime - (before + after) / 2);
          this.synced = true;
          return serverTime;
        } finally {
          this.syncing = null;
        }
      })();
    }
    return this.syncing;
  }

  /** Sends the call, retrying as the header comment says; resolves with the parsed JSON body. */
  async send(call: Call): Promise<unknown> {
    const endpoint = `${call.method} ${call.path}`;
    let clockRetried = false;
    for (let attempt = 1; ; attempt++) {
      this.refuseWhileBanned(endpoint);
      if (attempt > 1) this.counters.retries++;
      const outcome = await this.once(call, endpoint, attempt);
      if (outcome.ok) return outcome.data;
      const failure = outcome.failure;

      if (failure.kind === 'http' && failure.status === 418) {
        const ban = this.ban(endpoint, failure);
        // a ban page carries no code that proves an order was refused: its outcome is unknown
        if (call.kind === 'order' && !provesOrderNotPlaced(failure.code))
          throw this.unknownOutcome(call, endpoint, failure, ban);
        throw ban;
      }

      if (failure.kind === 'http' && failure.code === 700003) {
        if (!clockRetried && call.signed) {
          clockRetried = true;
          const before = this.offsetMs;
          await this.syncTime();
          this.options.logger.warn('mexc.clock_resync', { endpoint, offsetMsBefore: before, offsetMs: this.offsetMs });
          continue;
        }
        throw new ClockSkewError({ ...this.input(endpoint, failure), offsetMs: this.offsetMs });
      }

      if (call.kind === 'order') throw this.orderFailure(call, endpoint, failure);

      const retry = this.retryDecision(failure);
      if (retry && attempt < this.options.maxAttempts) {
        const delayMs = this.delayFor(attempt, retry.retryAfterMs);
        if (delayMs === null) throw this.classify(endpoint, failure, attempt);
        this.options.logger.warn('mexc.retry', { endpoint, attempt, delayMs, reason: retry.reason });
        await this.options.sleep(delayMs);
        continue;
      }
      throw this.classify(endpoint, failure, attempt);
    }
  }

  private async once(call: Call, endpoint: string, attempt: number): Promise<AttemptResult> {
    // before the send deadline check below: an order held back past its sendBy is not sent
    const waitedMs = (await this.options.throttle?.acquire(endpoint)) ?? 0;
    if (waitedMs > 0) this.options.logger.debug('mexc.throttled', { endpoint, waitedMs });
    const headers: Record<string, string> = {};
    let query = toQueryString(call.params);
    if (call.signed) {
      const { apiKey, apiSecret } = this.options;
      if (!apiKey || !apiSecret) {
        throw new ExchangeAuthError({
          endpoint,
          mexcMessage: 'MEXC_API_KEY and MEXC_API_SECRET are not set, so the request was not signed or sent',
        });
      }
      if (!this.synced) await this.syncTime();
      // Checked at the last moment before signing, on this instance's clock: the caller gives sendBy
      // on it (NewOrder.sendBy), converted from the ledger's time by elapsed time, so neither this
      // instance's clock nor MEXC's offset from the ledger can make a timely send look late (the
      // fault campaign saw every order refused with MEXC's clock 4 s ahead when the check used
      // MEXC's time). MEXC refuses a request older than recvWindow by its own clock; the difference
      // between its clock and the ledger's is covered by the reconciler's margin (send-window.ts).
      const now = this.options.now();
      const timestamp = Math.round(now + this.offsetMs);
      if (call.sendBy !== undefined && now > call.sendBy) {
        throw new SendDeadlinePassedError({
          endpoint,
          clientOrderId: call.order?.clientOrderId ?? '?',
          sendBy: call.sendBy,
          now: Math.round(now),
        });
      }
      query = signQuery(call.params, { timestamp, recvWindowMs: this.options.recvWindowMs }, apiSecret).query;
      headers['X-MEXC-APIKEY'] = apiKey;
    }
    const input = `${call.path.replace(/^\//, '')}${query ? `?${query}` : ''}`;
    this.counters.calls++;
    this.counters.byEndpoint[endpoint] = (this.counters.byEndpoint[endpoint] ?? 0) + 1;
    this.options.onCall?.({ endpoint, attempt });

    let text: string;
    try {
      text = await this.http(input, { method: call.method, headers }).text();
    } catch (error) {
      if (isHTTPError(error)) {
        const body = this.errorBody(error.data);
        return {
          ok: false,
          failure: {
            kind: 'http',
            status: error.response.status,
            code: body.code,
            message: body.message,
            retryAfterMs: parseRetryAfter(error.response.headers.get('retry-after'), this.options.now()),
          },
        };
      }
      const reason = isTimeoutError(error) ? 'timeout' : 'network';
      return { ok: false, failure: { kind: 'transport', reason, cause: sanitizedCause(error, this.secrets()) } };
    }

    let data: unknown;
    try {
      data = text === '' ? {} : JSON.parse(text);
    } catch {
      return { ok: false, failure: { kind: 'body', problem: 'the body is not JSON' } };
    }
    // some answers carry {"code":N} with HTTP 200; no code, 0 or 200 means success (ref §4)
    if (data !== null && typeof data === 'object' && !Array.isArray(data) && 'code' in data) {
      const body = this.errorBody(data);
      if (body.code !== null && body.code !== 0 && body.code !== 200) {
        return {
          ok: false,
          failure: { kind: 'http', status: 200, code: body.code, message: body.message, retryAfterMs: null },
        };
      }
    }
    return { ok: true, data };
  }

  private errorBody(data: unknown): { code: number | null; message: string | null } {
    const parsed = v.safeParse(errorBodySchema, data);
    if (!parsed.success) return { code: null, message: typeof data === 'string' ? this.scrub(data, 200) : null };
    const raw = parsed.output.msg ?? parsed.output.data;
    return { code: parsed.output.code, message: typeof raw === 'string' ? this.scrub(raw, 200) : null };
  }

  private scrub(text: string, max: number): string {
    const clean = redact(text, this.secrets());
    return clean.length > max ? `${clean.slice(0, max)}…` : clean;
  }

  private secrets(): (string | undefined)[] {
    return [this.options.apiKey, this.options.apiSecret];
  }

  private refuseWhileBanned(endpoint: string): void {
    if (this.options.now() < this.bannedUntil) {
      throw new IpBannedError({
        endpoint,
        mexcMessage: 'still banned by an earlier HTTP 418; nothing was sent',
        retryAfterMs: this.banRetryAfterMs,
        bannedUntil: this.bannedUntil,
      });
    }
  }

  private ban(endpoint: string, failure: Extract<Failure, { kind: 'http' }>): IpBannedError {
    const retryAfterMs = failure.retryAfterMs;
    this.bannedUntil = this.options.now() + (retryAfterMs ?? this.options.defaultBanMs);
    this.banRetryAfterMs = retryAfterMs;
    this.options.logger.error('mexc.ip_banned', { endpoint, retryAfterMs, bannedUntil: this.bannedUntil });
    return new IpBannedError({ ...this.input(endpoint, failure), retryAfterMs, bannedUntil: this.bannedUntil });
  }

  private retryDecision(failure: Failure): { reason: string; retryAfterMs: number | null } | null {
    if (failure.kind === 'transport') return { reason: failure.reason, retryAfterMs: null };
    if (failure.kind === 'body') return { reason: 'unreadable body', retryAfterMs: null };
    if (failure.status === 429 || (failure.code !== null && kindOfMexcCode(failure.code) === 'rate_limited'))
      return { reason: 'rate limited', retryAfterMs: failure.retryAfterMs };
    if (isWafLimit(failure)) return { reason: 'WAF limit (HTTP 403)', retryAfterMs: failure.retryAfterMs };
    if (failure.status >= 500) return { reason: `HTTP ${failure.status}`, retryAfterMs: failure.retryAfterMs };
    if (failure.code !== null && kindOfMexcCode(failure.code) === 'unavailable')
      return { reason: `code ${failure.code}`, retryAfterMs: failure.retryAfterMs };
    return null;
  }

  /** Full jitter on exponential back-off; Retry-After wins when given; null = too long to wait. */
  private delayFor(attempt: number, retryAfterMs: number | null): number | null {
    if (retryAfterMs !== null) return retryAfterMs <= this.options.maxRetryAfterMs ? retryAfterMs : null;
    const ceiling = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** (attempt - 1));
    return Math.round(this.options.random() * ceiling);
  }

  private input(endpoint: string, failure: Failure): ExchangeErrorInput {
    if (failure.kind === 'http')
      return { endpoint, httpStatus: failure.status, mexcCode: failure.code, mexcMessage: failure.message };
    if (failure.kind === 'transport') return { endpoint, mexcMessage: failure.reason, cause: failure.cause };
    return { endpoint, mexcMessage: failure.problem };
  }

  /**
   * Only a body code that proves the order was refused (ORDER_NOT_PLACED_CODES: key, signature,
   * timestamp, parameter, rule, balance or symbol checks) is a rejection. Everything else may hide an
   * accepted order (ref §3, §9.11: 5xx says nothing; issue #15: neither does an unknown code nor a
   * 4xx without a code): UnknownOutcomeError, and the caller queries by client order id.
   */
  private orderFailure(call: Call, endpoint: string, failure: Failure): ExchangeError {
    if (failure.kind === 'http' && provesOrderNotPlaced(failure.code)) return this.classify(endpoint, failure, 1);
    return this.unknownOutcome(call, endpoint, failure);
  }

  private unknownOutcome(call: Call, endpoint: string, failure: Failure, cause?: unknown): UnknownOutcomeError {
    const order = call.order ?? { symbol: '?', clientOrderId: '?' };
    const input = this.input(endpoint, failure);
    return new UnknownOutcomeError({ ...input, ...order, ...(cause === undefined ? {} : { cause }) });
  }

  /** The final error for a failure that is not retried (any more). */
  classify(endpoint: string, failure: Failure, attempts: number): ExchangeError {
    const input = this.input(endpoint, failure);
    if (failure.kind !== 'http') return new ExchangeUnavailableError({ ...input, attempts });
    if (failure.status === 429) return new RateLimitError({ ...input, retryAfterMs: failure.retryAfterMs });
    if (isWafLimit(failure)) return new WafLimitError({ ...input, retryAfterMs: failure.retryAfterMs });
    const kind: ErrorKind | undefined =
      failure.code !== null ? kindOfMexcCode(failure.code, failure.message) : undefined;
    if (kind) return errorOfKind(kind, input, failure.retryAfterMs, attempts, this.offsetMs);
    if (failure.status >= 500) return new ExchangeUnavailableError({ ...input, attempts });
    if (failure.status === 401) return new ExchangeAuthError(input);
    return new ExchangeRejectedError(input);
  }
}

function errorOfKind(
  kind: ErrorKind,
  input: ExchangeErrorInput,
  retryAfterMs: number | null,
  attempts: number,
  offsetMs: number,
): ExchangeError {
  switch (kind) {
    case 'auth':
      return new ExchangeAuthError(input);
    case 'rate_limited':
      return new RateLimitError({ ...input, retryAfterMs });
    case 'insufficient_balance':
      return new InsufficientBalanceError(input);
    case 'oversold':
      return new OversoldError(input);
    case 'invalid_order':
      return new InvalidOrderError(input);
    case 'bad_symbol':
      return new BadSymbolError(input);
    case 'trading_suspended':
      return new TradingSuspendedError(input);
    case 'clock_skew':
      return new ClockSkewError({ ...input, offsetMs });
    case 'unavailable':
      return new ExchangeUnavailableError({ ...input, attempts });
    case 'order_not_found':
      return new OrderNotFoundError(input);
    case 'bad_request':
      return new ExchangeRequestError(input);
  }
}

/**
 * HTTP 403 without a body code is MEXC's WAF limit: "HTTP 403 return code is used when the WAF
 * Limit (Web Application Firewall) has been violated" (MEXC docs, general info; ref §3). A 403 that
 * carries a body code is judged by the code (e.g. 403 "Access Denied", a key permission).
 */
function isWafLimit(failure: Extract<Failure, { kind: 'http' }>): boolean {
  return failure.status === 403 && failure.code === null;
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}
