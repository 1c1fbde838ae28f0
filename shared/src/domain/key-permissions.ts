import type { AccountInfo } from './market';

/**
 * What the API key may do, judged before anything is planned or sent (issue #15). Pure: the use
 * case reads the facts (the account answer it already reads for balances, and the key's API-
 * tradable symbols) and calls these; each refusal says what to change on the key.
 */

/** The first symbol of `symbols` this key may not trade over the API, or null when all may be. */
export function firstNotApiTradable(symbols: readonly string[], tradable: ReadonlySet<string>): string | null {
  return symbols.find((symbol) => !tradable.has(symbol)) ?? null;
}

/**
 * Why `symbol` cannot be traded with this key. MEXC limits API trading per key and per pair: a
 * pair listed in the public defaultSymbols still answers 10007 "symbol not support api" for a key
 * that lacks it (mexc-api-sdk#112, JKorf/Mexc.Net#13, ccxt#26179); the key's own list is
 * GET /api/v3/selfSymbols (MEXC docs "User API default symbol").
 */
export function notApiTradableMessage(symbol: string, tradable: ReadonlySet<string>): string {
  const listed = tradable.size === 0 ? 'lists no symbol' : `lists ${tradable.size} symbol(s), not ${symbol}`;
  return (
    `${symbol} is not open to API trading for this API key (MEXC selfSymbols ${listed}): ` +
    `allow ${symbol} for the key in MEXC's API management (or use a key without a pair restriction); ` +
    'if it is allowed there, MEXC has the pair under API maintenance and a later run tries again'
  );
}

/** The key may trade spot: null; otherwise the refusal, naming the flag and what to change. */
export function accountTradingRefusal(account: Pick<AccountInfo, 'canTrade' | 'permissions'>): string | null {
  // MEXC docs "Account Information": canTrade, permissions ["SPOT"]. A key without spot trading
  // otherwise shows up only when the first order is refused (700007 "No permission to access the endpoint").
  if (account.canTrade === false)
    return (
      'MEXC says this API key cannot trade (canTrade is false in GET /api/v3/account): ' +
      'enable spot trading (SPOT_DEAL_WRITE, "Trade" in MEXC\'s API management) for the key, or use a key that has it'
    );
  if (account.permissions !== null && !account.permissions.includes('SPOT'))
    return (
      `MEXC lists this account's permissions as [${account.permissions.join(', ')}], without SPOT: ` +
      'use an account and API key with spot trading'
    );
  return null;
}

/**
 * A risk, not a refusal: a rebalancer needs no withdrawal right, and a leaked key that has one can
 * move the funds out. MEXC reports canWithdraw per account answer (docs "Account Information"); it
 * does not say whether that is the key's permission or the account's, so the text asks to check the key.
 */
export function withdrawalRisk(account: Pick<AccountInfo, 'canWithdraw'>): string | null {
  if (account.canWithdraw !== true) return null;
  return (
    'MEXC says withdrawals are possible with this API key (canWithdraw is true): a rebalancer needs none; ' +
    "remove the withdrawal permission from the key in MEXC's API management (and bind the key to an IP)"
  );
}
