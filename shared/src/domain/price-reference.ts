import Big from 'big.js';
import { div } from './division';
import { fmtAmount, fmtDuration } from './format';

/**
 * The price the price-move guard measures from, and how it lets go (issue #15 item 11). Before,
 * a run blocked by `guard:priceMove` kept the old reference, so after a real repricing every later
 * run was blocked too, forever. Now a move that held — the price stayed at its new level for
 * `minRuns` blocked runs in a row and for `minHeldMs` — becomes the new reference. Pure: the use
 * case stores the returned reference (on the portfolio / account doc) and passes
 * `reference.price` to plan() as the symbol's last price.
 */

export interface PendingMove {
  /** the price the move was first blocked at: the new level */
  price: Big;
  /** when it was first blocked */
  since: Date;
  /** blocked runs in a row at this level, the current one included */
  runs: number;
}

export interface PriceReference {
  price: Big;
  /** when it became the reference */
  at: Date;
  /** a move the guard is blocking, on its way to becoming the reference; null when there is none */
  move: PendingMove | null;
}

export interface ReferencePolicy {
  /** the profile's maxPriceMoveBps; null: the guard is off and the reference follows the price */
  maxMoveBps: number | null;
  /** blocked runs at the new level before it is adopted (default 3) */
  minRuns: number;
  /** and for at least this long (default 30 min) */
  minHeldMs: number;
}

/** 3 runs and 30 minutes: with a 15-minute schedule, the third run at the new level adopts it. */
export const DEFAULT_REFERENCE_POLICY: Omit<ReferencePolicy, 'maxMoveBps'> = { minRuns: 3, minHeldMs: 30 * 60_000 };

export type ReferenceOutcome =
  /** no reference yet: the current price becomes it */
  | 'first'
  /** within the limit (or the guard is off): the reference follows the price */
  | 'followed'
  /** a move is blocked and counted; `message` says what unblocks it */
  | 'pending'
  /** the move held long enough: the current price is the new reference, nothing blocks */
  | 'adopted';

export interface ReferenceDecision {
  /** what to store; its price is the one to pass to plan() as the last price */
  reference: PriceReference;
  outcome: ReferenceOutcome;
  /** true when the price-move guard blocks this run */
  blocked: boolean;
  /** one sentence for the skip reason or the log, with numbers */
  message: string;
}

const BPS = new Big(10_000);

function movedBps(from: Big, to: Big): Big {
  return div(to.minus(from).abs(), from).times(BPS);
}

/**
 * The reference for this run of `symbol`, given the stored one and the current (mid) price.
 * A move counts as "holding" while each blocked run's price stays within maxMoveBps of the level it
 * was first blocked at; a price that runs on beyond that starts the count again at its new level.
 */
export function nextPriceReference(
  symbol: string,
  stored: PriceReference | null,
  current: Big,
  now: Date,
  policy: ReferencePolicy,
): ReferenceDecision {
  const fresh: PriceReference = { price: current, at: now, move: null };
  if (!stored || stored.price.lte(0))
    return {
      reference: fresh,
      outcome: 'first',
      blocked: false,
      message: `${symbol} reference set to ${fmtAmount(current, 8)}`,
    };
  const max = policy.maxMoveBps;
  const bps = movedBps(stored.price, current);
  const moveText = `${symbol} moved ${bps.toFixed(0)} bps (${fmtAmount(stored.price, 8)} → ${fmtAmount(current, 8)})`;
  if (max === null || bps.lte(max))
    return {
      reference: fresh,
      outcome: 'followed',
      blocked: false,
      message: max === null ? `${symbol} price-move guard off` : `${moveText}, within ${max} bps`,
    };

  const sameLevel = stored.move !== null && movedBps(stored.move.price, current).lte(max);
  const move: PendingMove =
    sameLevel && stored.move
      ? { price: stored.move.price, since: stored.move.since, runs: stored.move.runs + 1 }
      : { price: current, since: now, runs: 1 };
  const heldMs = Math.max(0, now.getTime() - move.since.getTime());
  if (move.runs >= policy.minRuns && heldMs >= policy.minHeldMs)
    return {
      reference: fresh,
      outcome: 'adopted',
      blocked: false,
      message: `${moveText} held for ${move.runs} runs over ${fmtDuration(heldMs)} at ${fmtAmount(move.price, 8)}: it is the new reference`,
    };

  const runsLeft = Math.max(0, policy.minRuns - move.runs);
  const earliest = new Date(move.since.getTime() + policy.minHeldMs);
  const needs = [
    ...(runsLeft > 0 ? [`${runsLeft} more blocked run(s)`] : []),
    ...(heldMs < policy.minHeldMs ? [`until ${earliest.toISOString()}`] : []),
  ].join(' and ');
  return {
    reference: { price: stored.price, at: stored.at, move },
    outcome: 'pending',
    blocked: true,
    message:
      `${moveText} > max ${max} bps; blocked run ${move.runs} at this level since ${move.since.toISOString()}: ` +
      `the price becomes the new reference if it stays within ${max} bps of ${fmtAmount(move.price, 8)} for ${needs}, ` +
      `or trading resumes at once if it returns within ${max} bps of ${fmtAmount(stored.price, 8)}`,
  };
}

/** What the ledger stores: decimals as strings, instants as ISO strings. */
export interface PriceReferenceJson {
  price: string;
  at: string;
  move: { price: string; since: string; runs: number } | null;
}

export function priceReferenceToJson(ref: PriceReference): PriceReferenceJson {
  return {
    price: ref.price.toFixed(),
    at: ref.at.toISOString(),
    move: ref.move
      ? { price: ref.move.price.toFixed(), since: ref.move.since.toISOString(), runs: ref.move.runs }
      : null,
  };
}

export function priceReferenceFromJson(json: PriceReferenceJson): PriceReference {
  return {
    price: new Big(json.price),
    at: new Date(json.at),
    move: json.move
      ? { price: new Big(json.move.price), since: new Date(json.move.since), runs: json.move.runs }
      : null,
  };
}
