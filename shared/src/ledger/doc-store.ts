import type { StoredRecord, StoredValue } from '../ports/ledger';

/**
 * The little a ledger needs from a document database. The protocol logic lives once over this
 * interface; the Firestore and memory adapters only move documents, so both behave the same by
 * construction. Paths are slash-separated (`runs/abc/orders/C1`). Every document carries a version
 * (Firestore's update time) that a later `update` can require, which makes a read followed by a
 * commit a compare-and-set without a transaction held open in between.
 */
export interface DocStore {
  /** documents in request order, each with its version; null where none exists */
  getAll(paths: readonly string[]): Promise<(StoredDoc | null)[]>;
  /** documents directly in one collection */
  list(collectionPath: string): Promise<StoredRecord[]>;
  /**
   * All writes or none. A `create` of an existing document throws DocAlreadyExistsError; an
   * `update` whose document is missing or has another version throws DocConflictError. Answers
   * each written document's new version, in order.
   */
  commit(writes: readonly DocWrite[]): Promise<string[]>;
  /**
   * Serializable read-modify-write: `body` reads through `read` and returns the writes to apply and
   * a result. The body may run more than once (Firestore retries on contention), so it must be pure.
   */
  transact<T>(body: (read: TxRead) => Promise<TxOutcome<T>>): Promise<T>;
}

export interface StoredDoc {
  data: StoredRecord;
  /** opaque; changes with every write that changes the document */
  version: string;
}

export type TxRead = (path: string) => Promise<StoredRecord | null>;
export interface TxOutcome<T> {
  writes: readonly DocWrite[];
  result: T;
}

/** Removes a field inside a `merge` or `update` write. */
export const DELETE_FIELD: unique symbol = Symbol('ledger.deleteField');
export type MergeValue = StoredValue | typeof DELETE_FIELD | { [key: string]: MergeValue };
export type MergeRecord = { [key: string]: MergeValue };

export type DocWrite =
  | { op: 'create'; path: string; data: StoredRecord }
  /** deep merge into the document (creating it): nested maps merge key by key, other values replace */
  | { op: 'merge'; path: string; data: MergeRecord }
  /** the same deep merge, applied only to an existing document still at `ifVersion` */
  | { op: 'update'; path: string; data: MergeRecord; ifVersion: string };

export class DocAlreadyExistsError extends Error {
  constructor(readonly path: string) {
    super(`document ${path} already exists`);
  }
}

/** An `update` found its document changed (or gone) since the version it was given. */
export class DocConflictError extends Error {
  constructor(readonly path: string) {
    super(`document ${path} changed since it was read`);
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
