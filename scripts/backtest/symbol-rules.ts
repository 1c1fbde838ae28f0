import type { SymbolRules } from '@qrl-rebalancer/shared/domain';
import Big from 'big.js';

/**
 * QRLUSDT as MEXC describes it in the reference vector (shared/src/domain/mexc-qrlusdt-rules.fixture.json,
 * illustrative): tick 0.0001, step 0.01 QRL, min notional 1 USDT, maker 0, taker 0.0005.
 * `feeRate` replaces both commissions (the --fees-bps option), so the plan and the fills agree.
 */
export function backtestRules(base: string, quote: string, feeRate: Big | null = null): SymbolRules {
  return {
    symbol: `${base}${quote}`,
    baseAsset: base,
    quoteAsset: quote,
    tradable: true,
    tickSize: new Big('0.0001'),
    stepSize: new Big('0.01'),
    minQuantity: new Big(0),
    maxQuantity: null,
    minNotional: new Big(1),
    maxNotional: new Big(2_000_000),
    orderTypes: ['LIMIT', 'MARKET', 'LIMIT_MAKER', 'IMMEDIATE_OR_CANCEL', 'FILL_OR_KILL'],
    makerCommission: feeRate ?? new Big(0),
    takerCommission: feeRate ?? new Big('0.0005'),
  };
}
