import Big from 'big.js';
import { type Plan, plan } from '../domain/plan';
import { dec, planToJson } from '../domain/plan-json';
import type { StrategyProfile } from '../domain/profile';
import type { PlannedOrder } from '../domain/sizing';
import { type Valuation, valuePortfolio } from '../domain/valuation';
import type { AppError } from '../errors/app-error';
import type { Logger } from '../observability/logger';
import type { Exchange, NewOrder } from '../ports/exchange';
import {
  type FinalRunStatus,
  type FinishRunInput,
  type Ledger,
  LedgerUnavailableError,
  type OrderIntent,
  type PortfolioState,
  type RunRecord,
} from '../ports/ledger';
import { clientOrderIdFor } from './client-order-id';
import type { RebalanceDeps, RebalanceInput, RebalanceReport, ReportOrder } from './contract';
import { countingExchange } from './counting-exchange';
import { executeOrders } from './execute-orders';
import { fetchMarket, type MarketSnapshot, needsDepth, planSnapshotOf } from './market-snapshot';
import { plainRecord } from './plain-record';
import { reconcileIntents } from './reconcile';
import {
  feesOf,
  inProgressReport,
  reportOrderFromIntent,
  reportOrderFromPlan,
  storedReport,
  sumQuote,
  weightsOf,
} from './report';
import {
  AbandonedRunError,
  errorRecord,
  LeaseLostError,
  ProfileMismatchError,
  toAppError,
  UnknownProfileError,
  UnsettledOrdersError,
} from './run-errors';
import { DEFAULT_RECV_WINDOW_MS, DEFAULT_SEND_DEADLINE_MS } from './send-window';

/** Everything one claimed attempt works with. */
interface Run {
  input: RebalanceInput;
  deps: RebalanceDeps;
  profile: StrategyProfile;
  record: RunRecord;
  dryRun: boolean;
  ledger: Ledger;
  exchange: Exchange;
  exchangeCalls: () => number;
  log: Logger;
  startedMs: number;
}

/** How a claimed attempt ended, before it is written down. */
interface Outcome {
  status: FinalRunStatus;
  reason: string | null;
  message: string;
  error?: AppError;
  /** the run held the portfolio lock: update the portfolio and release the lock */
  heldLock: boolean;
  market?: MarketSnapshot;
  before?: Valuation;
  after?: Valuation;
  plan?: Plan;
  /** this run's intents as they ended (live) */
  intents?: OrderIntent[];
  /** what a dry run would have sent */
  planned?: ReportOrder[];
  ordersPlaced?: number;
  /** intents of earlier runs settled by this one */
  reconciled?: OrderIntent[];
  /** quote those intents traded since their own runs recorded them: counts toward turnover and cool-down */
  discovered?: Big;
}

/**
 * One rebalance trigger, exactly once (DESIGN §4 steps 4–11). Skips, duplicates and failures after
 * the claim are reports; it throws only before the claim (unknown profile) or when the ledger is
 * unavailable (retryable: the caller answers 503 and Scheduler tries again with the same id), or
 * when the execution id belongs to a run of another profile (run.profile_mismatch → 409).
 */
export async function rebalanceOnce(input: RebalanceInput, deps: RebalanceDeps): Promise<RebalanceReport> {
  const profile = deps.profiles[input.profileId];
  if (!profile) throw new UnknownProfileError(input.profileId, Object.keys(deps.profiles));
  const startedMs = deps.clock.now().getTime();
  const ledger = deps.ledger.scope();
  const counted = countingExchange(deps.exchange);
  const adapterCallsAtStart = deps.exchangeCalls?.();
  const exchangeCalls = () => {
    const now = deps.exchangeCalls?.();
    return adapterCallsAtStart !== undefined && now !== undefined ? now - adapterCallsAtStart : counted.calls();
  };
  const log = deps.logger.child({ executionId: input.executionId, profile: profile.id });

  const claim = await ledger.claimRun({
    runId: input.executionId,
    profileId: profile.id,
    trigger: input.trigger,
    dryRun: input.dryRun || !deps.liveTrading,
    owner: deps.owner,
    leaseMs: deps.leaseMs,
  });
  let record = claim.run;
  if (claim.outcome === 'existing') {
    // neither another profile's report nor a takeover of its run under this profile's name
    if (record.profileId !== profile.id) throw new ProfileMismatchError(record.runId, record.profileId, profile.id);
    const existing = await resolveExisting(record, ledger, deps, log);
    if ('report' in existing) return existing.report;
    record = existing.run;
  } else {
    log.info('run.claimed', { attempt: record.attempt, dryRun: record.dryRun, trigger: input.trigger.kind });
  }

  const run: Run = {
    input,
    deps,
    profile,
    record,
    // a resumed attempt keeps what the first one was asked for; live trading may since have been switched off
    dryRun: record.dryRun || !deps.liveTrading,
    ledger,
    exchange: counted.exchange,
    exchangeCalls,
    log,
    startedMs,
  };
  return runClaimed(run);
}

async function resolveExisting(
  record: RunRecord,
  ledger: Ledger,
  deps: RebalanceDeps,
  log: Logger,
): Promise<{ report: RebalanceReport } | { run: RunRecord }> {
  const answer = (run: RunRecord): { report: RebalanceReport } => {
    const report = run.status === 'running' ? inProgressReport(run) : storedReport(run);
    log.info('run.duplicate', { status: report.status, attempt: run.attempt });
    return { report };
  };
  if (record.status !== 'running') return answer(record);
  if (record.lease && record.lease.until.getTime() > deps.clock.now().getTime()) return answer(record);
  const taken = await ledger.takeOverRun({ runId: record.runId, owner: deps.owner, leaseMs: deps.leaseMs });
  if (taken.outcome === 'refused') {
    if (!taken.run) {
      throw new LedgerUnavailableError('take over the run', new Error(`run ${record.runId} vanished`));
    }
    return answer(taken.run);
  }
  log.info('run.claimed', { attempt: taken.run.attempt, dryRun: taken.run.dryRun, takenOver: true });
  return { run: taken.run };
}

async function runClaimed(run: Run): Promise<RebalanceReport> {
  const { ledger, profile, record, deps } = run;
  const lock = await ledger.acquireLock({
    profileId: profile.id,
    runId: record.runId,
    owner: deps.owner,
    leaseMs: deps.leaseMs,
  });
  if (!lock.acquired) {
    const { holder } = lock;
    run.log.info('lock.busy', { holder: holder.runId, until: holder.until.toISOString() });
    return finish(run, {
      status: 'skipped',
      reason: 'locked',
      message: `portfolio ${profile.id} is being worked on by run ${holder.runId} (lock until ${holder.until.toISOString()}); this trigger did nothing`,
      heldLock: false,
    });
  }
  const partial: Partial<Outcome> = {};
  try {
    for (const runId of lock.abandoned ?? []) await closeAbandoned(run, runId);
    return await finish(run, await underLock(run, partial));
  } catch (error) {
    // Without the ledger nothing can be recorded; the lease and lock expire and a retry resumes.
    if (error instanceof LedgerUnavailableError) throw error;
    const appError = toAppError('rebalancing', error);
    return finish(run, {
      ...partial,
      status: 'failed',
      reason: appError.code,
      message: appError.what,
      error: appError,
      heldLock: true,
    });
  }
}

/**
 * A run of this portfolio whose lease ran out unfinished (it held the lock we just took, or died
 * between its claim and the lock): its process died or stalled, and unless a
 * Scheduler retry of that very id comes back, nobody would ever finish it — it would read
 * `running` forever. It is closed as `failed` (run.abandoned); what it traded was counted in the
 * day's turnover when each fill was recorded (updateIntent), so nothing is summed here; its
 * unsettled intents are settled by the reconcile step that follows. A distinct owner keeps our own
 * lock out of that finish.
 */
async function closeAbandoned(run: Run, abandonedId: string): Promise<void> {
  const { ledger, deps, profile, record, log } = run;
  const owner = `${deps.owner}/closing`;
  const taken = await ledger.takeOverRun({ runId: abandonedId, owner, leaseMs: deps.leaseMs });
  // finished meanwhile, or a retry of it is working again (it then finishes itself)
  if (taken.outcome !== 'taken') return;
  const intents = await ledger.listIntents(abandonedId);
  const error = new AbandonedRunError(abandonedId, record.runId);
  const dryRun = taken.run.dryRun;
  const traded = !dryRun && intents.some((i) => new Big(i.executedQuantity).gt(0));
  const report: RebalanceReport = {
    executionId: abandonedId,
    profile: profile.id,
    status: 'failed',
    reason: error.code,
    message: error.what,
    duplicate: false,
    dryRun,
    attempt: taken.run.attempt,
    orders: intents.map(reportOrderFromIntent),
    error: { code: error.code, message: error.message, retryable: error.retryable },
  };
  const finished = await ledger.finishRun({
    runId: abandonedId,
    owner,
    status: 'failed',
    reason: error.code,
    report: plainRecord(report),
    error: errorRecord(error),
    portfolio: { profileId: profile.id, traded },
  });
  log.warn('run.abandoned_closed', { abandoned: abandonedId, outcome: finished.outcome, orders: intents.length });
}

/** Steps 6–10 with the portfolio lock held. `partial` collects what is known if a step throws. */
async function underLock(run: Run, partial: Partial<Outcome>): Promise<Outcome> {
  const { ledger, exchange, profile, record, deps, log } = run;

  const recvWindowMs = deps.exchange.recvWindowMs ?? DEFAULT_RECV_WINDOW_MS;
  const reconciled = await reconcileIntents({
    ledger,
    exchange,
    profile,
    now: deps.clock.now(),
    logger: log,
    recvWindowMs,
    runId: record.runId,
    dryRun: run.dryRun,
  });
  partial.reconciled = reconciled.settled;
  partial.discovered = reconciled.discoveredQuote;
  if (reconciled.unsettled.length > 0) {
    const error = new UnsettledOrdersError(
      reconciled.unsettled.map((i) => i.clientOrderId),
      reconciled.error ?? undefined,
      reconciled.error instanceof UnsettledOrdersError
        ? 'the exchange could not be asked, or does not show them yet and they were sent too recently to be sure they never will'
        : undefined,
    );
    return {
      status: 'failed',
      reason: error.code,
      message: error.what,
      error,
      heldLock: true,
      reconciled: reconciled.settled,
      discovered: reconciled.discoveredQuote,
    };
  }

  const [market, portfolio, ownIntents] = await Promise.all([
    fetchMarket(exchange, profile, { depth: needsDepth(profile) }),
    ledger.readPortfolio(profile.id),
    // only a taken-over attempt can find intents of its own run
    record.attempt > 1 ? ledger.listIntents(record.runId) : Promise.resolve([]),
  ]);
  partial.market = market;
  const before = valuePortfolio(market.balances, market.assetPrices, profile);
  partial.before = before;
  const base = {
    heldLock: true,
    market,
    before,
    reconciled: reconciled.settled,
    discovered: reconciled.discoveredQuote,
  };

  if (ownIntents.length > 0) return resumed(run, ownIntents, base);

  if (reconciled.open.length > 0) {
    const ids = reconciled.open.map((i) => i.clientOrderId).join(', ');
    return {
      ...base,
      status: 'skipped',
      reason: 'open_orders',
      message: `order(s) ${ids} still rest on the book (younger than orderTtl ${profile.orderTtlMs / 1000}s); nothing new is planned on top of them`,
    };
  }

  const now = deps.clock.now();
  const thePlan = plan(planSnapshotOf(market, lastPricesOf(portfolio)), profile, stateOf(portfolio), now);
  partial.plan = thePlan;
  if (thePlan.status === 'skip') {
    return { ...base, plan: thePlan, status: 'skipped', reason: thePlan.skip, message: thePlan.reason };
  }

  const orders = thePlan.orders.map((o) => toNewOrder(o, clientOrderIdFor(record.runId, o.leg)));
  if (run.dryRun) {
    return {
      ...base,
      plan: thePlan,
      status: 'dry_run',
      reason: null,
      message: `dry run, nothing sent: ${thePlan.reason}`,
      planned: thePlan.orders.map((o, i) => reportOrderFromPlan(o, orders[i]?.clientOrderId ?? '')),
    };
  }

  const intents = await ledger.writeIntents({
    runId: record.runId,
    profileId: profile.id,
    attempt: record.attempt,
    intents: thePlan.orders.map((o, i) => ({ leg: o.leg, order: orders[i] as NewOrder })),
  });
  partial.intents = intents;
  // A paused process may have lost its lease to a takeover; then the new holder settles these intents.
  const lease = await ledger.extendLease({
    runId: record.runId,
    owner: deps.owner,
    leaseMs: deps.leaseMs,
    profileId: profile.id,
  });
  if (lease.run !== 'extended' || lease.lock !== 'extended') {
    throw new LeaseLostError(record.runId, `run lease ${lease.run}, portfolio lock ${lease.lock}`);
  }

  const executed = await executeOrders(record.runId, intents, new Map(orders.map((o) => [o.clientOrderId, o])), {
    ledger,
    exchange,
    logger: log,
    clock: deps.clock,
    owner: deps.owner,
    profileId: profile.id,
    deadline: new Date(run.startedMs + (deps.sendDeadlineMs ?? DEFAULT_SEND_DEADLINE_MS)),
    recvWindowMs,
  });
  partial.intents = executed.intents;
  partial.ordersPlaced = executed.ordersPlaced;
  const after = executed.ordersPlaced > 0 ? await valuationAfter(run, market) : undefined;
  const fills = describeFills(executed.intents, profile.quote);
  if (executed.failure) {
    return {
      ...base,
      plan: thePlan,
      ...(after ? { after } : {}),
      intents: executed.intents,
      ordersPlaced: executed.ordersPlaced,
      status: 'failed',
      reason: executed.failure.code,
      message: `${executed.failure.what}; ${fills}`,
      error: executed.failure,
    };
  }
  return {
    ...base,
    plan: thePlan,
    ...(after ? { after } : {}),
    intents: executed.intents,
    ordersPlaced: executed.ordersPlaced,
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
  run: Run,
  ownIntents: readonly OrderIntent[],
  base: Pick<Outcome, 'heldLock' | 'market' | 'before' | 'reconciled'>,
): Promise<Outcome> {
  const intents = await run.ledger.listIntents(run.record.runId);
  const placed = intents.filter((i) => i.orderId !== null).length;
  const after = placed > 0 && base.market ? await valuationAfter(run, base.market) : undefined;
  return {
    ...base,
    ...(after ? { after } : {}),
    intents,
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

function toNewOrder(o: PlannedOrder, clientOrderId: string): NewOrder {
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
 * The cool-down and turnover state the plan sees, as stored: read after the reconcile step, so it
 * already holds the fills that step recorded (updateIntent counts each fill as it records it).
 */
function stateOf(portfolio: PortfolioState): Parameters<typeof plan>[2] {
  const stored = portfolio.turnover
    ? { day: portfolio.turnover.day, notional: new Big(portfolio.turnover.notional) }
    : null;
  return { lastRebalanceAt: portfolio.lastRebalanceAt, turnover: stored };
}

function lastPricesOf(portfolio: PortfolioState): Map<string, Big> | undefined {
  if (!portfolio.lastPrices) return undefined;
  return new Map(Object.entries(portfolio.lastPrices).map(([symbol, price]) => [symbol, new Big(price)]));
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

function snapshotRecord(market: MarketSnapshot, before: Valuation | undefined) {
  return {
    balances: market.balances.map((b) => ({ asset: b.asset, free: dec(b.free), locked: dec(b.locked) })),
    prices: Object.fromEntries([...market.mids].map(([symbol, mid]) => [symbol, dec(mid)])),
    books: Object.fromEntries(
      [...market.books].map(([symbol, b]) => [symbol, { bid: dec(b.bidPrice), ask: dec(b.askPrice) }]),
    ),
    ...(before
      ? { quote: before.quote, value: dec(before.total), weights: weightsOf(before), drift: dec(before.totalDrift) }
      : {}),
  };
}

/** Step 11: the run doc, the portfolio (cool-down, last prices, lock) and one log line. Turnover is not summed here. */
async function finish(run: Run, outcome: Outcome): Promise<RebalanceReport> {
  const { record, profile, log } = run;
  const intents = outcome.intents ?? [];
  const filled = intents.filter((i) => new Big(i.executedQuantity).gt(0));
  const notional = sumQuote(intents);
  const fees = feesOf(intents);
  // fills of earlier runs found by the reconcile step are real whatever this run is
  const discovered = outcome.discovered ?? new Big(0);
  const liveFills = (!run.dryRun && filled.length > 0) || discovered.gt(0);
  const ordersPlaced = outcome.ordersPlaced ?? 0;
  const feesText = Object.entries(fees)
    .map(([asset, amount]) => `${dec(amount)} ${asset}`)
    .join(', ');
  const metrics = {
    durationMs: run.deps.clock.now().getTime() - run.startedMs,
    exchangeCalls: run.exchangeCalls(),
    ledgerRoundTrips: run.ledger.roundTrips(),
    ordersPlaced,
    ordersFilled: filled.length,
    notional: dec(notional),
    fees: feesText || '0',
  };
  const report: RebalanceReport = {
    executionId: record.runId,
    profile: profile.id,
    status: outcome.status,
    reason: outcome.reason,
    message: outcome.message,
    duplicate: false,
    dryRun: run.dryRun,
    attempt: record.attempt,
    orders: outcome.planned ?? intents.map(reportOrderFromIntent),
    ...(outcome.before
      ? {
          portfolio: {
            quote: outcome.before.quote,
            valueBefore: dec(outcome.before.total),
            weightsBefore: weightsOf(outcome.before),
            ...(outcome.after ? { valueAfter: dec(outcome.after.total), weightsAfter: weightsOf(outcome.after) } : {}),
          },
        }
      : {}),
    metrics,
    ...(outcome.error
      ? { error: { code: outcome.error.code, message: outcome.error.message, retryable: outcome.error.retryable } }
      : {}),
  };

  const input: FinishRunInput = {
    runId: record.runId,
    owner: run.deps.owner,
    status: outcome.status,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    report: plainRecord(report),
    metrics: plainRecord(metrics),
    ...(outcome.plan ? { plan: plainRecord(planToJson(outcome.plan)) } : {}),
    ...(outcome.market ? { snapshot: plainRecord(snapshotRecord(outcome.market, outcome.before)) } : {}),
    result: plainRecord({
      traded: liveFills,
      turnover: dec(notional),
      discoveredTurnover: dec(discovered),
      fees: Object.fromEntries(Object.entries(fees).map(([asset, amount]) => [asset, dec(amount)])),
      fills: intents.map(reportOrderFromIntent),
      reconciled: (outcome.reconciled ?? []).map((i) => ({
        runId: i.runId,
        clientOrderId: i.clientOrderId,
        status: i.status,
        executedQuantity: i.executedQuantity,
        executedQuote: i.executedQuote,
      })),
      ...(outcome.after ? { valueAfter: dec(outcome.after.total), weightsAfter: weightsOf(outcome.after) } : {}),
    }),
    ...(outcome.error ? { error: errorRecord(outcome.error) } : {}),
    ...(outcome.heldLock
      ? {
          portfolio: {
            profileId: profile.id,
            traded: liveFills,
            // no turnover here: each fill was added to it when it was recorded (updateIntent)
            // A run the price-move guard held keeps the old reference: replacing it with the moved
            // price would let the next run trade a move that lasted a single period.
            ...(outcome.market && outcome.reason !== 'guard:priceMove'
              ? { prices: Object.fromEntries(outcome.market.mids) }
              : {}),
          },
        }
      : {}),
  };
  const finished = await run.ledger.finishRun(input);
  if (finished.outcome === 'lease_lost') {
    log.warn('run.lease_lost', { attempt: record.attempt, holder: finished.run?.lease?.owner ?? null });
    // finishRun wrote nothing, so a lock this attempt took would stay until it expires and hold
    // off the portfolio's next runs; and the answer must be what the ledger holds, not this
    // attempt's own view, which another attempt may have superseded (review 2 findings 6 and 7).
    if (outcome.heldLock) await run.ledger.releaseLock({ profileId: profile.id, owner: run.deps.owner });
    const current = finished.run;
    if (current && current.status !== 'running') return storedReport(current);
    const liveElsewhere =
      current?.lease && current.lease.owner !== run.deps.owner && current.lease.until > run.deps.clock.now();
    if (current && liveElsewhere) return inProgressReport(current);
  }
  const fields = {
    executionId: record.runId,
    status: outcome.status,
    reason: outcome.reason,
    durationMs: metrics.durationMs,
    ordersPlaced,
  };
  if (outcome.status === 'failed') log.error('run.finished', { ...fields, error: outcome.error?.code ?? null });
  else log.info('run.finished', fields);
  return report;
}
