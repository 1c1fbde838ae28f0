import { Firestore, Timestamp } from '@google-cloud/firestore';
import Big from 'big.js';
import { DocConflictError } from '../../shared/src/ledger/doc-store';
import { createFirestoreLedger, type FirestoreLedger, FirestoreStore } from '../../shared/src/ledger/firestore';
import type { Clock } from '../../shared/src/ports/clock';
import { describeDocStore } from './contract/doc-store';
import { describeLedgerContract, ended, FakeClock, started, submitted, uniqueId } from './contract/setup';

// test/harness/emulator-project.ts gives each jest worker its own emulator project
const projectId = process.env.GOOGLE_CLOUD_PROJECT;
const raw = new Firestore({ projectId });
const opened: FirestoreLedger[] = [];

function open(options: { clock: Clock; retentionDays: number }): FirestoreLedger {
  const ledger = createFirestoreLedger({ projectId, databaseId: '(default)', ...options });
  opened.push(ledger);
  return ledger;
}

afterAll(async () => {
  await Promise.all(opened.map((ledger) => ledger.close()));
  await raw.terminate();
});

describeLedgerContract('firestore (emulator)', { makeLedger: open, store: () => new FirestoreStore(raw) });

describeDocStore('firestore (emulator)', () => new FirestoreStore(raw));

describe('Firestore ledger documents as the console shows them', () => {
  async function data(path: string): Promise<Record<string, unknown>> {
    return (await raw.doc(path).get()).data() ?? {};
  }

  it('holds decimal strings, Timestamps, word field names and expireAt on runs, intents, the account and snapshots', async () => {
    const clock = new FakeClock('2031-06-01T12:00:00.000Z');
    const ledger = open({ clock, retentionDays: 30 });
    const runId = uniqueId('raw');
    const profileId = uniqueId('pf');
    const accountId = uniqueId('acct');
    const read = await ledger.openRun({ runId, accountId, profileIds: [profileId] });
    const start = started(
      await ledger.startRun({
        as: 'locked',
        token: read.token,
        runId,
        profileId,
        accountId,
        trigger: { kind: 'scheduler', scheduleTime: clock.now() },
        dryRun: false,
        owner: 'o',
        leaseMs: 60_000,
        intents: [
          submitted(0, 'raw0', clock.in(2_000), { type: 'LIMIT', quantity: new Big('1e-7'), price: new Big('0.40') }),
        ],
      }),
    );
    const during = await data(`accounts/${accountId}`);
    expect(during.lock).toEqual({
      runId,
      profile: profileId,
      owner: 'o',
      until: Timestamp.fromDate(clock.in(60_000)),
    });
    expect(during.openIntents).toEqual({ raw0: runId });
    expect(during.createdAt).toBeInstanceOf(Timestamp);

    clock.advance(3_000);
    const finished = await ledger.finishRun({
      runId,
      owner: 'o',
      accountId,
      profileId,
      token: start.token,
      end: ended('completed', { value: new Big('123.450'), metrics: { durationMs: 3_000 } }),
      intents: [
        {
          clientOrderId: 'raw0',
          status: 'filled',
          executedQuantity: new Big('1e-7'),
          executedQuote: new Big('0.00000004'),
          fees: { QRL: '0.0000000001' },
        },
      ],
      account: { priceReference: { QRLUSDT: { price: '0.4', at: clock.now(), move: null } } },
    });
    expect(finished).toMatchObject({ outcome: 'finished', lockReleased: true });
    // the account was new, so openRun also looked for v1 portfolios and created it: 3 + start + finish
    expect(ledger.calls()).toBe(5);
    await ledger.recordSnapshot({
      at: new Date('2031-06-01T12:00:07.250Z'),
      profileId,
      data: { value: new Big('10') },
    });

    const runDoc = await data(`runs/${runId}`);
    expect(Object.keys(runDoc).sort()).toEqual(
      [
        'account',
        'attempt',
        'dryRun',
        'expireAt',
        'finishedAt',
        'lease',
        'metrics',
        'profile',
        'reason',
        'runId',
        'startedAt',
        'status',
        'summary',
        'trigger',
        'value',
      ].sort(),
    );
    expect(runDoc.startedAt).toBeInstanceOf(Timestamp);
    expect(runDoc.finishedAt).toEqual(Timestamp.fromDate(clock.now()));
    expect((runDoc.lease as { until: unknown }).until).toBeInstanceOf(Timestamp);
    expect((runDoc.trigger as { scheduleTime: unknown }).scheduleTime).toBeInstanceOf(Timestamp);
    expect((runDoc.expireAt as Timestamp).toDate()).toEqual(new Date('2031-07-01T12:00:03.000Z'));
    expect(runDoc.value).toBe('123.45');
    expect(runDoc.metrics).toEqual({ durationMs: 3_000, firestoreCalls: 5 });

    const intent = await data(`runs/${runId}/orders/raw0`);
    expect(intent).toMatchObject({
      runId,
      profile: profileId,
      account: accountId,
      quantity: '0.0000001',
      price: '0.4',
      executedQuantity: '0.0000001',
      executedQuote: '0.00000004',
      countedQuote: '0.00000004',
      fees: { QRL: '0.0000000001' },
      status: 'filled',
      recvWindowMs: 5_000,
    });
    for (const field of ['createdAt', 'updatedAt', 'sendBy', 'expireAt'])
      expect(intent[field]).toBeInstanceOf(Timestamp);

    const account = await data(`accounts/${accountId}`);
    expect(account).toMatchObject({
      account: accountId,
      lock: null,
      openIntents: {},
      turnover: { day: '2031-06-01', notional: '0.00000004' },
      priceReference: { QRLUSDT: { price: '0.4', move: null } },
      carriedOver: [],
    });
    expect(account.lastRebalanceAt).toEqual(Timestamp.fromDate(clock.now()));
    expect((account.priceReference as Record<string, Record<string, unknown>>).QRLUSDT?.at).toBeInstanceOf(Timestamp);
    expect((account.profiles as Record<string, Record<string, unknown>>)[profileId]).toEqual({
      lastRunId: runId,
      lastRunStatus: 'completed',
      lastFinishedAt: Timestamp.fromDate(clock.now()),
      lastCompletedAt: Timestamp.fromDate(clock.now()),
    });

    const snapshot = await data('snapshots/20310601T120007Z');
    expect(snapshot.value).toBe('10');
    expect(snapshot.at).toBeInstanceOf(Timestamp);
    expect((snapshot.expireAt as Timestamp).toDate()).toEqual(new Date('2031-07-01T12:00:03.000Z'));
  });

  it('reports a document edited into a bad shape by its field name', async () => {
    const ledger = open({ clock: new FakeClock('2031-06-01T12:00:00Z'), retentionDays: 30 });
    const accountId = uniqueId('acct');
    await raw.doc(`accounts/${accountId}`).set({ account: accountId, turnover: { day: '2031-06-01', notional: 12 } });
    await expect(ledger.readAccount(accountId)).rejects.toMatchObject({
      code: 'ledger.bad_document',
      metadata: { path: `accounts/${accountId}`, field: 'turnover.notional' },
    });
    await expect(ledger.openRun({ runId: uniqueId('run'), accountId })).rejects.toMatchObject({
      code: 'ledger.bad_document',
    });
  });

  it('carries the version as a lastUpdateTime precondition: a write in between (the console, another client) refuses the update', async () => {
    const store = new FirestoreStore(raw);
    const path = `ds-${uniqueId('pre')}/a`;
    const [created] = await store.commit([{ op: 'create', path, data: { n: 1 } }]);
    const snap = await raw.doc(path).get();
    const time = snap.updateTime as Timestamp;
    expect(created).toBe(`${time.seconds}.${String(time.nanoseconds).padStart(9, '0')}`);
    await raw.doc(path).update({ n: 2 });
    await expect(
      store.commit([{ op: 'update', path, data: { n: 3 }, ifVersion: created as string }]),
    ).rejects.toBeInstanceOf(DocConflictError);
    expect((await data(path)).n).toBe(2);
    const [current] = await store.getAll([path]);
    await store.commit([{ op: 'update', path, data: { n: 3 }, ifVersion: current?.version as string }]);
    expect((await data(path)).n).toBe(3);
  });

  it('sends a finish to its fallback when the account was edited in the console after the start, and still ends the run', async () => {
    const clock = new FakeClock('2031-06-01T12:00:00.000Z');
    const ledger = open({ clock, retentionDays: 30 });
    const runId = uniqueId('run');
    const accountId = uniqueId('acct');
    const read = await ledger.openRun({ runId, accountId });
    const start = started(
      await ledger.startRun({
        as: 'locked',
        token: read.token,
        runId,
        profileId: 'p',
        accountId,
        trigger: { kind: 'manual' },
        dryRun: false,
        owner: 'o',
        leaseMs: 60_000,
        intents: [],
      }),
    );
    await raw.doc(`accounts/${accountId}`).update({ note: 'looked at by hand' });
    const finished = await ledger.finishRun({
      runId,
      owner: 'o',
      accountId,
      profileId: 'p',
      token: start.token,
      end: ended('completed'),
      account: {},
    });
    expect(finished).toMatchObject({ outcome: 'finished', lockReleased: true });
    // open, start, the refused commit, the finish (run, account, commit)
    expect(ledger.calls()).toBe(6);
    expect(await data(`accounts/${accountId}`)).toMatchObject({ lock: null, note: 'looked at by hand' });
    expect((await data(`runs/${runId}`)).status).toBe('completed');
  });
});
