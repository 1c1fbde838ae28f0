import type { StoredRecord } from '../../ports/ledger';
import {
  cloneStored,
  DocAlreadyExistsError,
  DocConflictError,
  type DocStore,
  type DocWrite,
  deepMerge,
  type StoredDoc,
  type TxOutcome,
  type TxRead,
} from '../doc-store';

/**
 * Documents in a Map, for local runs without Java. Every operation runs alone on one queue, so a
 * transaction's reads and writes are atomic against every other call in this process (the same
 * outcome Firestore's transactions give across processes). Reads hand out copies, as a database
 * would; versions are a counter, as Firestore's update times would be.
 */
export class MemoryStore implements DocStore {
  private readonly docs = new Map<string, { data: StoredRecord; version: string }>();
  private queue: Promise<unknown> = Promise.resolve();
  private clock = 0;

  private serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private read(path: string): StoredDoc | null {
    const doc = this.docs.get(path);
    return doc ? { data: cloneStored(doc.data), version: doc.version } : null;
  }

  private apply(writes: readonly DocWrite[]): string[] {
    const staged = new Map<string, StoredRecord>();
    const current = (path: string) => staged.get(path) ?? this.docs.get(path)?.data;
    for (const write of writes) {
      if (write.op === 'create') {
        if (current(write.path)) throw new DocAlreadyExistsError(write.path);
        staged.set(write.path, cloneStored(write.data));
      } else {
        if (write.op === 'update' && this.docs.get(write.path)?.version !== write.ifVersion) {
          throw new DocConflictError(write.path);
        }
        staged.set(write.path, deepMerge(cloneStored(current(write.path) ?? {}), write.data));
      }
    }
    this.clock += 1;
    const version = String(this.clock).padStart(12, '0');
    for (const [path, data] of staged) this.docs.set(path, { data, version });
    return writes.map(() => version);
  }

  getAll(paths: readonly string[]): Promise<(StoredDoc | null)[]> {
    return this.serial(() => paths.map((path) => this.read(path)));
  }

  list(collectionPath: string): Promise<StoredRecord[]> {
    const prefix = `${collectionPath}/`;
    return this.serial(() =>
      [...this.docs.keys()]
        .filter((path) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/'))
        .sort()
        .flatMap((path) => {
          const doc = this.read(path);
          return doc ? [doc.data] : [];
        }),
    );
  }

  commit(writes: readonly DocWrite[]): Promise<string[]> {
    return this.serial(() => this.apply(writes));
  }

  transact<T>(body: (read: TxRead) => Promise<TxOutcome<T>>): Promise<T> {
    return this.serial(async () => {
      const read: TxRead = async (path) => this.read(path)?.data ?? null;
      const outcome = await body(read);
      this.apply(outcome.writes);
      return outcome.result;
    });
  }

  /** Raw stored documents (Dates and decimal strings), for tests and the local report. */
  dump(): Map<string, StoredRecord> {
    return new Map([...this.docs].map(([path, doc]) => [path, cloneStored(doc.data)]));
  }
}
