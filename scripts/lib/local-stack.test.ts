import { type CallResult, formatRunAnswer } from './local-stack';

const answer = (status: number, json: Record<string, unknown> | null, text = JSON.stringify(json)): CallResult => ({
  status,
  headers: new Headers(),
  text,
  json,
});

const order = {
  leg: 0,
  clientOrderId: 'qrl-manual-0001-0',
  symbol: 'QRLUSDT',
  side: 'SELL',
  type: 'LIMIT',
  quantity: '299.99',
  price: '0.4995',
  status: 'unknown',
  orderId: null,
  executedQuantity: '0',
  executedQuote: '0',
  fees: {},
};

describe('formatRunAnswer (what npm start and npm run call print)', () => {
  it('tells a failed run (HTTP 500) as a report: its error code and message, and its orders', () => {
    const text = formatRunAnswer(
      'POST http://127.0.0.1:1',
      answer(500, {
        executionId: 'manual-0001',
        profile: 'default',
        status: 'failed',
        reason: 'exchange.unavailable',
        message: 'the order answer was lost; the next run settles it',
        duplicate: false,
        dryRun: false,
        attempt: 1,
        orders: [order],
        error: { code: 'exchange.unavailable', message: 'MEXC did not answer after 3 attempt(s)', retryable: true },
      }),
    );
    expect(text).not.toContain('[object Object]');
    expect(text).toMatch(/HTTP 500 {2}status failed \(exchange\.unavailable\)/);
    expect(text).toMatch(/error {9}exchange\.unavailable: MEXC did not answer after 3 attempt\(s\) \(retryable/);
    expect(text).toMatch(/orders {8}1/);
    expect(text).toMatch(/#0 SELL 299\.99 QRLUSDT LIMIT @ 0\.4995 → unknown, filled 0 for 0 {2}\[qrl-manual-0001-0\]/);
  });

  it('tells a refusal by its code, message and what to do', () => {
    const text = formatRunAnswer(
      't',
      answer(400, { error: 'request.bad_json', message: 'the body is not valid JSON', todo: 'send a JSON object' }),
    );
    expect(text).toBe(
      't\n  HTTP 400  request.bad_json: the body is not valid JSON\n  todo          send a JSON object',
    );
  });

  it('shows the start of a body that is not JSON', () => {
    expect(formatRunAnswer('t', answer(502, null, '<html>Bad gateway</html>'))).toBe(
      't\n  HTTP 502  <html>Bad gateway</html>',
    );
  });
});
