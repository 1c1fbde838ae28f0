import { Firestore, Timestamp } from '@google-cloud/firestore';
import Big from 'big.js';
import { describeLedgerContract, FakeClock, uniqueId } from '../ledger-contract';
import { createFirestoreLedger, type FirestoreLedger } from './index';

const projectId = process.env.GOOGLE_CLOUD_PROJECT;
const opened: FirestoreLedger[] = [];

function open(options: { clock: FakeClock | { now(): Date }; retentionDays: number }): FirestoreLedger {
  const ledger = createFirestoreLedger({ projectId, databaseId: '(default)', ...options });
  opened.push(ledger);
  return ledger;
}

afterAll(async () => {
  await Promise.all(opened.map((ledger) => ledger.close()));
});

describeLedgerContract('firestore (emulator)', { makeLedger: open });

describe('Firestore ledger documents as the console shows them', () => {
  it('holds decimal strings, Timestamps, word field names and expireAt on runs, intents and snapshots', async () => {
    const clock = new FakeClock('2031-06-01T12:00:00.000Z');
    const ledger = open({ clock, retentionDays: 30 });
    const raw = new Firestore({ projectId });
    try {
      const runId = uniqueId('raw');
      const profileId = uniqueId('pf');
      const { run } = await ledger.claimRun({
        runId,
        profileId,
        owner: 'o',
        leaseMs: 60_000,
        dryRun: false,
        trigger: { kind: 'scheduler', scheduleTime: clock.now() },
      });
      await ledger.acquireLock({ profileId, runId, owner: 'o', leaseMs: 60_000 });
      await ledger.writeIntents({
        runId,
        profileId,
        attempt: run.attempt,
        intents: [
          {
            leg: 0,
            order: {
              symbol: 'QRLUSDT',
              side: 'BUY',
              type: 'LIMIT',
              quantity: new Big('1e-7'),
              price: new Big('0.4'),
              clientOrderId: 'raw0',
            },
          },
        ],
      });
      await ledger.updateIntent({
        runId,
        clientOrderId: 'raw0',
        status: 'filled',
        executedQuote: new Big('0.00000004'),
        fees: { QRL: '0.0000000001' },
      });
      await ledger.finishRun({
        runId,
        owner: 'o',
        status: 'completed',
        report: { value: new Big('123.45') },
        // the fill was counted into turnover by updateIntent; the finish adds none
        portfolio: { profileId, traded: true },
      });
      await ledger.recordSnapshot({ at: new Date('2031-06-01T12:00:07.250Z'), data: { value: new Big('10') } });

      const runDoc = (await raw.doc(`runs/${runId}`).get()).data() ?? {};
      expect(Object.keys(runDoc).sort()).toEqual(
        [
          'attempt',
          'dryRun',
          'error',
          'expireAt',
          'finishedAt',
          'lease',
          'metrics',
          'plan',
          'profile',
          'reason',
          'report',
          'result',
          'runId',
          'snapshot',
          'startedAt',
          'status',
          'trigger',
        ].sort(),
      );
      expect(runDoc.startedAt).toBeInstanceOf(Timestamp);
      expect(runDoc.finishedAt).toBeInstanceOf(Timestamp);
      expect(runDoc.lease.until).toBeInstanceOf(Timestamp);
      expect(runDoc.trigger.scheduleTime).toBeInstanceOf(Timestamp);
      expect((runDoc.expireAt as Timestamp).toDate()).toEqual(new Date('2031-07-01T12:00:00.000Z'));
      expect(runDoc.report).toEqual({ value: '123.45' });

      const intent = (await raw.doc(`runs/${runId}/orders/raw0`).get()).data() ?? {};
      expect(intent).toMatchObject({
        quantity: '0.0000001',
        price: '0.4',
        executedQuote: '0.00000004',
        countedQuote: '0.00000004',
        fees: { QRL: '0.0000000001' },
        status: 'filled',
      });
      expect(intent.expireAt).toBeInstanceOf(Timestamp);
      expect(intent.createdAt).toBeInstanceOf(Timestamp);

      const portfolio = (await raw.doc(`portfolios/${profileId}`).get()).data() ?? {};
      expect(portfolio.turnover).toEqual({ day: '2031-06-01', notional: '0.00000004' });
      expect(portfolio.lock).toBeNull();
      expect(portfolio.openIntents).toEqual({});
      expect(portfolio.lastRebalanceAt).toBeInstanceOf(Timestamp);

      const snapshot = (await raw.doc('snapshots/20310601T120007Z').get()).data() ?? {};
      expect(snapshot.value).toBe('10');
      expect(snapshot.at).toBeInstanceOf(Timestamp);
      expect((snapshot.expireAt as Timestamp).toDate()).toEqual(new Date('2031-07-01T12:00:00.000Z'));
    } finally {
      await raw.terminate();
    }
  });

  it('reports a document edited into a bad shape by its field name', async () => {
    const ledger = open({ clock: new FakeClock('2031-06-01T12:00:00Z'), retentionDays: 30 });
    const raw = new Firestore({ projectId });
    try {
      const profileId = uniqueId('pf');
      await raw
        .doc(`portfolios/${profileId}`)
        .set({ profile: profileId, turnover: { day: '2031-06-01', notional: 12 } });
      await expect(ledger.readPortfolio(profileId)).rejects.toMatchObject({
        code: 'ledger.bad_document',
        metadata: { field: 'turnover.notional' },
      });
    } finally {
      await raw.terminate();
    }
  });
});
