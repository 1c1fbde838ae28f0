import { Firestore } from '@google-cloud/firestore';
import { type LedgerCall, type LedgerProxy, type LedgerVerdict, startLedgerProxy } from './ledger-proxy';
import { openCaseLedger } from './ledger-time';

/**
 * The real Firestore client through the proxy to the real emulator: what the explorer relies on is
 * that the proxy is transparent (data, trailers, Trailers-Only errors) and names each RPC.
 */
describe('ledger gRPC proxy in front of the Firestore emulator', () => {
  const emulatorHost = process.env.FIRESTORE_EMULATOR_HOST ?? '';
  const projectId = process.env.GOOGLE_CLOUD_PROJECT ?? '';
  let proxy: LedgerProxy;
  let db: Firestore;
  const seen: string[] = [];
  let decide: (call: LedgerCall) => LedgerVerdict = () => ({ kind: 'forward' });

  beforeAll(async () => {
    proxy = await startLedgerProxy(emulatorHost, {
      before: async (call) => {
        seen.push(`before ${call.method}`);
        return decide(call);
      },
      after: (call) => seen.push(`after ${call.method}`),
    });
    // the client reads the emulator's address from this variable when it is created
    process.env.FIRESTORE_EMULATOR_HOST = proxy.host;
    db = new Firestore({ projectId });
    process.env.FIRESTORE_EMULATOR_HOST = emulatorHost;
  });
  afterAll(async () => {
    await db.terminate();
    await proxy.close();
  });
  beforeEach(() => {
    seen.length = 0;
    decide = () => ({ kind: 'forward' });
  });

  it('forwards writes, reads and transactions and names each RPC before and after it', async () => {
    await db.doc('proxy/a').set({ n: 1 });
    expect((await db.doc('proxy/a').get()).get('n')).toBe(1);
    await db.runTransaction(async (tx) => {
      const snap = await tx.get(db.doc('proxy/a'));
      tx.update(snap.ref, { n: (snap.get('n') as number) + 1 });
    });
    expect((await db.doc('proxy/a').get()).get('n')).toBe(2);
    expect(seen.filter((s) => s.startsWith('before'))).toEqual([
      'before Commit',
      'before BatchGetDocuments',
      // the client begins the transaction inside its first read (BatchGetDocuments with newTransaction)
      'before BatchGetDocuments',
      'before Commit',
      'before BatchGetDocuments',
    ]);
    // each call completes before the next starts: the proxy reports its end right after its start
    expect(seen).toEqual(seen.filter((s) => s.startsWith('before')).flatMap((b) => [b, b.replace('before', 'after')]));
  });

  it('answers a failed call with its gRPC status and message in Trailers-Only form, which the client reads', async () => {
    decide = (call) =>
      call.method === 'Commit'
        ? { kind: 'fail', grpcStatus: 3, message: 'explorer: no such write' }
        : { kind: 'forward' };
    await expect(db.doc('proxy/b').set({ n: 1 })).rejects.toMatchObject({
      code: 3,
      details: 'explorer: no such write',
    });
    decide = () => ({ kind: 'forward' });
    expect((await db.doc('proxy/b').get()).exists).toBe(false);
  });

  it('knows the transactions the function opened, so the locks of a killed one can be released', async () => {
    await db.doc('proxy/c').set({ n: 1 });
    proxy.takeTransactions();
    let release: () => void = () => undefined;
    const hold = new Promise<void>((r) => {
      release = r;
    });
    let read: () => void = () => undefined;
    const wasRead = new Promise<void>((r) => {
      read = r;
    });
    // a transaction that read the document and went quiet, as a process killed before its commit
    const abandoned = db
      .runTransaction(async (tx) => {
        await tx.get(db.doc('proxy/c'));
        read();
        await hold;
      })
      .catch(() => undefined);
    await wasRead;
    const open = proxy.takeTransactions();
    expect(open).toHaveLength(1);

    const outside = new Firestore({ projectId });
    const ledger = openCaseLedger(emulatorHost, projectId, 'unused');
    try {
      const write = outside.doc('proxy/c').set({ n: 2 });
      // the emulator holds the write behind the transaction's lock …
      expect(await Promise.race([write.then(() => 'written'), sleep(1_500).then(() => 'waiting')])).toBe('waiting');
      // … until the transaction ends
      await ledger.rollback(open);
      expect(await Promise.race([write.then(() => 'written'), sleep(5_000).then(() => 'waiting')])).toBe('written');
    } finally {
      release();
      await abandoned;
      await outside.terminate();
      await ledger.close();
    }
  }, 20_000);
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
