/**
 * The explorer's two ways of touching the ledger from outside the product, straight on the emulator
 * (never through the proxy the function uses):
 *
 * - time passes: every timestamp of a case's ledger moves back by the same amount, as if that much
 *   time went by while no function ran. Under the run contract the product judges leases, locks and
 *   "provably absent" by Firestore's clock against the times it stored, so moving every stored time
 *   back by Δ is, for the product, Δ of waiting. The explorer uses it for the minutes between
 *   Scheduler triggers (and the 2-minute visibility margin), which it cannot afford to sleep through.
 * - contention: another writer touches the account document just before a call, so a transaction
 *   that read it (or a write conditioned on its update time) must retry. Rewriting the same content
 *   would be a no-op that leaves the update time alone, so the write bumps a field of its own,
 *   `explorerTouch`, which the product's document schema ignores (valibot `object` drops unknown keys) (Firestore: "a transaction ... fails if ... documents read ... were
 *   modified outside", https://firebase.google.com/docs/firestore/manage-data/transactions).
 */
import { type DocumentReference, Firestore, Timestamp } from '@google-cloud/firestore';

export interface CaseLedger {
  /** moves every stored time back by `ms` */
  passTime(ms: number): Promise<void>;
  /** writes the account document from outside (its update time changes, nothing the product reads does); false when it does not exist yet */
  contend(timeoutMs: number): Promise<boolean>;
  /** ends transactions a dead process left open (Firestore would after they idled), through the emulator's REST API */
  rollback(transactions: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

function shifted(value: unknown, ms: number): unknown {
  if (value instanceof Timestamp) return Timestamp.fromMillis(value.toMillis() - ms);
  if (Array.isArray(value)) return value.map((v) => shifted(v, ms));
  if (value && typeof value === 'object' && value.constructor === Object) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = shifted(v, ms);
    return out;
  }
  return value;
}

export function openCaseLedger(emulatorHost: string, projectId: string, accountId: string): CaseLedger {
  process.env.FIRESTORE_EMULATOR_HOST = emulatorHost;
  const db = new Firestore({ projectId });
  const shiftTree = async (refs: DocumentReference[], ms: number): Promise<void> => {
    for (const ref of refs) {
      const snap = await ref.get();
      if (snap.exists) await ref.set(shifted(snap.data(), ms) as Record<string, unknown>);
      for (const sub of await ref.listCollections()) await shiftTree(await sub.listDocuments(), ms);
    }
  };
  return {
    async passTime(ms) {
      for (const collection of await db.listCollections()) await shiftTree(await collection.listDocuments(), ms);
    },
    async contend(timeoutMs) {
      const ref = db.doc(`accounts/${accountId}`);
      const snap = await ref.get();
      if (!snap.exists) return false;
      const touch = (typeof snap.get('explorerTouch') === 'number' ? (snap.get('explorerTouch') as number) : 0) + 1;
      // The write may wait behind the transaction's own lock in the emulator; the call goes on
      // after timeoutMs either way, and the write lands when it can: contention all the same.
      await Promise.race([
        ref.update({ explorerTouch: touch }).catch(() => undefined),
        new Promise((r) => setTimeout(r, timeoutMs)),
      ]);
      return true;
    },
    async rollback(transactions) {
      // https://firebase.google.com/docs/firestore/reference/rest/v1/projects.databases.documents/rollback;
      // a transaction that committed already answers an error, which changes nothing
      const url = `http://${emulatorHost}/v1/projects/${projectId}/databases/(default)/documents:rollback`;
      for (const transaction of transactions)
        await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ transaction }),
        }).catch(() => undefined);
    },
    close: () => db.terminate(),
  };
}
