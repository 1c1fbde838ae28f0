export { createMexcClient, type MexcClient, type MexcClientOptions } from './client';
export { type ErrorKind, MEXC_ERROR_TABLE, ORDER_NOT_PLACED_CODES, provesOrderNotPlaced } from './error-map';
export {
  BadSymbolError,
  CancelUnconfirmedError,
  ClockSkewError,
  ExchangeAuthError,
  ExchangeError,
  ExchangeRejectedError,
  ExchangeRequestError,
  ExchangeResponseError,
  ExchangeUnavailableError,
  InsufficientBalanceError,
  InvalidOrderError,
  IpBannedError,
  OrderNotFoundError,
  OrderUnconfirmedError,
  OversoldError,
  RateLimitError,
  SendDeadlinePassedError,
  TradesIncompleteError,
  TradingSuspendedError,
  UnknownOutcomeError,
  WafLimitError,
} from './errors';
export { CLIENT_ORDER_ID } from './requests';
export { type BucketSpec, MEXC_THROTTLE, type ThrottleLimits } from './throttle';
export type { CallEvent, CallMetrics } from './transport';
