/**
 * MEXC error bodies the simulator answers with. Each entry cites where the code and text come from
 * (see ../shared/reference/mexc-spot-v3.md §4 and the "differences" list in docs/simulator.md); codes with no
 * public source for the exact case are marked UNVERIFIED there.
 */
export class MexcError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    msg: string,
    readonly headers: Record<string, string> = {},
    /** MEXC's key order varies (reference §4: `msg` before `code` in HB #6932 and the Oversold capture) */
    private readonly order: 'codeFirst' | 'msgFirst' = 'codeFirst',
  ) {
    super(msg);
    this.name = 'MexcError';
  }

  body(): { code: number; msg: string } | { msg: string; code: number } {
    return this.order === 'msgFirst' ? { msg: this.message, code: this.code } : { code: this.code, msg: this.message };
  }
}

/**
 * HTTP 403 from MEXC's WAF ("HTTP 403 return code is used when the WAF Limit (Web Application
 * Firewall) has been violated", docs general info). The body is not documented; an edge proxy
 * answers HTML, so there is no body code a client could read.
 */
export const WAF_PAGE = '<html><head><title>403 Forbidden</title></head><body>403 Forbidden</body></html>';

export const mexcErrors = {
  /** DOC table: 400 "api key required". */
  apiKeyRequired: () => new MexcError(400, 400, 'api key required'),
  /** DOC table: 10072 "invalid access key". */
  invalidAccessKey: () => new MexcError(400, 10072, 'Api key info invalid'),
  /** DOC table + ccxt comment (exact text). */
  badSignature: () => new MexcError(400, 700002, 'Signature for this request is not valid.'),
  /** ccxt comment (exact text). */
  outsideRecvWindow: () => new MexcError(400, 700003, 'Timestamp for this request is outside of the recvWindow.'),
  /** DOC table text. */
  recvWindowTooLarge: () => new MexcError(400, 700005, 'recvWindow must less than 60000'),
  /** DOC table text. */
  orderIdRequired: () =>
    new MexcError(400, 700004, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null"),
  /** mexc-api-sdk#68 (exact body). */
  invalidContentType: () => new MexcError(400, 700013, 'Invalid content Type.'),
  /** DOC table: 700008 "Illegal characters found in parameter". */
  illegalCharacters: (name: string) => new MexcError(400, 700008, `Illegal characters found in parameter '${name}'`),
  /** ccxt exception map (-1121 → BadSymbol, broad text "Invalid symbol."). */
  invalidSymbol: () => new MexcError(400, -1121, 'Invalid symbol.'),
  /** DOC table 700007 "No permission to access the endpoint" (a key without SPOT_DEAL_WRITE). */
  noPermission: () => new MexcError(400, 700007, 'No permission to access the endpoint.'),
  /** ccxt#26179 / JKorf Mexc.Net#13 (exact body). */
  symbolNotSupportApi: () => new MexcError(400, 10007, 'symbol not support api'),
  /** DOC table 44444. */
  paramRequired: (name: string) => new MexcError(400, 44444, `param cannot be null: ${name}`),
  /** DOC table 33333. */
  paramError: (name: string) => new MexcError(400, 33333, `param is error: ${name}`),
  /** hummingbot#7348 (exact body for quoteOrderQty; quantity/price by analogy). */
  scaleInvalid: (what: 'quantity' | 'price' | 'amount') => new MexcError(400, 400, `${what} scale is invalid`),
  /** DOC batchOrders sample text, e.g. "...cannot be less than:1USDT". */
  belowMinimum: (amount: string, asset: string) =>
    new MexcError(400, 30002, `The minimum transaction volume cannot be less than:${amount}${asset}`),
  /** DOC table 30003. */
  aboveMaximum: (amount: string, asset: string) =>
    new MexcError(400, 30003, `The maximum transaction volume cannot be greater than:${amount}${asset}`),
  /**
   * DOC table 30005 "Oversold"; key order as in a live capture quoted by third-party code
   * ('status=400 body={"msg":"Oversold","code":30005}'). Only sent as a fault (docs/mexc-real-behaviour.md).
   */
  oversold: () => new MexcError(400, 30005, 'Oversold', {}, 'msgFirst'),
  /** A code no client has a row for, for "unknown code" faults. */
  unknownCode: (code: number) => new MexcError(400, code, 'unknown error (simulator fault)'),
  /** DOC table 30004 (ccxt → InsufficientFunds). */
  insufficientPosition: () => new MexcError(400, 30004, 'Insufficient position'),
  /** DOC table 30001 (see exchangeInfo `tradeSideType`). */
  directionNotAllowed: () =>
    new MexcError(400, 30001, 'The current transaction direction is not allowed to place an order'),
  /** DOC table 30025. */
  noOpponentOrder: () => new MexcError(400, 30025, 'no exist opponent order'),
  /** DOC table 30041. */
  orderTypeNotAllowed: () => new MexcError(400, 30041, 'current order type can not place order'),
  /** DOC table 30019 / sdk#20 (exact body). */
  marketOrderDisabled: () => new MexcError(400, 30019, 'api market order is disabled'),
  /** DOC table 30016. */
  tradingDisabled: () => new MexcError(400, 30016, 'trading disabled'),
  /** DOC table -2011: cancel of an unknown or finished order. */
  unknownOrder: () => new MexcError(400, -2011, 'Unknown order sent.'),
  /** hummingbot mexc_constants: -2013 "Order does not exist." for queries. */
  orderDoesNotExist: () => new MexcError(400, -2013, 'Order does not exist.'),
  /** No public source for MEXC's duplicate-client-id answer; Binance's code, which MEXC's -20xx codes come from. */
  duplicateClientOrderId: () => new MexcError(400, -2010, 'Duplicate order sent.'),
  /** DOC: 429 + Retry-After. */
  tooManyRequests: (retryAfterS: number) =>
    new MexcError(429, 429, 'Too Many Requests', { 'Retry-After': String(retryAfterS) }),
  /** DOC: 418 is the IP ban after ignoring 429s. */
  ipBanned: (retryAfterS: number) =>
    new MexcError(418, 418, 'IP banned for ignoring rate limits', { 'Retry-After': String(retryAfterS) }),
  /** DOC table 500 / 503. */
  serverError: (status: number) =>
    new MexcError(status, status, status === 503 ? 'service not available, please try again' : 'Internal error'),
  notFound: () => new MexcError(404, 404, 'Not Found'),
} as const;
