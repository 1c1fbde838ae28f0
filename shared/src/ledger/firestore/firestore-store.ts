import { FieldPath, FieldValue, type Firestore, Timestamp, type Transaction } from '@google-cloud/firestore';
import type { StoredRecord, StoredValue } from '../../ports/ledger';
import {
  DELETE_FIELD,
  DocAlreadyExistsError,
  DocConflictError,
  type DocStore,
  type DocWrite,
  isPlainObject,
  type MergeRecord,
  type MergeValue,
  type StoredDoc,
  type TxOutcome,
  type TxRead,
} from '../doc-store';
import type { ServerClock } from '../server-clock';

const ALREADY_EXISTS = 6;
const FAILED_PRECONDITION = 9;
const NOT_FOUND = 5;

/**
 * Documents in Firestore. Dates become Timestamps on the way in and Dates on the way out; nothing
 * else is converted (decimals are already strings). A document's version is its update time, kept
 * to the nanosecond as a string, and an `update` write carries it back as a lastUpdateTime
 * precondition.
 */
export class FirestoreStore implements DocStore {
  private readonly maxTransactionAttempts: number;
  /** learns the database's time from every answer (server-clock.ts) */
  private readonly serverClock: ServerClock | undefined;

  constructor(
    private readonly db: Firestore,
    options: { maxTransactionAttempts?: number; serverClock?: ServerClock } = {},
  ) {
    this.maxTransactionAttempts = options.maxTransactionAttempts ?? 25;
    this.serverClock = options.serverClock;
  }

  private observe(time: Timestamp | undefined): void {
    if (time && this.serverClock) this.serverClock.observe(time.toDate());
  }

  async getAll(paths: readonly string[]): Promise<(StoredDoc | null)[]> {
    if (paths.length === 0) return [];
    const snaps = await this.db.getAll(...paths.map((path) => this.db.doc(path)));
    this.observe(snaps[0]?.readTime);
    // getAll answers in request order
    return snaps.map((snap) =>
      snap.exists && snap.updateTime
        ? { data: fromFirestoreRecord(snap.data() ?? {}), version: versionOf(snap.updateTime) }
        : null,
    );
  }

  async list(collectionPath: string): Promise<StoredRecord[]> {
    const query = await this.db.collection(collectionPath).get();
    this.observe(query.readTime);
    return query.docs.map((doc) => fromFirestoreRecord(doc.data()));
  }

  async commit(writes: readonly DocWrite[]): Promise<string[]> {
    const batch = this.db.batch();
    for (const write of writes) {
      const ref = this.db.doc(write.path);
      if (write.op === 'create') batch.create(ref, toFirestore(write.data) as Record<string, unknown>);
      else if (write.op === 'merge')
        batch.set(ref, toFirestore(write.data) as Record<string, unknown>, { merge: true });
      else {
        const [first, ...rest] = fieldUpdates(write.data);
        // every update the ledger makes sets updatedAt; an empty one would shift the versions answered
        if (!first) throw new Error(`empty update of ${write.path}`);
        batch.update(ref, first[0], first[1], ...rest.flat(), { lastUpdateTime: timestampOf(write.ifVersion) });
      }
    }
    try {
      const results = await batch.commit();
      this.observe(results[0]?.writeTime);
      return results.map((r) => versionOf(r.writeTime));
    } catch (error) {
      const code = grpcCode(error);
      if (code === ALREADY_EXISTS) {
        throw new DocAlreadyExistsError(writes.find((w) => w.op === 'create')?.path ?? '');
      }
      if (code === FAILED_PRECONDITION || code === NOT_FOUND) {
        throw new DocConflictError(writes.find((w) => w.op === 'update')?.path ?? '');
      }
      throw error;
    }
  }

  transact<T>(body: (read: TxRead) => Promise<TxOutcome<T>>): Promise<T> {
    return this.db.runTransaction(
      async (tx: Transaction) => {
        const read: TxRead = async (path) => {
          const snap = await tx.get(this.db.doc(path));
          this.observe(snap.readTime);
          return snap.exists ? fromFirestoreRecord(snap.data() ?? {}) : null;
        };
        const outcome = await body(read);
        for (const write of outcome.writes) {
          const ref = this.db.doc(write.path);
          if (write.op === 'create') tx.create(ref, toFirestore(write.data) as Record<string, unknown>);
          // inside a transaction the reads already decided; a version check would add nothing
          else tx.set(ref, toFirestore(write.data) as Record<string, unknown>, { merge: true });
        }
        return outcome.result;
      },
      { maxAttempts: this.maxTransactionAttempts },
    );
  }
}

/** A Timestamp as a string that sorts and compares exactly (Date would drop the microseconds). */
function versionOf(time: Timestamp): string {
  return `${time.seconds}.${String(time.nanoseconds).padStart(9, '0')}`;
}

function timestampOf(version: string): Timestamp {
  const [seconds, nanos] = version.split('.');
  return new Timestamp(Number(seconds), Number(nanos));
}

/**
 * A merge record as field paths, so that `update` does what set(…, {merge: true}) does: nested
 * non-empty maps merge key by key, anything else (an empty map included) replaces.
 */
function fieldUpdates(data: MergeRecord, prefix: readonly string[] = []): [FieldPath, unknown][] {
  const out: [FieldPath, unknown][] = [];
  for (const [key, value] of Object.entries(data)) {
    const path = [...prefix, key];
    if (value !== DELETE_FIELD && isPlainObject(value) && Object.keys(value).length > 0) {
      out.push(...fieldUpdates(value as MergeRecord, path));
    } else {
      out.push([new FieldPath(...path), toFirestore(value)]);
    }
  }
  return out;
}

function grpcCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

/** Ledger values → Firestore values: Date → Timestamp, DELETE_FIELD → FieldValue.delete(). */
export function toFirestore(value: MergeValue): unknown {
  if (value === DELETE_FIELD) return FieldValue.delete();
  if (value instanceof Date) return Timestamp.fromDate(value);
  if (Array.isArray(value)) return value.map((item: MergeValue) => toFirestore(item));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toFirestore(item as MergeValue)]));
  }
  return value;
}

/** Firestore values → ledger values: Timestamp → Date; anything a human typed that we never write becomes its string form. */
export function fromFirestore(value: unknown): StoredValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
    return value;
  if (value instanceof Timestamp) return value.toDate();
  if (Array.isArray(value)) return value.map((item: unknown) => fromFirestore(item));
  if (isPlainObject(value)) return fromFirestoreRecord(value);
  return String(value);
}

function fromFirestoreRecord(data: Record<string, unknown>): StoredRecord {
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, fromFirestore(value)]));
}
