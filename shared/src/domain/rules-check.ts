import { fmtAmount } from './format';
import type { SymbolRules } from './market';
import type { StrategyProfile } from './profile';
import { orderTypeFor } from './sizing';
import { symbolOf } from './valuation';

/**
 * Whether a profile can trade under the exchange's rules at all, before any market data (preflight
 * and deep health). Pure. `fail`: no order of this profile can go through; `warn`: some legs will
 * be dropped that the profile meant to trade; `ok`: the rules, for the record.
 */
export interface RuleFinding {
  level: 'ok' | 'warn' | 'fail';
  symbol: string;
  text: string;
}

export function profileSymbols(profile: StrategyProfile): string[] {
  return Object.keys(profile.targets)
    .filter((asset) => asset !== profile.quote)
    .map((asset) => symbolOf(asset, profile.quote));
}

export function checkProfileRules(profile: StrategyProfile, rules: ReadonlyMap<string, SymbolRules>): RuleFinding[] {
  const q = profile.quote;
  return profileSymbols(profile).flatMap((symbol): RuleFinding[] => {
    const r = rules.get(symbol);
    if (!r) return [{ level: 'fail', symbol, text: `${symbol}: MEXC's exchangeInfo has no rules for it` }];
    const type = orderTypeFor(profile.orderType);
    // the rate sizing plans with: the symbol's default for the order type, or minFeeRate when higher
    const exchangeRate = profile.orderType === 'maker' ? r.makerCommission : r.takerCommission;
    const planned = exchangeRate.gt(profile.minFeeRate) ? exchangeRate : profile.minFeeRate;
    const facts =
      `tick ${r.tickSize.toFixed()}, step ${r.stepSize.toFixed()}, min quantity ${r.minQuantity.toFixed()}, ` +
      `min notional ${fmtAmount(r.minNotional)} ${q}, fees maker ${r.makerCommission.toFixed()} / taker ${r.takerCommission.toFixed()} ` +
      `(the symbol's default; the account's own rate is not read), planned fee rate ${planned.toFixed()}`;
    const findings: RuleFinding[] = [];
    if (!r.tradable)
      findings.push({
        level: 'fail',
        symbol,
        text: `${symbol} is not open to trading on MEXC now (status, isSpotTradingAllowed or tradeSideType)`,
      });
    if (!r.orderTypes.includes(type))
      findings.push({
        level: 'fail',
        symbol,
        text: `${symbol} does not accept ${type} orders (profile ${profile.id} orderType ${profile.orderType}); MEXC accepts ${r.orderTypes.join(', ')}`,
      });
    if (profile.maxOrderNotional.lt(r.minNotional))
      findings.push({
        level: 'fail',
        symbol,
        text: `profile ${profile.id} caps orders at maxOrderNotional ${fmtAmount(profile.maxOrderNotional)} ${q}, below MEXC's minimum notional ${fmtAmount(r.minNotional)} ${q} for ${symbol}: no order can be placed; raise maxOrderNotional`,
      });
    if (profile.minTradeNotional.lt(r.minNotional))
      findings.push({
        level: 'warn',
        symbol,
        text: `profile ${profile.id} minTradeNotional ${fmtAmount(profile.minTradeNotional)} ${q} is below MEXC's minimum notional ${fmtAmount(r.minNotional)} ${q} for ${symbol}: legs in between are dropped as below_minimum; set minTradeNotional to at least ${fmtAmount(r.minNotional)}`,
      });
    if (findings.length === 0)
      findings.push({ level: 'ok', symbol, text: `${symbol} (profile ${profile.id}): ${facts}` });
    else findings.push({ level: 'ok', symbol, text: `${symbol} rules: ${facts}` });
    return findings;
  });
}
