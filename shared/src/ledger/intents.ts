import Big from 'big.js';
import {
  type AccountState,
  type IntentLedger,
  type IntentOutcome,
  type IntentStatus,
  isUnsettled,
  LedgerStateError,
  LedgerUnavailableError,
  needsSettling,
  type OrderIntent,
  type OrderIntentInput,
  type StoredRecord,
  type SubmitIntentInput,
  type SubmitIntentResult,
  type UpdateIntentInput,
  type WriteIntentsInput,
} from '../ports/ledger';
import { countFills } from './accounts';
import { holdsRunLease, type LedgerContext } from './context';
import { DELETE_FIELD, DocAlreadyExistsError, type DocWrite, deepMerge, type MergeRecord } from './doc-store';
import { parseAccount } from './documents/account-doc';
import { parseIntent } from './documents/intent-doc';
import { parseRun } from './documents/run-doc';
import { checkId, decimal, decimals, paths, toStoredRecord } from './documents/values';

/** Order intents (`runs/{runId}/orders/{clientOrderId}`) on the slower paths of the run protocol. */
export class Intents implements IntentLedger {
  constructor(private readonly ctx: LedgerContext) {}

  async writeIntents(input: WriteIntentsInput): Promise<OrderIntent[]> {
    checkId('run id', input.runId);
    const accountPath = paths.account(checkId('account id', input.accountId));
    const now = this.ctx.now();
    const docs = intentDocs(input, input.intents, now, this.ctx.expireAt(now));
    if (docs.length === 0) return [];
    const writes: DocWrite[] = docs.map(({ path, data }) => ({ op: 'create', path, data }));
    writes.push({
      op: 'merge',
      path: accountPath,
      data: { account: input.accountId, openIntents: openEntries(input.runId, docs), updatedAt: now },
    });
    try {
      await this.ctx.store.commit(writes);
    } catch (error) {
      if (error instanceof DocAlreadyExistsError) {
        throw intentExists(input.runId, docs.map((d) => d.data.clientOrderId).join(', '), 'already');
      }
      throw new LedgerUnavailableError('write the order intents', error);
    }
    return docs.map(({ path, data }) => parseIntent(path, data));
  }

  async updateIntent(input: UpdateIntentInput): Promise<OrderIntent> {
    const path = paths.intent(checkId('run id', input.runId), checkId('client order id', input.clientOrderId));
    return this.ctx.transact<OrderIntent>('update the order intent', async (read) => {
      const data = await read(path);
      const now = this.ctx.now();
      if (!data) throw intentNotFound(path, input.runId, input.clientOrderId);
      const current = parseIntent(path, data);
      if (input.onlyFrom && !input.onlyFrom.includes(current.status)) return { writes: [], result: current };
      const change = intentChange(current, input, now, input.byRun);
      if (!change) return { writes: [], result: current };
      // v1 intents name no account; their open entry lives on the account that carried them over
      const accountId = current.accountId || input.accountId;
      if (!current.accountId && accountId) change.patch.account = accountId;
      const writes: DocWrite[] = [{ op: 'merge', path, data: change.patch }];
      const next = parseIntent(path, deepMerge(data, change.patch));
      if (accountId) {
        const accountPath = paths.account(accountId);
        const account = change.uncounted.gt(0) ? parseAccount(accountPath, accountId, await read(accountPath)) : null;
        writes.push({
          op: 'merge',
          path: accountPath,
          data: {
            account: accountId,
            openIntents: { [current.clientOrderId]: needsSettling(next) ? current.runId : DELETE_FIELD },
            ...(account ? { ...countFills(account, change.uncounted, now), updatedAt: now } : {}),
          },
        });
      }
      // The run that left the order unsettled says, in its own document, how it ended after all:
      // a reader of a failed run should not see `unknown` forever.
      if (input.byRun && input.byRun !== current.runId && !isUnsettled(next.status)) {
        const runPath = paths.run(current.runId);
        if (await read(runPath)) {
          writes.push({
            op: 'merge',
            path: runPath,
            data: { settledLater: { [current.clientOrderId]: settledRecord(next, input.byRun, now) } },
          });
        }
      }
      return { writes, result: next };
    });
  }

  async submitIntent(input: SubmitIntentInput): Promise<SubmitIntentResult> {
    const runPath = paths.run(checkId('run id', input.runId));
    const path = paths.intent(input.runId, checkId('client order id', input.clientOrderId));
    const accountPath = paths.account(checkId('account id', input.accountId));
    return this.ctx.transact<SubmitIntentResult>('mark the order intent submitted', async (read) => {
      const [data, runData, accountData] = [await read(path), await read(runPath), await read(accountPath)];
      const now = this.ctx.now();
      if (!data) throw intentNotFound(path, input.runId, input.clientOrderId);
      const intent = parseIntent(path, data);
      if (intent.status !== 'pending') {
        return { writes: [], result: { outcome: 'refused', reason: 'not_pending', intent } };
      }
      const run = runData ? parseRun(runPath, runData) : null;
      const lock = parseAccount(accountPath, input.accountId, accountData).lock;
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
    const docs = await this.ctx.guard('list the order intents', () => this.ctx.store.list(collection));
    return docs
      .map((doc) => parseIntent(`${collection}/${String(doc.clientOrderId)}`, doc))
      .sort((a, b) => a.leg - b.leg || a.clientOrderId.localeCompare(b.clientOrderId));
  }

  async listUnsettledIntents(accountId: string): Promise<OrderIntent[]> {
    const accountPath = paths.account(checkId('account id', accountId));
    const [doc] = await this.ctx.guard('read the account', () => this.ctx.store.getAll([accountPath]));
    return this.unsettledOf(parseAccount(accountPath, accountId, doc?.data ?? null));
  }

  /**
   * The open intents an account indexes, read in one round trip. An entry whose intent is settled
   * or gone (expired by TTL, or stale in a v1 portfolio carried over late) is dropped from the index,
   * so it cannot send every later run down the slower path.
   */
  async unsettledOf(account: AccountState): Promise<OrderIntent[]> {
    const entries = Object.entries(account.openIntents).map(([clientOrderId, runId]) => ({
      clientOrderId,
      path: paths.intent(checkId('run id', runId), checkId('client order id', clientOrderId)),
    }));
    if (entries.length === 0) return [];
    const docs = await this.ctx.guard('read the open order intents', () =>
      this.ctx.store.getAll(entries.map((e) => e.path)),
    );
    const intents: OrderIntent[] = [];
    const stale: string[] = [];
    docs.forEach((doc, i) => {
      const entry = entries[i];
      if (!entry) return;
      const intent = doc ? { ...parseIntent(entry.path, doc.data) } : null;
      if (intent && !intent.accountId) intent.accountId = account.accountId;
      if (intent && needsSettling(intent)) intents.push(intent);
      else stale.push(entry.clientOrderId);
    });
    if (stale.length > 0) await this.dropFromIndex(account.accountId, stale);
    return intents.sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.runId.localeCompare(b.runId) || a.leg - b.leg,
    );
  }

  /** Removes index entries, only while they are still stale (an entry re-added since stays). */
  private dropFromIndex(accountId: string, clientOrderIds: readonly string[]): Promise<void> {
    const accountPath = paths.account(accountId);
    return this.ctx.transact<void>('prune the open intents index', async (read) => {
      const account = parseAccount(accountPath, accountId, await read(accountPath));
      const drop: MergeRecord = {};
      for (const id of clientOrderIds) {
        const runId = account.openIntents[id];
        if (runId === undefined) continue;
        const data = await read(paths.intent(runId, id));
        if (!data || !needsSettling(parseIntent(paths.intent(runId, id), data))) drop[id] = DELETE_FIELD;
      }
      if (Object.keys(drop).length === 0) return { writes: [], result: undefined };
      return { writes: [{ op: 'merge', path: accountPath, data: { openIntents: drop } }], result: undefined };
    });
  }
}

/** How an intent of an earlier run was settled, as that run's document shows it under `settledLater`. */
function settledRecord(intent: OrderIntent, byRun: string, at: Date): MergeRecord {
  return {
    status: intent.status,
    orderId: intent.orderId,
    executedQuantity: intent.executedQuantity,
    executedQuote: intent.executedQuote,
    fees: Object.keys(intent.fees).length > 0 ? { ...intent.fees } : {},
    settledBy: byRun,
    at,
  };
}

/** New intent documents: `pending`, or `submitted` with their send deadline when the run's claim writes them. */
export function intentDocs(
  run: { runId: string; profileId: string; accountId: string; attempt: number },
  intents: readonly (OrderIntentInput & { sendBy?: Date; recvWindowMs?: number })[],
  now: Date,
  expireAt: Date,
): { path: string; data: StoredRecord }[] {
  const seen = new Set<string>();
  return intents.map(({ leg, order, sendBy, recvWindowMs }) => {
    const id = checkId('client order id', order.clientOrderId);
    if (seen.has(id)) throw intentExists(run.runId, id, 'twice in one write');
    seen.add(id);
    const data: StoredRecord = {
      runId: run.runId,
      profile: run.profileId,
      account: run.accountId,
      attempt: run.attempt,
      leg,
      clientOrderId: id,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      quantity: order.quantity ? decimal(order.quantity) : null,
      quoteQuantity: order.quoteQuantity ? decimal(order.quoteQuantity) : null,
      price: order.price ? decimal(order.price) : null,
      status: sendBy ? 'submitted' : 'pending',
      orderId: null,
      exchangeStatus: null,
      executedQuantity: '0',
      executedQuote: '0',
      countedQuote: '0',
      fees: {},
      error: null,
      sendBy: sendBy ?? null,
      recvWindowMs: recvWindowMs ?? null,
      settledBy: null,
      createdAt: now,
      updatedAt: now,
      expireAt,
    };
    return { path: paths.intent(run.runId, id), data };
  });
}

export function openEntries(runId: string, docs: readonly { data: StoredRecord }[]): MergeRecord {
  return Object.fromEntries(docs.map(({ data }) => [String(data.clientOrderId), runId]));
}

/**
 * What recording `outcome` changes on an intent, or null when it would move it backwards.
 * Exchange truth only moves forward: a stale answer (a stalled writer, a lagging replica) never
 * moves a settled intent back to unsettled, an open one back to sent, or lowers its fills. Each fill
 * is counted once, with the write that records it: `uncounted` is the quote filled above the
 * intent's watermark, which moves up in the same patch.
 */
export function intentChange(
  current: OrderIntent,
  outcome: IntentOutcome,
  now: Date,
  byRun?: string,
): { patch: MergeRecord; uncounted: Big } | null {
  if (statusRank(outcome.status) < statusRank(current.status)) return null;
  const patch: MergeRecord = { status: outcome.status, updatedAt: now };
  if (outcome.orderId !== undefined) patch.orderId = outcome.orderId;
  if (outcome.exchangeStatus !== undefined) patch.exchangeStatus = outcome.exchangeStatus;
  if (outcome.executedQuantity !== undefined) {
    patch.executedQuantity = maxDecimal(current.executedQuantity, decimal(outcome.executedQuantity));
  }
  const executedQuote =
    outcome.executedQuote !== undefined
      ? maxDecimal(current.executedQuote, decimal(outcome.executedQuote))
      : current.executedQuote;
  if (outcome.executedQuote !== undefined) patch.executedQuote = executedQuote;
  if (outcome.fees !== undefined) {
    patch.fees = decimals(outcome.fees);
    patch.feesUnread = false;
  } else if (outcome.feesUnread && (current.feesUnread || Object.keys(current.fees).length === 0)) {
    // fees once read are never marked unread again by a later failed read
    patch.feesUnread = true;
  }
  if (outcome.error !== undefined) patch.error = toStoredRecord(outcome.error);
  if (byRun && byRun !== current.runId && !isUnsettled(outcome.status)) patch.settledBy = byRun;
  const uncounted = new Big(executedQuote).minus(current.countedQuote);
  if (uncounted.gt(0)) patch.countedQuote = executedQuote;
  return { patch, uncounted: uncounted.gt(0) ? uncounted : new Big(0) };
}

/** pending → sent (submitted/unknown) → open → final: an intent's status never moves back down this order. */
function statusRank(status: IntentStatus): number {
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

export function intentNotFound(path: string, runId: string, clientOrderId: string): LedgerStateError {
  return new LedgerStateError({
    code: 'ledger.intent_not_found',
    what: `order intent ${path} does not exist`,
    notDone: 'the exchange outcome of this order was not recorded',
    todo: 'write intents ahead with writeIntents before placing orders; check the run id and client order id',
    metadata: { runId, clientOrderId },
  });
}

export function intentExists(runId: string, clientOrderIds: string, how: string): LedgerStateError {
  return new LedgerStateError({
    code: 'ledger.intent_exists',
    what: `an order intent among ${clientOrderIds} of run ${runId} exists ${how}`,
    notDone: 'no intent of this batch was written, so none of its orders may be sent',
    todo: 'make client order ids unique per attempt (include the attempt number), or reconcile the existing intent instead',
    metadata: { runId, clientOrderIds },
  });
}
