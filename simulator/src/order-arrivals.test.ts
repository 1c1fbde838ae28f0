import { type RunningSimulator, startSimulator } from './index';
import { SimulatorAdmin } from './testing/admin-client';
import { makeCaller } from './testing/signed-client';

let sim: RunningSimulator;
let call: ReturnType<typeof makeCaller>;
let admin: SimulatorAdmin;

beforeAll(async () => {
  sim = await startSimulator({ apiKey: 'mx0arrivals', apiSecret: 'arrivals-secret' });
  call = makeCaller(sim.url, sim.apiKey, sim.apiSecret);
  admin = new SimulatorAdmin(sim.url);
});
afterAll(() => sim.stop());
beforeEach(() => admin.reset());

const buy = (clientId: string) => ({
  method: 'POST' as const,
  params: { symbol: 'QRLUSDT', side: 'BUY', type: 'LIMIT', quantity: '10', price: '0.45', newClientOrderId: clientId },
});

async function arrivals() {
  return admin.orderArrivals();
}

describe('GET /__sim/order-arrivals: when each order request reached the exchange', () => {
  it('stamps the arrival before a delay holds it, with the clock offset of that moment (3 s: inside recvWindow)', async () => {
    await admin.setClock(3_000);
    await admin.addFault({ endpoint: 'POST /api/v3/order', kind: 'delay', delayMs: 400 });
    const sent = Date.now();
    expect((await call('/api/v3/order', buy('held-1'))).status).toBe(200);
    const [arrival] = await arrivals();
    expect(arrival).toMatchObject({ clientOrderId: 'held-1', symbol: 'QRLUSDT', offsetMs: 3_000 });
    // the machine's clock at arrival: after the send, before the 400 ms hold ended
    const machine = (arrival?.at ?? 0) - 3_000;
    expect(machine).toBeGreaterThanOrEqual(sent - 5);
    expect(machine).toBeLessThan(sent + 300);
    const orders = await admin.orders();
    expect(Number(orders[0]?.time ?? 0) - 3_000).toBeGreaterThanOrEqual(machine + 390);
  });

  it('counts a request refused by a fault or a check as arrived, and reset forgets them', async () => {
    await admin.addFault({ endpoint: 'POST /api/v3/order', kind: '5xx' });
    expect((await call('/api/v3/order', buy('refused-1'))).status).toBe(503);
    expect((await call('/api/v3/order', { method: 'POST', params: { symbol: 'QRLUSDT' } })).status).toBe(400);
    expect((await arrivals()).map((a) => a.clientOrderId)).toEqual(['refused-1', null]);
    await admin.reset();
    expect(await arrivals()).toEqual([]);
  });
});
