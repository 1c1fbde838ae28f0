/**
 * The one table from MEXC error codes to error classes. Each row cites where the code's meaning
 * comes from: "ref §x" = ../shared/reference/mexc-spot-v3.md (the project's compiled MEXC facts,
 * whose own sources are MEXC's docs, ccxt's mexc.ts exception map and GitHub issues); "ccxt" =
 * ccxt ts/src/mexc.ts `exceptions.exact` (read in node_modules/ccxt/js/src/mexc.js 4.5.x).
 * A code without a row becomes ExchangeRejectedError. HTTP-level outcomes (429, 418, 5xx,
 * timeouts) are decided in transport.ts, not here, because they do not depend on the body.
 */
export type ErrorKind =
  | 'auth'
  | 'rate_limited'
  | 'insufficient_balance'
  | 'oversold'
  | 'invalid_order'
  | 'bad_symbol'
  | 'trading_suspended'
  | 'clock_skew'
  | 'unavailable'
  | 'order_not_found'
  | 'bad_request';

export const MEXC_ERROR_TABLE: ReadonlyMap<number, ErrorKind> = new Map<number, ErrorKind>([
  // authentication, signature, key permissions
  [401, 'auth'], // ref §4.1: "No authority" (DOC); ccxt AuthenticationError
  [402, 'auth'], // ccxt: "API Key expired, please apply again"
  [403, 'auth'], // ref §4.1: "Access Denied" (DOC); ccxt PermissionDenied
  [406, 'auth'], // ccxt: "Accessing IP is not in the whitelist"
  [602, 'auth'], // ref §4.1: "Signature verification failed" (DOC)
  [10072, 'auth'], // ref §4.1: "invalid access key" (DOC)
  [700001, 'auth'], // ref §4.1: "API-key format invalid"; ccxt: same text for expired keys
  [700002, 'auth'], // ref §4.1 + vectors errors[0]: "Signature for this request is not valid."
  [700006, 'auth'], // ref §4.1 + vectors: "IP non white list"
  [700007, 'auth'], // ref §4.1: "No permission to access the endpoint" (key lacks SPOT_DEAL_WRITE etc.)
  // rate limits reported in the body
  [429, 'rate_limited'], // ref §3 + vectors: {"code":429,"msg":"Too Many Requests"} with HTTP 429
  [510, 'rate_limited'], // ccxt: "Requests are too frequent, please try again later"
  // time
  [700003, 'clock_skew'], // ref §2.6 + vectors: "Timestamp for this request is outside of the recvWindow."
  // balances
  [10101, 'insufficient_balance'], // ref §4.1: "Insufficient balance" (DOC); ccxt InsufficientFunds
  [30004, 'insufficient_balance'], // ref §4.1 + vectors: "Insufficient position" = free balance short
  // 30005 "Oversold" (DOC table; live body {"msg":"Oversold","code":30005}): ccxt exact → InvalidOrder, broad
  // "Oversold" → InsufficientFunds (broad is checked first); seen on thin-book sells. Its own kind:
  // docs/mexc-real-behaviour.md "30005 Oversold" has the reasoning.
  [30005, 'oversold'],
  // order rules
  [30001, 'invalid_order'], // ref §4.1: "current transaction direction not allowed" (tradeSideType)
  [30002, 'invalid_order'], // ref §4.1 + vectors: "The minimum transaction volume cannot be less than:0.5USDT"
  [30003, 'invalid_order'], // ref §4.1: "maximum transaction volume cannot be greater than"
  [30010, 'invalid_order'], // ref §4.1: "no valid trade price"
  [30019, 'invalid_order'], // ref §4.1 + vectors: "api market order is disabled"
  [30025, 'invalid_order'], // ref §4.1: "no exist opponent order" (market order against an empty side)
  [30029, 'invalid_order'], // ref §4.1: "cannot exceed the maximum order limit" (500 open orders)
  [30032, 'invalid_order'], // ref §4.1: "cannot exceed the maximum position"
  [30041, 'invalid_order'], // ref §4.1: "current order type can not place order"
  [30051, 'invalid_order'], // ref §4.1 + vectors (HB #6932): "api market order is disabled"
  [30087, 'invalid_order'], // ref §4.1 + vectors (ccxt comment): "Order price exceeds allowed range"
  [30088, 'invalid_order'], // ref §4.1: no source found, treated as a generic invalid order
  [10095, 'invalid_order'], // ccxt: "amount cannot be null"
  [10096, 'invalid_order'], // ref §5 precision model + ccxt: "amount decimal places is too long"
  [10097, 'invalid_order'], // ccxt: "amount is error"
  [10102, 'invalid_order'], // ccxt: "amount cannot be zero or negative"
  [700008, 'invalid_order'], // ref §4.1: "Illegal characters found in parameter" (e.g. newClientOrderId)
  // symbols
  [10007, 'bad_symbol'], // ref §4.1 + vectors: "bad symbol" / "symbol not support api"
  [30014, 'bad_symbol'], // ref §4.1: "invalid symbol" (DOC)
  [30021, 'bad_symbol'], // ref §4.1: "invalid symbol" (DOC)
  [-1121, 'bad_symbol'], // ccxt: BadSymbol
  [30020, 'bad_symbol'], // ref §4.1, §9.5: "no permission for the symbol" (key restricted to other pairs)
  [70011, 'bad_symbol'], // ref §4.1 + vectors: "Pair user ban trade apikey."
  // trading paused
  [26, 'trading_suspended'], // ref §4.1 + vectors: {"code":26,"data":"operation not allowed"}
  [30000, 'trading_suspended'], // ref §4.1: "suspended transaction for the symbol"
  [30016, 'trading_suspended'], // ref §4.1 + vectors: "trading disabled"
  [30018, 'trading_suspended'], // ref §4.1: "market order is disabled" / account cannot place orders (ccxt AccountSuspended)
  [30027, 'trading_suspended'], // ref §4.1: position-limit buy suspension
  [30028, 'trading_suspended'], // ref §4.1: risk-control sell suspension
  // orders that do not exist
  [-2011, 'order_not_found'], // ref §4.1 + vectors: "Unknown order sent"
  [-2013, 'order_not_found'], // ref §4.1: "Order does not exist" (hummingbot constant)
  // exchange-side trouble reported in a body
  [500, 'unavailable'], // ref §4.1: internal error (DOC)
  [501, 'unavailable'], // ccxt: "System busy, try again later"
  [503, 'unavailable'], // ref §4.1: service unavailable (DOC)
  [504, 'unavailable'], // ref §4.1: gateway timeout (DOC)
  // malformed requests: a bug here or a bad setting
  [700004, 'bad_request'], // ref §4.1 + vectors: "Param 'origClientOrderId' or 'orderId' must be sent"
  [700005, 'bad_request'], // ref §2.6 + vectors: "recvWindow must less than 60000"
  [700013, 'bad_request'], // ref §2.1 + vectors: "Invalid content Type."
  [33333, 'bad_request'], // ref §4.1: "param is error"
  [44444, 'bad_request'], // ref §4.1: "param cannot be null"
  [-1128, 'bad_request'], // ref vectors: "Combination of optional parameters invalid."
  [30026, 'bad_request'], // ref §4.1: "invalid order ids"
  [400, 'bad_request'], // ccxt: BadRequest ("The start time cannot be earlier than 90 days"); see below for "api key required"
]);

/**
 * POST /api/v3/order: the body codes that prove the order was NOT placed (issue #15). Each one is
 * MEXC refusing the request while validating it — key, signature, timestamp, parameters, rules,
 * balance, symbol or trading state — before anything reaches the matching engine (sources per code
 * in MEXC_ERROR_TABLE above). Only these make an order intent `rejected`. Every other answer — a
 * code not listed here (even one with a row above, such as 30088 whose meaning has no source, or
 * 500/503 "busy"), an HTTP 4xx or 5xx without a body code (a 403 WAF page, a 404, a proxy's 429),
 * a timeout, an unreadable body — may hide an accepted order: the adapter answers
 * UnknownOutcomeError and the caller looks the order up by its client order id.
 */
export const ORDER_NOT_PLACED_CODES: ReadonlySet<number> = new Set([
  // key, signature, IP whitelist, permissions: checked before the request is executed
  400, 401, 402, 403, 406, 602, 10072, 700001, 700002, 700006, 700007,
  // rate limits reported in the body (MEXC docs general info: the request is refused)
  429, 510,
  // timestamp outside recvWindow (MEXC docs "timing security": the server rejects the request)
  700003,
  // balance checks
  10101, 30004, 30005,
  // order rules: direction, min/max notional, price, order type, open-order cap, precision, id charset
  30001, 30002, 30003, 30010, 30019, 30025, 30029, 30032, 30041, 30051, 30087, 10095, 10096, 10097, 10102, 700008,
  // symbol unknown or closed to this key / the API (10007: ccxt#26179, mexc-api-sdk#112, JKorf/Mexc.Net#13)
  10007, 30014, 30021, -1121, 30020, 70011,
  // trading suspended for the symbol, side or account
  26, 30000, 30016, 30018, 30027, 30028,
  // malformed request
  700004, 700005, 700013, 33333, 44444, -1128, 30026,
]);

/** True when MEXC's answer to POST /api/v3/order proves the order was not placed (see ORDER_NOT_PLACED_CODES). */
export function provesOrderNotPlaced(code: number | null): boolean {
  return code !== null && ORDER_NOT_PLACED_CODES.has(code);
}

/**
 * Body code 400 is overloaded, so its message decides: "api key required" (ref §4.1, DOC) is
 * auth; " amount scale is invalid" (hummingbot/hummingbot#7348, HTTP 400, an over-precise
 * quoteOrderQty) is an invalid order; anything else is a malformed request (ccxt BadRequest).
 */
export function kindOfMexcCode(code: number, message: string | null = null): ErrorKind | undefined {
  if (code === 400 && message !== null) {
    if (/api.?key/i.test(message)) return 'auth';
    if (/scale is invalid/i.test(message)) return 'invalid_order';
  }
  return MEXC_ERROR_TABLE.get(code);
}
