import {
  ExchangeRejectedError,
  ExchangeUnavailableError,
  InsufficientBalanceError,
  InvalidOrderError,
  SendDeadlinePassedError,
  UnknownOutcomeError,
} from '../exchange/mexc';
import { MEXC_ERROR_TABLE, ORDER_NOT_PLACED_CODES } from '../exchange/mexc/error-map';
import { isOrderRefusal } from './order-outcome';

/** Issue #15, item 2: only an answer that proves "not placed" makes an order intent `rejected`. */
describe('isOrderRefusal', () => {
  const input = { endpoint: 'POST /api/v3/order' };

  it('refusals: a whitelisted MEXC code, a local check, a send deadline that passed', () => {
    expect(isOrderRefusal(new InsufficientBalanceError({ ...input, mexcCode: 30004 }))).toBe(true);
    expect(isOrderRefusal(new InvalidOrderError({ ...input, mexcMessage: 'checked before sending' }))).toBe(true);
    expect(isOrderRefusal(new SendDeadlinePassedError({ ...input, clientOrderId: 'x', sendBy: 1, now: 2 }))).toBe(true);
  });

  it('not refusals: an unknown outcome, an unknown code, an unavailable exchange, a plain error', () => {
    expect(isOrderRefusal(new UnknownOutcomeError({ ...input, clientOrderId: 'x', symbol: 'QRLUSDT' }))).toBe(false);
    expect(isOrderRefusal(new ExchangeRejectedError({ ...input, mexcCode: 99999 }))).toBe(false);
    expect(isOrderRefusal(new ExchangeUnavailableError({ ...input, attempts: 1 }))).toBe(false);
    expect(isOrderRefusal(new Error('boom'))).toBe(false);
  });
});

describe('ORDER_NOT_PLACED_CODES (the whitelist)', () => {
  it('every whitelisted code has a sourced row in the error table, and none of them says "busy" or "no such order"', () => {
    for (const code of ORDER_NOT_PLACED_CODES) {
      const kind = MEXC_ERROR_TABLE.get(code);
      expect([code, kind]).toEqual([code, expect.any(String)]);
      expect(['unavailable', 'order_not_found']).not.toContain(kind);
    }
  });

  it('leaves out what proves nothing: 5xx-style codes, "order does not exist", and codes without a source', () => {
    for (const code of [500, 501, 503, 504, -2011, -2013, 30088, -2010, 99999]) {
      expect([code, ORDER_NOT_PLACED_CODES.has(code)]).toEqual([code, false]);
    }
  });
});
