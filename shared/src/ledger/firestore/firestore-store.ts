import { FieldValue, type Firestore, Timestamp, type Transaction } from '@google-cloud/firestore';
import type { StoredRecord, StoredValue } from '../../ports/ledger';
import {
  DELETE_FIELD,
  DocAlreadyExistsError,
  type DocStore,
  type DocWrite,
  isPlainObject,
  type MergeValue,
  type TripCounter,
  type TxOutcome,
  type TxRead,
} from '../doc-store';

const ALREADY_EXISTS = 6;

/**
 * Documents in Firestore. Dates become Timestamps on the way in and Dates on the way out; nothing
 * else is converted (decimals are already strings). Round trips are counted per RPC: each get,
 * getAll, list, create and commit is one; a transaction counts its reads and one commit per attempt.
 */
export class FirestoreStore implements DocStore {
  constructor(
    private readonly db: Firestore,
    private readonly maxTransactionAttempts = 25,
  ) {}

  async get(path: string, trips: TripCounter): Promise<StoredRecord | null> {
    trips.add(1);
    const snap = await this.db.doc(path).get();
    return snap.exists ? fromFirestoreRecord(snap.data() ?? {}) : null;
  }

  async getAll(paths: readonly string[], trips: TripCounter): Promise<(StoredRecord | null)[]> {
    if (paths.length === 0) return [];
    trips.add(1);
    const snaps = await this.db.getAll(...paths.map((path) => this.db.doc(path)));
    // getAll answers in request order
    return snaps.map((snap) => (snap.exists ? fromFirestoreRecord(snap.data() ?? {}) : null));
  }

  async list(collectionPath: string, trips: TripCounter): Promise<StoredRecord[]> {
    trips.add(1);
    const query = await this.db.collection(collectionPath).get();
    return query.docs.map((doc) => fromFirestoreRecord(doc.data()));
  }

  async create(path: string, data: StoredRecord, trips: TripCounter): Promise<boolean> {
    trips.add(1);
    try {
      await this.db.doc(path).create(toFirestore(data) as Record<string, unknown>);
      return true;
    } catch (error) {
      if (grpcCode(error) === ALREADY_EXISTS) return false;
      throw error;
    }
  }

  async commit(writes: readonly DocWrite[], trips: TripCounter): Promise<void> {
    const batch = this.db.batch();
    for (const write of writes) {
      const ref = this.db.doc(write.path);
      const data = toFirestore(write.data) as Record<string, unknown>;
      if (write.op === 'create') batch.create(ref, data);
      else batch.set(ref, data, { merge: true });
    }
    trips.add(1);
    try {
      await batch.commit();
    } catch (error) {
      if (grpcCode(error) === ALREADY_EXISTS) {
        throw new DocAlreadyExistsError(writes.find((w) => w.op === 'create')?.path ?? '');
      }
      throw error;
    }
  }

  transact<T>(body: (read: TxRead) => Promise<TxOutcome<T>>, trips: TripCounter): Promise<T> {
    return this.db.runTransaction(
      async (tx: Transaction) => {
        const read: TxRead = async (path) => {
          trips.add(1);
          const snap = await tx.get(this.db.doc(path));
          return snap.exists ? fromFirestoreRecord(snap.data() ?? {}) : null;
        };
        const outcome = await body(read);
        trips.add(1);
        for (const write of outcome.writes) {
          const ref = this.db.doc(write.path);
          const data = toFirestore(write.data) as Record<string, unknown>;
          if (write.op === 'create') tx.create(ref, data);
          else tx.set(ref, data, { merge: true });
        }
        return outcome.result;
      },
      { maxAttempts: this.maxTransactionAttempts },
    );
  }
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
