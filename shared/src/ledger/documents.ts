import Big from 'big.js';
import * as v from 'valibot';
import {
  type IntentStatus,
  type LedgerRecord,
  LedgerStateError,
  type LedgerValue,
  type OrderIntent,
  type PortfolioState,
  type RunRecord,
  type StoredRecord,
  type StoredValue,
} from '../ports/ledger';
import { isPlainObject } from './doc-store';

/**
 * The ledger documents (DESIGN §7) as the console shows them: field names are words, decimals are
 * strings, instants are Dates here and Timestamps in Firestore. Documents are parsed with valibot on
 * the way out, so a document edited by hand into a bad shape fails with the field's name.
 */

const DAY_MS = 86_400_000;

export const paths = {
  run: (runId: string) => `runs/${runId}`,
  intents: (runId: string) => `runs/${runId}/orders`,
  intent: (runId: string, clientOrderId: string) => `runs/${runId}/orders/${clientOrderId}`,
  portfolio: (profileId: string) => `portfolios/${profileId}`,
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

/** UTC day of an instant, `yyyy-mm-dd`: the key of the daily turnover. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
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

const record = v.custom<StoredRecord>((x) => isPlainObject(x), 'must be a map');
const nullableRecord = v.nullish(record, null);
const nullableDate = v.nullish(v.date(), null);
const nullableString = v.nullish(v.string(), null);
const decimalString = v.pipe(v.string(), v.regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string'));
const holder = v.object({ runId: v.string(), owner: v.string(), until: v.date() });

const runDoc = v.object({
  runId: v.string(),
  profile: v.string(),
  status: v.picklist(['running', 'completed', 'dry_run', 'skipped', 'failed']),
  reason: nullableString,
  trigger: v.nullish(record, {}),
  dryRun: v.boolean(),
  attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
  lease: v.nullish(v.object({ owner: v.string(), until: v.date() }), null),
  startedAt: v.date(),
  finishedAt: nullableDate,
  report: nullableRecord,
  plan: nullableRecord,
  snapshot: nullableRecord,
  result: nullableRecord,
  metrics: nullableRecord,
  error: nullableRecord,
  expireAt: v.date(),
});

const intentStatuses: readonly IntentStatus[] = [
  'pending',
  'submitted',
  'unknown',
  'open',
  'filled',
  'partially_filled',
  'canceled',
  'rejected',
  'absent',
];

const intentDoc = v.object({
  run: v.string(),
  profile: v.string(),
  attempt: v.pipe(v.number(), v.integer()),
  leg: v.pipe(v.number(), v.integer()),
  clientOrderId: v.string(),
  symbol: v.string(),
  side: v.string(),
  type: v.string(),
  quantity: v.nullish(decimalString, null),
  quoteQuantity: v.nullish(decimalString, null),
  price: v.nullish(decimalString, null),
  status: v.picklist(intentStatuses),
  orderId: nullableString,
  exchangeStatus: nullableString,
  executedQuantity: v.nullish(decimalString, '0'),
  executedQuote: v.nullish(decimalString, '0'),
  countedQuote: v.nullish(decimalString, '0'),
  fees: v.nullish(v.record(v.string(), decimalString), {}),
  error: nullableRecord,
  sendBy: nullableDate,
  recvWindowMs: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0)), null),
  createdAt: v.date(),
  updatedAt: v.date(),
  expireAt: v.date(),
});

const portfolioDoc = v.object({
  profile: v.string(),
  lock: v.nullish(holder, null),
  lastRebalanceAt: nullableDate,
  lastRunId: nullableString,
  lastRunStatus: v.nullish(v.picklist(['completed', 'dry_run', 'skipped', 'failed']), null),
  lastFinishedAt: nullableDate,
  lastCompletedAt: nullableDate,
  turnover: v.nullish(v.object({ day: v.string(), notional: decimalString }), null),
  lastPrices: v.nullish(v.record(v.string(), decimalString), null),
  lastPricesAt: nullableDate,
  openIntents: v.nullish(v.record(v.string(), v.string()), {}),
});

function parse<S extends v.GenericSchema>(schema: S, path: string, data: StoredRecord): v.InferOutput<S> {
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

export function parseRun(path: string, data: StoredRecord): RunRecord {
  const doc = parse(runDoc, path, data);
  const { profile, ...rest } = doc;
  return { ...rest, profileId: profile };
}

export function parseIntent(path: string, data: StoredRecord): OrderIntent {
  const doc = parse(intentDoc, path, data);
  const { run, profile, ...rest } = doc;
  return { ...rest, runId: run, profileId: profile };
}

export function parsePortfolio(profileId: string, data: StoredRecord | null): PortfolioState {
  const doc = parse(portfolioDoc, paths.portfolio(profileId), data ?? { profile: profileId });
  const { profile, ...rest } = doc;
  return { ...rest, profileId: profile };
}
