import { type Config, loadConfig } from '@qrl-rebalancer/shared/config';
import {
  accountTradingRefusal,
  type BookTop,
  checkProfileRules,
  type Depth,
  notApiTradableMessage,
  parseProfiles,
  plan,
  profileSymbols,
  type StrategyProfile,
  withdrawalRisk,
} from '@qrl-rebalancer/shared/domain';
import { createMexcClient, type MexcClient } from '@qrl-rebalancer/shared/exchange/mexc';

/**
 * `npm run preflight`: read-only calls that tell an operator, item by item, whether this key and
 * this configuration can trade (issue #15). Nothing is written, no order is sent, no ledger is read.
 */
export type Level = 'ok' | 'warn' | 'fail' | 'info';

export interface CheckLine {
  level: Level;
  /** short name of the item: config, clock, key, permissions, withdrawals, api-tradable, rules, fees, plan */
  item: string;
  text: string;
}

export interface PreflightResult {
  lines: CheckLine[];
  /** no line failed */
  ok: boolean;
}

/** The depth read for the dry-run plan, as the use case reads it (MEXC's default page). */
const DEPTH_LEVELS = 100;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The functions' own configuration (loadConfig), except that the OIDC variables, which only the
 * HTTP layer uses, get placeholders when they are unset: preflight authenticates no caller.
 */
export function preflightConfig(env: Readonly<Record<string, string | undefined>>): {
  config: Config;
  placeholders: string[];
} {
  const placeholders: string[] = [];
  const filled: Record<string, string | undefined> = { ...env };
  if (!env.OIDC_AUDIENCE) {
    filled.OIDC_AUDIENCE = 'https://preflight.invalid/';
    placeholders.push('OIDC_AUDIENCE');
  }
  if (!env.OIDC_ALLOWED_EMAILS) {
    filled.OIDC_ALLOWED_EMAILS = 'preflight@example.com';
    placeholders.push('OIDC_ALLOWED_EMAILS');
  }
  return { config: loadConfig(filled), placeholders };
}

export async function runPreflight(
  env: Readonly<Record<string, string | undefined>>,
  options: { client?: (config: Config) => MexcClient; now?: () => Date } = {},
): Promise<PreflightResult> {
  const lines: CheckLine[] = [];
  const add = (level: Level, item: string, text: string) => lines.push({ level, item, text });
  const done = () => ({ lines, ok: lines.every((l) => l.level !== 'fail') });
  const now = options.now ?? (() => new Date());

  let config: Config;
  let profiles: Readonly<Record<string, StrategyProfile>>;
  try {
    const loaded = preflightConfig(env);
    config = loaded.config;
    profiles = parseProfiles(config.strategyProfilesJson);
    const skipped = loaded.placeholders.length > 0 ? `; ${loaded.placeholders.join(', ')} unset (not used here)` : '';
    add(
      'ok',
      'config',
      `loaded as the functions load it: MEXC_BASE_URL ${config.mexc.baseUrl}, profiles ${Object.keys(profiles).join(', ')}, LIVE_TRADING ${config.liveTrading}${skipped}`,
    );
  } catch (error) {
    add('fail', 'config', `the configuration does not load: ${message(error)}`);
    return done();
  }

  const client = options.client?.(config) ?? createMexcClient(config.mexc);
  const symbols = [...new Set(Object.values(profiles).flatMap(profileSymbols))];

  // 1. clock: MEXC refuses a timestamp ≥ 1000 ms ahead of its clock (docs "timing security")
  try {
    await client.serverTime();
    const offset = client.clockOffsetMs();
    const side = offset >= 0 ? 'ahead of' : 'behind';
    const text = `MEXC's clock is ${Math.abs(offset)} ms ${side} this machine's`;
    if (Math.abs(offset) < 1000) add('ok', 'clock', `${text}; the client corrects the offset on every signed call`);
    else
      add(
        'warn',
        'clock',
        `${text}: the client corrects it, but a clock this far off breaks other tools; check NTP on this machine`,
      );
  } catch (error) {
    add('fail', 'clock', `MEXC is not reachable at ${config.mexc.baseUrl}: ${message(error)}`);
    return done();
  }

  // 2. the key, and what the account answer says about it (one GET /api/v3/account)
  if (!config.mexc.apiKey || !config.mexc.apiSecret) {
    add('fail', 'key', 'MEXC_API_KEY and MEXC_API_SECRET are not set: nothing that needs the key can be checked');
    await rulesAndFees();
    return done();
  }
  let account: Awaited<ReturnType<MexcClient['account']>>;
  try {
    account = await client.account();
    add(
      'ok',
      'key',
      `MEXC accepted the key and its signature (GET /api/v3/account, accountType ${account.accountType ?? '?'})`,
    );
  } catch (error) {
    add('fail', 'key', `MEXC refused the signed account read: ${message(error)}`);
    await rulesAndFees();
    return done();
  }
  const refusal = accountTradingRefusal(account);
  if (refusal) add('fail', 'permissions', refusal);
  else
    add(
      'ok',
      'permissions',
      `canTrade ${account.canTrade ?? 'not reported'}, permissions [${(account.permissions ?? []).join(', ')}]`,
    );
  const risk = withdrawalRisk(account);
  if (risk) add('warn', 'withdrawals', risk);
  else add('ok', 'withdrawals', `canWithdraw ${account.canWithdraw ?? 'not reported'}`);

  // 3. per-key API tradability (selfSymbols; 10007 on pairs in defaultSymbols: ccxt#26179)
  try {
    const tradable = await client.apiTradableSymbols();
    for (const symbol of symbols) {
      if (tradable.has(symbol))
        add('ok', 'api-tradable', `${symbol} is open to API trading for this key (selfSymbols)`);
      else add('fail', 'api-tradable', notApiTradableMessage(symbol, tradable));
    }
  } catch (error) {
    add('fail', 'api-tradable', `could not read this key's selfSymbols: ${message(error)}`);
  }

  const rules = await rulesAndFees();

  // 4. the current plan, as a dry run: domain plan() only (no ledger: no cool-down, turnover or last prices)
  if (rules) {
    try {
      const books = new Map<string, BookTop>(
        (await Promise.all(symbols.map((s) => client.bookTop(s)))).map((b) => [b.symbol, b]),
      );
      const depth = new Map<string, Depth>(
        (await Promise.all(symbols.map((s) => client.depth(s, DEPTH_LEVELS)))).map((d) => [d.symbol, d]),
      );
      for (const profile of Object.values(profiles)) {
        const p = plan(
          { balances: account.balances, books, rules, depth },
          profile,
          { lastRebalanceAt: null, turnover: null },
          now(),
        );
        const what = p.status === 'trade' ? `would trade: ${p.reason}` : `would skip (${p.skip ?? '?'}): ${p.reason}`;
        add(
          'info',
          'plan',
          `profile ${profile.id} ${what} [dry run: no ledger, so no cool-down, turnover or last prices; no order sent]`,
        );
      }
    } catch (error) {
      add('fail', 'plan', `the dry-run plan could not be made: ${message(error)}`);
    }
  }
  return done();

  /** exchange rules against every profile, and the fee rates they carry */
  async function rulesAndFees() {
    try {
      const rules = await client.symbolRules(symbols);
      for (const profile of Object.values(profiles))
        for (const f of checkProfileRules(profile, rules)) add(f.level, 'rules', f.text);
      for (const [symbol, r] of rules)
        add(
          'info',
          'fees',
          `${symbol}: maker ${r.makerCommission.toFixed()}, taker ${r.takerCommission.toFixed()} (exchangeInfo, the symbol's default; the account's own rate from GET /api/v3/tradeFee is not read: no captured answer, and sources disagree on its shape)`,
        );
      return rules;
    } catch (error) {
      add('fail', 'rules', `could not read MEXC's rules for ${symbols.join(', ')}: ${message(error)}`);
      return null;
    }
  }
}

const MARK: Record<Level, string> = { ok: '[ok]  ', warn: '[warn]', fail: '[FAIL]', info: '[info]' };

export function formatLines(result: PreflightResult): string {
  const width = Math.max(...result.lines.map((l) => l.item.length));
  const body = result.lines.map((l) => `${MARK[l.level]} ${l.item.padEnd(width)}  ${l.text}`).join('\n');
  const failed = result.lines.filter((l) => l.level === 'fail').length;
  const warned = result.lines.filter((l) => l.level === 'warn').length;
  const verdict = result.ok
    ? `preflight passed${warned > 0 ? ` with ${warned} warning(s)` : ''}: this key and configuration can trade`
    : `preflight failed: ${failed} item(s) to fix before this key and configuration can trade`;
  return `${body}\n${verdict}`;
}
