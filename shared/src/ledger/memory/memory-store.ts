import type { StoredRecord } from '../../ports/ledger';
import {
  cloneStored,
  DocAlreadyExistsError,
  type DocStore,
  type DocWrite,
  deepMerge,
  type TripCounter,
  type TxOutcome,
  type TxRead,
} from '../doc-store';

/**
 * Documents in a Map, for local runs without Java. Every operation runs alone on one queue, so a
 * transaction's reads and writes are atomic against every other call in this process (the same
 * outcome Firestore's transactions give across processes). Reads hand out copies, as a database would.
 */
export class MemoryStore implements DocStore {
  private readonly docs = new Map<string, StoredRecord>();
  private queue: Promise<unknown> = Promise.resolve();

  private serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private read(path: string): StoredRecord | null {
    const doc = this.docs.get(path);
    return doc ? cloneStored(doc) : null;
  }

  private apply(writes: readonly DocWrite[]): void {
    const staged = new Map<string, StoredRecord>();
    const current = (path: string) => staged.get(path) ?? this.docs.get(path);
    for (const write of writes) {
      if (write.op === 'create') {
        if (current(write.path)) throw new DocAlreadyExistsError(write.path);
        staged.set(write.path, cloneStored(write.data));
      } else {
        staged.set(write.path, deepMerge(cloneStored(current(write.path) ?? {}), write.data));
      }
    }
    for (const [path, doc] of staged) this.docs.set(path, doc);
  }

  get(path: string, trips: TripCounter): Promise<StoredRecord | null> {
    trips.add(1);
    return this.serial(() => this.read(path));
  }

  getAll(paths: readonly string[], trips: TripCounter): Promise<(StoredRecord | null)[]> {
    trips.add(1);
    return this.serial(() => paths.map((path) => this.read(path)));
  }

  list(collectionPath: string, trips: TripCounter): Promise<StoredRecord[]> {
    trips.add(1);
    const prefix = `${collectionPath}/`;
    return this.serial(() =>
      [...this.docs.keys()]
        .filter((path) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/'))
        .sort()
        .flatMap((path) => {
          const doc = this.read(path);
          return doc ? [doc] : [];
        }),
    );
  }

  create(path: string, data: StoredRecord, trips: TripCounter): Promise<boolean> {
    trips.add(1);
    return this.serial(() => {
      if (this.docs.has(path)) return false;
      this.docs.set(path, cloneStored(data));
      return true;
    });
  }

  commit(writes: readonly DocWrite[], trips: TripCounter): Promise<void> {
    trips.add(1);
    return this.serial(() => this.apply(writes));
  }

  transact<T>(body: (read: TxRead) => Promise<TxOutcome<T>>, trips: TripCounter): Promise<T> {
    return this.serial(async () => {
      const read: TxRead = async (path) => {
        trips.add(1);
        return this.read(path);
      };
      const outcome = await body(read);
      trips.add(1);
      this.apply(outcome.writes);
      return outcome.result;
    });
  }

  /** Raw stored documents (Dates and decimal strings), for tests and the local report. */
  dump(): Map<string, StoredRecord> {
    return new Map([...this.docs].map(([path, doc]) => [path, cloneStored(doc)]));
  }
}
