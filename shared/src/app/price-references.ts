import Big from 'big.js';
import { nextPriceReference, type PriceReference } from '../domain/price-reference';
import type { StrategyProfile } from '../domain/profile';
import type { AccountState, PriceReferenceRecord } from '../ports/ledger';
import type { MarketSnapshot } from './market-snapshot';

export interface References {
  /** symbol → the price the price-move guard measures this run from */
  lastPrices: Map<string, Big>;
  /** what the account stores after this run, for every symbol this run priced */
  record: Record<string, PriceReferenceRecord>;
  /** for each blocked symbol: what unblocks it */
  pending: string[];
}

/**
 * The price references of one run, from the account's and the market's mids: a move the guard
 * blocks is counted, and one that held (domain/price-reference.ts) becomes the reference, so the
 * guard can never block every run forever. Stored after every run that priced the market, blocked
 * ones included: that is how the count advances.
 */
export function referencesFor(
  market: MarketSnapshot,
  account: AccountState,
  profile: StrategyProfile,
  now: Date,
): References {
  const out: References = { lastPrices: new Map(), record: {}, pending: [] };
  for (const [symbol, mid] of market.mids) {
    const stored = account.priceReference[symbol];
    const decision = nextPriceReference(symbol, stored ? fromRecord(stored) : null, mid, now, {
      maxMoveBps: profile.maxPriceMoveBps,
      minRuns: profile.priceMoveHoldRuns,
      minHeldMs: profile.priceMoveHoldMs,
    });
    out.lastPrices.set(symbol, decision.reference.price);
    out.record[symbol] = toRecord(decision.reference);
    if (decision.blocked) out.pending.push(decision.message);
  }
  return out;
}

function fromRecord(r: PriceReferenceRecord): PriceReference {
  return {
    price: new Big(r.price),
    at: r.at,
    move: r.move ? { price: new Big(r.move.price), since: r.move.since, runs: r.move.runs } : null,
  };
}

function toRecord(r: PriceReference): PriceReferenceRecord {
  return {
    price: r.price.toFixed(),
    at: r.at,
    move: r.move ? { price: r.move.price.toFixed(), since: r.move.since, runs: r.move.runs } : null,
  };
}
