import Big from 'big.js';
import { div } from './division';
import { driftAfterFill } from './drift';
import { fmtAmount, fmtPts } from './format';
import type { BookTop, OrderSide, OrderType, SymbolRules } from './market';
import type { OrderPolicy, StrategyProfile } from './profile';
import { floorToStep, minimumNotional, roundPrice, ruleViolations } from './rounding';
import type { TriggerDecision } from './trigger';
import type { Holding, Valuation } from './valuation';

/** An order the use case may place, exactly as sized: already on the exchange's grid and limits. */
export interface PlannedOrder {
  /** position in the plan's order list (sells first); with the execution id it makes the client order id */
  leg: number;
  asset: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  quantity: Big;
  /** limit price; null for MARKET */
  price: Big | null;
  /** the limit price, or for MARKET the estimate the plan used (best price ± maxSlippageBps) */
  expectedPrice: Big;
  /** quantity × expectedPrice, in quote */
  notional: Big;
  /**
   * MARKET buys only: the quote to spend (notional floored to the quote precision), sent as
   * quoteOrderQty so a book that moves before the order lands cannot spend more than planned
   * (and so never into the reserve); `quantity` is then only the estimate
   */
  quoteQuantity?: Big;
  /** notional × feeRate, in quote (counted against the quote for buys) */
  fee: Big;
  feeRate: Big;
  /** fee + half the spread + slippage allowance, in quote */
  expectedCost: Big;
  /** what removing this leg's drift is worth, in quote: total value × (drift² before − drift² after) */
  worth: Big;
}

export type LegDrop = 'below_minimum' | 'cost_exceeds_benefit' | 'no_price';

/** What the strategy wanted for one asset, and what became of it. */
export interface LegPlan {
  asset: string;
  symbol: string;
  side: OrderSide;
  /** unrounded quantity that would move the asset all the way the decision asked for, at mid */
  idealQuantity: Big;
  idealNotional: Big;
  order: PlannedOrder | null;
  dropped: LegDrop | null;
  /** why it was dropped or limited, with numbers; null when traded as ideal (up to rounding) */
  note: string | null;
}

export interface SizingInput {
  valuation: Valuation;
  decision: TriggerDecision;
  profile: StrategyProfile;
  books: ReadonlyMap<string, BookTop>;
  rules: ReadonlyMap<string, SymbolRules>;
}

const ZERO = new Big(0);
const ONE = new Big(1);
const BPS = new Big(10_000);
const TWO = new Big(2);

const TYPE_OF: Record<OrderPolicy, OrderType> = {
  ioc: 'IMMEDIATE_OR_CANCEL',
  maker: 'LIMIT_MAKER',
  market: 'MARKET',
};

export function orderTypeFor(policy: OrderPolicy): OrderType {
  return TYPE_OF[policy];
}

interface Draft {
  holding: Holding;
  leg: LegPlan;
  rules: SymbolRules;
  book: BookTop;
  mid: Big;
  price: Big | null;
  expectedPrice: Big;
  feeRate: Big;
  quantity: Big;
  notes: string[];
}

function limitPrices(
  policy: OrderPolicy,
  side: OrderSide,
  book: BookTop,
  rules: SymbolRules,
  slippage: Big,
): { price: Big | null; expected: Big } {
  const buy = side === 'BUY';
  if (policy === 'maker') {
    const price = roundPrice(buy ? book.bidPrice : book.askPrice, rules.tickSize, side);
    return { price, expected: price };
  }
  const raw = buy ? book.askPrice.times(ONE.plus(slippage)) : book.bidPrice.times(ONE.minus(slippage));
  if (policy === 'market') return { price: null, expected: raw };
  const price = roundPrice(raw, rules.tickSize, side);
  return { price, expected: price };
}

function feeRateFor(policy: OrderPolicy, rules: SymbolRules, floor: Big): Big {
  const rate = policy === 'maker' ? rules.makerCommission : rules.takerCommission;
  return rate.gt(floor) ? rate : floor;
}

/** Turns the decision into one leg per non-quote asset, then into orders (sells first). */
export function sizeOrders(input: SizingInput): { legs: LegPlan[]; orders: PlannedOrder[] } {
  const { valuation, decision, profile, books, rules } = input;
  const total = valuation.total;
  const drafts: Draft[] = [];
  const legs: LegPlan[] = [];

  for (const holding of valuation.holdings) {
    if (holding.symbol === null) continue;
    const change = holding.drift.times(decision.moveFraction).times(total).neg();
    if (!decision.trigger || change.eq(0)) continue;
    const side: OrderSide = change.gt(0) ? 'BUY' : 'SELL';
    const symbolRules = rules.get(holding.symbol);
    const book = books.get(holding.symbol);
    const idealNotional = change.abs();
    const leg: LegPlan = {
      asset: holding.asset,
      symbol: holding.symbol,
      side,
      idealQuantity: holding.price.gt(0) ? div(idealNotional, holding.price) : ZERO,
      idealNotional,
      order: null,
      dropped: null,
      note: null,
    };
    legs.push(leg);
    if (!symbolRules || !book || book.bidPrice.lte(0) || book.askPrice.lte(0) || book.askPrice.lt(book.bidPrice)) {
      leg.dropped = 'no_price';
      leg.note = `${holding.symbol} has no usable bid and ask`;
      continue;
    }
    const minimum = minimumNotional(symbolRules, profile.minTradeNotional);
    // Anti-churn (DESIGN §5): if even half the ideal trade would not clear the minimum, leave the
    // position alone; otherwise a small holding flips back and forth on every run.
    const half = div(idealNotional, TWO);
    if (half.lt(minimum) || div(leg.idealQuantity, TWO).lt(symbolRules.minQuantity)) {
      leg.dropped = 'below_minimum';
      leg.note = `below minimum: half of the ideal ${holding.symbol} ${side.toLowerCase()} is ${fmtAmount(half)} ${valuation.quote} < ${fmtAmount(minimum)} ${valuation.quote}`;
      continue;
    }
    const slippage = div(new Big(profile.maxSlippageBps), BPS);
    const { price, expected } = limitPrices(profile.orderType, side, book, symbolRules, slippage);
    const notes: string[] = [];
    let quantity = leg.idealQuantity;
    if (side === 'SELL' && quantity.gt(holding.available)) {
      quantity = holding.available;
      notes.push(`limited to the free ${holding.asset} less reserve: ${fmtAmount(holding.available)} ${holding.asset}`);
    }
    // A value cap must hold at the best price the order can fill at: a sell fills at the bid or
    // below, not at its (lower) limit, so sizing it by the limit let it trade up to cap / (1 − slippage).
    const capPrice = side === 'SELL' && book.bidPrice.gt(expected) ? book.bidPrice : expected;
    const caps: [Big | null, string][] = [
      [div(profile.maxOrderNotional, capPrice), `capped at maxOrderNotional ${fmtAmount(profile.maxOrderNotional)}`],
      [symbolRules.maxNotional ? div(symbolRules.maxNotional, capPrice) : null, 'capped at the exchange maximum value'],
      [symbolRules.maxQuantity, 'capped at the exchange maximum quantity'],
    ];
    for (const [cap, why] of caps) {
      if (cap !== null && quantity.gt(cap)) {
        quantity = cap;
        notes.push(why);
      }
    }
    drafts.push({
      holding,
      leg,
      rules: symbolRules,
      book,
      mid: holding.price,
      price,
      expectedPrice: expected,
      feeRate: feeRateFor(profile.orderType, symbolRules, profile.minFeeRate),
      quantity: floorToStep(quantity, symbolRules.stepSize),
      notes,
    });
  }

  // Buys are paid only from quote that is free now: sell proceeds may not arrive (IOC) before the buy
  // is placed, so they fund the next run instead. Short quote scales every buy by the same factor.
  const quoteHolding = valuation.holdings.find((h) => h.asset === valuation.quote);
  const spendable = quoteHolding?.available ?? ZERO;
  const buys = drafts.filter((d) => d.leg.side === 'BUY');
  const need = buys.reduce((s, d) => s.plus(d.quantity.times(d.expectedPrice).times(ONE.plus(d.feeRate))), ZERO);
  if (need.gt(spendable)) {
    const scale = div(spendable, need);
    for (const d of buys) {
      d.quantity = floorToStep(d.quantity.times(scale), d.rules.stepSize);
      d.notes.push(
        `limited to the free ${valuation.quote} less reserve: ${fmtAmount(spendable)} ${valuation.quote} for ${fmtAmount(need)} ${valuation.quote} of buys incl. fees`,
      );
    }
  }

  const accepted: { d: Draft; order: PlannedOrder }[] = [];
  for (const d of drafts) {
    const notional = d.quantity.times(d.expectedPrice);
    const minimum = minimumNotional(d.rules, profile.minTradeNotional);
    const q = valuation.quote;
    if (d.quantity.lte(0) || notional.lt(minimum) || d.quantity.lt(d.rules.minQuantity)) {
      d.leg.dropped = 'below_minimum';
      d.leg.note = [`below minimum: ${fmtAmount(notional)} ${q} < ${fmtAmount(minimum)} ${q}`, ...d.notes].join('; ');
      continue;
    }
    const fee = notional.times(d.feeRate);
    const halfSpread = div(d.book.askPrice.minus(d.book.bidPrice), TWO).times(d.quantity);
    const slip = profile.orderType === 'maker' ? ZERO : notional.times(div(new Big(profile.maxSlippageBps), BPS));
    const expectedCost = fee.plus(halfSpread).plus(slip);
    const sign = d.leg.side === 'BUY' ? 1 : -1;
    const before = d.holding.drift;
    const after = before.plus(div(d.quantity.times(d.mid), total).times(sign));
    const worth = total.times(before.times(before).minus(after.times(after))).round(8, Big.roundDown);
    if (worth.lte(expectedCost)) {
      d.leg.dropped = 'cost_exceeds_benefit';
      d.leg.note = `not worth it: moving ${d.holding.asset} from ${fmtPts(before)} to ${fmtPts(after)} pts of drift is worth ${fmtAmount(worth)} ${q} <= expected cost ${fmtAmount(expectedCost)} ${q} (fee ${fmtAmount(fee)}, half spread ${fmtAmount(halfSpread)}, slippage ${fmtAmount(slip)})`;
      continue;
    }
    const order: PlannedOrder = {
      leg: -1,
      asset: d.holding.asset,
      symbol: d.leg.symbol,
      side: d.leg.side,
      type: TYPE_OF[profile.orderType],
      quantity: d.quantity,
      price: d.price,
      expectedPrice: d.expectedPrice,
      notional,
      ...(TYPE_OF[profile.orderType] === 'MARKET' && d.leg.side === 'BUY'
        ? { quoteQuantity: floorToStep(notional, d.rules.tickSize) }
        : {}),
      fee,
      feeRate: d.feeRate,
      expectedCost,
      worth,
    };
    const violations = ruleViolations(d.rules, order, profile.minTradeNotional);
    if (violations.length > 0) {
      // Defensive: the sizing above should never produce these; never send what the exchange refuses.
      d.leg.dropped = 'below_minimum';
      d.leg.note = `does not meet ${d.leg.symbol} rules: ${violations.join('; ')}`;
      continue;
    }
    d.leg.note = d.notes.length > 0 ? d.notes.join('; ') : null;
    accepted.push({ d, order });
  }

  // A leg can pass the gate on its own and still not help the whole portfolio: with three assets,
  // a buy paid from quote that is already at target only moves the drift onto the quote and pays
  // the fee. Drop the leg whose removal helps most until the fill does not raise the total drift.
  const before = valuation.totalDrift;
  let kept = accepted;
  // Most runs (and nearly every backtest bar) accept no order; the drift after nothing is never read.
  let after =
    kept.length > 0
      ? driftAfterFill(
          valuation,
          kept.map((a) => a.order),
        )
      : before;
  while (kept.length > 0 && after.gt(before)) {
    let best = { index: kept.length - 1, drift: after };
    kept.forEach((_, index) => {
      const drift = driftAfterFill(
        valuation,
        kept.filter((__, i) => i !== index).map((a) => a.order),
      );
      if (drift.lte(best.drift)) best = { index, drift };
    });
    const removed = kept[best.index];
    if (removed) {
      removed.d.leg.dropped = 'cost_exceeds_benefit';
      removed.d.leg.note = `would not reduce the total drift: ${fmtPts(before)} pts → ${fmtPts(after)} pts after fees`;
    }
    kept = kept.filter((_, i) => i !== best.index);
    after = best.drift;
  }

  const orders = [...kept.filter((a) => a.order.side === 'SELL'), ...kept.filter((a) => a.order.side === 'BUY')].map(
    ({ d, order }, leg) => {
      const numbered = { ...order, leg };
      d.leg.order = numbered;
      return numbered;
    },
  );
  return { legs, orders };
}
