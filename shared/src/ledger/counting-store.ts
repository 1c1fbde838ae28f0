import type { DocStore, DocWrite, TxOutcome, TxRead } from './doc-store';

export interface CountingStore {
  store: DocStore;
  /** round trips made through `store` so far */
  calls(): number;
}

/**
 * Counts the store's round trips as they go over the wire: one per getAll, list and commit; a
 * transaction one per read plus its commit, per attempt (Firestore begins a transaction with its
 * first read, so there is no separate begin). Per-run metrics wrap the instance's store in a fresh
 * one of these.
 */
export function countingStore(inner: DocStore): CountingStore {
  let calls = 0;
  const store: DocStore = {
    getAll(paths) {
      if (paths.length > 0) calls += 1;
      return inner.getAll(paths);
    },
    list(collectionPath) {
      calls += 1;
      return inner.list(collectionPath);
    },
    commit(writes: readonly DocWrite[]) {
      calls += 1;
      return inner.commit(writes);
    },
    transact<T>(body: (read: TxRead) => Promise<TxOutcome<T>>) {
      return inner.transact<T>(async (read) => {
        const outcome = await body((path) => {
          calls += 1;
          return read(path);
        });
        calls += 1;
        return outcome;
      });
    },
  };
  return { store, calls: () => calls };
}
