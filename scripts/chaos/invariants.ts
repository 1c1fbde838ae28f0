import Big from 'big.js';
import type { World } from './world';

/**
 * The campaign's six invariants (issue #11), as pure checks over one World. Each returns the
 * violations it found, each naming the order, run or asset, so a failing seed says what broke.
 */
export interface Violation {
  invariant: 1 | 2 | 3 | 4 | 5 | 6;
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
}

export const INVARIANT_NAMES: Record<Violation['invariant'], string> = {
  1: 'orders ↔ intents',
  2: 'no reused client order id, one order set per run',
  3: 'balances conserved',
  4: 'no stale running run or unknown intent',
  5: 'order and daily turnover caps',
  6: 'no secret in the logs',
};

const SETTLED_ON_EXCHANGE = new Set(['filled', 'partially_filled', 'canceled']);
const NEVER_ON_EXCHANGE = new Set(['absent', 'rejected']);
const UNSETTLED = new Set(['pending', 'submitted', 'unknown']);

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
 * A run that held the account lock and got past reconciling (so it must have settled what was open).
 * A run recorded with no lease ended at its claim: a skip or dry run whose read found nothing open
 * and no lock, so it reconciled nothing and does not count (it may have read the account while
 * another run was still trading; it traded nothing).
 */
function reconciledAfter(world: World, after: number, except: string): World['runs'] {
  return world.runs.filter(
    (r) =>
      r.runId !== except &&
      r.status !== 'running' &&
      r.lease !== null &&
      r.startedAt > after &&
      r.reason !== 'locked' &&
      r.reason !== 'stale' &&
      r.errorCode !== 'run.unsettled_orders',
  );
}

export function checkNothingLeftBehind(world: World): Violation[] {
  const out: Violation[] = [];
  for (const run of world.runs) {
    if (run.status !== 'running' || !run.lease || run.lease.until > world.now) continue;
    const later = world.runs.find(
      (r) =>
        r.runId !== run.runId &&
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
    const next = reconciledAfter(world, intent.updatedAt, intent.runId)[0];
    if (next)
      out.push({
        invariant: 4,
        message: `intent ${intent.runId}/${intent.clientOrderId} is still ${intent.status} after run ${next.runId} (${next.status}${next.reason ? `/${next.reason}` : ''})`,
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
    ...checkNothingLeftBehind(world),
    ...checkCaps(world, ctx),
  ];
}
