import Big from 'big.js';
import { describeLedgerContract, FakeClock } from '../ledger-contract';
import { createMemoryLedger, MemoryStore } from './index';

const store = new MemoryStore();
describeLedgerContract('memory', {
  makeLedger: ({ clock, retentionDays }) => createMemoryLedger({ store, clock, retentionDays }),
});

describe('memory ledger documents', () => {
  it('stores decimal strings and Dates, never Big or numbers for money', async () => {
    const own = new MemoryStore();
    const clock = new FakeClock('2031-01-02T03:04:05.000Z');
    const ledger = createMemoryLedger({ store: own, clock, retentionDays: 7 });
    await ledger.claimRun({
      runId: 'run-raw-1',
      profileId: 'default',
      owner: 'o',
      leaseMs: 1000,
      dryRun: true,
      trigger: { kind: 'manual' },
    });
    await ledger.writeIntents({
      runId: 'run-raw-1',
      profileId: 'default',
      attempt: 1,
      intents: [
        {
          leg: 0,
          order: {
            symbol: 'QRLUSDT',
            side: 'SELL',
            type: 'LIMIT',
            quantity: new Big('2'),
            price: new Big('0.5'),
            clientOrderId: 'raw0',
          },
        },
      ],
    });
    const docs = own.dump();
    const run = docs.get('runs/run-raw-1');
    expect(run?.startedAt).toBeInstanceOf(Date);
    expect(run?.expireAt).toEqual(new Date('2031-01-09T03:04:05.000Z'));
    const intent = docs.get('runs/run-raw-1/orders/raw0');
    expect(intent).toMatchObject({
      quantity: '2',
      price: '0.5',
      status: 'pending',
      run: 'run-raw-1',
      profile: 'default',
    });
    expect(docs.get('portfolios/default')).toMatchObject({ openIntents: { raw0: 'run-raw-1' } });
  });

  it('hands out copies: changing a returned record does not change the ledger', async () => {
    const ledger = createMemoryLedger({ clock: new FakeClock('2031-01-01T00:00:00Z'), retentionDays: 1 });
    const { run } = await ledger.claimRun({
      runId: 'copy-1',
      profileId: 'p',
      owner: 'o',
      leaseMs: 1,
      dryRun: false,
      trigger: { kind: 'manual' },
    });
    run.attempt = 99;
    expect((await ledger.readRun('copy-1'))?.attempt).toBe(1);
  });
});
