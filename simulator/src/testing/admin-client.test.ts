import { type RunningSimulator, startSimulator } from '../index';
import { SimulatorAdmin } from './admin-client';

let sim: RunningSimulator;
let admin: SimulatorAdmin;

beforeAll(async () => {
  sim = await startSimulator({ seed: 2, config: { balances: { QRL: '1000', USDT: '500' } } });
  admin = new SimulatorAdmin(sim.url);
});
afterAll(() => sim.stop());
beforeEach(() => admin.reset());

describe('SimulatorAdmin, the typed client of the admin API', () => {
  it('throws on a refused setup step, naming the route, the status and the answer', async () => {
    await expect(admin.setBalances({ QRL: '-1' })).rejects.toThrow(
      /simulator POST \/__sim\/balances answered HTTP 400: .*decimal string/,
    );
    await expect(admin.setPrice({ symbol: 'NOPEUSDT', price: '1' })).rejects.toThrow(/not configured/);
  });

  it('sets and reads back balances, faults and the clock', async () => {
    expect(await admin.setBalances({ QRL: '50' })).toMatchObject({ QRL: { free: '50', locked: '0' } });
    expect(await admin.balances()).toMatchObject({ QRL: { free: '50' }, USDT: { free: '500' } });
    await admin.addFault({ endpoint: 'GET /api/v3/account', kind: '5xx', count: 2 });
    expect(await admin.faults()).toHaveLength(1);
    await admin.clearFaults();
    expect(await admin.faults()).toEqual([]);
    expect((await admin.setClock(1500)).offsetMs).toBe(1500);
  });

  it('reset goes back to the configured balances and clears faults', async () => {
    await admin.setBalances({ QRL: '1' });
    await admin.addFault({ endpoint: '*', kind: '429' });
    await admin.reset();
    expect((await admin.balances()).QRL?.free).toBe('1000');
    expect(await admin.faults()).toEqual([]);
    expect(await admin.orders('QRLUSDT')).toEqual([]);
    expect(await admin.trades('QRLUSDT')).toEqual([]);
  });
});
