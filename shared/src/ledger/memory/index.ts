import { type Clock, systemClock } from '../../ports/clock';
import { type CountedLedger, createStoreLedger } from '../store-ledger';
import { MemoryStore } from './memory-store';

export { MemoryStore } from './memory-store';

export interface MemoryLedgerOptions {
  retentionDays: number;
  clock?: Clock;
  /** share one store between ledgers (e.g. several function instances in one local process) */
  store?: MemoryStore;
}

/** The Ledger in this process's memory: same semantics as Firestore, gone when the process ends. */
export function createMemoryLedger(options: MemoryLedgerOptions): CountedLedger {
  return createStoreLedger(options.store ?? new MemoryStore(), {
    retentionDays: options.retentionDays,
    clock: options.clock ?? systemClock,
  });
}
