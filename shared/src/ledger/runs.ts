import Big from 'big.js';
import {
  type AccountChange,
  type AccountState,
  type ExtendLeaseInput,
  type ExtendLeaseResult,
  type FinishResult,
  type FinishRunInput,
  type LedgerRecord,
  LedgerUnavailableError,
  needsSettling,
  type OpenedRun,
  type OpenRunInput,
  type OrderIntent,
  type ReadToken,
  type RunLedger,
  type RunRecord,
  type StartRunInput,
  type StartRunResult,
  type StoredRecord,
  type TakeOverInput,
  type TakeOverResult,
} from '../ports/ledger';
import { countFills, profileSummary } from './accounts';
import { holdsRunLease, type LedgerContext, leaseUntil } from './context';
import {
  DELETE_FIELD,
  DocAlreadyExistsError,
  DocConflictError,
  type DocWrite,
  deepMerge,
  type MergeRecord,
  type StoredDoc,
} from './doc-store';
import { carryOver, lockRecord, parseAccount } from './documents/account-doc';
import { parseIntent } from './documents/intent-doc';
import { parseRun } from './documents/run-doc';
import { checkId, paths, toStoredRecord } from './documents/values';
import { type Intents, intentChange, intentDocs, openEntries } from './intents';

/**
 * The run protocol's storage steps (DESIGN §4) over `runs/{id}`, with the account and intent
 * writes that must land in the same commit. The common path is openRun → startRun → finishRun:
 * one read, one conditional commit before the orders, one conditional commit after them.
 */
export class Runs implements RunLedger {
  constructor(
    private readonly ctx: LedgerContext,
    private readonly intents: Intents,
    /** round trips of this ledger view so far (for the run's metrics) */
    private readonly calls: () => number,
  ) {}

  async openRun(input: OpenRunInput): Promise<OpenedRun> {
    const runPath = paths.run(checkId('run id', input.runId));
    const accountPath = paths.account(checkId('account id', input.accountId));
    const [run, account] = await this.ctx.guard('read the run and its account', () =>
      this.ctx.store.getAll([runPath, accountPath]),
    );
    let accountDoc = account ?? null;
    // Until the account has looked for v1 state (carriedOver set), no run may go on from it: a
    // snapshot alone may have created the document, and the v1 lock, cool-down and turnover would
    // then be lost.
    if ((!accountDoc || accountDoc.data.carriedOver == null) && input.profileIds && input.profileIds.length > 0) {
      accountDoc = await this.carryOverLegacy(input.accountId, input.profileIds, accountDoc);
    }
    return {
      run: run ? parseRun(runPath, run.data) : null,
      account: parseAccount(accountPath, input.accountId, accountDoc?.data ?? null),
      token: {
        versions: { [runPath]: run?.version ?? null, [accountPath]: accountDoc?.version ?? null },
        docs: { [runPath]: run?.data ?? null, [accountPath]: accountDoc?.data ?? null },
      },
    };
  }

  /**
   * A new account of a v1 deployment starts from its profiles' `portfolios/*` state, once: the
   * account records what it carried over, and each portfolio records the account it went to, so a
   * second account (a rotated key without ACCOUNT_ID) does not import that state again.
   */
  private async carryOverLegacy(
    accountId: string,
    profileIds: readonly string[],
    current: StoredDoc | null,
  ): Promise<StoredDoc | null> {
    const legacyPaths = profileIds.map((id) => paths.legacyPortfolio(checkId('profile id', id)));
    const found = await this.ctx.guard('read the v1 portfolios', () => this.ctx.store.getAll(legacyPaths));
    const portfolios = found.flatMap((doc, i) =>
      doc && doc.data.carriedInto == null ? [{ path: legacyPaths[i] ?? '', data: doc.data }] : [],
    );
    const now = this.ctx.now();
    const accountPath = paths.account(accountId);
    const carried: StoredRecord = portfolios.length > 0 ? carryOver(portfolios) : { carriedOver: [] };
    // a price reference written since is newer than any v1 one
    if (current?.data.priceReference) delete carried.priceReference;
    const writes: DocWrite[] = [
      current
        ? { op: 'update', path: accountPath, data: { ...carried, updatedAt: now }, ifVersion: current.version }
        : { op: 'create', path: accountPath, data: { account: accountId, ...carried, createdAt: now, updatedAt: now } },
      ...portfolios.map(({ path }): DocWrite => ({ op: 'merge', path, data: { carriedInto: accountId } })),
    ];
    try {
      const [version] = await this.ctx.store.commit(writes);
      const data = current
        ? (deepMerge(current.data, { ...carried, updatedAt: now }) as StoredRecord)
        : (writes[0]?.data as StoredRecord);
      return { data, version: version ?? '' };
    } catch (error) {
      if (!(error instanceof DocAlreadyExistsError || error instanceof DocConflictError)) {
        throw new LedgerUnavailableError('carry over the v1 portfolios', error);
      }
      // another run carried them over first: use its document
      const [doc] = await this.ctx.guard('read the account', () => this.ctx.store.getAll([accountPath]));
      if (doc?.data.carriedOver == null) {
        throw new LedgerUnavailableError('carry over the v1 portfolios', new Error(`${accountPath} changed meanwhile`));
      }
      return doc;
    }
  }

  async startRun(input: StartRunInput): Promise<StartRunResult> {
    const runPath = paths.run(checkId('run id', input.runId));
    const accountPath = paths.account(checkId('account id', input.accountId));
    checkId('profile id', input.profileId);
    const now = this.ctx.now();
    const expireAt = this.ctx.expireAt(now);
    const base: StoredRecord = {
      runId: input.runId,
      profile: input.profileId,
      account: input.accountId,
      trigger: toStoredRecord({ ...input.trigger }),
      dryRun: input.dryRun,
      attempt: 1,
      startedAt: now,
      expireAt,
    };
    const writes: DocWrite[] = [];
    let intentWrites: { path: string; data: StoredRecord }[] = [];
    if (input.as === 'ended') {
      const account = parseAccount(accountPath, input.accountId, input.token.docs[accountPath] ?? null);
      writes.push({
        op: 'create',
        path: runPath,
        // the read before and this commit are the run's only round trips
        data: { ...base, ...(runEnd(input.end, now, expireAt, this.calls() + 1) as StoredRecord), lease: null },
      });
      writes.push({
        op: 'merge',
        path: accountPath,
        data: {
          account: input.accountId,
          profiles: profileSummary(account, input.profileId, input.runId, input.end.status, now),
          ...priceReference(input.account?.priceReference),
          updatedAt: now,
        },
      });
    } else {
      const until = leaseUntil(now, input.leaseMs);
      intentWrites = intentDocs({ ...input, attempt: 1 }, input.intents, now, expireAt);
      writes.push({
        op: 'create',
        path: runPath,
        data: {
          ...base,
          status: 'running',
          reason: null,
          summary: `running: ${input.intents.length} order(s) being sent`,
          lease: { owner: input.owner, until },
          finishedAt: null,
        },
      });
      const lockPatch: MergeRecord = {
        account: input.accountId,
        lock: lockRecord({ runId: input.runId, profileId: input.profileId, owner: input.owner, until }),
        ...(intentWrites.length > 0 ? { openIntents: openEntries(input.runId, intentWrites) } : {}),
        updatedAt: now,
      };
      const version = input.token.versions[accountPath] ?? null;
      writes.push(
        version === null
          ? { op: 'create', path: accountPath, data: { ...lockPatch, carriedOver: [], createdAt: now } as StoredRecord }
          : { op: 'update', path: accountPath, data: lockPatch, ifVersion: version },
      );
      for (const { path, data } of intentWrites) writes.push({ op: 'create', path, data });
    }
    let versions: string[];
    try {
      versions = await this.ctx.store.commit(writes);
    } catch (error) {
      if (error instanceof DocAlreadyExistsError || error instanceof DocConflictError) return { outcome: 'conflict' };
      throw new LedgerUnavailableError('claim the run', error);
    }
    const token = tokenAfter(writes, versions, input.token);
    const run = parseRun(runPath, token.docs[runPath] ?? {});
    return {
      outcome: 'started',
      run,
      intents: intentWrites.map(({ path, data }) => parseIntent(path, data)),
      token,
      firestoreCalls: this.calls(),
    };
  }

  async takeOverRun(input: TakeOverInput): Promise<TakeOverResult> {
    const path = paths.run(checkId('run id', input.runId));
    return this.ctx.transact<TakeOverResult>('take over the run', async (read) => {
      const data = await read(path);
      // after the read: on Firestore it is what teaches the ledger's clock the database's time
      const now = this.ctx.now();
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
      return {
        writes: [{ op: 'merge', path, data: patch }],
        result: { outcome: 'taken', run: parseRun(path, deepMerge(data, patch)) },
      };
    });
  }

  async extendLease(input: ExtendLeaseInput): Promise<ExtendLeaseResult> {
    const runPath = paths.run(checkId('run id', input.runId));
    const accountPath = input.accountId ? paths.account(checkId('account id', input.accountId)) : undefined;
    return this.ctx.transact<ExtendLeaseResult>('extend the lease', async (read) => {
      const writes: DocWrite[] = [];
      const runData = await read(runPath);
      const now = this.ctx.now();
      const until = leaseUntil(now, input.leaseMs);
      const run = runData ? parseRun(runPath, runData) : null;
      // An expired lease is lost even if nobody took it yet: a takeover may land at any moment.
      const ownsRun = run !== null && holdsRunLease(run, input.owner, now);
      if (ownsRun) writes.push({ op: 'merge', path: runPath, data: { lease: { owner: input.owner, until } } });
      let lock: ExtendLeaseResult['lock'] = 'not_requested';
      if (accountPath && input.accountId) {
        const account = parseAccount(accountPath, input.accountId, await read(accountPath));
        const ownsLock = ownsRun && account.lock?.owner === input.owner && account.lock.until > now;
        if (ownsLock) writes.push({ op: 'merge', path: accountPath, data: { lock: { until } } });
        lock = ownsLock ? 'extended' : 'lost';
      }
      return { writes, result: { run: ownsRun ? 'extended' : 'lost', lock, until } };
    });
  }

  async readRun(runId: string): Promise<RunRecord | null> {
    const path = paths.run(checkId('run id', runId));
    const [doc] = await this.ctx.guard('read the run', () => this.ctx.store.getAll([path]));
    return doc ? parseRun(path, doc.data) : null;
  }

  async finishRun(input: FinishRunInput): Promise<FinishResult> {
    checkId('run id', input.runId);
    checkId('account id', input.accountId);
    if (input.token) {
      try {
        return await this.finishAtOnce(input, input.token);
      } catch {
        // Lost the race (another run reconciled an intent, a snapshot moved the price reference), or
        // the commit's answer was lost and it may have landed: either way the transactions below
        // re-read and decide again, and recording the same fills twice changes nothing (watermark).
      }
    }
    const intents: OrderIntent[] = [];
    for (const outcome of input.intents ?? []) {
      const { onlyFrom, clientOrderId, ...rest } = outcome;
      intents.push(
        await this.intents.updateIntent({
          ...rest,
          runId: input.runId,
          clientOrderId,
          ...(onlyFrom ? { onlyFrom } : {}),
        }),
      );
    }
    return this.finishInTransaction(input, intents);
  }

  /** The common path: intents, account and run in one commit, applied only if none changed since startRun. */
  private async finishAtOnce(input: FinishRunInput, token: ReadToken): Promise<FinishResult> {
    const now = this.ctx.now();
    const runPath = paths.run(input.runId);
    const accountPath = paths.account(input.accountId);
    const runVersion = token.versions[runPath];
    const accountVersion = token.versions[accountPath];
    const runData = token.docs[runPath];
    if (!runVersion || !accountVersion || !runData) throw new DocConflictError(runPath);
    // only a running run of this owner is ended here; anything else the transaction decides (lease_lost)
    const run = parseRun(runPath, runData);
    if (run.status !== 'running' || run.lease?.owner !== input.owner) throw new DocConflictError(runPath);
    const account = parseAccount(accountPath, input.accountId, token.docs[accountPath] ?? null);
    const writes: DocWrite[] = [];
    const after: OrderIntent[] = [];
    const openIntents: MergeRecord = {};
    let uncounted = new Big(0);
    for (const outcome of input.intents ?? []) {
      const path = paths.intent(input.runId, checkId('client order id', outcome.clientOrderId));
      const version = token.versions[path];
      const data = token.docs[path];
      // an id given twice would count its fill twice from the one version read; the fallback counts once
      if (!version || !data || outcome.clientOrderId in openIntents) throw new DocConflictError(path);
      const current = parseIntent(path, data);
      const change = intentChange(current, outcome, now);
      if (!change) throw new DocConflictError(path);
      writes.push({ op: 'update', path, data: change.patch, ifVersion: version });
      const next = parseIntent(path, deepMerge(data, change.patch));
      after.push(next);
      openIntents[next.clientOrderId] = needsSettling(next) ? input.runId : DELETE_FIELD;
      uncounted = uncounted.plus(change.uncounted);
    }
    const lockReleased = input.account !== undefined && account.lock?.owner === input.owner;
    writes.push({
      op: 'update',
      path: accountPath,
      data: {
        ...accountEnd(account, input, now, lockReleased),
        ...(Object.keys(openIntents).length > 0 ? { openIntents } : {}),
        ...countFills(account, uncounted, now),
      },
      ifVersion: accountVersion,
    });
    // this commit is the last round trip of the run: it counts itself
    const firestoreCalls = this.calls() + 1;
    writes.push({
      op: 'update',
      path: runPath,
      data: runEnd(input.end, now, this.ctx.expireAt(now), firestoreCalls),
      ifVersion: runVersion,
    });
    await this.ctx.store.commit(writes);
    return { outcome: 'finished', finishedAt: now, lockReleased, intents: after, firestoreCalls };
  }

  /** Every other finish: re-read run and account in one transaction and decide there. */
  private finishInTransaction(input: FinishRunInput, intents: OrderIntent[]): Promise<FinishResult> {
    const runPath = paths.run(input.runId);
    const accountPath = paths.account(input.accountId);
    const callsBefore = this.calls();
    return this.ctx.transact<FinishResult>('finish the run', async (read) => {
      const runData = await read(runPath);
      const run = runData ? parseRun(runPath, runData) : null;
      const accountData = await read(accountPath);
      const now = this.ctx.now();
      if (!run || !holdsRunLease(run, input.owner, now)) {
        return { writes: [], result: { outcome: 'lease_lost', run } };
      }
      const account = parseAccount(accountPath, input.accountId, accountData);
      const lockReleased = input.account !== undefined && account.lock?.owner === input.owner;
      // two reads and this commit (a retried transaction counts once more per attempt)
      const calls = Math.max(this.calls(), callsBefore + 2) + 1;
      const writes: DocWrite[] = [
        { op: 'merge', path: runPath, data: runEnd(input.end, now, this.ctx.expireAt(now), calls) },
        { op: 'merge', path: accountPath, data: accountEnd(account, input, now, lockReleased) },
      ];
      return { writes, result: { outcome: 'finished', finishedAt: now, lockReleased, intents, firestoreCalls: calls } };
    });
  }
}

/** The run document's end: status, summary and the app's details, with the round trips counted into its metrics. */
function runEnd(end: FinishRunInput['end'], now: Date, expireAt: Date, firestoreCalls: number): MergeRecord {
  const fields = endFields(end);
  const metrics = fields.metrics;
  return {
    ...fields,
    metrics: { ...(metrics && typeof metrics === 'object' && !Array.isArray(metrics) ? metrics : {}), firestoreCalls },
    finishedAt: now,
    expireAt,
  } as MergeRecord;
}

function endFields(end: FinishRunInput['end']): StoredRecord {
  return {
    status: end.status,
    reason: end.reason,
    summary: end.summary,
    ...toStoredRecord(end.details as LedgerRecord),
  };
}

/** What a finished run writes on its account: its profile's summary, the price reference, the lock released. */
function accountEnd(account: AccountState, input: FinishRunInput, now: Date, releaseLock: boolean): MergeRecord {
  return {
    account: input.accountId,
    profiles: profileSummary(account, input.profileId, input.runId, input.end.status, now),
    ...(input.account ? priceReference(input.account.priceReference) : {}),
    ...(releaseLock ? { lock: null } : {}),
    ...(input.runId in account.claims ? { claims: { [input.runId]: DELETE_FIELD } } : {}),
    updatedAt: now,
  };
}

function priceReference(references: AccountChange['priceReference']): MergeRecord {
  if (!references || Object.keys(references).length === 0) return {};
  // per symbol: a symbol this run did not price keeps its reference
  return { priceReference: toStoredRecord(references as unknown as LedgerRecord) as MergeRecord };
}

/** The token a commit leaves: each written document at its new version, the rest as read before. */
function tokenAfter(writes: readonly DocWrite[], versions: readonly string[], before: ReadToken): ReadToken {
  const nextVersions: Record<string, string | null> = { ...before.versions };
  const docs: Record<string, StoredRecord | null> = { ...before.docs };
  writes.forEach((write, i) => {
    const current = docs[write.path] ?? null;
    docs[write.path] = write.op === 'create' ? write.data : deepMerge(current ?? {}, write.data);
    nextVersions[write.path] = versions[i] ?? null;
  });
  return { versions: nextVersions, docs };
}
