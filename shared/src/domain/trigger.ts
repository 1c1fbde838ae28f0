import Big from 'big.js';
import { div } from './division';
import { fmtDuration, fmtPts, fmtWeight } from './format';
import type { StrategyProfile } from './profile';
import type { Holding, Valuation } from './valuation';

export interface TriggerDecision {
  trigger: boolean;
  /** what fired; null when nothing did */
  by: 'threshold' | 'periodic' | null;
  /** when not triggered: why (`within_band` or `not_due`) */
  hold: 'within_band' | 'not_due' | null;
  /**
   * Fraction of the way from the current weights to the targets every asset moves: 1 for
   * rebalanceTo=target; for bandEdge the smallest fraction that brings every asset inside its band.
   */
  moveFraction: Big;
  /** the asset furthest outside (or closest to) its band, for the reason */
  worst: Holding | null;
  reason: string;
}

const ZERO = new Big(0);
const ONE = new Big(1);

function isOutside(h: Holding): boolean {
  return h.band !== null && h.drift.abs().gt(h.band);
}

/** |drift| / band, the "how far into the band" measure; assets without a band never dominate. */
function pressure(h: Holding): Big {
  if (h.band === null) return ZERO;
  if (h.band.eq(0)) return h.drift.eq(0) ? ZERO : new Big(1e9);
  return div(h.drift.abs(), h.band);
}

function worstHolding(valuation: Valuation): Holding | null {
  let worst: Holding | null = null;
  for (const h of valuation.holdings) {
    if (worst === null) worst = h;
    else {
      const byBand = pressure(h).cmp(pressure(worst));
      if (byBand > 0 || (byBand === 0 && h.drift.abs().gt(worst.drift.abs()))) worst = h;
    }
  }
  return worst;
}

export function describeDrift(h: Holding): string {
  const direction = h.drift.gte(0) ? 'above' : 'below';
  const band = h.band === null ? 'no band' : `band ±${fmtPts(h.band)} pts`;
  return `${h.asset} weight ${fmtWeight(h.weight)} is ${fmtPts(h.drift.abs())} pts ${direction} target ${fmtWeight(h.target)}, ${band}`;
}

/** bandEdge: the smallest move toward target that leaves every asset at or inside its band. */
function bandEdgeFraction(valuation: Valuation): Big {
  let fraction = ZERO;
  for (const h of valuation.holdings) {
    if (!isOutside(h) || h.band === null) continue;
    const needed = ONE.minus(div(h.band, h.drift.abs()));
    if (needed.gt(fraction)) fraction = needed;
  }
  return fraction;
}

function periodicState(
  profile: StrategyProfile,
  lastRebalanceAt: Date | null,
  now: Date,
): { due: boolean; text: string } {
  const period = fmtDuration(profile.periodMs);
  if (lastRebalanceAt === null) return { due: true, text: `no rebalance recorded yet, period ${period}` };
  const elapsed = now.getTime() - lastRebalanceAt.getTime();
  return {
    due: elapsed >= profile.periodMs,
    text: `last rebalance ${fmtDuration(Math.max(0, elapsed))} ago, period ${period}`,
  };
}

/** threshold: any asset outside its band; periodic: every `period`; hybrid: either. */
export function decideTrigger(
  valuation: Valuation,
  profile: StrategyProfile,
  lastRebalanceAt: Date | null,
  now: Date,
): TriggerDecision {
  const worst = worstHolding(valuation);
  const drift = worst ? describeDrift(worst) : 'no assets';
  const outside = valuation.holdings.some(isOutside);
  const usesBand = profile.mode !== 'periodic';
  const periodic = profile.mode === 'threshold' ? null : periodicState(profile, lastRebalanceAt, now);

  let by: TriggerDecision['by'] = null;
  let reason: string;
  if (usesBand && outside) {
    by = 'threshold';
    reason = drift;
  } else if (periodic?.due) {
    by = 'periodic';
    reason = `periodic rebalance due (${periodic.text}); ${drift}`;
  } else if (periodic && profile.mode === 'periodic') {
    return { trigger: false, by, hold: 'not_due', moveFraction: ZERO, worst, reason: `not due: ${periodic.text}` };
  } else {
    const when = periodic ? `; periodic not due (${periodic.text})` : '';
    return {
      trigger: false,
      by,
      hold: 'within_band',
      moveFraction: ZERO,
      worst,
      reason: `within band: ${drift}${when}`,
    };
  }

  const moveFraction = profile.rebalanceTo === 'target' ? ONE : bandEdgeFraction(valuation);
  if (moveFraction.eq(0)) {
    return {
      trigger: false,
      by: null,
      hold: 'within_band',
      moveFraction,
      worst,
      reason: `within band, rebalanceTo bandEdge leaves nothing to trade: ${drift}`,
    };
  }
  return { trigger: true, by, hold: null, moveFraction, worst, reason };
}
