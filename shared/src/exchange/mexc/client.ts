import Big from 'big.js';
import * as v from 'valibot';
import type { Config } from '../../config/config';
import type { AccountInfo, Balance, BookTop, Depth, OrderState, SymbolRules, Trade } from '../../domain/market';
import { type Logger, silentLogger } from '../../observability/logger';
import type { Clock } from '../../ports/clock';
import type { Exchange, NewOrder, OrderRef } from '../../ports/exchange';
import {
  BadSymbolError,
  CancelUnconfirmedError,
  OrderNotFoundError,
  OrderUnconfirmedError,
  TradesIncompleteError,
  UnknownOutcomeError,
} from './errors';
import { toAccount, toBookTop, toDepth, toOrderState, toSymbolRules, toTrade } from './mapping';
import {
  accountCall,
  bookTickerCall,
  cancelOrderCall,
  defaultSymbolsCall,
  depthCall,
  exchangeInfoCall,
  myTradesCall,
  newOrderCall,
  openOrdersCall,
  queryOrderCall,
  selfSymbolsCall,
  tickerPriceCall,
} from './requests';
import {
  accountSchema,
  bookTickerSchema,
  type CancelBody,
  cancelSchema,
  defaultSymbolsSchema,
  depthSchema,
  exchangeInfoSchema,
  newOrderSchema,
  orderSchema,
  parseResponse,
  tickerPriceSchema,
  tradeSchema,
} from './schemas';
import { MEXC_THROTTLE, Throttle, type ThrottleLimits } from './throttle';
import { type CallEvent, type CallMetrics, MexcTransport } from './transport';

export interface MexcClientOptions {
  /** per-attempt timeout, ms (default 10000) */
  timeoutMs?: number;
  /** attempts per read or cancel, first included (default 3); orders are sent once */
  maxAttempts?: number;
  /** back-off: full jitter over base·2^(n−1), capped (defaults 250 / 4000 ms) */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Retry-After above this is not waited for; RateLimitError is thrown instead (default 10000) */
  maxRetryAfterMs?: number;
  /** stop this long after a 418 without Retry-After (default 120000, MEXC's shortest ban) */
  defaultBanMs?: number;
  /** "order not found" answers retried before queryOrder returns null (default 3 retries, 300 ms apart) */
  notFoundRetries?: number;
  notFoundDelayMs?: number;
  /**
   * myTrades page size sent as `limit` (default 100: MEXC docs "Account Trade List" say default
   * 100, max 100; older docs said 500 / 1000) and the most requests one myTrades call may spend
   * covering its window (default 20)
   */
  tradesPageLimit?: number;
  tradesMaxRequests?: number;
  /**
   * client-side rate limits per class of request (default MEXC_THROTTLE: within MEXC's 20
   * requests/s, 12 orders/s and 2 account reads/s); false sends at once
   */
  rateLimits?: ThrottleLimits | false;
  logger?: Logger;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** called for every HTTP request sent (metrics hook) */
  onCall?: (event: CallEvent) => void;
}

/** The Exchange port plus what only this adapter knows. */
export interface MexcClient extends Exchange {
  /** GET /api/v3/ticker/price */
  lastPrice(symbol: string): Promise<Big>;
  /** GET /api/v3/defaultSymbols: open to API trading at all (public; a key may be limited to fewer) */
  defaultSymbols(): Promise<ReadonlySet<string>>;
  /** requests sent so far by this instance; a use case reads it before and after a run */
  metrics(): CallMetrics;
  /** current serverTime − local time estimate, ms */
  clockOffsetMs(): number;
}

/** the largest page MEXC's current docs allow on myTrades ("Account Trade List": max 100) */
const MEXC_TRADES_PAGE_MAX = 100;
/** "Only the transaction records in the past 1 month can be queried" (docs "Account Trade List") */
const TRADES_KEPT_MS = 31 * 24 * 3_600_000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Cached<T> {
  value: T;
  at: number;
}

/** how long exchangeInfo, selfSymbols and defaultSymbols stay cached in one instance */
const RULES_TTL_MS = 600_000;

/**
 * MEXC Spot v3 client behind the Exchange port. Credentials and base URL come from `Config.mexc`;
 * nothing is sent at construction. Exchange rules and API-tradable symbols (this key's selfSymbols) are cached per
 * instance for RULES_TTL_MS; the server-time offset is read before the first signed call and
 * again when MEXC answers 700003.
 */
export function createMexcClient(mexc: Config['mexc'], options: MexcClientOptions = {}): MexcClient {
  const clock = options.clock ?? { now: () => new Date() };
  const now = () => clock.now().getTime();
  const sleep = options.sleep ?? realSleep;
  const logger = options.logger ?? silentLogger;
  const notFoundRetries = options.notFoundRetries ?? 3;
  const notFoundDelayMs = options.notFoundDelayMs ?? 300;
  const tradesPageLimit = options.tradesPageLimit ?? 100;
  const tradesMaxRequests = options.tradesMaxRequests ?? 20;

  const transport = new MexcTransport({
    baseUrl: mexc.baseUrl,
    apiKey: mexc.apiKey,
    apiSecret: mexc.apiSecret,
    recvWindowMs: mexc.recvWindowMs,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxAttempts: options.maxAttempts ?? 3,
    backoffBaseMs: options.backoffBaseMs ?? 250,
    backoffMaxMs: options.backoffMaxMs ?? 4_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 10_000,
    defaultBanMs: options.defaultBanMs ?? 120_000,
    now,
    sleep,
    random: options.random ?? Math.random,
    logger,
    onCall: options.onCall,
    throttle: options.rateLimits === false ? null : new Throttle(options.rateLimits ?? MEXC_THROTTLE),
  });

  const rulesCache = new Map<string, Cached<SymbolRules>>();
  let tradableCache: Cached<Set<string>> | null = null;
  let defaultCache: Cached<Set<string>> | null = null;
  const fresh = <T>(entry: Cached<T> | null | undefined): entry is Cached<T> =>
    entry !== null && entry !== undefined && now() - entry.at < RULES_TTL_MS;

  async function queryOnce(ref: OrderRef): Promise<OrderState> {
    const data = await transport.send(queryOrderCall(ref));
    return toOrderState(parseResponse(orderSchema, data, 'GET /api/v3/order'), 'GET /api/v3/order');
  }

  /** An order just accepted may not be visible yet (DESIGN §8): "not found" is asked again a few times. */
  async function queryOrder(ref: OrderRef): Promise<OrderState | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await queryOnce(ref);
      } catch (error) {
        if (!(error instanceof OrderNotFoundError)) throw error;
        if (attempt >= notFoundRetries) return null;
        logger.debug('mexc.order_not_visible_yet', { symbol: ref.symbol, attempt: attempt + 1 });
        await sleep(notFoundDelayMs);
      }
    }
  }

  function fromCancelBody(body: CancelBody, ref: OrderRef): OrderState | null {
    if (
      body.status === undefined ||
      body.executedQty === undefined ||
      body.cummulativeQuoteQty === undefined ||
      body.origQty === undefined ||
      body.price === undefined ||
      body.type === undefined ||
      body.side === undefined
    )
      return null;
    return toOrderState(
      {
        symbol: body.symbol ?? ref.symbol,
        orderId: body.orderId,
        clientOrderId: body.origClientOrderId ?? ('clientOrderId' in ref ? ref.clientOrderId : null),
        price: body.price,
        origQty: body.origQty,
        executedQty: body.executedQty,
        cummulativeQuoteQty: body.cummulativeQuoteQty,
        status: body.status,
        type: body.type,
        side: body.side,
        time: null,
        updateTime: null,
      },
      'DELETE /api/v3/order',
    );
  }

  /** GET /api/v3/account: balances and the key's flags in one request (MEXC docs "Account Information"). */
  async function readAccount(): Promise<AccountInfo> {
    const data = await transport.send(accountCall);
    // zero balances may be missing (ref §6): callers treat an absent asset as 0
    return toAccount(parseResponse(accountSchema, data, 'GET /api/v3/account'));
  }

  /**
   * GET /api/v3/myTrades until the window is covered. MEXC answers one page of at most `limit`
   * trades (docs "Account Trade List": max 100 now, 1000 in older docs, so 100 rows may be a cut
   * page whatever was asked) and documents no cursor but the time window (no fromId). A cut page is
   * a run of consecutive trades (the endpoint is Binance's, whose pages are), but MEXC does not say
   * whether it keeps the oldest or the newest of the window; so both sides the page leaves open
   * ([start, its first trade] and [its last trade, end], bounds inclusive: trades share
   * milliseconds) are asked again, until no part comes back cut. Trades are deduplicated by id and
   * sorted by time. A window that cannot be covered (a page of trades within one millisecond, or
   * the request budget spent) is an error, never a partial list.
   */
  async function allTrades(
    symbol: string,
    query: { orderId?: string; startTime?: number; endTime?: number; limit?: number },
  ): Promise<Trade[]> {
    const endpoint = 'GET /api/v3/myTrades';
    const limit = query.limit ?? tradesPageLimit;
    const mayBeCut = (rows: number) => rows >= limit || rows === MEXC_TRADES_PAGE_MAX;
    let requests = 0;
    const page = async (window: { startTime?: number; endTime?: number }): Promise<Trade[]> => {
      requests += 1;
      const call = myTradesCall(symbol, {
        ...(query.orderId !== undefined ? { orderId: query.orderId } : {}),
        ...window,
        limit,
      });
      return parseResponse(v.array(tradeSchema), await transport.send(call), endpoint).map(toTrade);
    };
    const first = await page({
      ...(query.startTime !== undefined ? { startTime: query.startTime } : {}),
      ...(query.endTime !== undefined ? { endTime: query.endTime } : {}),
    });
    if (!mayBeCut(first.length)) return first;

    const serverNow = now() + transport.clockOffsetMs();
    // MEXC keeps one month of trades (docs): the widest window there is
    const window = { start: query.startTime ?? serverNow - TRADES_KEPT_MS, end: query.endTime ?? serverNow };
    const incomplete = (reason: string) =>
      new TradesIncompleteError({ endpoint, symbol, startTime: window.start, endTime: window.end, reason });
    const found = new Map<string, Trade>();
    const keep = (rows: readonly Trade[]) => {
      for (const t of rows) found.set(t.tradeId, t);
    };
    const cover = async (start: number, end: number, rows: readonly Trade[]): Promise<void> => {
      keep(rows);
      if (!mayBeCut(rows.length)) return;
      const times = rows.map((t) => t.time);
      const first = Math.max(start, Math.min(...times));
      const last = Math.min(end, Math.max(...times));
      if (first >= last) throw incomplete(`${rows.length} or more trades at ${new Date(first).toISOString()} alone`);
      for (const [from, to] of [
        [start, first],
        [last, end],
      ] as const) {
        if (requests >= tradesMaxRequests)
          throw incomplete(`${requests} requests of up to ${limit} trades did not cover the window`);
        await cover(from, to, await page({ startTime: from, endTime: to }));
      }
    };
    logger.debug('mexc.trades_paging', { symbol, firstPage: first.length, limit });
    await cover(window.start, window.end, first);
    return [...found.values()].sort((a, b) => a.time - b.time);
  }

  return {
    recvWindowMs: mexc.recvWindowMs,
    serverTime: () => transport.syncTime(),

    async symbolRules(symbols) {
      const wanted = [...new Set(symbols)];
      const missing = wanted.filter((s) => !fresh(rulesCache.get(s)));
      if (missing.length > 0) {
        const data = await transport.send(exchangeInfoCall(missing));
        const body = parseResponse(exchangeInfoSchema, data, 'GET /api/v3/exchangeInfo');
        const at = now();
        for (const info of body.symbols) rulesCache.set(info.symbol, { value: toSymbolRules(info), at });
      }
      const result = new Map<string, SymbolRules>();
      for (const symbol of wanted) {
        const entry = rulesCache.get(symbol);
        if (!entry) {
          throw new BadSymbolError({
            endpoint: 'GET /api/v3/exchangeInfo',
            symbol,
            mexcMessage: 'the symbol is not in exchangeInfo',
          });
        }
        result.set(symbol, entry.value);
      }
      return result;
    },

    async apiTradableSymbols() {
      // per key (issue #15: 10007 on pairs in defaultSymbols, mexc-api-sdk#112, JKorf/Mexc.Net#13, ccxt#26179)
      if (!fresh(tradableCache)) {
        const data = await transport.send(selfSymbolsCall);
        const symbols = parseResponse(defaultSymbolsSchema, data, 'GET /api/v3/selfSymbols');
        tradableCache = { value: new Set(symbols), at: now() };
      }
      return new Set(tradableCache.value);
    },

    async defaultSymbols() {
      if (!fresh(defaultCache)) {
        const data = await transport.send(defaultSymbolsCall);
        const symbols = parseResponse(defaultSymbolsSchema, data, 'GET /api/v3/defaultSymbols');
        defaultCache = { value: new Set(symbols), at: now() };
      }
      return new Set(defaultCache.value);
    },

    async balances(): Promise<Balance[]> {
      return (await readAccount()).balances;
    },

    account: readAccount,

    async bookTop(symbol): Promise<BookTop> {
      const data = await transport.send(bookTickerCall(symbol));
      return toBookTop(parseResponse(bookTickerSchema, data, 'GET /api/v3/ticker/bookTicker'));
    },

    async depth(symbol, limit): Promise<Depth> {
      const data = await transport.send(depthCall(symbol, limit));
      return toDepth(symbol, parseResponse(depthSchema, data, 'GET /api/v3/depth'));
    },

    async lastPrice(symbol) {
      const data = await transport.send(tickerPriceCall(symbol));
      return new Big(parseResponse(tickerPriceSchema, data, 'GET /api/v3/ticker/price').price);
    },

    async placeOrder(order: NewOrder): Promise<OrderState> {
      const endpoint = 'POST /api/v3/order';
      const data = await transport.send(newOrderCall(order));
      const parsed = v.safeParse(newOrderSchema, data);
      if (!parsed.success) {
        // HTTP 2xx means MEXC took the order, but without an orderId we cannot name it
        throw new UnknownOutcomeError({
          endpoint,
          symbol: order.symbol,
          clientOrderId: order.clientOrderId,
          mexcMessage: 'accepted, but the answer has no usable orderId',
        });
      }
      const orderId = parsed.output.orderId;
      // The create answer is thin (ref §9.9): the order itself says what was filled. Nothing is
      // assumed when it cannot be read back (-2013 right after a create, ccxt#21614): an IOC may
      // have filled completely, so the caller keeps the intent unknown until a lookup settles it.
      let cause: unknown;
      try {
        const state = await queryOrder({ symbol: order.symbol, clientOrderId: order.clientOrderId });
        if (state) return state;
      } catch (error) {
        cause = error;
      }
      logger.warn('mexc.order_unconfirmed', {
        symbol: order.symbol,
        clientOrderId: order.clientOrderId,
        orderId,
        error: cause === undefined ? 'not found' : cause instanceof Error ? cause.message : String(cause),
      });
      throw new OrderUnconfirmedError({
        endpoint: 'GET /api/v3/order',
        symbol: order.symbol,
        clientOrderId: order.clientOrderId,
        orderId,
        ...(cause === undefined ? {} : { cause }),
      });
    },

    async cancelOrder(ref): Promise<OrderState> {
      const endpoint = 'DELETE /api/v3/order';
      let data: unknown;
      try {
        data = await transport.send(cancelOrderCall(ref));
      } catch (error) {
        // already filled, cancelled or unknown (ref §4.1 -2011): report what the order is now
        if (!(error instanceof OrderNotFoundError)) throw error;
        const state = await queryOrder(ref);
        if (state) return state;
        throw error;
      }
      const body = parseResponse(cancelSchema, data, endpoint);
      // MEXC's cancel answer is thin — {symbol, orderId, price, origQty, type, side}, no status, no
      // executedQty (ccxt's live cancelOrder response comment; fixtures/captured/order_delete.json) —
      // and even a full one could miss a fill that raced the cancel: the order is read back.
      let cause: unknown;
      try {
        const state = await queryOrder({ symbol: ref.symbol, orderId: body.orderId });
        if (state) return state;
      } catch (error) {
        cause = error;
      }
      // the docs' full shape, should MEXC ever send it, still says what the order became
      const direct = fromCancelBody(body, ref);
      if (direct) return direct;
      throw new CancelUnconfirmedError({
        endpoint: 'GET /api/v3/order',
        symbol: ref.symbol,
        orderId: body.orderId,
        ...(cause === undefined ? {} : { cause }),
      });
    },

    queryOrder,

    async openOrders(symbol): Promise<OrderState[]> {
      const data = await transport.send(openOrdersCall(symbol));
      const body = parseResponse(v.array(orderSchema), data, 'GET /api/v3/openOrders');
      return body.map((o) => toOrderState(o, 'GET /api/v3/openOrders'));
    },

    myTrades: (symbol, tradeOptions = {}) => allTrades(symbol, tradeOptions),

    metrics: () => transport.metrics(),
    clockOffsetMs: () => transport.clockOffsetMs(),
  };
}
