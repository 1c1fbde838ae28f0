import Big from 'big.js';
import { createMemoryLedger, MemoryStore } from '../../shared/src/ledger/memory';
import { describeDocStore } from './contract/doc-store';
import { describeLedgerContract, ended, FakeClock, started, submitted } from './contract/setup';

const store = new MemoryStore();
describeLedgerContract('memory', {
  makeLedger: ({ clock, retentionDays }) => createMemoryLedger({ store, clock, retentionDays }),
  store: () => store,
});

describeDocStore('memory', () => new MemoryStore());

describe('memory ledger documents', () => {
  it('stores decimal strings and Dates, never Big or numbers for money', async () => {
    const own = new MemoryStore();
    const clock = new FakeClock('2031-01-02T03:04:05.000Z');
    const ledger = createMemoryLedger({ store: own, clock, retentionDays: 7 });
    const opened = await ledger.openRun({ runId: 'run-raw-1', accountId: 'acct-1' });
    const start = started(
      await ledger.startRun({
        as: 'locked',
        token: opened.token,
        runId: 'run-raw-1',
        profileId: 'default',
        accountId: 'acct-1',
        trigger: { kind: 'manual' },
        dryRun: false,
        owner: 'o',
        leaseMs: 1_000,
        intents: [
          submitted(0, 'raw0', new Date('2031-01-02T03:04:07.000Z'), {
            side: 'SELL',
            type: 'LIMIT',
            quantity: new Big('2'),
            price: new Big('0.50'),
          }),
        ],
      }),
    );
    let docs = own.dump();
    expect(docs.get('runs/run-raw-1')?.startedAt).toBeInstanceOf(Date);
    expect(docs.get('runs/run-raw-1')?.expireAt).toEqual(new Date('2031-01-09T03:04:05.000Z'));
    expect(docs.get('runs/run-raw-1/orders/raw0')).toMatchObject({
      quantity: '2',
      price: '0.5',
      status: 'submitted',
      sendBy: new Date('2031-01-02T03:04:07.000Z'),
      runId: 'run-raw-1',
      profile: 'default',
      account: 'acct-1',
    });
    expect(docs.get('accounts/acct-1')).toMatchObject({
      account: 'acct-1',
      openIntents: { raw0: 'run-raw-1' },
      lock: { runId: 'run-raw-1', profile: 'default', owner: 'o', until: new Date('2031-01-02T03:04:06.000Z') },
    });

    await ledger.finishRun({
      runId: 'run-raw-1',
      owner: 'o',
      accountId: 'acct-1',
      profileId: 'default',
      token: start.token,
      end: ended('completed', { value: new Big('12.30') }),
      intents: [
        { clientOrderId: 'raw0', status: 'filled', executedQuantity: new Big('2'), executedQuote: new Big('1.0') },
      ],
      account: { priceReference: { QRLUSDT: { price: '0.5', at: clock.now(), move: null } } },
    });
    docs = own.dump();
    expect(docs.get('runs/run-raw-1')).toMatchObject({ status: 'completed', value: '12.3' });
    expect(docs.get('accounts/acct-1')).toMatchObject({
      lock: null,
      openIntents: {},
      turnover: { day: '2031-01-02', notional: '1' },
      priceReference: { QRLUSDT: { price: '0.5', at: clock.now(), move: null } },
    });
    expect([...docs.keys()].sort()).toEqual(['accounts/acct-1', 'runs/run-raw-1', 'runs/run-raw-1/orders/raw0']);
  });

  it('hands out copies: changing a returned record or an opened account does not change the ledger', async () => {
    const ledger = createMemoryLedger({ clock: new FakeClock('2031-01-01T00:00:00Z'), retentionDays: 1 });
    const opened = await ledger.openRun({ runId: 'copy-1', accountId: 'acct' });
    const { run, intents } = started(
      await ledger.startRun({
        as: 'locked',
        token: opened.token,
        runId: 'copy-1',
        profileId: 'p',
        accountId: 'acct',
        trigger: { kind: 'manual' },
        dryRun: false,
        owner: 'o',
        leaseMs: 1_000,
        intents: [submitted(0, 'cp0', new Date('2031-01-01T00:00:01Z'))],
      }),
    );
    run.attempt = 99;
    run.document.status = 'completed';
    (intents[0] as { status: string }).status = 'filled';
    const account = await ledger.readAccount('acct');
    account.openIntents.injected = 'x';
    expect(await ledger.readRun('copy-1')).toMatchObject({
      attempt: 1,
      status: 'running',
      document: { status: 'running' },
    });
    expect((await ledger.listIntents('copy-1'))[0]?.status).toBe('submitted');
    expect((await ledger.readAccount('acct')).openIntents).toEqual({ cp0: 'copy-1' });
  });

  it('keeps each store to itself: ledgers on separate stores share nothing, ledgers on one store share everything', async () => {
    const clock = new FakeClock('2031-01-01T00:00:00Z');
    const shared = new MemoryStore();
    const a = createMemoryLedger({ store: shared, clock, retentionDays: 1 });
    const b = createMemoryLedger({ store: shared, clock, retentionDays: 1 });
    const alone = createMemoryLedger({ clock, retentionDays: 1 });
    await a.acquireLock({ accountId: 'acct', profileId: 'p', runId: 'r', owner: 'o', leaseMs: 1_000 });
    expect((await b.readAccount('acct')).lock?.owner).toBe('o');
    expect((await alone.readAccount('acct')).lock).toBeNull();
  });
});
