import { AuthError, type AuthErrorCode } from '@qrl-rebalancer/shared/auth';
import { httpStatus } from '@qrl-rebalancer/shared/http';
import Big from 'big.js';
import { AppError } from '../../shared/src/errors';
import type { HttpAnswer, OrderArrival, World } from './world';

/**
 * The campaign's six invariants (issue #11), as pure checks over one World. Each returns the
 * violations it found, each naming the order, run or asset, so a failing seed says what broke.
 */
export interface Violation {
  invariant: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12;
  message: string;
}

export interface InvariantContext {
  /** balances the simulator started with */
  initialBalances: Readonly<Record<string, string>>;
  /** symbol → base and quote asset */
  symbols: Readonly<Record<string, { base: string; quote: string }>>;
  maxOrderNotional: string;
  maxDailyTurnover: string;
  /** the profile's slippage allowance: an IOC limit sits this far beyond the price the caps were sized at */
  maxSlippageBps: number;
  /** which turnover day a run belongs to (the campaign moves the day on) */
  dayOf(runId: string): string;
  /** the client order id the product derives for (run, leg) */
  clientOrderIdFor(runId: string, leg: number): string;
  // --- issue #18; each check that needs one of these is skipped without it ---
  /** the profiles' cool-down (the account's: shared by its profiles) */
  cooldownMs?: number;
  /** the profiles' spread guard: no order on a book wider than this */
  maxSpreadBps?: number;
  /** resting orders older than this are cancelled by the next run that reconciles */
  orderTtlMs?: number;
  /** execution ids the campaign sent as dry runs */
  dryRunIds?: ReadonlySet<string>;
  /** how late after sendBy an order request may arrive (loopback transit); default 250 ms */
  sendToleranceMs?: number;
  /**
   * how much later than orderTtl a resting order may still be left by a reconciling run (default
   * 2 s): the product judges an order's age against the exchange's clock, which the campaign skews
   */
  ttlToleranceMs?: number;
  /**
   * runs served by an instance whose wall clock the campaign skewed: the times they stamp (with a
   * product that uses the instance clock) and their age judgements are off by the skew, so
   * invariant 4 does not take them as "a later run"
   */
  skewedRunIds?: ReadonlySet<string>;
}

export const INVARIANT_NAMES: Record<Violation['invariant'], string> = {
  1: 'orders ↔ intents',
  2: 'no reused client order id, one order set per run',
  3: 'balances conserved',
  4: 'no stale running run or unknown intent',
  5: 'order and daily turnover caps',
  6: 'no secret in the logs',
  7: 'ledger turnover and fees = the exchange fills',
  8: 'one run sends orders per account at a time',
  9: 'no order sent after its sendBy',
  10: 'cool-down, spread guard and dry runs respected',
  11: 'nothing unsettled after the quiet settle run',
  12: 'every HTTP answer has the status table status',
};

const SETTLED_ON_EXCHANGE = new Set(['filled', 'partially_filled', 'canceled']);
const NEVER_ON_EXCHANGE = new Set(['absent', 'rejected']);
const UNSETTLED = new Set(['pending', 'submitted', 'unknown']);
/** what a quiet settle run must leave none of: the unsettled ones and orders still resting */
const NOT_FINAL = new Set([...UNSETTLED, 'open']);
/** a resting order's TTL is judged by the run's clock against the exchange's order time */
const TTL_TOLERANCE_MS = 2_000;
const DEFAULT_SEND_TOLERANCE_MS = 250;

/** MEXC order status → the intent status it must settle to (the product's own mapping, restated). */
export function expectedIntentStatus(status: string, executedQty: string): string {
  switch (status) {
    case 'FILLED':
      return 'filled';
    case 'NEW':
    case 'PARTIALLY_FILLED':
      return 'open';
    case 'PARTIALLY_CANCELED':
      return 'partially_filled';
    case 'CANCELED':
      return new Big(executedQty).gt(0) ? 'partially_filled' : 'canceled';
    default:
      return `unknown exchange status ${status}`;
  }
}

export function checkOrdersMatchIntents(world: World): Violation[] {
  const out: Violation[] = [];
  const v = (message: string) => out.push({ invariant: 1, message });
  const intentsById = new Map<string, World['intents']>();
  for (const i of world.intents) intentsById.set(i.clientOrderId, [...(intentsById.get(i.clientOrderId) ?? []), i]);
  const ordersById = new Map<string, World['orders']>();
  for (const o of world.orders) ordersById.set(o.clientOrderId, [...(ordersById.get(o.clientOrderId) ?? []), o]);

  for (const order of world.orders) {
    const n = intentsById.get(order.clientOrderId)?.length ?? 0;
    if (n !== 1) v(`exchange order ${order.orderId} (${order.clientOrderId}) has ${n} intents in the ledger, not 1`);
  }
  for (const intent of world.intents) {
    const orders = ordersById.get(intent.clientOrderId) ?? [];
    const at = `intent ${intent.runId}/${intent.clientOrderId} (${intent.status})`;
    if (NEVER_ON_EXCHANGE.has(intent.status) && orders.length > 0) {
      v(`${at} says the order was never placed, but the exchange has order ${orders[0]?.orderId}`);
    }
    if (!SETTLED_ON_EXCHANGE.has(intent.status)) continue;
    const order = orders[0];
    if (!order) {
      v(`${at} is settled but the exchange has no such order`);
      continue;
    }
    const want = expectedIntentStatus(order.status, order.executedQty);
    if (want !== intent.status) v(`${at} but exchange order ${order.orderId} is ${order.status} (→ ${want})`);
    if (intent.orderId !== order.orderId) v(`${at} names order ${intent.orderId}, the exchange ${order.orderId}`);
    if (!new Big(intent.executedQuantity).eq(order.executedQty))
      v(`${at} filled ${intent.executedQuantity}, the exchange ${order.executedQty}`);
    if (!new Big(intent.executedQuote).eq(order.cummulativeQuoteQty))
      v(`${at} filled for ${intent.executedQuote}, the exchange ${order.cummulativeQuoteQty}`);
  }
  return out;
}

export function checkOrderIds(world: World, ctx: Pick<InvariantContext, 'clientOrderIdFor'>): Violation[] {
  const out: Violation[] = [];
  const v = (message: string) => out.push({ invariant: 2, message });
  const seen = new Map<string, number>();
  for (const o of world.orders) seen.set(o.clientOrderId, (seen.get(o.clientOrderId) ?? 0) + 1);
  for (const [id, n] of seen) if (n > 1) v(`client order id ${id} was used for ${n} exchange orders`);
  const attempts = new Map<string, Set<number>>();
  for (const i of world.intents) {
    attempts.set(i.runId, (attempts.get(i.runId) ?? new Set()).add(i.attempt));
    const want = ctx.clientOrderIdFor(i.runId, i.leg);
    if (i.clientOrderId !== want) v(`intent ${i.runId}/${i.clientOrderId} should be ${want} (leg ${i.leg})`);
  }
  for (const [runId, set] of attempts)
    if (set.size > 1) v(`run ${runId} wrote order sets in ${set.size} attempts (${[...set].join(', ')})`);
  return out;
}

export function checkBalances(world: World, ctx: Pick<InvariantContext, 'initialBalances' | 'symbols'>): Violation[] {
  const expected = new Map<string, Big>();
  const add = (asset: string, amount: Big) => expected.set(asset, (expected.get(asset) ?? new Big(0)).plus(amount));
  for (const [asset, amount] of Object.entries(ctx.initialBalances)) add(asset, new Big(amount));
  const out: Violation[] = [];
  for (const t of world.trades) {
    const s = ctx.symbols[t.symbol];
    if (!s) {
      out.push({ invariant: 3, message: `trade on unknown symbol ${t.symbol}` });
      continue;
    }
    const sign = t.side === 'BUY' ? 1 : -1;
    add(s.base, new Big(t.qty).times(sign));
    add(s.quote, new Big(t.quoteQty).times(-sign));
    add(t.commissionAsset, new Big(t.commission).times(-1));
  }
  const assets = new Set([...expected.keys(), ...Object.keys(world.balances)]);
  for (const asset of assets) {
    const b = world.balances[asset];
    const actual = b ? new Big(b.free).plus(b.locked) : new Big(0);
    const want = expected.get(asset) ?? new Big(0);
    if (!actual.eq(want))
      out.push({
        invariant: 3,
        message: `${asset}: the exchange holds ${actual.toFixed()}, initial ± fills − fees is ${want.toFixed()}`,
      });
  }
  out.push(...checkBalancesFromLedger(world, ctx));
  const filledByOrder = new Map<string, Big>();
  for (const t of world.trades) filledByOrder.set(t.orderId, (filledByOrder.get(t.orderId) ?? new Big(0)).plus(t.qty));
  for (const o of world.orders) {
    const filled = filledByOrder.get(o.orderId) ?? new Big(0);
    if (!filled.eq(o.executedQty))
      out.push({
        invariant: 3,
        message: `order ${o.orderId}: trades fill ${filled.toFixed()}, the order says ${o.executedQty}`,
      });
  }
  return out;
}

/**
 * The same balances from independent data: initial ± what the LEDGER says its intents filled − the
 * fees it recorded, against the simulator's balances. Only while every intent is final (an
 * unsettled or resting one has fills the ledger does not know yet) and only for worlds that carry
 * the intents' symbol, side and fees.
 */
function checkBalancesFromLedger(
  world: World,
  ctx: Pick<InvariantContext, 'initialBalances' | 'symbols'>,
): Violation[] {
  if (world.intents.some((i) => NOT_FINAL.has(i.status) || !i.symbol || !i.side || !i.fees)) return [];
  const expected = new Map<string, Big>();
  const add = (asset: string, amount: Big) => expected.set(asset, (expected.get(asset) ?? new Big(0)).plus(amount));
  for (const [asset, amount] of Object.entries(ctx.initialBalances)) add(asset, new Big(amount));
  const out: Violation[] = [];
  for (const i of world.intents) {
    const s = ctx.symbols[i.symbol ?? ''];
    if (!s) {
      out.push({ invariant: 3, message: `intent ${i.runId}/${i.clientOrderId} is on unknown symbol ${i.symbol}` });
      continue;
    }
    const sign = i.side === 'BUY' ? 1 : -1;
    add(s.base, new Big(i.executedQuantity).times(sign));
    add(s.quote, new Big(i.executedQuote).times(-sign));
    for (const [asset, fee] of Object.entries(i.fees ?? {})) add(asset, new Big(fee).times(-1));
  }
  for (const asset of new Set([...expected.keys(), ...Object.keys(world.balances)])) {
    const b = world.balances[asset];
    const actual = b ? new Big(b.free).plus(b.locked) : new Big(0);
    const want = expected.get(asset) ?? new Big(0);
    // the difference, not the totals: a gap that stays is one violation, not one per run
    if (!actual.eq(want))
      out.push({
        invariant: 3,
        message: `${asset}: the exchange holds ${actual.minus(want).abs().toFixed()} ${actual.gt(want) ? 'more' : 'less'} than initial ± the ledger's fills − its fees`,
      });
  }
  return out;
}

/**
 * A run that held the account lock and got past reconciling (so it must have settled what was open).
 * A run recorded with no lease ended at its claim: a skip or dry run whose read found nothing open
 * and no lock, so it reconciled nothing and does not count (it may have read the account while
 * another run was still trading; it traded nothing).
 */
function reconciledAfter(world: World, after: number, except: string, skewed?: ReadonlySet<string>): World['runs'] {
  return world.runs.filter(
    (r) =>
      r.runId !== except &&
      // a skewed instance may have stamped the run's times in its own clock: its order is unknown
      !skewed?.has(r.runId) &&
      r.status !== 'running' &&
      r.lease !== null &&
      r.startedAt > after &&
      r.reason !== 'locked' &&
      r.reason !== 'stale' &&
      r.errorCode !== 'run.unsettled_orders',
  );
}

export function checkNothingLeftBehind(
  world: World,
  ctx: Pick<InvariantContext, 'orderTtlMs' | 'ttlToleranceMs' | 'skewedRunIds'> = {},
): Violation[] {
  const out: Violation[] = [];
  for (const run of world.runs) {
    if (run.status !== 'running' || !run.lease || run.lease.until > world.now) continue;
    const later = world.runs.find(
      (r) =>
        r.runId !== run.runId &&
        !ctx.skewedRunIds?.has(r.runId) &&
        r.startedAt > (run.lease?.until ?? 0) &&
        r.reason !== 'locked' &&
        r.reason !== 'stale' &&
        r.status !== 'running',
    );
    if (later)
      out.push({
        invariant: 4,
        message: `run ${run.runId} is still running (attempt ${run.attempt}, lease ended ${new Date(run.lease.until).toISOString()}) after run ${later.runId} ran`,
      });
  }
  for (const intent of world.intents) {
    if (!UNSETTLED.has(intent.status)) continue;
    const next = reconciledAfter(world, intent.updatedAt, intent.runId, ctx.skewedRunIds)[0];
    if (next)
      out.push({
        invariant: 4,
        message: `intent ${intent.runId}/${intent.clientOrderId} is still ${intent.status} after run ${next.runId} (${next.status}${next.reason ? `/${next.reason}` : ''})`,
      });
  }
  // A resting order older than orderTtl is cancelled by the next run that reconciles.
  const ttl = ctx.orderTtlMs;
  if (ttl !== undefined)
    for (const intent of world.intents) {
      if (intent.status !== 'open') continue;
      const after = intent.createdAt + ttl + (ctx.ttlToleranceMs ?? TTL_TOLERANCE_MS);
      const next = reconciledAfter(world, after, intent.runId, ctx.skewedRunIds)[0];
      if (next)
        out.push({
          invariant: 4,
          message: `intent ${intent.runId}/${intent.clientOrderId} still rests (open, older than orderTtl ${ttl} ms) after run ${next.runId} (${next.status}${next.reason ? `/${next.reason}` : ''})`,
        });
    }
  return out;
}

export function checkCaps(world: World, ctx: InvariantContext): Violation[] {
  const out: Violation[] = [];
  // An order is sized so that it cannot trade more than the cap at any price it may fill at. The
  // daily guard adds planned orders at their limit price, and a sell fills above its limit, so a
  // day may exceed the cap by at most the slippage allowance on its sells.
  const perOrder = new Big(ctx.maxOrderNotional);
  const perDay = new Big(ctx.maxDailyTurnover).div(new Big(1).minus(new Big(ctx.maxSlippageBps).div(10_000)));
  const runOf = new Map(world.intents.map((i) => [i.clientOrderId, i.runId]));
  const days = new Map<string, Big>();
  for (const o of world.orders) {
    const sent = new Big(o.origQty).times(o.price);
    if (new Big(o.price).gt(0) && sent.gt(perOrder))
      out.push({
        invariant: 5,
        message: `order ${o.clientOrderId} was sent for ${sent.toFixed()} > maxOrderNotional ${ctx.maxOrderNotional}`,
      });
    if (new Big(o.cummulativeQuoteQty).gt(perOrder))
      out.push({
        invariant: 5,
        message: `order ${o.clientOrderId} traded ${o.cummulativeQuoteQty} > maxOrderNotional ${ctx.maxOrderNotional}`,
      });
    const runId = runOf.get(o.clientOrderId);
    const day = runId ? ctx.dayOf(runId) : 'unknown';
    days.set(day, (days.get(day) ?? new Big(0)).plus(o.cummulativeQuoteQty));
  }
  for (const [day, total] of days)
    if (total.gt(perDay))
      out.push({
        invariant: 5,
        message: `turnover of day ${day} is ${total.toFixed()} > maxDailyTurnover ${ctx.maxDailyTurnover} (+ slippage)`,
      });
  return out;
}

const sum = (values: Iterable<string>) => {
  let total = new Big(0);
  for (const v of values) total = total.plus(v);
  return total;
};

/**
 * Invariant 7: what the ledger recorded about fills is what the exchange's fills (its trade list,
 * not its order bookkeeping) say: per settled intent the quantity, quote and fees per asset; for
 * the account the daily turnover, summed over the days the campaign saw: never more than traded,
 * and exactly what was traded once every intent is final.
 */
export function checkFillsRecorded(world: World): Violation[] {
  const out: Violation[] = [];
  const v = (message: string) => out.push({ invariant: 7, message });
  for (const i of world.intents) {
    if (!SETTLED_ON_EXCHANGE.has(i.status)) continue;
    const trades = world.trades.filter((t) =>
      i.orderId !== null ? t.orderId === i.orderId : t.clientOrderId === i.clientOrderId,
    );
    const at = `intent ${i.runId}/${i.clientOrderId} (${i.status})`;
    const qty = sum(trades.map((t) => t.qty));
    const quote = sum(trades.map((t) => t.quoteQty));
    if (!qty.eq(i.executedQuantity)) v(`${at} recorded ${i.executedQuantity} filled, its trades ${qty.toFixed()}`);
    if (!quote.eq(i.executedQuote)) v(`${at} recorded ${i.executedQuote} quote, its trades ${quote.toFixed()}`);
    if (!i.fees) continue;
    const fees = new Map<string, Big>();
    for (const t of trades) fees.set(t.commissionAsset, (fees.get(t.commissionAsset) ?? new Big(0)).plus(t.commission));
    for (const asset of new Set([...fees.keys(), ...Object.keys(i.fees)])) {
      const recorded = new Big(i.fees[asset] ?? '0');
      const paid = fees.get(asset) ?? new Big(0);
      if (!recorded.eq(paid))
        v(`${at} recorded ${recorded.toFixed()} ${asset} fees, its trades paid ${paid.toFixed()}`);
    }
  }
  if (world.turnover) {
    const counted = sum(world.turnover.map((d) => d.notional));
    const traded = sum(world.trades.map((t) => t.quoteQty));
    const days = world.turnover.map((d) => `${d.day} ${d.notional}`).join(', ') || 'none';
    if (counted.gt(traded))
      v(`the ledger counted ${counted.toFixed()} turnover (${days}), the exchange traded only ${traded.toFixed()}`);
    else if (counted.lt(traded) && !world.intents.some((i) => NOT_FINAL.has(i.status)))
      v(
        `the ledger counted ${counted.toFixed()} turnover (${days}) with every intent final, the exchange traded ${traded.toFixed()}`,
      );
  }
  return out;
}

/** Machine time of an arrival: the simulator's clock minus the offset it ran with. */
const arrivedAt = (a: OrderArrival) => a.at - a.offsetMs;

function sendsByRun(world: World): Map<string, { first: number; last: number; symbols: Set<string> }> {
  const runOf = new Map(world.intents.map((i) => [i.clientOrderId, i.runId]));
  const runs = new Map<string, { first: number; last: number; symbols: Set<string> }>();
  for (const a of world.arrivals ?? []) {
    const runId = a.clientOrderId === null ? undefined : runOf.get(a.clientOrderId);
    if (runId === undefined) continue;
    const m = arrivedAt(a);
    const r = runs.get(runId);
    if (!r) runs.set(runId, { first: m, last: m, symbols: new Set(a.symbol ? [a.symbol] : []) });
    else {
      r.first = Math.min(r.first, m);
      r.last = Math.max(r.last, m);
      if (a.symbol) r.symbols.add(a.symbol);
    }
  }
  return runs;
}

/**
 * Invariant 8: at most one run trades per account at a time. Each run's order requests, as the
 * exchange received them, span an interval; no two runs' intervals overlap (the campaign trades one
 * account). An order request with no intent behind it is a send the ledger cannot know of.
 */
export function checkOneTraderAtATime(world: World): Violation[] {
  const out: Violation[] = [];
  const known = new Set(world.intents.map((i) => i.clientOrderId));
  for (const a of world.arrivals ?? [])
    if (a.clientOrderId === null || !known.has(a.clientOrderId))
      out.push({
        invariant: 8,
        message: `an order request (${a.clientOrderId ?? 'no client order id'}) reached the exchange at ${new Date(arrivedAt(a)).toISOString()} with no intent in the ledger`,
      });
  const spans = [...sendsByRun(world)].sort((a, b) => a[1].first - b[1].first);
  for (let i = 1; i < spans.length; i++) {
    const [prevId, prev] = spans[i - 1] as (typeof spans)[number];
    const [id, span] = spans[i] as (typeof spans)[number];
    if (span.first < prev.last)
      out.push({
        invariant: 8,
        message: `run ${id} sent an order at ${new Date(span.first).toISOString()} while run ${prevId} was still sending (until ${new Date(prev.last).toISOString()})`,
      });
  }
  return out;
}

/** Invariant 9: an order request arrives by its intent's sendBy (plus loopback transit). */
export function checkSendBy(world: World, ctx: Pick<InvariantContext, 'sendToleranceMs'> = {}): Violation[] {
  const out: Violation[] = [];
  const tolerance = ctx.sendToleranceMs ?? DEFAULT_SEND_TOLERANCE_MS;
  const intents = new Map(world.intents.map((i) => [i.clientOrderId, i]));
  for (const a of world.arrivals ?? []) {
    const intent = a.clientOrderId === null ? undefined : intents.get(a.clientOrderId);
    if (!intent) continue;
    const at = arrivedAt(a);
    if (intent.sendBy === undefined) continue;
    if (intent.sendBy === null) {
      out.push({ invariant: 9, message: `order ${a.clientOrderId} was sent but its intent has no sendBy` });
      continue;
    }
    if (at > intent.sendBy + tolerance)
      out.push({
        invariant: 9,
        message: `order ${a.clientOrderId} reached the exchange at ${new Date(at).toISOString()}, ${at - intent.sendBy} ms after its sendBy ${new Date(intent.sendBy).toISOString()}`,
      });
  }
  return out;
}

/**
 * Invariant 10: the cool-down (after a run whose orders filled, the next run of the account sends
 * nothing for cooldownMs), the spread guard (nothing sent on a book the campaign had set wider than
 * maxSpreadBps) and dry runs (no intent, no order request).
 */
export function checkGuards(
  world: World,
  ctx: Pick<InvariantContext, 'cooldownMs' | 'maxSpreadBps' | 'dryRunIds'>,
): Violation[] {
  const out: Violation[] = [];
  const v = (message: string) => out.push({ invariant: 10, message });
  const cooldown = ctx.cooldownMs;
  if (cooldown !== undefined) {
    const filledRuns = new Set(
      world.intents.filter((i) => new Big(i.executedQuantity).gt(0) || i.status === 'open').map((i) => i.runId),
    );
    const spans = [...sendsByRun(world)].sort((a, b) => a[1].first - b[1].first);
    for (let i = 1; i < spans.length; i++) {
      const [prevId, prev] = spans[i - 1] as (typeof spans)[number];
      const [id, span] = spans[i] as (typeof spans)[number];
      if (filledRuns.has(prevId) && span.first - prev.last < cooldown)
        v(
          `run ${id} sent an order ${span.first - prev.last} ms after run ${prevId}'s last order, inside the ${cooldown} ms cool-down`,
        );
    }
  }
  const maxSpread = ctx.maxSpreadBps;
  if (maxSpread !== undefined && world.spreads)
    for (const a of world.arrivals ?? []) {
      const at = arrivedAt(a);
      const wide = world.spreads.find(
        (w) => w.symbol === a.symbol && w.spreadBps > maxSpread && w.from <= at && (w.to === null || at < w.to),
      );
      if (wide)
        v(
          `order ${a.clientOrderId} was sent on ${a.symbol} while its spread was ${wide.spreadBps} bps > maxSpreadBps ${maxSpread}`,
        );
    }
  const dry = ctx.dryRunIds;
  if (dry) {
    for (const i of world.intents) if (dry.has(i.runId)) v(`dry run ${i.runId} wrote intent ${i.clientOrderId}`);
    const runOf = new Map(world.intents.map((i) => [i.clientOrderId, i.runId]));
    for (const a of world.arrivals ?? []) {
      const runId = a.clientOrderId === null ? undefined : runOf.get(a.clientOrderId);
      if (runId !== undefined && dry.has(runId)) v(`dry run ${runId} sent order ${a.clientOrderId}`);
    }
    for (const r of world.runs)
      if (dry.has(r.runId) && r.dryRun === false) v(`run ${r.runId} was sent as a dry run but recorded as live`);
  }
  return out;
}

/**
 * Invariant 11: after the final quiet settle run (no faults, every send window and TTL passed)
 * nothing is left open: no intent pending/submitted/unknown/open or with its fees unread, no run running, no order resting
 * on the exchange, nothing locked in the balances.
 */
export function checkSettled(world: World): Violation[] {
  if (!world.settled) return [];
  const out: Violation[] = [];
  const v = (message: string) => out.push({ invariant: 11, message });
  for (const i of world.intents) {
    if (NOT_FINAL.has(i.status)) v(`intent ${i.runId}/${i.clientOrderId} is still ${i.status} after the quiet run`);
    if (i.feesUnread) v(`intent ${i.runId}/${i.clientOrderId} still has its fees unread after the quiet run`);
  }
  for (const r of world.runs) if (r.status === 'running') v(`run ${r.runId} is still running after the quiet run`);
  for (const o of world.orders)
    if (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')
      v(`exchange order ${o.orderId} (${o.clientOrderId}) still rests (${o.status}) after the quiet run`);
  for (const [asset, b] of Object.entries(world.balances))
    if (new Big(b.locked).gt(0)) v(`${b.locked} ${asset} is still locked on the exchange after the quiet run`);
  return out;
}

const REPORT_STATUSES = new Set(['completed', 'dry_run', 'skipped', 'failed', 'in_progress']);

/** The statuses the status table allows for one answer's body (more than one when the body cannot tell). */
export function allowedStatuses(answer: Pick<HttpAnswer, 'status' | 'duplicate' | 'error' | 'retryable'>): number[] {
  if (answer.status !== undefined) {
    if (!REPORT_STATUSES.has(answer.status)) return [];
    const status = answer.status as 'completed' | 'dry_run' | 'skipped' | 'failed' | 'in_progress';
    return [httpStatus({ report: { status, duplicate: answer.duplicate === true } })];
  }
  const code = answer.error;
  if (code === undefined) return [];
  if (code === 'internal') return [httpStatus({ error: new Error('unplanned') })];
  if (code.startsWith('auth.')) {
    try {
      return [httpStatus({ error: new AuthError(code as AuthErrorCode) })];
    } catch {
      return [];
    }
  }
  // a RequestError carries its own 4xx status; the body does not repeat it
  if (code.startsWith('request.')) return [400, 405];
  const app = (retryable: boolean) =>
    httpStatus({ error: new AppError({ code, what: '', notDone: '', todo: '', retryable }) });
  if (typeof answer.retryable === 'boolean') return [app(answer.retryable)];
  return [...new Set([app(true), app(false)])];
}

/** Invariant 12: every answer's HTTP status is the one shared/src/http/status.ts gives for its body. */
export function checkHttpAnswers(world: World): Violation[] {
  const out: Violation[] = [];
  for (const a of world.answers ?? []) {
    const allowed = allowedStatuses(a);
    const body = a.status ?? (a.error !== undefined ? `error ${a.error}` : 'no JSON body');
    if (allowed.length === 0)
      out.push({ invariant: 12, message: `${a.executionId} answered HTTP ${a.http} with ${body}, not in the table` });
    else if (!allowed.includes(a.http))
      out.push({
        invariant: 12,
        message: `${a.executionId} answered HTTP ${a.http} for ${body}${a.duplicate ? ' (duplicate)' : ''}; the status table says ${allowed.join(' or ')}`,
      });
  }
  return out;
}

/** Secrets are the API key and secret, every token sent, and each token's signature part. */
export function checkLogs(output: string, secrets: readonly string[]): Violation[] {
  const found = secrets.filter((s) => s.length >= 8 && output.includes(s));
  return found.map((s) => ({
    invariant: 6,
    message: `a function log line contains a secret (${s.length} characters, starting ${s.slice(0, 4)}…)`,
  }));
}

export function checkWorld(world: World, ctx: InvariantContext): Violation[] {
  return [
    ...checkOrdersMatchIntents(world),
    ...checkOrderIds(world, ctx),
    ...checkBalances(world, ctx),
    ...checkNothingLeftBehind(world, ctx),
    ...checkCaps(world, ctx),
    ...checkFillsRecorded(world),
    ...checkOneTraderAtATime(world),
    ...checkSendBy(world, ctx),
    ...checkGuards(world, ctx),
    ...checkSettled(world),
    ...checkHttpAnswers(world),
  ];
}
