import { Firestore, Timestamp } from '@google-cloud/firestore';
import { dayBefore } from '@qrl-rebalancer/shared/domain';
import type { LedgerIntent, LedgerRun } from './world';

/**
 * The campaign's own read of the ledger in the Firestore emulator (never through the product's
 * adapter, so a bug there cannot hide itself), plus the ways it moves time on: a lease that ran
 * out while the dead process was away (when it is too long to wait for), the end of a UTC day, and
 * the visibility margin of an order that provably never reached the exchange.
 */
export interface LedgerView {
  runs(): Promise<LedgerRun[]>;
  intents(): Promise<LedgerIntent[]>;
  /** when the run's lease ends (ms), null when it has none */
  leaseUntil(runId: string): Promise<number | null>;
  /** The dead process's run lease and its account lock end now, as they would after the lease. */
  expireLease(runId: string): Promise<void>;
  /** The UTC day of the account's turnover ends (the daily cap starts again); returns the day it closed. */
  endTurnoverDay(): Promise<{ day: string; notional: string } | null>;
  /** the account's turnover as stored (day and notional), null before any fill */
  turnover(): Promise<{ day: string; notional: string } | null>;
  /**
   * The intents named (the campaign found each `submitted`/`unknown`, unacknowledged, absent from
   * the exchange, with no request of it still held there) get sendBy moved back past the send
   * window and the visibility margin `marginMs`, as if that margin had been waited out.
   */
  ageSendWindows(clientOrderIds: ReadonlySet<string>, now: number, marginMs: number): Promise<string[]>;
  close(): Promise<void>;
}

/** Every emulator call is bounded: a stuck gRPC stream must fail the run, not hang the campaign. */
const CALL_TIMEOUT_MS = 15_000;
function bounded<T>(what: string, call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`ledger view: ${what} took over ${CALL_TIMEOUT_MS} ms`)),
      CALL_TIMEOUT_MS,
    );
  });
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

const millis = (value: unknown): number | null => (value instanceof Timestamp ? value.toMillis() : null);
const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);

/** `accountId`: the document the functions under test keep their safety state in (accounts/{accountId}). */
export function openLedgerView(projectId: string, emulatorHost: string, accountId: string): LedgerView {
  // The client finds the emulator through this variable (and then sends no credentials).
  process.env.FIRESTORE_EMULATOR_HOST = emulatorHost;
  const db = new Firestore({ projectId });
  const past = () => Timestamp.fromMillis(Date.now() - 1_000);
  const account = db.doc(`accounts/${accountId}`);
  const readTurnover = async () => {
    const a = await bounded('read the account', account.get());
    const t = a.exists ? (a.get('turnover') as { day?: unknown; notional?: unknown } | null | undefined) : null;
    return t && typeof t.day === 'string' && typeof t.notional === 'string'
      ? { day: t.day, notional: t.notional }
      : null;
  };
  return {
    async runs() {
      const snap = await bounded('read the runs', db.collection('runs').get());
      return snap.docs.map((d) => {
        const x = d.data();
        const lease = x.lease as { owner?: unknown; until?: unknown } | null | undefined;
        const until = millis(lease?.until);
        const error = x.error as { code?: unknown; retryable?: unknown } | null | undefined;
        return {
          runId: d.id,
          status: str(x.status),
          reason: typeof x.reason === 'string' ? x.reason : null,
          attempt: typeof x.attempt === 'number' ? x.attempt : 0,
          lease: lease && until !== null ? { owner: str(lease.owner), until } : null,
          startedAt: millis(x.startedAt) ?? 0,
          finishedAt: millis(x.finishedAt),
          errorCode: typeof error?.code === 'string' ? error.code : null,
          errorRetryable: typeof error?.retryable === 'boolean' ? error.retryable : null,
          dryRun: x.dryRun === true,
        };
      });
    },
    async intents() {
      const snap = await bounded('read the intents', db.collectionGroup('orders').get());
      return snap.docs.map((d) => {
        const x = d.data();
        const fees: Record<string, string> = {};
        const storedFees = x.fees as Record<string, unknown> | null | undefined;
        for (const [asset, fee] of Object.entries(storedFees ?? {})) if (typeof fee === 'string') fees[asset] = fee;
        return {
          runId: str(x.runId ?? x.run),
          clientOrderId: str(x.clientOrderId, d.id),
          leg: typeof x.leg === 'number' ? x.leg : -1,
          attempt: typeof x.attempt === 'number' ? x.attempt : 0,
          status: str(x.status),
          orderId: typeof x.orderId === 'string' ? x.orderId : null,
          executedQuantity: str(x.executedQuantity, '0'),
          executedQuote: str(x.executedQuote, '0'),
          createdAt: millis(x.createdAt) ?? 0,
          updatedAt: millis(x.updatedAt) ?? 0,
          symbol: str(x.symbol),
          side: str(x.side),
          // fees not read yet are unknown, not zero: invariants 3 and 7 wait for them, 11 insists on them
          ...(x.feesUnread === true ? { feesUnread: true } : { fees }),
          sendBy: millis(x.sendBy),
          recvWindowMs: typeof x.recvWindowMs === 'number' ? x.recvWindowMs : null,
        };
      });
    },
    async leaseUntil(runId) {
      const doc = await bounded('read a run', db.doc(`runs/${runId}`).get());
      return doc.exists ? millis(doc.get('lease.until')) : null;
    },
    turnover: readTurnover,
    async ageSendWindows(clientOrderIds, now, marginMs) {
      if (clientOrderIds.size === 0) return [];
      const snap = await bounded('read the intents', db.collectionGroup('orders').get());
      const aged: string[] = [];
      for (const d of snap.docs) {
        const x = d.data();
        const id = str(x.clientOrderId, d.id);
        if (!clientOrderIds.has(id) || (x.status !== 'submitted' && x.status !== 'unknown')) continue;
        if (typeof x.orderId === 'string' || millis(x.sendBy) === null) continue;
        const window = typeof x.recvWindowMs === 'number' ? x.recvWindowMs : 60_000;
        await bounded(
          'age a send window',
          d.ref.update({ sendBy: Timestamp.fromMillis(now - window - marginMs - 1_000) }),
        );
        aged.push(id);
      }
      return aged;
    },
    async expireLease(runId) {
      const run = db.doc(`runs/${runId}`);
      const runDoc = await bounded('read a run', run.get());
      if (runDoc.exists && runDoc.get('status') === 'running' && runDoc.get('lease'))
        await bounded('end a lease', run.update({ 'lease.until': past() }));
      const a = await bounded('read the account', account.get());
      if (a.exists && a.get('lock.runId') === runId)
        await bounded('end the lock', account.update({ 'lock.until': past() }));
    },
    async endTurnoverDay() {
      const closed = await readTurnover();
      if (!closed) return null;
      const before = dayBefore(closed.day);
      await bounded('end the turnover day', account.update({ 'turnover.day': before }));
      return closed;
    },
    close: () => bounded('close the client', db.terminate()),
  };
}
