import Big from 'big.js';
import {
  accountTradingRefusal,
  firstNotApiTradable,
  notApiTradableMessage,
  withdrawalRisk,
} from '../domain/key-permissions';
import { type Plan, plan } from '../domain/plan';
import type { StrategyProfile } from '../domain/profile';
import { type Valuation, valuePortfolio } from '../domain/valuation';
import type { Logger } from '../observability/logger';
import type { Exchange, NewOrder } from '../ports/exchange';
import {
  type AccountState,
  abandonedRuns,
  type FinishIntent,
  LedgerUnavailableError,
  type OrderIntent,
  type ReadToken,
  type RunRecord,
  type StartRunInput,
  type SubmittedIntentInput,
} from '../ports/ledger';
import { clientOrderIdFor } from './client-order-id';
import type { RebalanceDeps, RebalanceInput, RebalanceReport } from './contract';
import { countingExchange } from './counting-exchange';
import { executeOrders, inSendOrder, type Leg, type LegResult } from './execute-orders';
import { fetchMarket, type MarketSnapshot, needsDepth, planSnapshotOf } from './market-snapshot';
import { referencesFor } from './price-references';
import { reconcileIntents } from './reconcile';
import {
  feesInQuote,
  inProgressReport,
  type RunOutcome,
  recordOf,
  reportOrderFromIntent,
  reportOrderFromPlan,
  storedReport,
} from './report';
import { deadlineExchange, deadlineLedger, RunDeadlineError, sendTimeLeftMs } from './run-deadlines';
import {
  AbandonedRunError,
  LeaseLostError,
  ProfileMismatchError,
  runEndUnrecorded,
  toAppError,
  UnknownProfileError,
  UnsettledOrdersError,
} from './run-errors';
import { DEFAULT_RECV_WINDOW_MS, DEFAULT_SEND_DEADLINE_MS, SEND_WINDOW_MS } from './send-window';

/** Intent statuses that prove the order never reached the exchange. */
const NEVER_SENT: ReadonlySet<string> = new Set(['pending', 'absent', 'rejected']);

/** Claim commits lost to a concurrent writer before the run gives up (retryable: 503, Scheduler retries). */
const MAX_CLAIM_RACES = 5;

/** Everything one trigger works with. */
interface Run {
  input: RebalanceInput;
  deps: RebalanceDeps;
  profile: StrategyProfile;
  accountId: string;
  dryRun: boolean;
  exchange: Exchange;
  exchangeCalls: () => number;
  log: Logger;
  startedMs: number;
  recvWindowMs: number;
}

/** A claimed attempt: the run as the ledger holds it. */
interface Claimed extends Run {
  record: RunRecord;
}

/**
 * One rebalance trigger, exactly once (DESIGN §4 steps 4–11). The common path is three ledger round
 * trips: read the run and the account; one commit that claims the run (with the account lock and
 * the intents, already submitted, when it trades); the orders; one commit that ends it. A run that
 * finds open intents or an abandoned lock takes the lock first and settles them (the slower path).
 * Skips, duplicates and failures after the claim are reports; it throws only before the claim
 * (unknown profile), when the ledger is unavailable (retryable: the caller answers 503 and Scheduler
 * tries again with the same id), or when the execution id belongs to a run of another profile
 * (run.profile_mismatch → 409).
 */
export async function rebalanceOnce(input: RebalanceInput, given: RebalanceDeps): Promise<RebalanceReport> {
  const profile = given.profiles[input.profileId];
  if (!profile) throw new UnknownProfileError(input.profileId, Object.keys(given.profiles));
  const deps = withDeadlines(given);
  const counted = countingExchange(deps.exchange);
  const adapterCallsAtStart = deps.exchangeCalls?.();
  const run: Run = {
    input,
    deps,
    profile,
    accountId: deps.accountId,
    dryRun: input.dryRun || !deps.liveTrading,
    exchange: counted.exchange,
    exchangeCalls: () => {
      const now = deps.exchangeCalls?.();
      return adapterCallsAtStart !== undefined && now !== undefined ? now - adapterCallsAtStart : counted.calls();
    },
    log: deps.logger.child({ executionId: input.executionId, profile: profile.id, account: deps.accountId }),
    startedMs: deps.clock.now().getTime(),
    recvWindowMs: deps.exchange.recvWindowMs ?? DEFAULT_RECV_WINDOW_MS,
  };

  let market: MarketSnapshot | undefined;
  for (let race = 0; race < MAX_CLAIM_RACES; race += 1) {
    const opened = await deps.ledger.openRun({
      runId: input.executionId,
      accountId: run.accountId,
      profileIds: Object.keys(deps.profiles),
    });
    if (opened.run) return existingRun(run, opened.run);
    // what the ledger holds is judged by the ledger's clock, never this instance's (issue #18)
    const now = deps.ledger.now();
    const start = { token: opened.token, ...startFields(run) };
    const lock = opened.account.lock;
    if (lock && lock.until > now) {
      run.log.info('lock.busy', { holder: lock.runId, holderProfile: lock.profileId, until: lock.until.toISOString() });
      const outcome = lockedOut(run, lock.runId, lock.profileId, lock.until);
      const answer = await endAtStart(run, start, outcome);
      if (answer) return answer;
      continue;
    }
    if (needsSettling(opened.account, now)) {
      // open intents or a dead holder: take the lock first, then settle them (the slower path)
      const started = await deps.ledger.startRun({
        ...start,
        as: 'locked',
        owner: deps.owner,
        leaseMs: deps.leaseMs,
        intents: [],
      });
      if (started.outcome === 'conflict') continue;
      run.log.info('run.claimed', { attempt: 1, dryRun: run.dryRun, trigger: input.trigger.kind, path: 'settle' });
      return underLock({ ...run, record: started.run }, abandonedRuns(opened.account, input.executionId, now));
    }

    // The common path: plan from what was read, then claim and trade in one commit.
    market ??= await fetchMarket(run.exchange, profile, { depth: needsDepth(profile), key: true });
    const before = valuePortfolio(market.balances, market.assetPrices, profile);
    const decided = decide(run, market, opened.account, now);
    const thePlan = decided.plan;
    const legs = thePlan.orders.map((o) => ({
      planned: o,
      order: toNewOrder(o, clientOrderIdFor(input.executionId, o.leg)),
    }));
    const seen = {
      market,
      before,
      plan: thePlan,
      priceReference: decided.priceReference,
      reconciled: [],
      discovered: new Big(0),
      ordersPlaced: 0,
    };
    if (decided.skip || run.dryRun) {
      const outcome: RunOutcome = decided.skip
        ? { ...seen, status: 'skipped', reason: decided.skip.reason, message: decided.skip.message, orders: [] }
        : {
            ...seen,
            status: 'dry_run',
            reason: null,
            message: `dry run, nothing sent: ${thePlan.reason}`,
            orders: legs.map((l) => reportOrderFromPlan(l.planned, l.order.clientOrderId)),
          };
      const answer = await endAtStart(run, start, outcome);
      if (answer) return answer;
      market = undefined; // the account changed under us: read the market again with it
      continue;
    }
    // sendBy is stored and later judged by other instances: it is an instant of the ledger's clock
    // the point of no return: a claim that trades needs the time to send and record its orders
    if (deps.budget && sendTimeLeftMs(deps.budget) <= 0) {
      throw new RunDeadlineError(`claiming run ${input.executionId} to send ${legs.length} order(s)`, null);
    }
    const sendFrom = deps.ledger.now().getTime();
    const deadline = sendDeadline(run).getTime();
    // Only the first order to leave is written `submitted` by the claim; the others are written
    // `pending` and submitted one by one while the lock is held. An order that never left is then
    // provably unsent after a crash (pending) instead of waiting out the visibility margin like
    // one that may have left (send-window.ts).
    const intents: SubmittedIntentInput[] = inSendOrder(legs, (l) => l.planned).map(({ planned, order }, i) => ({
      leg: planned.leg,
      order,
      ...(i === 0
        ? { sendBy: new Date(Math.min(sendFrom + SEND_WINDOW_MS, deadline)), recvWindowMs: run.recvWindowMs }
        : {}),
    }));
    const started = await deps.ledger.startRun({
      ...start,
      as: 'locked',
      owner: deps.owner,
      leaseMs: deps.leaseMs,
      intents,
    });
    if (started.outcome === 'conflict') {
      market = undefined;
      continue;
    }
    run.log.info('run.claimed', { attempt: 1, dryRun: false, trigger: input.trigger.kind, path: 'trade' });
    const claimed: Claimed = { ...run, record: started.run };
    const byId = new Map(started.intents.map((i) => [i.clientOrderId, i]));
    const executed = await trade(
      claimed,
      legs.flatMap(({ order }) => {
        const intent = byId.get(order.clientOrderId);
        return intent ? [{ intent, order }] : [];
      }),
      new Date(deadline),
    );
    return finish(claimed, await tradedOutcome(claimed, seen, thePlan, executed), {
      heldLock: true,
      legs: executed.legs,
      token: started.token,
    });
  }
  throw new LedgerUnavailableError(
    'claim the run',
    new Error(`the run or its account changed ${MAX_CLAIM_RACES} times while this attempt claimed it`),
  );
}

function startFields(run: Run): Omit<StartRunInput, 'token' | 'as' | 'end' | 'owner' | 'leaseMs' | 'intents'> {
  return {
    runId: run.input.executionId,
    profileId: run.profile.id,
    accountId: run.accountId,
    trigger: run.input.trigger,
    dryRun: run.dryRun,
  };
}

/** Records a run that ends at its claim (skip, dry run, locked). Null when it lost the race and must read again. */
async function endAtStart(
  run: Run,
  start: Omit<Extract<StartRunInput, { as: 'ended' }>, 'as' | 'end'>,
  outcome: RunOutcome,
): Promise<RebalanceReport | null> {
  const { end, report } = recordOf(factsOf(run, 1), outcome);
  const started = await run.deps.ledger.startRun({
    ...start,
    as: 'ended',
    end,
    ...(outcome.priceReference ? { account: { priceReference: outcome.priceReference } } : {}),
  });
  if (started.outcome === 'conflict') return null;
  logFinished(run, outcome, started.firestoreCalls);
  return withCalls(report, started.firestoreCalls);
}

/** A run with this execution id exists: answer it, or take it over when its attempt died. */
async function existingRun(run: Run, record: RunRecord): Promise<RebalanceReport> {
  // neither another profile's report nor a takeover of its run under this profile's name
  if (record.profileId !== run.profile.id)
    throw new ProfileMismatchError(record.runId, record.profileId, run.profile.id);
  const { deps, log } = run;
  const answer = (current: RunRecord): RebalanceReport => {
    const report = current.status === 'running' ? inProgressReport(current) : storedReport(current);
    log.info('run.duplicate', { status: report.status, attempt: current.attempt });
    return report;
  };
  if (record.status !== 'running') return answer(record);
  if (record.lease && record.lease.until.getTime() > deps.ledger.now().getTime()) return answer(record);
  const taken = await deps.ledger.takeOverRun({ runId: record.runId, owner: deps.owner, leaseMs: deps.leaseMs });
  if (taken.outcome === 'refused') {
    if (!taken.run) throw new LedgerUnavailableError('take over the run', new Error(`run ${record.runId} vanished`));
    return answer(taken.run);
  }
  log.info('run.claimed', { attempt: taken.run.attempt, dryRun: taken.run.dryRun, takenOver: true });
  // a resumed attempt keeps what the first one was asked for; live trading may since have been switched off
  const claimed: Claimed = {
    ...run,
    accountId: taken.run.accountId ?? run.accountId,
    dryRun: taken.run.dryRun || !deps.liveTrading,
    record: taken.run,
  };
  const lock = await deps.ledger.acquireLock({
    accountId: claimed.accountId,
    profileId: run.profile.id,
    runId: record.runId,
    owner: deps.owner,
    leaseMs: deps.leaseMs,
  });
  if (!lock.acquired) {
    const { holder } = lock;
    log.info('lock.busy', { holder: holder.runId, until: holder.until.toISOString() });
    return finish(claimed, lockedOut(claimed, holder.runId, holder.profileId, holder.until), { heldLock: false });
  }
  return underLock(claimed, lock.abandoned ?? []);
}

function lockedOut(run: Run, holder: string, holderProfile: string, until: Date): RunOutcome {
  return {
    status: 'skipped',
    reason: 'locked',
    message: `account ${run.accountId} is being worked on by run ${holder} (profile ${holderProfile || '?'}, lock until ${until.toISOString()}); this trigger did nothing`,
    orders: [],
    ordersPlaced: 0,
    reconciled: [],
    discovered: new Big(0),
  };
}

/** Open intents, a lock whose holder died, or a v1 claim past its lease: the run must settle them under the lock first. */
function needsSettling(account: AccountState, now: Date): boolean {
  return (
    Object.keys(account.openIntents).length > 0 || account.lock !== null || abandonedRuns(account, '', now).length > 0
  );
}

/** The slower path, with the account lock held: close dead runs, settle open intents, then plan and trade. */
async function underLock(run: Claimed, abandoned: readonly string[]): Promise<RebalanceReport> {
  const seen: Partial<RunOutcome> = {};
  let legs: LegResult[] = [];
  try {
    for (const runId of abandoned) await closeAbandoned(run, runId);
    const outcome = await settleAndTrade(run, seen, (executed) => {
      legs = executed;
    });
    return await finish(run, outcome, { heldLock: true, legs });
  } catch (error) {
    // Without the ledger nothing can be recorded; the lease and lock expire and a retry resumes.
    if (error instanceof LedgerUnavailableError) throw error;
    const appError = toAppError('rebalancing', error);
    const outcome: RunOutcome = {
      orders: [],
      ordersPlaced: 0,
      reconciled: [],
      discovered: new Big(0),
      ...seen,
      status: 'failed',
      reason: appError.code,
      message: appError.what,
      error: appError,
    };
    return finish(run, outcome, { heldLock: true, legs });
  }
}

/**
 * A run of this account whose lease ran out unfinished (it held the lock we just took, or a v1 run
 * died between its claim and the lock): its process died or stalled, and unless a Scheduler retry
 * of that very id comes back, nobody would ever finish it. It is closed as `failed` (run.abandoned);
 * what it traded is counted when each fill is recorded, and its unsettled intents are settled by the
 * reconcile step that follows. A distinct owner keeps our own lock out of that finish.
 */
async function closeAbandoned(run: Claimed, abandonedId: string): Promise<void> {
  const { deps, record, log } = run;
  const ledger = deps.ledger;
  const owner = `${deps.owner}/closing`;
  const taken = await ledger.takeOverRun({ runId: abandonedId, owner, leaseMs: deps.leaseMs });
  // finished meanwhile, or a retry of it is working again (it then finishes itself)
  if (taken.outcome !== 'taken') return;
  const intents = await ledger.listIntents(abandonedId);
  const error = new AbandonedRunError(abandonedId, record.runId);
  const { end } = recordOf(
    {
      ...factsOf(run, taken.run.attempt),
      runId: abandonedId,
      profileId: taken.run.profileId,
      dryRun: taken.run.dryRun,
    },
    {
      status: 'failed',
      reason: error.code,
      message: error.what,
      error,
      orders: intents.map(reportOrderFromIntent),
      ordersPlaced: 0,
      reconciled: [],
      discovered: new Big(0),
    },
  );
  const finished = await ledger.finishRun({
    runId: abandonedId,
    owner,
    accountId: run.accountId,
    profileId: taken.run.profileId,
    end,
  });
  log.warn('run.abandoned_closed', { abandoned: abandonedId, outcome: finished.outcome, orders: intents.length });
}

/** Steps 6–10 with the account lock held. `seen` collects what is known if a step throws. */
async function settleAndTrade(
  run: Claimed,
  seen: Partial<RunOutcome>,
  onExecuted: (legs: LegResult[]) => void,
): Promise<RunOutcome> {
  const { exchange, profile, record, deps, log } = run;
  const ledger = deps.ledger;
  const reconciled = await reconcileIntents({
    ledger,
    exchange,
    profile,
    now: deps.ledger.now(),
    logger: log,
    recvWindowMs: run.recvWindowMs,
    runId: record.runId,
    dryRun: run.dryRun,
    accountId: run.accountId,
  });
  const base = { reconciled: reconciled.settled, discovered: reconciled.discoveredQuote, ordersPlaced: 0, orders: [] };
  Object.assign(seen, base);
  if (reconciled.unsettled.length > 0) {
    const error = new UnsettledOrdersError(
      reconciled.unsettled.map((i) => i.clientOrderId),
      reconciled.error ?? undefined,
      reconciled.error instanceof UnsettledOrdersError
        ? 'the exchange could not be asked, or does not show them yet and they were sent too recently to be sure they never will'
        : undefined,
    );
    return { ...base, status: 'failed', reason: error.code, message: error.what, error };
  }

  const [market, account, ownIntents] = await Promise.all([
    fetchMarket(exchange, profile, { depth: needsDepth(profile), key: true }),
    // read after the reconcile step, so it holds the fills that step recorded
    ledger.readAccount(run.accountId),
    // only a taken-over attempt can find intents of its own run
    record.attempt > 1 ? ledger.listIntents(record.runId) : Promise.resolve([]),
  ]);
  const before = valuePortfolio(market.balances, market.assetPrices, profile);
  const known = { ...base, market, before };
  Object.assign(seen, known);

  if (ownIntents.length > 0) return resumed(run, ownIntents, known);

  if (reconciled.open.length > 0) {
    const ids = reconciled.open.map((i) => i.clientOrderId).join(', ');
    return {
      ...known,
      status: 'skipped',
      reason: 'open_orders',
      message: `order(s) ${ids} still rest on the book (younger than orderTtl ${profile.orderTtlMs / 1000}s); nothing new is planned on top of them`,
    };
  }

  const now = deps.ledger.now();
  const decided = decide(run, market, account, now);
  const thePlan = decided.plan;
  seen.plan = thePlan;
  seen.priceReference = decided.priceReference;
  const planned = { ...known, plan: thePlan, priceReference: decided.priceReference };
  if (decided.skip) {
    return { ...planned, status: 'skipped', reason: decided.skip.reason, message: decided.skip.message };
  }
  const orders = thePlan.orders.map((o) => ({
    planned: o,
    order: toNewOrder(o, clientOrderIdFor(record.runId, o.leg)),
  }));
  if (run.dryRun) {
    return {
      ...planned,
      status: 'dry_run',
      reason: null,
      message: `dry run, nothing sent: ${thePlan.reason}`,
      orders: orders.map((o) => reportOrderFromPlan(o.planned, o.order.clientOrderId)),
    };
  }

  const written = await ledger.writeIntents({
    runId: record.runId,
    profileId: profile.id,
    accountId: run.accountId,
    attempt: record.attempt,
    intents: orders.map(({ planned: o, order }) => ({ leg: o.leg, order })),
  });
  seen.orders = written.map(reportOrderFromIntent);
  // A paused process may have lost its lease to a takeover; then the new holder settles these intents.
  const lease = await ledger.extendLease({
    runId: record.runId,
    owner: deps.owner,
    leaseMs: deps.leaseMs,
    accountId: run.accountId,
  });
  if (lease.run !== 'extended' || lease.lock !== 'extended') {
    throw new LeaseLostError(record.runId, `run lease ${lease.run}, account lock ${lease.lock}`);
  }
  const byId = new Map(written.map((i) => [i.clientOrderId, i]));
  const executed = await trade(
    run,
    orders.flatMap(({ order }) => {
      const intent = byId.get(order.clientOrderId);
      return intent ? [{ intent, order }] : [];
    }),
    sendDeadline(run),
  );
  onExecuted(executed.legs);
  return tradedOutcome(run, planned, thePlan, executed);
}

/**
 * When this run stops sending, as an instant of the ledger's clock (sendBy derives from it and is
 * judged by it): what is left of the send budget, counted from the run's start.
 */
function sendDeadline(run: Run): Date {
  const { deps } = run;
  const elapsed = deps.clock.now().getTime() - run.startedMs;
  const sendBudget = (deps.sendDeadlineMs ?? DEFAULT_SEND_DEADLINE_MS) - elapsed;
  // and the point of no return: an order leaves only with time to send it and record the run's end
  const left = deps.budget ? Math.min(sendBudget, sendTimeLeftMs(deps.budget)) : sendBudget;
  return new Date(deps.ledger.now().getTime() + left);
}

/** The run's ledger and exchange, each call bounded by the time the request has left (run-deadlines.ts). */
function withDeadlines(deps: RebalanceDeps): RebalanceDeps {
  const { budget } = deps;
  if (!budget) return deps;
  return { ...deps, ledger: deadlineLedger(deps.ledger, budget), exchange: deadlineExchange(deps.exchange, budget) };
}

function trade(run: Claimed, legs: readonly Leg[], deadline: Date) {
  const { deps, record } = run;
  return executeOrders(record.runId, legs, {
    exchange: run.exchange,
    logger: run.log,
    // sendBy and the deadline are instants of the ledger's clock
    clock: { now: () => deps.ledger.now() },
    adapterClock: deps.clock,
    deadline,
    recvWindowMs: run.recvWindowMs,
    submit: (input) =>
      deps.ledger.submitIntent({ ...input, runId: record.runId, accountId: run.accountId, owner: deps.owner }),
  });
}

async function tradedOutcome(
  run: Claimed,
  seen: Pick<RunOutcome, 'market' | 'before' | 'reconciled' | 'discovered'>,
  thePlan: Plan,
  executed: Awaited<ReturnType<typeof executeOrders>>,
): Promise<RunOutcome> {
  const intents = executed.legs.map((l) => l.intent);
  const after = executed.ordersPlaced > 0 && seen.market ? await valuationAfter(run, seen.market) : undefined;
  const fills = describeFills(intents, run.profile.quote);
  const common = {
    ...seen,
    plan: thePlan,
    ...(after ? { after } : {}),
    orders: intents.map(reportOrderFromIntent),
    ordersPlaced: executed.ordersPlaced,
  };
  if (executed.failure) {
    return {
      ...common,
      status: 'failed',
      reason: executed.failure.code,
      message: `${executed.failure.what}; ${fills}`,
      error: executed.failure,
    };
  }
  return {
    ...common,
    status: 'completed',
    reason: null,
    message: `${thePlan.decision.reason}; ${fills}${after ? `; weights after ${describeWeights(after)}` : ''}`,
  };
}

/**
 * A taken-over attempt whose predecessor had written intents. They were settled by the reconcile
 * step; none is sent again, and nothing new is planned under the same ids (an intent that never
 * reached the exchange was priced from an old book). The next trigger plans afresh.
 */
async function resumed(
  run: Claimed,
  ownIntents: readonly OrderIntent[],
  known: Pick<RunOutcome, 'market' | 'before' | 'reconciled' | 'discovered'>,
): Promise<RunOutcome> {
  const intents = await run.deps.ledger.listIntents(run.record.runId);
  const placed = intents.filter((i) => i.orderId !== null).length;
  const after = placed > 0 && known.market ? await valuationAfter(run, known.market) : undefined;
  return {
    ...known,
    ...(after ? { after } : {}),
    orders: intents.map(reportOrderFromIntent),
    ordersPlaced: 0,
    status: 'completed',
    reason: null,
    message: `attempt ${run.record.attempt} resumed run ${run.record.runId}: the ${ownIntents.length} order(s) written by the earlier attempt were reconciled (${describeFills(intents, run.profile.quote)}); nothing new was planned, the next trigger plans again`,
  };
}

async function valuationAfter(run: Run, market: MarketSnapshot): Promise<Valuation | undefined> {
  try {
    // re-read, not computed: the exchange's balances are what the portfolio now is
    const balances = await run.exchange.balances();
    return valuePortfolio(balances, market.assetPrices, run.profile);
  } catch (error) {
    run.log.warn('run.balances_after_unread', { error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

function toNewOrder(o: Plan['orders'][number], clientOrderId: string): NewOrder {
  return {
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    // a MARKET buy spends a fixed quote amount, never "this many coins at whatever price"
    ...(o.quoteQuantity ? { quoteQuantity: o.quoteQuantity } : { quantity: o.quantity }),
    ...(o.price ? { price: o.price } : {}),
    clientOrderId,
  };
}

/**
 * The plan of one run with what is checked around it: the key's permissions (live runs: a key that
 * cannot trade refuses before anything is planned to be sent), the price references (a blocked move
 * says what unblocks it), and, for a plan that trades, that every symbol is API-tradable for this key
 * before any leg is sent (MEXC limits API trading per key: a multi-leg plan could trade one leg and
 * be refused the next). `skip` is set when the run must not trade.
 */
function decide(run: Run, market: MarketSnapshot, account: AccountState, now: Date) {
  const references = referencesFor(market, account, run.profile, now);
  const thePlan = plan(planSnapshotOf(market, references.lastPrices), run.profile, stateOf(account), now);
  const key = market.key;
  const risk = key ? withdrawalRisk(key.account) : null;
  if (risk) run.log.warn('key.withdrawal_risk', { detail: risk });
  const refusal = key && !run.dryRun ? accountTradingRefusal(key.account) : null;
  const notTradable =
    key && thePlan.status !== 'skip'
      ? firstNotApiTradable(
          thePlan.orders.map((o) => o.symbol),
          key.tradable,
        )
      : null;
  const skip: { reason: string; message: string } | null = refusal
    ? { reason: 'guard:keyPermissions', message: `${refusal}; nothing was sent` }
    : thePlan.status === 'skip'
      ? {
          reason: thePlan.skip ?? 'skipped',
          message:
            thePlan.skip === 'guard:priceMove' && references.pending.length > 0
              ? `${thePlan.reason}; ${references.pending.join('; ')}`
              : thePlan.reason,
        }
      : notTradable && key
        ? {
            reason: 'guard:apiTradable',
            message: `${notApiTradableMessage(notTradable, key.tradable)}; no leg was sent`,
          }
        : null;
  return { plan: thePlan, priceReference: references.record, skip };
}

/** The cool-down and turnover state the plan sees: the account's, shared by every profile on it. */
function stateOf(account: AccountState): Parameters<typeof plan>[2] {
  const stored = account.turnover ? { day: account.turnover.day, notional: new Big(account.turnover.notional) } : null;
  return { lastRebalanceAt: account.lastRebalanceAt, turnover: stored };
}

function describeFills(intents: readonly OrderIntent[], quote: string): string {
  if (intents.length === 0) return 'no orders';
  return intents
    .map((i) => {
      const verb = i.side === 'SELL' ? 'sold' : 'bought';
      const fees = Object.entries(i.fees)
        .map(([asset, amount]) => `${amount} ${asset}`)
        .join(' + ');
      return `${i.clientOrderId} ${i.status}: ${verb} ${i.executedQuantity} of ${i.quantity ?? '?'} ${i.symbol} for ${i.executedQuote} ${quote}${fees ? `, fee ${fees}` : ''}`;
    })
    .join('; ');
}

function describeWeights(v: Valuation): string {
  return v.holdings.map((h) => `${h.asset} ${h.weight.toFixed(4)}`).join(' / ');
}

function factsOf(run: Run, attempt: number) {
  return {
    runId: run.input.executionId,
    profileId: run.profile.id,
    quote: run.profile.quote,
    dryRun: run.dryRun,
    attempt,
    metrics: { durationMs: run.deps.clock.now().getTime() - run.startedMs, exchangeCalls: run.exchangeCalls() },
  };
}

/** The answer with the run's ledger round trips, as the ledger counted and stored them. */
function withCalls(report: RebalanceReport, firestoreCalls: number | undefined): RebalanceReport {
  return firestoreCalls === undefined ? report : { ...report, metrics: { ...report.metrics, firestoreCalls } };
}

function logFinished(run: Run, outcome: RunOutcome, firestoreCalls?: number): void {
  const fields = {
    executionId: run.input.executionId,
    status: outcome.status,
    reason: outcome.reason,
    durationMs: run.deps.clock.now().getTime() - run.startedMs,
    ordersPlaced: outcome.ordersPlaced,
    // for the dashboard's fees chart; the ledger keeps every fee exactly, per asset
    feesQuote: feesInQuote(outcome.orders, run.profile.quote).round(8).toFixed(),
    ...(firestoreCalls !== undefined ? { firestoreCalls } : {}),
  };
  if (outcome.status === 'failed') run.log.error('run.finished', { ...fields, error: outcome.error?.code ?? null });
  else run.log.info('run.finished', fields);
}

/** Step 11: the run doc, this run's intents as the exchange left them, and the account (price reference, lock). */
async function finish(
  run: Claimed,
  outcome: RunOutcome,
  options: { heldLock: boolean; legs?: readonly LegResult[]; token?: ReadToken },
): Promise<RebalanceReport> {
  const { record, profile, log, deps } = run;
  const { end, report } = recordOf(factsOf(run, record.attempt), outcome);
  const intents = (options.legs ?? []).flatMap((l): FinishIntent[] => (l.outcome ? [l.outcome] : []));
  const finished = await deps.ledger
    .finishRun({
      runId: record.runId,
      owner: deps.owner,
      accountId: run.accountId,
      profileId: profile.id,
      end,
      ...(intents.length > 0 ? { intents } : {}),
      ...(options.token ? { token: options.token } : {}),
      ...(options.heldLock
        ? {
            // every run that priced the market stores its references, a blocked one too: that is how
            // a move that holds becomes the new reference (price-references.ts)
            account: outcome.priceReference ? { priceReference: outcome.priceReference } : {},
          }
        : {}),
    })
    .catch((error: unknown) => {
      if (!(error instanceof LedgerUnavailableError)) throw error;
      // say what this attempt did that the ledger does not hold
      const mayHaveLeft = (options.legs ?? []).filter((l) => !NEVER_SENT.has(l.intent.status));
      throw runEndUnrecorded(
        record.runId,
        mayHaveLeft.map((l) => l.intent.clientOrderId),
        record.lease?.until ?? null,
        error,
      );
    });
  if (finished.outcome === 'lease_lost') {
    log.warn('run.lease_lost', { attempt: record.attempt, holder: finished.run?.lease?.owner ?? null });
    // finishRun wrote nothing, so a lock this attempt took would stay until it expires and hold
    // off the account's next runs; and the answer must be what the ledger holds, not this
    // attempt's own view, which another attempt may have superseded.
    if (options.heldLock) await deps.ledger.releaseLock({ accountId: run.accountId, owner: deps.owner });
    const current = finished.run;
    if (current && current.status !== 'running') return storedReport(current);
    const liveElsewhere =
      current?.lease && current.lease.owner !== deps.owner && current.lease.until > deps.ledger.now();
    if (current && liveElsewhere) return inProgressReport(current);
  }
  const calls = finished.outcome === 'finished' ? finished.firestoreCalls : undefined;
  logFinished(run, outcome, calls);
  return withCalls(report, calls);
}
