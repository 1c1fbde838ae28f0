import Big from 'big.js';
import { div } from './division';
import type { OrderSide } from './market';
import type { Valuation } from './valuation';

const ZERO = new Big(0);

/** What drift needs of an order; a PlannedOrder (sizing.ts) is one, and sizing imports drift, not back. */
export interface ExpectedFill {
  asset: string;
  side: OrderSide;
  quantity: Big;
  /** in quote */
  notional: Big;
  /** in quote */
  fee: Big;
}

/** Total drift after the orders fill at their expected prices, fees paid in quote, valued at mid. */
export function driftAfterFill(valuation: Valuation, orders: readonly ExpectedFill[]): Big {
  const amounts = new Map(valuation.holdings.map((h) => [h.asset, h.amount]));
  const quote = valuation.quote;
  for (const o of orders) {
    const sign = o.side === 'BUY' ? 1 : -1;
    amounts.set(o.asset, (amounts.get(o.asset) ?? ZERO).plus(o.quantity.times(sign)));
    amounts.set(quote, (amounts.get(quote) ?? ZERO).minus(o.notional.times(sign)).minus(o.fee));
  }
  const values = valuation.holdings.map((h) => (amounts.get(h.asset) ?? ZERO).times(h.price));
  const total = values.reduce((s, x) => s.plus(x), ZERO);
  if (total.lte(0)) return ZERO;
  return valuation.holdings.reduce(
    (s, h, i) =>
      s.plus(
        div(values[i] ?? ZERO, total)
          .minus(h.target)
          .abs(),
      ),
    ZERO,
  );
}
