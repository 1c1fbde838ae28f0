import * as v from 'valibot';
import type { RunRecord, StoredRecord } from '../../ports/ledger';
import { nullableDate, nullableString, parseDoc, record } from './values';

/**
 * `runs/{executionId}`. A run opens with `summary`, one sentence saying what it did; the rest of what
 * the app records at its end (what it found, planned, sent and settled) sits beside it as written.
 * v1 documents (no `account`, the answer under `report`) still parse, so duplicates of old runs answer.
 */
const runDoc = v.looseObject({
  runId: v.string(),
  profile: v.string(),
  account: nullableString,
  status: v.picklist(['running', 'completed', 'dry_run', 'skipped', 'failed']),
  reason: nullableString,
  summary: nullableString,
  trigger: v.nullish(record, {}),
  dryRun: v.boolean(),
  attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
  lease: v.nullish(v.object({ owner: v.string(), until: v.date() }), null),
  startedAt: v.date(),
  finishedAt: nullableDate,
  expireAt: v.date(),
});

export function parseRun(path: string, data: StoredRecord): RunRecord {
  const doc = parseDoc(runDoc, path, data);
  return {
    runId: doc.runId,
    profileId: doc.profile,
    accountId: doc.account,
    status: doc.status,
    reason: doc.reason,
    summary: doc.summary ?? (typeof data.report === 'object' ? legacyMessage(data) : null),
    trigger: doc.trigger,
    dryRun: doc.dryRun,
    attempt: doc.attempt,
    lease: doc.lease,
    startedAt: doc.startedAt,
    finishedAt: doc.finishedAt,
    expireAt: doc.expireAt,
    document: data,
  };
}

function legacyMessage(data: StoredRecord): string | null {
  const report = data.report;
  if (report && typeof report === 'object' && !Array.isArray(report) && !(report instanceof Date)) {
    return typeof report.message === 'string' ? report.message : null;
  }
  return null;
}
