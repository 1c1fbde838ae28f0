import Big from 'big.js';
import type { Clock } from '../ports/clock';
import {
  type AcquireLockInput,
  type AcquireLockResult,
  type ClaimResult,
  type ClaimRunInput,
  type ExtendLeaseInput,
  type ExtendLeaseResult,
  type FinishResult,
  type FinishRunInput,
  isUnsettled,
  type Ledger,
  LedgerStateError,
  LedgerUnavailableError,
  type LockHolder,
  type OrderIntent,
  type PortfolioState,
  type RecordSnapshotInput,
  type RecordSnapshotResult,
  type ReleaseLockInput,
  type ReleaseLockResult,
  type RunRecord,
  type StoredRecord,
  type SubmitIntentInput,
  type SubmitIntentResult,
  type TakeOverInput,
  type TakeOverResult,
  type UpdateIntentInput,
  type WriteIntentsInput,
} from '../ports/ledger';
import {
  DELETE_FIELD,
  DocAlreadyExistsError,
  type DocStore,
  type DocWrite,
  deepMerge,
  type MergeRecord,
  type TripCounter,
  type TxOutcome,
  type TxRead,
} from './doc-store';
import {
  checkId,
  decimal,
  decimals,
  expireAt,
  parseIntent,
  parsePortfolio,
  parseRun,
  paths,
  snapshotId,
  toStored,
  toStoredRecord,
  utcDay,
} from './documents';

export interface StoreLedgerOptions {
  retentionDays: number;
  clock: Clock;
}

class Trips implements TripCounter {
  count = 0;
  add(n: number): void {
    this.count += n;
  }
}

/**
 * The run protocol's storage steps (DESIGN §4) over any DocStore. Decisions are made inside
 * transactions from the document as re-read there, so concurrent callers see one winner.
 * A lease or lock is live while `until` is after the clock's now.
 */
export class StoreLedger implements Ledger {
  private readonly trips = new Trips();

  constructor(
    private readonly store: DocStore,
    private readonly options: StoreLedgerOptions,
  ) {
    if (!Number.isInteger(options.retentionDays) || options.retentionDays < 1) {
      throw new LedgerStateError({
        code: 'ledger.bad_retention',
        what: `retentionDays must be a whole number of days ≥ 1, got ${options.retentionDays}`,
        notDone: 'the ledger was not created',
        todo: 'set RUN_RETENTION_DAYS to a whole number of days',
      });
    }
  }

  roundTrips(): number {
    return this.trips.count;
  }

  scope(): Ledger {
    return new StoreLedger(this.store, this.options);
  }

  private now(): Date {
    return this.options.clock.now();
  }

  private expireAt(now: Date): Date {
    return expireAt(now, this.options.retentionDays);
  }

  async claimRun(input: ClaimRunInput): Promise<ClaimResult> {
    const path = paths.run(checkId('run id', input.runId));
    checkId('profile id', input.profileId);
    const now = this.now();
    const trigger: StoredRecord = toStoredRecord({ ...input.trigger });
    const doc: StoredRecord = {
      runId: input.runId,
      profile: input.profileId,
      status: 'running',
      reason: null,
      trigger,
      dryRun: input.dryRun,
      attempt: 1,
      lease: { owner: input.owner, until: leaseUntil(now, input.leaseMs) },
      startedAt: now,
      finishedAt: null,
      report: null,
      plan: null,
      snapshot: null,
      result: null,
      metrics: null,
      error: null,
      expireAt: this.expireAt(now),
    };
    // The claim is also noted on the portfolio, so that if this process dies before it takes the
    // lock, the next run of the portfolio still finds the run and closes it (see acquireLock).
    const claimNote: MergeRecord = {
      profile: input.profileId,
      claims: { [input.runId]: leaseUntil(now, input.leaseMs) },
    };
    const created = await this.guard('claim the run', async () => {
      try {
        await this.store.commit(
          [
            { op: 'create', path, data: doc },
            { op: 'merge', path: paths.portfolio(input.profileId), data: claimNote },
          ],
          this.trips,
        );
        return true;
      } catch (error) {
        if (error instanceof DocAlreadyExistsError) return false;
        throw error;
      }
    });
    if (created) return { outcome: 'claimed', run: parseRun(path, doc) };
    const existing = await this.guard('read the existing run', () => this.store.get(path, this.trips));
    if (!existing) {
      // Only TTL deletes runs; a run expiring between create and get is not worth a loop.
      throw new LedgerUnavailableError('read the existing run', new Error(`${path} vanished during the claim`));
    }
    return { outcome: 'existing', run: parseRun(path, existing) };
  }

  async takeOverRun(input: TakeOverInput): Promise<TakeOverResult> {
    const path = paths.run(checkId('run id', input.runId));
    return this.transact<TakeOverResult>('take over the run', async (read) => {
      const now = this.now();
      const data = await read(path);
      if (!data) return { writes: [], result: { outcome: 'refused', run: null } };
      const run = parseRun(path, data);
      if (run.status !== 'running' || (run.lease && run.lease.until > now)) {
        return { writes: [], result: { outcome: 'refused', run } };
      }
      const patch: MergeRecord = {
        attempt: run.attempt + 1,
        lease: { owner: input.owner, until: leaseUntil(now, input.leaseMs) },
        takenOverAt: now,
      };
      const merged = deepMerge(data, patch as MergeRecord);
      const claimNote: MergeRecord = { claims: { [run.runId]: leaseUntil(now, input.leaseMs) } };
      return {
        writes: [
          { op: 'merge', path, data: patch },
          { op: 'merge', path: paths.portfolio(checkId('profile id', run.profileId)), data: claimNote },
        ],
        result: { outcome: 'taken', run: parseRun(path, merged) },
      };
    });
  }

  async extendLease(input: ExtendLeaseInput): Promise<ExtendLeaseResult> {
    const runPath = paths.run(checkId('run id', input.runId));
    const portfolioPath = input.profileId ? paths.portfolio(checkId('profile id', input.profileId)) : undefined;
    return this.transact<ExtendLeaseResult>('extend the lease', async (read) => {
      const now = this.now();
      const until = leaseUntil(now, input.leaseMs);
      const writes: DocWrite[] = [];
      const runData = await read(runPath);
      const run = runData ? parseRun(runPath, runData) : null;
      // An expired lease is lost even if nobody took it yet: a takeover may land at any moment.
      const ownsRun = run !== null && holdsRunLease(run, input.owner, now);
      if (ownsRun) writes.push({ op: 'merge', path: runPath, data: { lease: { owner: input.owner, until } } });
      let lock: ExtendLeaseResult['lock'] = 'not_requested';
      if (portfolioPath && input.profileId) {
        const portfolio = parsePortfolio(input.profileId, await read(portfolioPath));
        const ownsLock = ownsRun && portfolio.lock?.owner === input.owner && portfolio.lock.until > now;
        if (ownsLock) writes.push({ op: 'merge', path: portfolioPath, data: { lock: { until } } });
        lock = ownsLock ? 'extended' : 'lost';
      }
      return { writes, result: { run: ownsRun ? 'extended' : 'lost', lock, until } };
    });
  }

  async acquireLock(input: AcquireLockInput): Promise<AcquireLockResult> {
    const path = paths.portfolio(checkId('profile id', input.profileId));
    checkId('run id', input.runId);
    return this.transact<AcquireLockResult>('take the portfolio lock', async (read) => {
      const now = this.now();
      const data = await read(path);
      const portfolio = parsePortfolio(input.profileId, data);
      const held = portfolio.lock;
      // A later attempt of the same run adopts its predecessor's lock: the run takeover already
      // proved that attempt dead, and waiting for its lock would skip the very run that must resume.
      if (held && held.until > now && held.runId !== input.runId) {
        return { writes: [], result: { acquired: false, holder: held } };
      }
      const until = leaseUntil(now, input.leaseMs);
      return {
        writes: [
          {
            op: 'merge',
            path,
            data: { profile: input.profileId, lock: { runId: input.runId, owner: input.owner, until }, updatedAt: now },
          },
        ],
        result: { acquired: true, until, ...abandonedRuns(data, held, input.runId, now) },
      };
    });
  }

  async releaseLock(input: ReleaseLockInput): Promise<ReleaseLockResult> {
    const path = paths.portfolio(checkId('profile id', input.profileId));
    return this.transact<ReleaseLockResult>('release the portfolio lock', async (read) => {
      const portfolio = parsePortfolio(input.profileId, await read(path));
      const held = portfolio.lock;
      if (!held) return { writes: [], result: { outcome: 'not_held' } };
      if (held.owner !== input.owner) return { writes: [], result: { outcome: 'not_owner', holder: held } };
      return {
        writes: [{ op: 'merge', path, data: { lock: null, updatedAt: this.now() } }],
        result: { outcome: 'released' },
      };
    });
  }

  async readPortfolio(profileId: string): Promise<PortfolioState> {
    const path = paths.portfolio(checkId('profile id', profileId));
    const data = await this.guard('read the portfolio', () => this.store.get(path, this.trips));
    return parsePortfolio(profileId, data);
  }

  async readRun(runId: string): Promise<RunRecord | null> {
    const path = paths.run(checkId('run id', runId));
    const data = await this.guard('read the run', () => this.store.get(path, this.trips));
    return data ? parseRun(path, data) : null;
  }

  async writeIntents(input: WriteIntentsInput): Promise<OrderIntent[]> {
    checkId('run id', input.runId);
    const portfolioPath = paths.portfolio(checkId('profile id', input.profileId));
    const seen = new Set<string>();
    const now = this.now();
    const docs = input.intents.map(({ leg, order }) => {
      const id = checkId('client order id', order.clientOrderId);
      if (seen.has(id)) throw intentExists(input.runId, id, 'twice in one write');
      seen.add(id);
      const doc: StoredRecord = {
        run: input.runId,
        profile: input.profileId,
        attempt: input.attempt,
        leg,
        clientOrderId: id,
        symbol: order.symbol,
        side: order.side,
        type: order.type,
        quantity: order.quantity ? decimal(order.quantity) : null,
        quoteQuantity: order.quoteQuantity ? decimal(order.quoteQuantity) : null,
        price: order.price ? decimal(order.price) : null,
        status: 'pending',
        orderId: null,
        exchangeStatus: null,
        executedQuantity: '0',
        executedQuote: '0',
        countedQuote: '0',
        fees: {},
        error: null,
        sendBy: null,
        recvWindowMs: null,
        createdAt: now,
        updatedAt: now,
        expireAt: this.expireAt(now),
      };
      return { path: paths.intent(input.runId, id), doc };
    });
    if (docs.length === 0) return [];
    const writes: DocWrite[] = docs.map(({ path, doc }) => ({ op: 'create', path, data: doc }));
    const openIntents: MergeRecord = Object.fromEntries(
      docs.map(({ doc }) => [doc.clientOrderId as string, input.runId]),
    );
    writes.push({ op: 'merge', path: portfolioPath, data: { profile: input.profileId, openIntents, updatedAt: now } });
    try {
      await this.store.commit(writes, this.trips);
    } catch (error) {
      if (error instanceof DocAlreadyExistsError) throw intentExists(input.runId, [...seen].join(', '), 'already');
      throw new LedgerUnavailableError('write the order intents', error);
    }
    return docs.map(({ path, doc }) => parseIntent(path, doc));
  }

  async updateIntent(input: UpdateIntentInput): Promise<OrderIntent> {
    const path = paths.intent(checkId('run id', input.runId), checkId('client order id', input.clientOrderId));
    return this.transact<OrderIntent>('update the order intent', async (read) => {
      const now = this.now();
      const data = await read(path);
      if (!data) throw intentNotFound(path, input.runId, input.clientOrderId);
      const current = parseIntent(path, data);
      if (input.onlyFrom && !input.onlyFrom.includes(current.status)) return { writes: [], result: current };
      // Exchange truth only moves forward: a stale answer (a stalled writer, a lagging replica)
      // never moves a settled intent back to unsettled, an open one back to sent, or lowers its fills.
      if (statusRank(input.status) < statusRank(current.status)) return { writes: [], result: current };
      const patch: MergeRecord = { status: input.status, updatedAt: now };
      if (input.orderId !== undefined) patch.orderId = input.orderId;
      if (input.exchangeStatus !== undefined) patch.exchangeStatus = input.exchangeStatus;
      if (input.executedQuantity !== undefined) {
        patch.executedQuantity = maxDecimal(current.executedQuantity, decimal(input.executedQuantity));
      }
      const executedQuote =
        input.executedQuote !== undefined
          ? maxDecimal(current.executedQuote, decimal(input.executedQuote))
          : current.executedQuote;
      if (input.executedQuote !== undefined) patch.executedQuote = executedQuote;
      if (input.fees !== undefined) patch.fees = decimals(input.fees);
      if (input.error !== undefined) patch.error = toStoredRecord(input.error);
      const portfolioPath = paths.portfolio(current.profileId);
      const openEntry: MergeRecord = {
        [current.clientOrderId]: isUnsettled(input.status) ? current.runId : DELETE_FIELD,
      };
      const portfolioPatch: MergeRecord = { profile: current.profileId, openIntents: openEntry };
      // Each fill is counted once, here, with the write that records it: a count left to the
      // run's finish is lost when that finish fails, and summed twice when two runs finish the
      // same intents. The watermark says how much of the fill is already in the turnover.
      // Fills are real trades whoever records them (a dry run reconciling an earlier live order too).
      const uncounted = new Big(executedQuote).minus(current.countedQuote);
      if (uncounted.gt(0)) {
        const portfolio = parsePortfolio(current.profileId, await read(portfolioPath));
        const today = utcDay(now);
        const before = portfolio.turnover?.day === today ? new Big(portfolio.turnover.notional) : new Big(0);
        portfolioPatch.turnover = { day: today, notional: before.plus(uncounted).toFixed() };
        portfolioPatch.lastRebalanceAt = now;
        portfolioPatch.updatedAt = now;
        patch.countedQuote = executedQuote;
      }
      return {
        writes: [
          { op: 'merge', path, data: patch },
          { op: 'merge', path: portfolioPath, data: portfolioPatch },
        ],
        result: parseIntent(path, deepMerge(data, patch)),
      };
    });
  }

  async submitIntent(input: SubmitIntentInput): Promise<SubmitIntentResult> {
    const runPath = paths.run(checkId('run id', input.runId));
    const path = paths.intent(input.runId, checkId('client order id', input.clientOrderId));
    const portfolioPath = paths.portfolio(checkId('profile id', input.profileId));
    return this.transact<SubmitIntentResult>('mark the order intent submitted', async (read) => {
      const now = this.now();
      const [data, runData, portfolioData] = [await read(path), await read(runPath), await read(portfolioPath)];
      if (!data) throw intentNotFound(path, input.runId, input.clientOrderId);
      const intent = parseIntent(path, data);
      if (intent.status !== 'pending') {
        return { writes: [], result: { outcome: 'refused', reason: 'not_pending', intent } };
      }
      const run = runData ? parseRun(runPath, runData) : null;
      const lock = parsePortfolio(input.profileId, portfolioData).lock;
      const owns =
        run !== null &&
        holdsRunLease(run, input.owner, now) &&
        lock !== null &&
        lock.owner === input.owner &&
        lock.runId === input.runId &&
        lock.until > now;
      if (!owns) return { writes: [], result: { outcome: 'refused', reason: 'lease_lost', intent } };
      const patch: MergeRecord = { status: 'submitted', sendBy: input.sendBy, updatedAt: now };
      if (input.recvWindowMs !== undefined) patch.recvWindowMs = input.recvWindowMs;
      return {
        writes: [{ op: 'merge', path, data: patch }],
        result: { outcome: 'submitted', intent: parseIntent(path, deepMerge(data, patch)) },
      };
    });
  }

  async listIntents(runId: string): Promise<OrderIntent[]> {
    const collection = paths.intents(checkId('run id', runId));
    const docs = await this.guard('list the order intents', () => this.store.list(collection, this.trips));
    return docs
      .map((doc) => parseIntent(`${collection}/${String(doc.clientOrderId)}`, doc))
      .sort((a, b) => a.leg - b.leg || a.clientOrderId.localeCompare(b.clientOrderId));
  }

  async listUnsettledIntents(profileId: string): Promise<OrderIntent[]> {
    const portfolio = await this.readPortfolio(profileId);
    const refs = Object.entries(portfolio.openIntents).map(([clientOrderId, runId]) =>
      paths.intent(checkId('run id', runId), checkId('client order id', clientOrderId)),
    );
    if (refs.length === 0) return [];
    const docs = await this.guard('read the open order intents', () => this.store.getAll(refs, this.trips));
    const intents: OrderIntent[] = [];
    docs.forEach((doc, i) => {
      const path = refs[i];
      // A missing intent (expired by TTL) or one settled after the map was read is not open.
      if (doc && path) {
        const intent = parseIntent(path, doc);
        if (isUnsettled(intent.status)) intents.push(intent);
      }
    });
    return intents.sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.runId.localeCompare(b.runId) || a.leg - b.leg,
    );
  }

  async finishRun(input: FinishRunInput): Promise<FinishResult> {
    const runPath = paths.run(checkId('run id', input.runId));
    const profileId = input.portfolio ? checkId('profile id', input.portfolio.profileId) : undefined;
    const runPatchBase: MergeRecord = {
      status: input.status,
      reason: input.reason ?? null,
      report: toStoredRecord(input.report),
    };
    for (const key of ['plan', 'snapshot', 'result', 'metrics', 'error'] as const) {
      const value = input[key];
      if (value !== undefined) runPatchBase[key] = toStoredRecord(value);
    }
    const turnoverAdd = input.portfolio?.turnoverNotional
      ? new Big(decimal(input.portfolio.turnoverNotional))
      : new Big(0);
    const prices = input.portfolio?.prices ? decimals(input.portfolio.prices) : undefined;

    return this.transact<FinishResult>('finish the run', async (read) => {
      const now = this.now();
      const runData = await read(runPath);
      const run = runData ? parseRun(runPath, runData) : null;
      const portfolioData = profileId ? await read(paths.portfolio(profileId)) : null;
      if (!run || !holdsRunLease(run, input.owner, now)) {
        return { writes: [], result: { outcome: 'lease_lost', run } };
      }
      const writes: DocWrite[] = [
        { op: 'merge', path: runPath, data: { ...runPatchBase, finishedAt: now, expireAt: this.expireAt(now) } },
      ];
      const claimDone: MergeRecord = { claims: { [input.runId]: DELETE_FIELD } };
      let lockReleased = false;
      if (profileId && input.portfolio) {
        const portfolio = parsePortfolio(profileId, portfolioData);
        const today = utcDay(now);
        const before = portfolio.turnover?.day === today ? new Big(portfolio.turnover.notional) : new Big(0);
        const patch: MergeRecord = {
          profile: profileId,
          lastRunId: input.runId,
          lastRunStatus: input.status,
          lastFinishedAt: now,
          turnover: { day: today, notional: before.plus(turnoverAdd).toFixed() },
          updatedAt: now,
        };
        if (input.status === 'completed') patch.lastCompletedAt = now;
        if (input.portfolio.traded) patch.lastRebalanceAt = now;
        if (prices) {
          patch.lastPrices = prices;
          patch.lastPricesAt = now;
        }
        if (portfolio.lock?.owner === input.owner) {
          patch.lock = null;
          lockReleased = true;
        }
        writes.push({ op: 'merge', path: paths.portfolio(profileId), data: { ...patch, ...claimDone } });
      }
      if (!profileId || profileId !== run.profileId) {
        writes.push({ op: 'merge', path: paths.portfolio(checkId('profile id', run.profileId)), data: claimDone });
      }
      return { writes, result: { outcome: 'finished', finishedAt: now, lockReleased } };
    });
  }

  async recordSnapshot(input: RecordSnapshotInput): Promise<RecordSnapshotResult> {
    const id = snapshotId(input.at);
    const path = paths.snapshot(id);
    const profileId = input.profileId ? checkId('profile id', input.profileId) : undefined;
    const now = this.now();
    const doc: StoredRecord = {
      ...toStoredRecord(input.data),
      at: toStored(input.at),
      profile: profileId ?? null,
      expireAt: this.expireAt(now),
    };
    const writes: DocWrite[] = [{ op: 'create', path, data: doc }];
    if (profileId && input.prices) {
      writes.push({
        op: 'merge',
        path: paths.portfolio(profileId),
        data: { profile: profileId, lastPrices: decimals(input.prices), lastPricesAt: input.at, updatedAt: now },
      });
    }
    try {
      await this.store.commit(writes, this.trips);
      return { id, outcome: 'recorded' };
    } catch (error) {
      if (error instanceof DocAlreadyExistsError) return { id, outcome: 'existing' };
      throw new LedgerUnavailableError('record the snapshot', error);
    }
  }

  async lastCompletedRunAt(profileId: string): Promise<Date | null> {
    return (await this.readPortfolio(profileId)).lastCompletedAt;
  }

  private async guard<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof LedgerStateError || error instanceof LedgerUnavailableError) throw error;
      throw new LedgerUnavailableError(operation, error);
    }
  }

  private transact<T>(operation: string, body: (read: TxRead) => Promise<TxOutcome<T>>): Promise<T> {
    return this.guard(operation, () => this.store.transact<T>(body, this.trips));
  }
}

/**
 * Runs whose lease ran out without them finishing, as the portfolio knows them: the holder of an
 * expired lock and any noted claim past its lease (a process that died between claim and lock).
 */
function abandonedRuns(
  portfolio: StoredRecord | null,
  held: LockHolder | null,
  runId: string,
  now: Date,
): { abandoned?: string[] } {
  const ids = new Set<string>();
  if (held && held.runId !== runId && held.until <= now) ids.add(held.runId);
  const claims = portfolio?.claims;
  if (claims && typeof claims === 'object' && !Array.isArray(claims) && !(claims instanceof Date)) {
    for (const [id, until] of Object.entries(claims)) {
      if (id !== runId && until instanceof Date && until <= now) ids.add(id);
    }
  }
  return ids.size > 0 ? { abandoned: [...ids].sort() } : {};
}

function leaseUntil(now: Date, leaseMs: number): Date {
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) {
    throw new LedgerStateError({
      code: 'ledger.bad_lease',
      what: `a lease of ${leaseMs} ms is not positive`,
      notDone: 'no lease was taken or extended',
      todo: 'pass a lease duration in milliseconds above 0',
    });
  }
  return new Date(now.getTime() + leaseMs);
}

/** A run lease is held while the run is running, the lease names the owner and has not run out. */
function holdsRunLease(run: RunRecord, owner: string, now: Date): boolean {
  return run.status === 'running' && run.lease?.owner === owner && run.lease.until > now;
}

function intentNotFound(path: string, runId: string, clientOrderId: string): LedgerStateError {
  return new LedgerStateError({
    code: 'ledger.intent_not_found',
    what: `order intent ${path} does not exist`,
    notDone: 'the exchange outcome of this order was not recorded',
    todo: 'write intents ahead with writeIntents before placing orders; check the run id and client order id',
    metadata: { runId, clientOrderId },
  });
}

function intentExists(runId: string, clientOrderIds: string, how: string): LedgerStateError {
  return new LedgerStateError({
    code: 'ledger.intent_exists',
    what: `an order intent among ${clientOrderIds} of run ${runId} exists ${how}`,
    notDone: 'no intent of this batch was written, so none of its orders may be sent',
    todo: 'make client order ids unique per attempt (include the attempt number), or reconcile the existing intent instead',
    metadata: { runId, clientOrderIds },
  });
}

/** pending → sent (submitted/unknown) → open → final: an intent's status never moves back down this order. */
function statusRank(status: OrderIntent['status']): number {
  switch (status) {
    case 'pending':
      return 0;
    case 'submitted':
    case 'unknown':
      return 1;
    case 'open':
      return 2;
    default:
      return 3;
  }
}

function maxDecimal(a: string, b: string): string {
  return new Big(a).gte(b) ? a : b;
}
