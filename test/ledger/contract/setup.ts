import Big from 'big.js';
import type { DocStore } from '../../../shared/src/ledger/doc-store';
import type { CountedLedger } from '../../../shared/src/ledger/store-ledger';
import type { Clock } from '../../../shared/src/ports/clock';
import type { NewOrder } from '../../../shared/src/ports/exchange';
import type {
  AccountState,
  FinalRunStatus,
  LedgerRecord,
  OpenedRun,
  OrderIntent,
  PriceReferenceRecord,
  ReadToken,
  RunEnd,
  RunRecord,
  RunTrigger,
  StartRunResult,
  StoredRecord,
  SubmittedIntentInput,
} from '../../../shared/src/ports/ledger';
import { describeAccounts } from './accounts';
import { describeCarryOver } from './carry-over';
import { describeIntents } from './intents';
import { describeRoundTrips } from './round-trips';
import { describeRuns } from './runs';
import { describeSnapshots } from './snapshots';

/**
 * The behaviour every Ledger adapter must show, run against each of them (memory in the unit
 * project, Firestore in the emulator project). `makeLedger` returns a ledger on the SAME store each
 * time it is called within a file, as two function instances would share one database; `store` is
 * that database, raw, for writing v1 documents and reading documents as they are stored.
 */
export interface LedgerContractSetup {
  makeLedger(options: { clock: Clock; retentionDays: number }): CountedLedger;
  store(): DocStore;
}

export class FakeClock implements Clock {
  private current: number;
  constructor(start: string) {
    this.current = Date.parse(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
  /** now + ms, as a Date */
  in(ms: number): Date {
    return new Date(this.current + ms);
  }
}

export const RETENTION_DAYS = 90;
export const DAY_MS = 86_400_000;
export const LEASE_MS = 60_000;
export const RECV_WINDOW_MS = 5_000;
/** 22:00 UTC: two hours before a UTC day rolls over */
export const START = '2031-03-14T22:00:00.000Z';
export const TODAY = '2031-03-14';

let sequence = 0;

/** Ids unique per test and per run of the suite, so tests sharing a store never see each other's documents. */
export function uniqueId(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}-${Math.random().toString(36).slice(2, 10)}`;
}

export function order(clientOrderId: string, overrides: Partial<NewOrder> = {}): NewOrder {
  return {
    symbol: 'QRLUSDT',
    side: 'BUY',
    type: 'IMMEDIATE_OR_CANCEL',
    quantity: new Big('12.5'),
    price: new Big('0.4321'),
    clientOrderId,
    ...overrides,
  };
}

/** An intent as startRun writes it: already `submitted`, with its send deadline and recvWindow. */
export function submitted(leg: number, clientOrderId: string, sendBy: Date, overrides: Partial<NewOrder> = {}) {
  return {
    leg,
    order: order(clientOrderId, overrides),
    sendBy,
    recvWindowMs: RECV_WINDOW_MS,
  } satisfies SubmittedIntentInput;
}

export function ended(status: FinalRunStatus, details: LedgerRecord = {}, reason: string | null = null): RunEnd {
  return { status, reason, summary: `the run ended ${status}${reason ? ` (${reason})` : ''}`, details };
}

/** An account no run has touched yet, as readAccount answers it. */
/** When the price references the tests write became the reference. */
export const REF_AT = new Date('2031-01-01T00:00:00.000Z');

/** symbol → price as price references with no pending move, as a run's finish writes them. */
export function refs(prices: Record<string, string>, at: Date = REF_AT): Record<string, PriceReferenceRecord> {
  return Object.fromEntries(Object.entries(prices).map(([symbol, price]) => [symbol, { price, at, move: null }]));
}

export function emptyAccount(accountId: string, overrides: Partial<AccountState> = {}): AccountState {
  return {
    accountId,
    lock: null,
    lastRebalanceAt: null,
    turnover: null,
    priceReference: {},
    openIntents: {},
    claims: {},
    profiles: {},
    carriedOver: null,
    ...overrides,
  };
}

/** An intent as `order()` makes it, written at `createdAt` and never answered, with `overrides` on top. */
export function expectedIntent(
  of: { runId: string; profileId: string; accountId: string; leg: number; clientOrderId: string; createdAt: Date },
  overrides: Partial<OrderIntent> = {},
): OrderIntent {
  return {
    runId: of.runId,
    profileId: of.profileId,
    accountId: of.accountId,
    attempt: 1,
    leg: of.leg,
    clientOrderId: of.clientOrderId,
    symbol: 'QRLUSDT',
    side: 'BUY',
    type: 'IMMEDIATE_OR_CANCEL',
    quantity: '12.5',
    quoteQuantity: null,
    price: '0.4321',
    status: 'pending',
    orderId: null,
    exchangeStatus: null,
    executedQuantity: '0',
    executedQuote: '0',
    countedQuote: '0',
    fees: {},
    feesUnread: false,
    error: null,
    sendBy: null,
    recvWindowMs: null,
    settledBy: null,
    createdAt: of.createdAt,
    updatedAt: of.createdAt,
    expireAt: new Date(of.createdAt.getTime() + RETENTION_DAYS * DAY_MS),
    ...overrides,
  };
}

/** What each test works with: its clock, two ledgers on one store (two processes) and the raw store. */
export interface World {
  clock: FakeClock;
  ledger: CountedLedger;
  /** a second instance on the same store, as another function instance would be */
  other: CountedLedger;
  store: DocStore;
  trigger(): RunTrigger;
  open(runId: string, accountId: string, via?: CountedLedger, profileIds?: readonly string[]): Promise<OpenedRun>;
  /** openRun + startRun('locked'): the run is running, holds the lock, its intents are submitted */
  startLocked(input: StartLocked): Promise<Started>;
  /** raw stored documents by path (null where none) */
  raw(path: string): Promise<StoredRecord | null>;
  /** writes documents raw, as v1 or a hand in the console would have */
  writeRaw(docs: Record<string, StoredRecord>): Promise<void>;
  /** merges fields into a document raw, as a hand in the console would */
  mergeRaw(path: string, data: StoredRecord): Promise<void>;
}

export interface StartLocked {
  runId: string;
  profileId: string;
  accountId: string;
  owner?: string;
  intents?: readonly SubmittedIntentInput[];
  via?: CountedLedger;
  leaseMs?: number;
}

export interface Started {
  owner: string;
  run: RunRecord;
  intents: OrderIntent[];
  token: ReadToken;
}

export function started(result: StartRunResult): Extract<StartRunResult, { outcome: 'started' }> {
  if (result.outcome !== 'started') throw new Error(`expected the run to start, got ${result.outcome}`);
  return result;
}

function makeWorld(setup: LedgerContractSetup): World {
  const clock = new FakeClock(START);
  const ledger = setup.makeLedger({ clock, retentionDays: RETENTION_DAYS });
  const other = setup.makeLedger({ clock, retentionDays: RETENTION_DAYS });
  const store = setup.store();
  const trigger = (): RunTrigger => ({
    kind: 'scheduler',
    jobName: 'rebalance-every-15m',
    scheduleTime: clock.now(),
    caller: 'sched@x.iam',
  });
  const open: World['open'] = (runId, accountId, via = ledger, profileIds) =>
    via.openRun({ runId, accountId, ...(profileIds ? { profileIds } : {}) });
  return {
    clock,
    ledger,
    other,
    store,
    trigger,
    open,
    async startLocked(input) {
      const via = input.via ?? ledger;
      const owner = input.owner ?? uniqueId('owner');
      const opened = await open(input.runId, input.accountId, via);
      const result = started(
        await via.startRun({
          as: 'locked',
          token: opened.token,
          runId: input.runId,
          profileId: input.profileId,
          accountId: input.accountId,
          trigger: trigger(),
          dryRun: false,
          owner,
          leaseMs: input.leaseMs ?? LEASE_MS,
          intents: input.intents ?? [],
        }),
      );
      return { owner, run: result.run, intents: result.intents, token: result.token };
    },
    async raw(path) {
      const [doc] = await store.getAll([path]);
      return doc?.data ?? null;
    },
    async writeRaw(docs) {
      await store.commit(Object.entries(docs).map(([path, data]) => ({ op: 'create', path, data })));
    },
    async mergeRaw(path, data) {
      await store.commit([{ op: 'merge', path, data }]);
    },
  };
}

export function describeLedgerContract(name: string, setup: LedgerContractSetup): void {
  describe(`Ledger contract: ${name}`, () => {
    let current: World | undefined;
    beforeEach(() => {
      current = makeWorld(setup);
    });
    const world = (): World => {
      if (!current) throw new Error('the world is made in beforeEach');
      return current;
    };
    describeRuns(world);
    describeAccounts(world);
    describeIntents(world);
    describeSnapshots(world);
    describeCarryOver(world);
    describeRoundTrips(world);
  });
}
