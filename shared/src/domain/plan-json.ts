import type Big from 'big.js';
import type { GuardVerdict } from './guards';
import type { Plan, SkipReason } from './plan';
import type { StrategyProfile } from './profile';
import type { LegPlan, PlannedOrder } from './sizing';
import type { Holding, Valuation } from './valuation';

/**
 * Plain-JSON forms for the ledger (DESIGN §7): decimals as strings without exponent ("0.0000001",
 * never "1e-7"), times as ISO strings, maps as objects. Nothing here is secret.
 */

/** big.js → exact decimal string; toFixed() without places never switches to exponent notation. */
export function dec(x: Big): string {
  return x.toFixed();
}

function decOrNull(x: Big | null): string | null {
  return x === null ? null : dec(x);
}

function mapToObject(map: ReadonlyMap<string, Big>): Record<string, string> {
  return Object.fromEntries([...map].map(([k, x]) => [k, dec(x)]));
}

export interface PlannedOrderJson {
  leg: number;
  asset: string;
  symbol: string;
  side: string;
  type: string;
  quantity: string;
  price: string | null;
  expectedPrice: string;
  notional: string;
  fee: string;
  feeRate: string;
  expectedCost: string;
  worth: string;
}

export function orderToJson(o: PlannedOrder): PlannedOrderJson {
  return {
    leg: o.leg,
    asset: o.asset,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    quantity: dec(o.quantity),
    price: decOrNull(o.price),
    expectedPrice: dec(o.expectedPrice),
    notional: dec(o.notional),
    fee: dec(o.fee),
    feeRate: dec(o.feeRate),
    expectedCost: dec(o.expectedCost),
    worth: dec(o.worth),
  };
}

export interface HoldingJson {
  asset: string;
  symbol: string | null;
  free: string;
  locked: string;
  reserve: string;
  amount: string;
  price: string;
  value: string;
  weight: string;
  target: string;
  drift: string;
  band: string | null;
}

function holdingToJson(h: Holding): HoldingJson {
  return {
    asset: h.asset,
    symbol: h.symbol,
    free: dec(h.free),
    locked: dec(h.locked),
    reserve: dec(h.reserve),
    amount: dec(h.amount),
    price: dec(h.price),
    value: dec(h.value),
    weight: dec(h.weight),
    target: dec(h.target),
    drift: dec(h.drift),
    band: decOrNull(h.band),
  };
}

export interface ValuationJson {
  quote: string;
  total: string;
  totalDrift: string;
  holdings: HoldingJson[];
}

/** Also what `snapshot` records: value and weights per asset. */
export function valuationToJson(v: Valuation): ValuationJson {
  return {
    quote: v.quote,
    total: dec(v.total),
    totalDrift: dec(v.totalDrift),
    holdings: v.holdings.map(holdingToJson),
  };
}

export interface LegJson {
  asset: string;
  symbol: string;
  side: string;
  idealQuantity: string;
  idealNotional: string;
  order: PlannedOrderJson | null;
  dropped: string | null;
  note: string | null;
}

export interface PlanJson {
  profile: string;
  at: string;
  status: 'trade' | 'skip';
  skip: SkipReason | null;
  reason: string;
  decision: { trigger: boolean; by: string | null; hold: string | null; moveFraction: string; reason: string };
  valuation: ValuationJson;
  orders: PlannedOrderJson[];
  legs: LegJson[];
  guards: GuardVerdict[];
  metrics: {
    quote: string;
    totalValue: string;
    totalDrift: string;
    totalDriftAfter: string;
    prices: Record<string, string>;
    spreadBps: Record<string, string>;
    plannedNotional: string;
    plannedFees: string;
    turnoverToday: string;
  };
}

function legToJson(l: LegPlan): LegJson {
  return {
    asset: l.asset,
    symbol: l.symbol,
    side: l.side,
    idealQuantity: dec(l.idealQuantity),
    idealNotional: dec(l.idealNotional),
    order: l.order ? orderToJson(l.order) : null,
    dropped: l.dropped,
    note: l.note,
  };
}

export function planToJson(p: Plan): PlanJson {
  const m = p.metrics;
  return {
    profile: p.profile,
    at: p.at.toISOString(),
    status: p.status,
    skip: p.skip,
    reason: p.reason,
    decision: {
      trigger: p.decision.trigger,
      by: p.decision.by,
      hold: p.decision.hold,
      moveFraction: dec(p.decision.moveFraction),
      reason: p.decision.reason,
    },
    valuation: valuationToJson(p.valuation),
    orders: p.orders.map(orderToJson),
    legs: p.legs.map(legToJson),
    guards: p.guards.map((g) => ({ ...g })),
    metrics: {
      quote: m.quote,
      totalValue: dec(m.totalValue),
      totalDrift: dec(m.totalDrift),
      totalDriftAfter: dec(m.totalDriftAfter),
      prices: mapToObject(m.prices),
      spreadBps: mapToObject(m.spreadBps),
      plannedNotional: dec(m.plannedNotional),
      plannedFees: dec(m.plannedFees),
      turnoverToday: dec(m.turnoverToday),
    },
  };
}

/** The profile as the ledger stores it next to a run: knobs as written, durations in ms. */
export function profileToJson(p: StrategyProfile): Record<string, unknown> {
  const obj = (r: Readonly<Record<string, Big>>) => Object.fromEntries(Object.entries(r).map(([k, x]) => [k, dec(x)]));
  return {
    id: p.id,
    quote: p.quote,
    targets: obj(p.targets),
    bandAbs: decOrNull(p.bandAbs),
    bandRel: decOrNull(p.bandRel),
    mode: p.mode,
    periodMs: p.periodMs,
    cooldownMs: p.cooldownMs,
    rebalanceTo: p.rebalanceTo,
    minTradeNotional: dec(p.minTradeNotional),
    maxOrderNotional: dec(p.maxOrderNotional),
    maxDailyTurnover: decOrNull(p.maxDailyTurnover),
    reserves: obj(p.reserves),
    orderType: p.orderType,
    maxSlippageBps: p.maxSlippageBps,
    maxSpreadBps: p.maxSpreadBps,
    priceBounds: Object.fromEntries(
      Object.entries(p.priceBounds).map(([k, b]) => [k, { min: decOrNull(b.min), max: decOrNull(b.max) }]),
    ),
    maxPriceMoveBps: p.maxPriceMoveBps,
    orderTtlMs: p.orderTtlMs,
    checkDepth: p.checkDepth,
    minFeeRate: dec(p.minFeeRate),
  };
}
