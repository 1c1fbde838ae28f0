import Big from 'big.js';
import fc from 'fast-check';
import { type RunningSimulator, startSimulator } from './index';
import { adminRequest } from './testing/admin-client';
import { makeCaller } from './testing/signed-client';

/**
 * Whatever the account does, money neither appears nor vanishes: for each asset,
 * free + locked = initial + received − paid − fees, summed over the fills the simulator reports;
 * `locked` is exactly what open orders still reserve; nothing goes negative.
 */
let sim: RunningSimulator;
let call: ReturnType<typeof makeCaller>;

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, apiKey: 'mx0property', apiSecret: 'property-secret' });
  call = makeCaller(sim.url, sim.apiKey, sim.apiSecret);
});
afterAll(() => sim.stop());

type Op =
  | { kind: 'order'; side: 'BUY' | 'SELL'; type: string; offsetTicks: number; qty: string }
  | { kind: 'market'; side: 'BUY' | 'SELL'; qty?: string; quote?: string }
  | { kind: 'cancel'; pick: number }
  | { kind: 'price'; offsetBps: number }
  | { kind: 'step' };

const qty = fc.integer({ min: 1, max: 60_000 }).map((n) => new Big(n).div(100).toFixed());
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('order' as const),
    side: fc.constantFrom('BUY' as const, 'SELL' as const),
    type: fc.constantFrom('LIMIT', 'LIMIT_MAKER', 'IMMEDIATE_OR_CANCEL', 'FILL_OR_KILL'),
    offsetTicks: fc.integer({ min: -60, max: 60 }),
    qty,
  }),
  fc.record({ kind: fc.constant('market' as const), side: fc.constantFrom('BUY' as const, 'SELL' as const), qty }),
  fc.record({
    kind: fc.constant('market' as const),
    side: fc.constantFrom('BUY' as const, 'SELL' as const),
    quote: fc.integer({ min: 1, max: 400 }).map(String),
  }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('price' as const), offsetBps: fc.integer({ min: -800, max: 800 }) }),
  fc.record({ kind: fc.constant('step' as const) }),
);

interface Fill {
  side: 'BUY' | 'SELL';
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
}
interface OpenOrder {
  side: 'BUY' | 'SELL';
  price: string;
  origQty: string;
  executedQty: string;
}

async function run(action: Op): Promise<void> {
  const symbol = 'QRLUSDT';
  if (action.kind === 'order') {
    const mid = new Big(
      ((await call('/api/v3/ticker/price', { signed: false, params: { symbol } })).body as { price: string }).price,
    );
    const price = mid.plus(new Big(action.offsetTicks).times('0.0001'));
    if (price.lte(0)) return;
    await call('/api/v3/order', {
      method: 'POST',
      params: { symbol, side: action.side, type: action.type, quantity: action.qty, price: price.toFixed(4) },
    });
  } else if (action.kind === 'market') {
    const sizing: Record<string, string> =
      action.qty === undefined ? { quoteOrderQty: action.quote ?? '1' } : { quantity: action.qty };
    await call('/api/v3/order', { method: 'POST', params: { symbol, side: action.side, type: 'MARKET', ...sizing } });
  } else if (action.kind === 'cancel') {
    const open = (await call('/api/v3/openOrders', { params: { symbol } })).body as Array<{ orderId: string }>;
    const target = open[action.pick % Math.max(open.length, 1)];
    if (target) await call('/api/v3/order', { method: 'DELETE', params: { symbol, orderId: target.orderId } });
  } else if (action.kind === 'price') {
    const price = new Big('0.5').times(new Big(10_000 + action.offsetBps).div(10_000)).toFixed(4);
    await adminRequest(sim.url, 'POST', '/__sim/price', { symbol, price });
  } else {
    await adminRequest(sim.url, 'POST', '/__sim/step', { steps: 1 });
  }
}

describe('balance conservation', () => {
  it('per asset: free + locked = initial + received − paid − fees, after any order sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        await adminRequest(sim.url, 'POST', '/__sim/reset');
        for (const action of ops) await run(action);

        const balances = (await adminRequest(sim.url, 'GET', '/__sim/balances')).body.balances as Record<
          string,
          { free: string; locked: string }
        >;
        const fills = (await adminRequest(sim.url, 'GET', '/__sim/trades')).body.trades as Fill[];
        const expected: Record<string, Big> = { QRL: new Big(1000), USDT: new Big(500) };
        let fees = new Big(0);
        for (const fill of fills) {
          const [gets, pays] = fill.side === 'BUY' ? ['QRL', 'USDT'] : ['USDT', 'QRL'];
          const [got, paid] = fill.side === 'BUY' ? [fill.qty, fill.quoteQty] : [fill.quoteQty, fill.qty];
          expected[gets] = (expected[gets] ?? new Big(0)).plus(got);
          expected[pays] = (expected[pays] ?? new Big(0)).minus(paid);
          expected[fill.commissionAsset] = (expected[fill.commissionAsset] ?? new Big(0)).minus(fill.commission);
          fees = fees.plus(fill.commission);
        }
        for (const asset of ['QRL', 'USDT']) {
          const balance = balances[asset] ?? { free: '0', locked: '0' };
          expect(new Big(balance.free).plus(balance.locked).toFixed()).toBe(expected[asset]?.toFixed());
          expect(new Big(balance.free).gte(0)).toBe(true);
          expect(new Big(balance.locked).gte(0)).toBe(true);
        }
        if (fills.length === 0) expect(fees.eq(0)).toBe(true);

        const open = (await call('/api/v3/openOrders', { params: { symbol: 'QRLUSDT' } })).body as OpenOrder[];
        const reserved = { QRL: new Big(0), USDT: new Big(0) };
        for (const order of open) {
          const left = new Big(order.origQty).minus(order.executedQty);
          if (order.side === 'BUY') reserved.USDT = reserved.USDT.plus(left.times(order.price));
          else reserved.QRL = reserved.QRL.plus(left);
        }
        expect(balances.QRL?.locked).toBe(reserved.QRL.toFixed());
        expect(balances.USDT?.locked).toBe(reserved.USDT.toFixed());
      }),
      { numRuns: 40, seed: 20261125 },
    );
  });
});
