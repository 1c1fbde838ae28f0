import { Firestore, Timestamp } from '@google-cloud/firestore';
import { openCaseLedger } from './ledger-time';

describe('time passing in a case’s ledger', () => {
  const emulatorHost = process.env.FIRESTORE_EMULATOR_HOST ?? '';
  const projectId = process.env.GOOGLE_CLOUD_PROJECT ?? '';
  let db: Firestore;
  beforeAll(() => {
    db = new Firestore({ projectId });
  });
  afterAll(() => db.terminate());

  it('moves every stored time back by the same amount, nested and in subcollections, and nothing else', async () => {
    const t = (ms: number) => Timestamp.fromMillis(ms);
    await db
      .doc('runs/r1')
      .set({ status: 'running', lease: { owner: 'a', until: t(1_000_000) }, startedAt: t(900_000) });
    await db.doc('runs/r1/orders/o1').set({ status: 'submitted', sendBy: t(950_000), legs: [{ at: t(960_000) }] });
    await db.doc('accounts/acc').set({ lock: { runId: 'r1', until: t(1_000_000) }, turnover: { day: '2026-12-01' } });
    const ledger = openCaseLedger(emulatorHost, projectId, 'acc');
    try {
      await ledger.passTime(300_000);
    } finally {
      await ledger.close();
    }
    const run = (await db.doc('runs/r1').get()).data();
    const order = (await db.doc('runs/r1/orders/o1').get()).data();
    const account = (await db.doc('accounts/acc').get()).data();
    expect(run).toEqual({ status: 'running', lease: { owner: 'a', until: t(700_000) }, startedAt: t(600_000) });
    expect(order).toEqual({ status: 'submitted', sendBy: t(650_000), legs: [{ at: t(660_000) }] });
    expect(account).toEqual({ lock: { runId: 'r1', until: t(700_000) }, turnover: { day: '2026-12-01' } });
  });

  it('contends on the account document only when it exists, changing nothing the product reads', async () => {
    const ledger = openCaseLedger(emulatorHost, projectId, 'contended');
    try {
      expect(await ledger.contend(1_000)).toBe(false);
      expect((await db.doc('accounts/contended').get()).exists).toBe(false);
      await db.doc('accounts/contended').set({ n: 1 });
      const before = await db.doc('accounts/contended').get();
      expect(await ledger.contend(1_000)).toBe(true);
      const after = await db.doc('accounts/contended').get();
      expect(after.data()).toEqual({ n: 1, explorerTouch: 1 });
      // a write all the same: a transaction that read the document before must retry
      expect(after.updateTime?.toMillis()).toBeGreaterThan(before.updateTime?.toMillis() ?? Number.POSITIVE_INFINITY);
    } finally {
      await ledger.close();
    }
  });
});
