import { Firestore, Timestamp } from '@google-cloud/firestore';
import type { LedgerIntent, LedgerRun } from './world';

/**
 * The campaign's own read of the ledger in the Firestore emulator (never through the product's
 * adapter, so a bug there cannot hide itself), plus the two ways it moves time on: a lease that
 * ran out while the dead process was away, and the end of a UTC day.
 */
export interface LedgerView {
  runs(): Promise<LedgerRun[]>;
  intents(): Promise<LedgerIntent[]>;
  /** The dead process's run lease and its account lock end now, as they would after LEASE_MS. */
  expireLease(runId: string): Promise<void>;
  /** The UTC day of the account's turnover ends (the daily cap starts again). */
  endTurnoverDay(): Promise<boolean>;
  close(): Promise<void>;
}

const millis = (value: unknown): number | null => (value instanceof Timestamp ? value.toMillis() : null);
const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);

/** `accountId`: the document the functions under test keep their safety state in (accounts/{accountId}). */
export function openLedgerView(projectId: string, emulatorHost: string, accountId: string): LedgerView {
  // The client finds the emulator through this variable (and then sends no credentials).
  process.env.FIRESTORE_EMULATOR_HOST = emulatorHost;
  const db = new Firestore({ projectId });
  const past = () => Timestamp.fromMillis(Date.now() - 1_000);
  return {
    async runs() {
      const snap = await db.collection('runs').get();
      return snap.docs.map((d) => {
        const x = d.data();
        const lease = x.lease as { owner?: unknown; until?: unknown } | null | undefined;
        const until = millis(lease?.until);
        const error = x.error as { code?: unknown } | null | undefined;
        return {
          runId: d.id,
          status: str(x.status),
          reason: typeof x.reason === 'string' ? x.reason : null,
          attempt: typeof x.attempt === 'number' ? x.attempt : 0,
          lease: lease && until !== null ? { owner: str(lease.owner), until } : null,
          startedAt: millis(x.startedAt) ?? 0,
          finishedAt: millis(x.finishedAt),
          errorCode: typeof error?.code === 'string' ? error.code : null,
        };
      });
    },
    async intents() {
      const snap = await db.collectionGroup('orders').get();
      return snap.docs.map((d) => {
        const x = d.data();
        return {
          runId: str(x.run),
          clientOrderId: str(x.clientOrderId, d.id),
          leg: typeof x.leg === 'number' ? x.leg : -1,
          attempt: typeof x.attempt === 'number' ? x.attempt : 0,
          status: str(x.status),
          orderId: typeof x.orderId === 'string' ? x.orderId : null,
          executedQuantity: str(x.executedQuantity, '0'),
          executedQuote: str(x.executedQuote, '0'),
          createdAt: millis(x.createdAt) ?? 0,
          updatedAt: millis(x.updatedAt) ?? 0,
        };
      });
    },
    async expireLease(runId) {
      const run = db.doc(`runs/${runId}`);
      const runDoc = await run.get();
      if (runDoc.exists && runDoc.get('status') === 'running' && runDoc.get('lease'))
        await run.update({ 'lease.until': past() });
      const account = db.doc(`accounts/${accountId}`);
      const a = await account.get();
      if (a.exists && a.get('lock.runId') === runId) await account.update({ 'lock.until': past() });
    },
    async endTurnoverDay() {
      const account = db.doc(`accounts/${accountId}`);
      const a = await account.get();
      const day = a.exists ? a.get('turnover.day') : undefined;
      if (typeof day !== 'string') return false;
      const before = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      await account.update({ 'turnover.day': before });
      return true;
    },
    close: () => db.terminate(),
  };
}
