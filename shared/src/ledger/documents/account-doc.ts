import Big from 'big.js';
import * as v from 'valibot';
import type { AccountState, LockHolder, ProfileSummary, StoredRecord } from '../../ports/ledger';
import type { MergeRecord } from '../doc-store';
import { decimalString, nullableDate, nullableString, parseDoc } from './values';

/**
 * `accounts/{accountId}`: the safety state of one MEXC account, shared by all its profiles. Written
 * by the run commits and the snapshot; read first by every run.
 */
const holder = v.object({ runId: v.string(), profile: v.nullish(v.string(), ''), owner: v.string(), until: v.date() });
const finalStatus = v.picklist(['completed', 'dry_run', 'skipped', 'failed']);
const summary = v.object({
  lastRunId: v.string(),
  lastRunStatus: finalStatus,
  lastFinishedAt: v.date(),
  lastCompletedAt: nullableDate,
});

const accountDoc = v.object({
  account: v.string(),
  lock: v.nullish(holder, null),
  lastRebalanceAt: nullableDate,
  turnover: v.nullish(v.object({ day: v.string(), notional: decimalString }), null),
  lastPrices: v.nullish(v.record(v.string(), decimalString), null),
  lastPricesAt: nullableDate,
  openIntents: v.nullish(v.record(v.string(), v.string()), {}),
  claims: v.nullish(v.record(v.string(), v.date()), {}),
  profiles: v.nullish(v.record(v.string(), summary), {}),
  carriedOver: v.nullish(v.array(v.string()), null),
});

export function parseAccount(path: string, accountId: string, data: StoredRecord | null): AccountState {
  const doc = parseDoc(accountDoc, path, data ?? { account: accountId });
  const { account, lock, ...rest } = doc;
  return { ...rest, accountId: account, lock: lock ? lockOf(lock) : null };
}

function lockOf(stored: v.InferOutput<typeof holder>): LockHolder {
  return { runId: stored.runId, profileId: stored.profile, owner: stored.owner, until: stored.until };
}

/** The account as it is stored for a holder: field names as the console shows them. */
export function lockRecord(lock: LockHolder): MergeRecord {
  return { runId: lock.runId, profile: lock.profileId, owner: lock.owner, until: lock.until };
}

// ---- v1: `portfolios/{profileId}` ---------------------------------------------------------------

const portfolioDoc = v.object({
  profile: v.string(),
  lock: v.nullish(v.object({ runId: v.string(), owner: v.string(), until: v.date() }), null),
  lastRebalanceAt: nullableDate,
  lastRunId: nullableString,
  lastRunStatus: v.nullish(finalStatus, null),
  lastFinishedAt: nullableDate,
  lastCompletedAt: nullableDate,
  turnover: v.nullish(v.object({ day: v.string(), notional: decimalString }), null),
  lastPrices: v.nullish(v.record(v.string(), decimalString), null),
  lastPricesAt: nullableDate,
  openIntents: v.nullish(v.record(v.string(), v.string()), {}),
  claims: v.nullish(v.record(v.string(), v.date()), {}),
});

/**
 * The state of v1 portfolio documents, carried over into a new account once: the money was always
 * the account's, so the strictest view of them is the account's now — the latest cool-down, the
 * day's turnover summed over profiles, every open intent and claim, a live lock kept, the newest
 * price per symbol.
 */
export function carryOver(portfolios: readonly { path: string; data: StoredRecord }[]): StoredRecord {
  const docs = portfolios.map(({ path, data }) => parseDoc(portfolioDoc, path, data));
  const latest = (dates: (Date | null)[]) => dates.reduce<Date | null>((a, b) => (b && (!a || b > a) ? b : a), null);
  const day =
    docs
      .map((d) => d.turnover?.day ?? '')
      .sort()
      .at(-1) ?? '';
  const notional = docs
    .filter((d) => d.turnover?.day === day)
    .reduce((sum, d) => sum.plus(d.turnover?.notional ?? '0'), new Big(0));
  const lock = docs
    .filter((d) => d.lock)
    .map((d) => ({ ...(d.lock as NonNullable<typeof d.lock>), profile: d.profile }))
    .reduce<LockRecord | null>((a, b) => (!a || b.until > a.until ? b : a), null);
  const prices: Record<string, { price: string; at: number }> = {};
  for (const d of docs) {
    const at = d.lastPricesAt?.getTime() ?? 0;
    for (const [symbol, price] of Object.entries(d.lastPrices ?? {})) {
      const seen = prices[symbol];
      if (!seen || at >= seen.at) prices[symbol] = { price, at };
    }
  }
  const profiles: Record<string, StoredRecord> = {};
  for (const d of docs) {
    if (d.lastRunId && d.lastRunStatus && d.lastFinishedAt) {
      const s: ProfileSummary = {
        lastRunId: d.lastRunId,
        lastRunStatus: d.lastRunStatus,
        lastFinishedAt: d.lastFinishedAt,
        lastCompletedAt: d.lastCompletedAt,
      };
      profiles[d.profile] = { ...s };
    }
  }
  const lastRebalanceAt = latest(docs.map((d) => d.lastRebalanceAt));
  const lastPricesAt = latest(docs.map((d) => d.lastPricesAt));
  return {
    lock: lock ? { runId: lock.runId, profile: lock.profile, owner: lock.owner, until: lock.until } : null,
    lastRebalanceAt,
    turnover: day ? { day, notional: notional.toFixed() } : null,
    lastPrices: Object.keys(prices).length > 0 ? mapValues(prices, (p) => p.price) : null,
    lastPricesAt,
    openIntents: Object.assign({}, ...docs.map((d) => d.openIntents)) as Record<string, string>,
    claims: Object.assign({}, ...docs.map((d) => d.claims)) as Record<string, Date>,
    profiles,
    carriedOver: docs.map((d) => d.profile).sort(),
  };
}

type LockRecord = { runId: string; owner: string; until: Date; profile: string };

function mapValues<T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}
