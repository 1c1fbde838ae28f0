import type { Clock } from '../ports/clock';
import type { Ledger } from '../ports/ledger';
import { Accounts } from './accounts';
import { LedgerContext } from './context';
import { countingStore } from './counting-store';
import type { DocStore } from './doc-store';
import { Intents } from './intents';
import { Runs } from './runs';
import { Snapshots } from './snapshots';

export interface StoreLedgerOptions {
  retentionDays: number;
  clock: Clock;
}

/** A ledger view that counts its own round trips, and makes fresh views of the same store. */
export interface CountedLedger extends Ledger {
  /** round trips made through this view (as they went over the wire) */
  calls(): number;
  /** a view of the same store whose calls() starts at 0: one per run, for its metrics */
  fresh(): CountedLedger;
}

/**
 * The ledger over any DocStore: one module per document kind (runs, accounts, intents, snapshots),
 * composed here. Decisions are made inside transactions or conditional commits from the documents as
 * read, so concurrent callers see one winner.
 */
export function createStoreLedger(store: DocStore, options: StoreLedgerOptions): CountedLedger {
  const counted = countingStore(store);
  const ctx = new LedgerContext(counted.store, options.clock, options.retentionDays);
  const intents = new Intents(ctx);
  const runs = new Runs(ctx, intents, counted.calls);
  const accounts = new Accounts(ctx);
  const snapshots = new Snapshots(ctx);
  return {
    openRun: (input) => runs.openRun(input),
    startRun: (input) => runs.startRun(input),
    takeOverRun: (input) => runs.takeOverRun(input),
    extendLease: (input) => runs.extendLease(input),
    readRun: (runId) => runs.readRun(runId),
    finishRun: (input) => runs.finishRun(input),
    readAccount: (accountId) => accounts.readAccount(accountId),
    acquireLock: (input) => accounts.acquireLock(input),
    releaseLock: (input) => accounts.releaseLock(input),
    writeIntents: (input) => intents.writeIntents(input),
    updateIntent: (input) => intents.updateIntent(input),
    submitIntent: (input) => intents.submitIntent(input),
    listIntents: (runId) => intents.listIntents(runId),
    listUnsettledIntents: (accountId) => intents.listUnsettledIntents(accountId),
    recordSnapshot: (input) => snapshots.recordSnapshot(input),
    now: () => ctx.now(),
    calls: counted.calls,
    fresh: () => createStoreLedger(store, options),
  };
}
