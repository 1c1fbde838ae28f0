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

const reference = v.object({
  price: decimalString,
  at: v.date(),
  move: v.nullish(v.object({ price: decimalString, since: v.date(), runs: v.pipe(v.number(), v.integer()) }), null),
});

const accountDoc = v.object({
  account: v.string(),
  lock: v.nullish(holder, null),
  lastRebalanceAt: nullableDate,
  turnover: v.nullish(v.object({ day: v.string(), notional: decimalString }), null),
  priceReference: v.nullish(v.record(v.string(), reference), {}),
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

/** v1 and early v2 documents kept a bare price per symbol: each becomes a reference with no move. */
function referencesOf(prices: Record<string, string> | null, at: Date | null): StoredRecord {
  return Object.fromEntries(
    Object.entries(prices ?? {}).map(([symbol, price]) => [symbol, { price, at: at ?? new Date(0), move: null }]),
  );
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
  const prices: Record<string, { price: string; at: Date | null }> = {};
  for (const d of docs) {
    for (const [symbol, price] of Object.entries(d.lastPrices ?? {})) {
      const seen = prices[symbol];
      if (!seen || (d.lastPricesAt?.getTime() ?? 0) >= (seen.at?.getTime() ?? 0))
        prices[symbol] = { price, at: d.lastPricesAt };
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
  return {
    lock: lock ? { runId: lock.runId, profile: lock.profile, owner: lock.owner, until: lock.until } : null,
    lastRebalanceAt,
    turnover: day ? { day, notional: notional.toFixed() } : null,
    priceReference: Object.fromEntries(
      Object.entries(prices).map(([symbol, p]) => [symbol, referencesOf({ [symbol]: p.price }, p.at)[symbol] ?? null]),
    ),
    openIntents: Object.assign({}, ...docs.map((d) => d.openIntents)) as Record<string, string>,
    claims: Object.assign({}, ...docs.map((d) => d.claims)) as Record<string, Date>,
    profiles,
    carriedOver: docs.map((d) => d.profile).sort(),
  };
}

type LockRecord = { runId: string; owner: string; until: Date; profile: string };
