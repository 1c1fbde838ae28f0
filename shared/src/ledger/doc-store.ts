import type { StoredRecord, StoredValue } from '../ports/ledger';

/**
 * The little a ledger needs from a document database. The protocol logic lives once in
 * StoreLedger over this interface; the Firestore and memory adapters only move documents, so
 * both behave the same by construction. Paths are slash-separated (`runs/abc/orders/C1`).
 * Every method counts its round trips on the counter it is given.
 */
export interface DocStore {
  get(path: string, trips: TripCounter): Promise<StoredRecord | null>;
  getAll(paths: readonly string[], trips: TripCounter): Promise<(StoredRecord | null)[]>;
  /** documents directly in one collection */
  list(collectionPath: string, trips: TripCounter): Promise<StoredRecord[]>;
  /** create() semantics: false when the document already exists, nothing written */
  create(path: string, data: StoredRecord, trips: TripCounter): Promise<boolean>;
  /** all writes or none; a `create` of an existing document throws DocAlreadyExistsError */
  commit(writes: readonly DocWrite[], trips: TripCounter): Promise<void>;
  /**
   * Serializable read-modify-write: `body` reads through `read` and returns the writes to apply and
   * a result. The body may run more than once (Firestore retries on contention), so it must be pure.
   */
  transact<T>(body: (read: TxRead) => Promise<TxOutcome<T>>, trips: TripCounter): Promise<T>;
}

export type TxRead = (path: string) => Promise<StoredRecord | null>;
export interface TxOutcome<T> {
  writes: readonly DocWrite[];
  result: T;
}

/** Removes a field inside a `merge` write. */
export const DELETE_FIELD: unique symbol = Symbol('ledger.deleteField');
export type MergeValue = StoredValue | typeof DELETE_FIELD | { [key: string]: MergeValue };
export type MergeRecord = { [key: string]: MergeValue };

export type DocWrite =
  | { op: 'create'; path: string; data: StoredRecord }
  /** deep merge into the document (creating it): nested maps merge key by key, other values replace */
  | { op: 'merge'; path: string; data: MergeRecord };

export interface TripCounter {
  add(n: number): void;
}

export class DocAlreadyExistsError extends Error {
  constructor(readonly path: string) {
    super(`document ${path} already exists`);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // Some realm's Object.prototype (jest runs tests in a separate realm) or none; not Date, Big, Timestamp.
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** A deep copy of stored data (structuredClone would hand back objects of another realm under jest). */
export function cloneStored<T extends StoredValue>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map((item: StoredValue) => cloneStored(item)) as T;
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, cloneStored(item as StoredValue)])) as T;
  }
  return value;
}

/**
 * What a `merge` write does to a stored document: the memory store's implementation of Firestore's
 * set(…, {merge: true}), where an empty map is a leaf that replaces and null replaces a map.
 */
export function deepMerge(target: StoredRecord, patch: MergeRecord): StoredRecord {
  const out: StoredRecord = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === DELETE_FIELD) {
      delete out[key];
    } else if (isPlainObject(value) && Object.keys(value).length > 0) {
      const current = out[key];
      out[key] = deepMerge(isPlainObject(current) ? (current as StoredRecord) : {}, value as MergeRecord);
    } else {
      out[key] = value as StoredValue;
    }
  }
  return out;
}
