import { Firestore } from '@google-cloud/firestore';
import type { Clock } from '../../ports/clock';
import { ServerClock } from '../server-clock';
import { type CountedLedger, createStoreLedger } from '../store-ledger';
import { FirestoreStore } from './firestore-store';

export interface FirestoreLedgerOptions {
  /** undefined: the client library finds it (GOOGLE_CLOUD_PROJECT, metadata server) */
  projectId: string | undefined;
  /** `(default)` unless the ledger lives in a named database */
  databaseId?: string;
  retentionDays: number;
  /**
   * Tests only: a clock that replaces the database's time, so a test can let a lease run out
   * without waiting. Without it (production) the ledger's clock is Firestore's server time
   * (server-clock.ts), whatever this instance's wall clock says.
   */
  clock?: Clock;
}

export interface FirestoreLedger extends CountedLedger {
  /** Ends the client's connections (tests, scripts). A function instance never needs to call it. */
  close(): Promise<void>;
}

/**
 * The Ledger on Firestore (DESIGN §7). The client connects on first use, not here, so building it at
 * module scope costs a cold start nothing. FIRESTORE_EMULATOR_HOST, when set, is honoured by the client.
 */
export function createFirestoreLedger(options: FirestoreLedgerOptions): FirestoreLedger {
  const db = new Firestore({
    ...(options.projectId ? { projectId: options.projectId } : {}),
    databaseId: options.databaseId ?? '(default)',
  });
  const serverClock = new ServerClock();
  const ledger = createStoreLedger(new FirestoreStore(db, { serverClock }), {
    retentionDays: options.retentionDays,
    clock: options.clock ?? serverClock,
  });
  return { ...ledger, close: () => db.terminate() };
}

export { FirestoreStore } from './firestore-store';
