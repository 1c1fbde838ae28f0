import type { AccountLedger } from './accounts';
import type { IntentLedger } from './intents';
import type { RunLedger } from './runs';
import type { SnapshotLedger } from './snapshots';

export * from './accounts';
export * from './intents';
export * from './runs';
export * from './snapshots';
export * from './values';

/**
 * The ledger (DESIGN §4, §7): one interface per document kind; the use cases take the sum.
 * Plain TypeScript at this boundary: Date for instants, decimal strings (or Big on the way in) for
 * money. Adapters (Firestore, memory) share one implementation over a document store.
 */
export interface Ledger extends RunLedger, AccountLedger, IntentLedger, SnapshotLedger {
  /**
   * The ledger's clock: the instant every lease, lock, send deadline and visibility judgement is
   * written and compared in. Firestore: the database's server time as its answers carry it, carried
   * forward by a monotonic clock (server-clock.ts), never this instance's wall clock; memory: its Clock.
   * Callers judge what they read from the ledger by this, not by their own clock.
   */
  now(): Date;
}
