import Big from 'big.js';
import { div } from './division';
import type { OrderSide, OrderType, SymbolRules } from './market';

/**
 * Exchange precision as big.js arithmetic. Rounding always goes the way that cannot hurt: quantities
 * down (never trade more than planned or owned), buy prices down and sell prices up (never pay more or
 * receive less than the limit the plan accepted). A zero increment means the exchange sets no grid.
 */
export function floorToStep(value: Big, step: Big): Big {
  if (step.lte(0)) return value;
  return div(value, step).round(0, Big.roundDown).times(step);
}

export function ceilToStep(value: Big, step: Big): Big {
  if (step.lte(0)) return value;
  return div(value, step).round(0, Big.roundUp).times(step);
}

export function isMultipleOf(value: Big, step: Big): boolean {
  if (step.lte(0)) return true;
  return value.mod(step).eq(0);
}

/** Buys round down, sells round up: the limit never gets worse for us than the price we computed. */
export function roundPrice(price: Big, tick: Big, side: OrderSide): Big {
  return side === 'BUY' ? floorToStep(price, tick) : ceilToStep(price, tick);
}

/** The larger of the exchange's minimum order value and the profile's own floor. */
export function minimumNotional(rules: SymbolRules, minTradeNotional: Big): Big {
  return rules.minNotional.gt(minTradeNotional) ? rules.minNotional : minTradeNotional;
}

export interface OrderShape {
  side: OrderSide;
  type: OrderType;
  quantity: Big;
  /** null for MARKET */
  price: Big | null;
  /** value in quote at the limit price, or at the estimated price for MARKET */
  notional: Big;
}

/**
 * Everything the exchange would refuse about an order, as sentences; empty when it is acceptable.
 * Used by the sizer as a last check and by tests as the definition of "meets the rules". Whether the
 * symbol trades at all and accepts the order type is the tradingStatus guard's question.
 */
export function ruleViolations(rules: SymbolRules, order: OrderShape, minTradeNotional: Big = new Big(0)): string[] {
  const problems: string[] = [];
  const min = minimumNotional(rules, minTradeNotional);
  if (order.quantity.lte(0)) problems.push(`quantity ${order.quantity.toFixed()} is not positive`);
  if (!isMultipleOf(order.quantity, rules.stepSize))
    problems.push(`quantity ${order.quantity.toFixed()} is not a multiple of step ${rules.stepSize.toFixed()}`);
  if (order.quantity.lt(rules.minQuantity))
    problems.push(`quantity ${order.quantity.toFixed()} is below minimum ${rules.minQuantity.toFixed()}`);
  if (rules.maxQuantity && order.quantity.gt(rules.maxQuantity))
    problems.push(`quantity ${order.quantity.toFixed()} is above maximum ${rules.maxQuantity.toFixed()}`);
  if (order.type === 'MARKET') {
    if (order.price !== null) problems.push('a MARKET order carries no price');
  } else if (order.price === null || order.price.lte(0)) {
    problems.push(`a ${order.type} order needs a positive price`);
  } else if (!isMultipleOf(order.price, rules.tickSize)) {
    problems.push(`price ${order.price.toFixed()} is not a multiple of tick ${rules.tickSize.toFixed()}`);
  }
  if (order.notional.lt(min))
    problems.push(`notional ${order.notional.toFixed()} ${rules.quoteAsset} is below minimum ${min.toFixed()}`);
  if (rules.maxNotional && order.notional.gt(rules.maxNotional))
    problems.push(`notional ${order.notional.toFixed()} is above maximum ${rules.maxNotional.toFixed()}`);
  return problems;
}
