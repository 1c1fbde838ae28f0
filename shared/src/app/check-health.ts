import {
  accountTradingRefusal,
  firstNotApiTradable,
  notApiTradableMessage,
  withdrawalRisk,
} from '../domain/key-permissions';
import { DEFAULT_PROFILE_ID, type StrategyProfile } from '../domain/profile';
import { checkProfileRules } from '../domain/rules-check';
import type { Clock } from '../ports/clock';
import type { Exchange } from '../ports/exchange';
import type { Ledger } from '../ports/ledger';
import { symbolsOf } from './market-snapshot';

export interface HealthDeps {
  exchange: Exchange;
  ledger: Ledger;
  clock: Clock;
  profiles: Readonly<Record<string, StrategyProfile>>;
  /** the MEXC account whose document holds each profile's last run */
  accountId: string;
}

export interface HealthInput {
  profileId?: string;
  /** a profile whose last finished run is older than this is stale (default 3 h) */
  staleAfterMs?: number;
}

/** the exchange clock may differ this much from ours; MEXC's recvWindow is 5000 ms */
const MAX_CLOCK_SKEW_MS = 2000;

export interface HealthCheck {
  name: 'exchange.time' | 'exchange.key' | 'exchange.symbols' | 'exchange.rules' | 'ledger.read' | 'runs.fresh';
  ok: boolean;
  /** one sentence with the numbers */
  detail: string;
}

export interface HealthReport {
  /** `ok`: every check passed; `degraded`: only the run freshness failed; `down`: the exchange or the ledger failed */
  status: 'ok' | 'degraded' | 'down';
  profile: string;
  checks: HealthCheck[];
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Deep health for operators: can we reach MEXC with a sane clock, may the key trade (canTrade,
 * SPOT) and trade the profile's symbols over the API (this key's selfSymbols), do the exchange's
 * rules let the profile's orders through, can we read the ledger, and did a run finish (without
 * failing) recently. The same checks as `npm run preflight`, where they are cheap: one account
 * read, one selfSymbols read, exchangeInfo (cached). They run at once; none of them changes anything.
 */
export async function checkHealth(input: HealthInput, deps: HealthDeps): Promise<HealthReport> {
  const profileId = input.profileId ?? DEFAULT_PROFILE_ID;
  const profile = deps.profiles[profileId];
  const maxSkew = MAX_CLOCK_SKEW_MS;
  const staleAfter = input.staleAfterMs ?? 3 * 3_600_000;
  if (!profile) {
    return {
      status: 'down',
      profile: profileId,
      checks: [{ name: 'ledger.read', ok: false, detail: `profile ${profileId} is not defined in STRATEGY_PROFILES` }],
    };
  }
  const symbols = symbolsOf(profile);

  const time = async (): Promise<HealthCheck> => {
    try {
      const sentAt = deps.clock.now().getTime();
      const server = await deps.exchange.serverTime();
      const skew = server - (sentAt + deps.clock.now().getTime()) / 2;
      const ok = Math.abs(skew) <= maxSkew;
      return {
        name: 'exchange.time',
        ok,
        detail: `exchange clock ${skew >= 0 ? 'ahead' : 'behind'} by ${Math.abs(Math.round(skew))} ms (limit ${maxSkew} ms)`,
      };
    } catch (error) {
      return { name: 'exchange.time', ok: false, detail: `exchange unreachable: ${message(error)}` };
    }
  };
  const key = async (): Promise<HealthCheck> => {
    try {
      const account = await deps.exchange.account();
      const refusal = accountTradingRefusal(account);
      if (refusal) return { name: 'exchange.key', ok: false, detail: refusal };
      const risk = withdrawalRisk(account);
      const facts = `canTrade ${account.canTrade ?? 'not reported'}, permissions [${(account.permissions ?? []).join(', ')}]`;
      return { name: 'exchange.key', ok: true, detail: risk ? `${facts}; risk: ${risk}` : facts };
    } catch (error) {
      return { name: 'exchange.key', ok: false, detail: `the account read failed: ${message(error)}` };
    }
  };
  const tradable = async (): Promise<HealthCheck> => {
    try {
      const allowed = await deps.exchange.apiTradableSymbols();
      const missing = firstNotApiTradable(symbols, allowed);
      return {
        name: 'exchange.symbols',
        ok: missing === null,
        detail:
          missing === null
            ? `${symbols.join(', ')} open to API trading for this key (MEXC selfSymbols)`
            : notApiTradableMessage(missing, allowed),
      };
    } catch (error) {
      return { name: 'exchange.symbols', ok: false, detail: `could not read API-tradable symbols: ${message(error)}` };
    }
  };
  const rules = async (): Promise<HealthCheck> => {
    try {
      const findings = checkProfileRules(profile, await deps.exchange.symbolRules(symbols));
      const failed = findings.filter((f) => f.level === 'fail');
      const warned = findings.filter((f) => f.level === 'warn');
      const shown = failed.length > 0 ? failed : warned.length > 0 ? warned : findings;
      return { name: 'exchange.rules', ok: failed.length === 0, detail: shown.map((f) => f.text).join('; ') };
    } catch (error) {
      return { name: 'exchange.rules', ok: false, detail: `could not read the exchange rules: ${message(error)}` };
    }
  };
  const ledger = async (): Promise<HealthCheck[]> => {
    try {
      const account = await deps.ledger.readAccount(deps.accountId);
      const read: HealthCheck = { name: 'ledger.read', ok: true, detail: `accounts/${deps.accountId} read` };
      const summary = account.profiles[profile.id];
      if (!summary)
        return [read, { name: 'runs.fresh', ok: false, detail: 'no run has finished for this profile yet' }];
      // lastFinishedAt is an instant of the ledger's clock (Firestore server time): judged by it
      const ageMs = deps.ledger.now().getTime() - summary.lastFinishedAt.getTime();
      const failed = summary.lastRunStatus === 'failed';
      const completed = summary.lastCompletedAt ? summary.lastCompletedAt.toISOString() : 'never';
      return [
        read,
        {
          name: 'runs.fresh',
          ok: !failed && ageMs <= staleAfter,
          detail: `last run ${summary.lastRunId} ended ${summary.lastRunStatus} ${Math.round(ageMs / 1000)} s ago (limit ${Math.round(staleAfter / 1000)} s); last completed ${completed}`,
        },
      ];
    } catch (error) {
      return [{ name: 'ledger.read', ok: false, detail: `ledger unreadable: ${message(error)}` }];
    }
  };

  const [t, k, s, r, l] = await Promise.all([time(), key(), tradable(), rules(), ledger()]);
  const checks = [t, k, s, r, ...l];
  const hard = checks.filter((c) => !c.ok && c.name !== 'runs.fresh');
  const status = hard.length > 0 ? 'down' : checks.every((c) => c.ok) ? 'ok' : 'degraded';
  return { status, profile: profile.id, checks };
}
