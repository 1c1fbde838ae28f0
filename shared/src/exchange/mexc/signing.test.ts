import Big from 'big.js';
import type { NewOrder, OrderRef } from '../../ports/exchange';
import vectors from './fixtures/mexc-vectors.json';
import building from './fixtures/request-building.json';
import { accountCall, cancelOrderCall, newOrderCall, queryOrderCall } from './requests';
import { encodeValue, hmacSha256Hex, signQuery, toQueryString } from './signing';
import type { Call } from './transport';

interface BuildingRow {
  description: string;
  vector: string;
  call: 'newOrder' | 'cancelOrder' | 'queryOrder' | 'account';
  input: Record<string, string>;
  recvWindowMs: number | null;
  timestamp: number;
  method: string;
  path: string;
}

function vector(id: string) {
  const found = vectors.signatures.find((s) => s.id === id);
  if (!found) throw new Error(`no signature vector ${id}`);
  return found;
}

function build(row: BuildingRow): Call {
  const i = row.input;
  switch (row.call) {
    case 'newOrder': {
      const order: NewOrder = {
        symbol: i.symbol ?? '',
        side: i.side as NewOrder['side'],
        type: i.type as NewOrder['type'],
        clientOrderId: i.clientOrderId ?? '',
        ...(i.quantity !== undefined && { quantity: new Big(i.quantity) }),
        ...(i.price !== undefined && { price: new Big(i.price) }),
        ...(i.quoteQuantity !== undefined && { quoteQuantity: new Big(i.quoteQuantity) }),
      };
      return newOrderCall(order);
    }
    case 'cancelOrder':
    case 'queryOrder': {
      const ref: OrderRef =
        i.orderId !== undefined
          ? { symbol: i.symbol ?? '', orderId: i.orderId }
          : { symbol: i.symbol ?? '', clientOrderId: i.clientOrderId ?? '' };
      return row.call === 'cancelOrder' ? cancelOrderCall(ref) : queryOrderCall(ref);
    }
    case 'account':
      return accountCall;
  }
}

describe('HMAC-SHA256 signature vectors (ref §2.5)', () => {
  it.each(vectors.signatures.map((s) => [s.id, s] as const))('%s', (_id, s) => {
    expect(hmacSha256Hex(s.apiSecret, s.totalParams)).toBe(s.signature);
  });

  it('gives lowercase hex of 64 characters', () => {
    expect(hmacSha256Hex('k', 'timestamp=1')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('request building', () => {
  it.each((building.rows as BuildingRow[]).map((r) => [r.description, r] as const))('%s', (_d, row) => {
    const expected = vector(row.vector);
    const call = build(row);
    expect(`${call.method} ${call.path}`).toBe(`${row.method} ${row.path}`);
    const signed = signQuery(
      call.params,
      { timestamp: row.timestamp, recvWindowMs: row.recvWindowMs ?? undefined },
      expected.apiSecret,
    );
    expect(signed.totalParams).toBe(expected.totalParams);
    expect(signed.signature).toBe(expected.signature);
    expect(signed.query).toBe(`${expected.totalParams}&signature=${expected.signature}`);
  });

  it('percent-encodes commas with uppercase hex as the vector does', () => {
    const expected = vector('percent_encoded_comma_uppercase_hex');
    const signed = signQuery(
      [['symbol', 'QRLUSDT,MXUSDT']],
      { timestamp: 1767225602000, recvWindowMs: 5000 },
      expected.apiSecret,
    );
    expect(signed.totalParams).toBe(expected.totalParams);
    expect(signed.signature).toBe(expected.signature);
  });

  it('encodes characters the URL parser would otherwise rewrite, so the signed bytes are the sent bytes', () => {
    expect(encodeValue("a'b(c)!*")).toBe('a%27b%28c%29%21%2A');
    const query = toQueryString([['x', "a'b c"]]);
    expect(new URL(`http://127.0.0.1/?${query}`).search).toBe(`?${query}`);
  });

  it.each([
    [
      'MARKET with both quantity and quoteQuantity',
      { type: 'MARKET', quantity: new Big(1), quoteQuantity: new Big(1) },
    ],
    ['MARKET with neither', { type: 'MARKET' }],
    ['LIMIT without price', { type: 'LIMIT', quantity: new Big(1) }],
    [
      'IOC with a quote quantity',
      { type: 'IMMEDIATE_OR_CANCEL', quantity: new Big(1), price: new Big(1), quoteQuantity: new Big(1) },
    ],
    ['a zero quantity', { type: 'LIMIT', quantity: new Big(0), price: new Big(1) }],
    ['a client id with a dot', { type: 'LIMIT', quantity: new Big(1), price: new Big(1), clientOrderId: 'rb.1' }],
    [
      'a client id of 33 characters',
      { type: 'LIMIT', quantity: new Big(1), price: new Big(1), clientOrderId: 'a'.repeat(33) },
    ],
  ] as const)('refuses %s before sending', (_d, partial) => {
    const order = { symbol: 'QRLUSDT', side: 'BUY', clientOrderId: 'rb-1', ...partial } as NewOrder;
    expect(() => newOrderCall(order)).toThrow(expect.objectContaining({ code: 'exchange.invalid_order' }));
  });

  it.each([
    ['LIMIT_MAKER', 'symbol=QRLUSDT&side=SELL&type=LIMIT_MAKER&quantity=10&price=0.5&newClientOrderId=m-1'],
    [
      'IMMEDIATE_OR_CANCEL',
      'symbol=QRLUSDT&side=SELL&type=IMMEDIATE_OR_CANCEL&quantity=10&price=0.5&newClientOrderId=m-1',
    ],
    ['FILL_OR_KILL', 'symbol=QRLUSDT&side=SELL&type=FILL_OR_KILL&quantity=10&price=0.5&newClientOrderId=m-1'],
  ] as const)('%s sends quantity and price', (type, query) => {
    const call = newOrderCall({
      symbol: 'QRLUSDT',
      side: 'SELL',
      type,
      quantity: new Big('10'),
      price: new Big('0.50'),
      clientOrderId: 'm-1',
    });
    expect(toQueryString(call.params)).toBe(query);
  });

  it('MARKET buy by quote amount sends quoteOrderQty, and tiny decimals are written out in full', () => {
    const call = newOrderCall({
      symbol: 'QRLUSDT',
      side: 'BUY',
      type: 'MARKET',
      quoteQuantity: new Big('0.00000001'),
      clientOrderId: 'q-1',
    });
    expect(toQueryString(call.params)).toBe(
      'symbol=QRLUSDT&side=BUY&type=MARKET&quoteOrderQty=0.00000001&newClientOrderId=q-1',
    );
  });
});
