import { dec, valuationToJson } from '../domain/plan-json';
import { DEFAULT_PROFILE_ID, type StrategyProfile } from '../domain/profile';
import { valuePortfolio } from '../domain/valuation';
import type { Logger } from '../observability/logger';
import type { Clock } from '../ports/clock';
import type { Exchange } from '../ports/exchange';
import type { Ledger } from '../ports/ledger';
import { fetchMarket } from './market-snapshot';
import { plainRecord } from './plain-record';
import { weightsOf } from './report';
import { UnknownProfileError } from './run-errors';

export interface SnapshotDeps {
  exchange: Exchange;
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  profiles: Readonly<Record<string, StrategyProfile>>;
  /** the MEXC account whose price reference the snapshot refreshes */
  accountId: string;
}

export interface SnapshotResult {
  /** `snapshots/{id}`; `existing` when a snapshot was already recorded in the same second */
  id: string;
  outcome: 'recorded' | 'existing';
  profile: string;
  at: string;
  quote: string;
  value: string;
  /** asset → weight */
  weights: Record<string, string>;
  /** symbol → mid price */
  prices: Record<string, string>;
  /** Σ |weight − target| */
  drift: string;
}

/**
 * Records value, weights and drift of one profile's portfolio (`snapshots/{yyyymmddThhmmssZ}`) and
 * notes the account it was taken of. Trades nothing; the price-move guard's reference belongs to the
 * rebalance runs, which age it.
 */
export interface SnapshotInput {
  profileId?: string;
}

export async function takeSnapshot(input: SnapshotInput, deps: SnapshotDeps): Promise<SnapshotResult> {
  const profileId = input.profileId ?? DEFAULT_PROFILE_ID;
  const profile = deps.profiles[profileId];
  if (!profile) throw new UnknownProfileError(profileId, Object.keys(deps.profiles));
  const market = await fetchMarket(deps.exchange, profile, { depth: false });
  const at = deps.clock.now();
  const valuation = valuePortfolio(market.balances, market.assetPrices, profile);
  const prices = Object.fromEntries([...market.mids].map(([symbol, mid]) => [symbol, dec(mid)]));
  const recorded = await deps.ledger.recordSnapshot({
    at,
    profileId: profile.id,
    accountId: deps.accountId,
    data: plainRecord({
      quote: profile.quote,
      value: dec(valuation.total),
      weights: weightsOf(valuation),
      drift: dec(valuation.totalDrift),
      prices,
      balances: market.balances.map((b) => ({ asset: b.asset, free: dec(b.free), locked: dec(b.locked) })),
      valuation: valuationToJson(valuation),
    }),
  });
  const result: SnapshotResult = {
    id: recorded.id,
    outcome: recorded.outcome,
    profile: profile.id,
    at: at.toISOString(),
    quote: profile.quote,
    value: dec(valuation.total),
    weights: weightsOf(valuation),
    prices,
    drift: dec(valuation.totalDrift),
  };
  deps.logger.info('snapshot.recorded', { ...result });
  return result;
}
