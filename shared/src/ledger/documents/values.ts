import Big from 'big.js';
import * as v from 'valibot';
import {
  type LedgerRecord,
  LedgerStateError,
  type LedgerValue,
  type StoredRecord,
  type StoredValue,
} from '../../ports/ledger';
import { isPlainObject } from '../doc-store';

/**
 * What every ledger document is made of (DESIGN §7): field names are words, decimals are strings,
 * instants are Dates here and Timestamps in Firestore. Each document kind has its own module beside
 * this one, and is parsed with valibot on the way out, so a document edited by hand into a bad shape
 * fails with the field's name.
 */

const DAY_MS = 86_400_000;

export const paths = {
  run: (runId: string) => `runs/${runId}`,
  intents: (runId: string) => `runs/${runId}/orders`,
  intent: (runId: string, clientOrderId: string) => `runs/${runId}/orders/${clientOrderId}`,
  account: (accountId: string) => `accounts/${accountId}`,
  /** v1 kept the safety state per profile here; read once, when an account is first used */
  legacyPortfolio: (profileId: string) => `portfolios/${profileId}`,
  snapshot: (id: string) => `snapshots/${id}`,
};

// Firestore ids must not contain '/', be '.'/'..' or match __.*__; ours are narrower still.
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,149}$/;

export function checkId(kind: string, id: string): string {
  if (!ID.test(id) || /^__.*__$/.test(id)) {
    throw new LedgerStateError({
      code: 'ledger.bad_id',
      what: `${kind} ${JSON.stringify(id.slice(0, 160))} is not a valid ledger document id`,
      notDone: 'nothing was read or written',
      todo: `use letters, digits, '_', '-' or '.' (1-150 characters, starting with a letter or digit) for the ${kind}`,
      metadata: { kind },
    });
  }
  return id;
}

export function expireAt(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() + retentionDays * DAY_MS);
}

/** Snapshot document id, `yyyymmddThhmmssZ` in UTC. */
export function snapshotId(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** Big → plain decimal string (never exponent notation: the console and parsers read it as written). */
export function decimal(value: Big | string): string {
  if (typeof value === 'string') {
    try {
      return new Big(value).toFixed();
    } catch {
      throw new LedgerStateError({
        code: 'ledger.bad_decimal',
        what: `${JSON.stringify(value.slice(0, 40))} is not a decimal number`,
        notDone: 'nothing was written',
        todo: 'pass decimals as Big or as decimal strings',
      });
    }
  }
  return value.toFixed();
}

function isBig(value: unknown): value is Big {
  return value instanceof Big;
}

/** LedgerValue → what is stored: Big as decimal strings, undefined fields dropped, Dates kept. */
export function toStored(value: LedgerValue): StoredValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw badValue(`the number ${value} cannot be stored`);
    return value;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw badValue('an invalid Date cannot be stored');
    return new Date(value.getTime());
  }
  if (isBig(value)) return value.toFixed();
  if (Array.isArray(value)) return value.map((item: LedgerValue) => toStored(item));
  if (isPlainObject(value)) return toStoredRecord(value as LedgerRecord);
  throw badValue(`a ${Object.prototype.toString.call(value)} cannot be stored; map it to plain values first`);
}

export function toStoredRecord(record: LedgerRecord): StoredRecord {
  const out: StoredRecord = {};
  for (const [key, value] of Object.entries(record)) {
    if (value !== undefined) out[key] = toStored(value);
  }
  return out;
}

export function decimals(map: Record<string, Big | string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, decimal(value)]));
}

function badValue(what: string): LedgerStateError {
  return new LedgerStateError({
    code: 'ledger.bad_value',
    what,
    notDone: 'nothing was written',
    todo: 'store decimals as Big or strings, instants as Date, and plain objects/arrays only',
  });
}

// ---- parsing stored documents --------------------------------------------------------------

export const record = v.custom<StoredRecord>((x) => isPlainObject(x), 'must be a map');
export const nullableRecord = v.nullish(record, null);
export const nullableDate = v.nullish(v.date(), null);
export const nullableString = v.nullish(v.string(), null);
export const decimalString = v.pipe(v.string(), v.regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string'));

export function parseDoc<S extends v.GenericSchema>(schema: S, path: string, data: StoredRecord): v.InferOutput<S> {
  const result = v.safeParse(schema, data);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const field = (issue && v.getDotPath(issue)) ?? '(document)';
  throw new LedgerStateError({
    code: 'ledger.bad_document',
    what: `ledger document ${path} has an invalid field ${field}: ${issue?.message ?? 'invalid'}`,
    notDone: 'the document was not used; the run did not go on past this step',
    todo: `fix or delete the field ${field} of ${path} in the Firestore console`,
    metadata: { path, field },
  });
}
