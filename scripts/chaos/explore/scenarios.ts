/**
 * The explorer's trading runs. Each starts from balances that put the portfolio outside its band,
 * so a clean run trades: one leg (QRL/USDT, a sell), two legs (QRL/BTC/USDT: a sell whose proceeds
 * fund a buy), and three assets both above target (QRL/BTC/USDT: two sells). The knobs are the
 * campaign's, so both drive the same kind of run.
 *
 * Before each case the account has one quiet run behind it (balances at the targets, a skip), as a
 * deployed account has: its ledger document exists, so the claim reads and rewrites it like every
 * run after a deployment's first, and contention can touch it at every ledger call.
 */
import { CHAOS_PROFILE } from '../campaign';
import type { ScenarioName } from './points';

export interface ExploreScenario {
  name: ScenarioName;
  targets: Record<string, string>;
  balances: Record<string, string>;
  /** balances at the targets: the quiet run before each case sees these and skips (within band) */
  atTargets: Record<string, string>;
  /** orders a clean run places: the reference run must place exactly these, or the explorer stops */
  legs: number;
}

export const SCENARIOS: Record<ScenarioName, ExploreScenario> = {
  // QRL 500 USDT against 200: 71 %, far above 50 %
  'one-leg': {
    name: 'one-leg',
    targets: { QRL: '0.5', USDT: '0.5' },
    balances: { QRL: '1000', USDT: '200', BTC: '0' },
    atTargets: { QRL: '700', USDT: '350', BTC: '0' },
    legs: 1,
  },
  // QRL 1200 (60 %), BTC 200 (10 %), USDT 600 (30 %) against 40/30/30: sell QRL, buy BTC
  'two-legs': {
    name: 'two-legs',
    targets: { QRL: '0.4', BTC: '0.3', USDT: '0.3' },
    balances: { QRL: '2400', BTC: '0.004', USDT: '600' },
    atTargets: { QRL: '1600', BTC: '0.012', USDT: '600' },
    legs: 2,
  },
  // QRL 1000 (50 %), BTC 800 (40 %), USDT 200 (10 %) against 40/30/30: two sells
  'three-assets': {
    name: 'three-assets',
    targets: { QRL: '0.4', BTC: '0.3', USDT: '0.3' },
    balances: { QRL: '2000', BTC: '0.016', USDT: '200' },
    atTargets: { QRL: '1600', BTC: '0.012', USDT: '600' },
    legs: 2,
  },
};

export const EXPLORE_PROFILE_ID = 'default';

export function profileFor(scenario: ExploreScenario): string {
  return JSON.stringify({ [EXPLORE_PROFILE_ID]: { ...CHAOS_PROFILE, targets: scenario.targets } });
}

export const EXPLORE_SYMBOLS = {
  QRLUSDT: { base: 'QRL', quote: 'USDT' },
  BTCUSDT: { base: 'BTC', quote: 'USDT' },
} as const;
