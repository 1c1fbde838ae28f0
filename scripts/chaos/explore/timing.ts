/**
 * The explorer's clock, scaled. Production: the rebalance function times out at 120 s, the run
 * lease is that plus a 5 s margin, and Cloud Scheduler retries a failed attempt with
 * min_backoff 10 s, max_backoff 120 s, max_doublings 3, retry_count 5 (infra/terraform/scheduler.tf
 * and the issue-#18 contract): waits of 10, 20, 40, 80, 120 s ("the interval doubles max_doublings
 * times, then increases linearly", https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs#RetryConfig).
 *
 * The explorer runs the function with a small FUNCTION_TIMEOUT_S (default 6) and scales Scheduler's
 * waits by the same factor (6/120: 0.5, 1, 2, 4, 6 s, 13.5 s in all against a lease of 6 + 5 s), so
 * the last retry still lands after the lease of a killed attempt has ended, as it does in production
 * (270 s against 125 s). The lease margin is the product's and not scaled, so the timeout may not go
 * below 5 s (the scaled retries would no longer reach past the lease). The minutes between scheduled
 * triggers are not slept through: they pass in the ledger (ledger-time.ts).
 *
 * Firestore releases the locks of a transaction that went idle after 60 s ("the Firestore backend
 * automatically releases all locks after 60 seconds of inactivity", java-firestore
 * Firestore.runTransaction javadoc, after https://firebase.google.com/docs/firestore/quotas#writes_and_transactions);
 * the emulator keeps that 60 s, so the explorer rolls back a killed process's open transactions
 * after the same 60 s scaled (3 s at 6 s), or the scaled retries would all meet a lock production's
 * retries outlive.
 */
export interface ExploreTiming {
  functionTimeoutS: number;
  /** slack on top of the function timeout before the explorer kills a call as the platform would */
  graceMs: number;
  /** Scheduler's waits before retry 1, 2, … of a failed attempt */
  backoffMs: number[];
  /** time between two scheduled triggers, passed in the ledger */
  schedulePeriodMs: number;
  /** Firestore's 60 s idle-transaction lock release, scaled */
  lockIdleMs: number;
}

export const PRODUCTION_TIMEOUT_S = 120;
export const PRODUCTION_BACKOFF_S = [10, 20, 40, 80, 120] as const;
/** the product's lease margin over the function timeout (contract: LEASE_MARGIN_MS) */
export const LEASE_MARGIN_MS = 5_000;
export const FIRESTORE_LOCK_IDLE_MS = 60_000;

/**
 * The explorer's function timeout: 8 s leaves a cold instance's first Firestore call 3 s (half the
 * run's time, limitsFor) on a loaded 2-core machine; 6 s left it too little and the quiet runs failed.
 */
export const EXPLORE_TIMEOUT_S = 8;

export function exploreTiming(functionTimeoutS = EXPLORE_TIMEOUT_S, schedulePeriodMs = 5 * 60_000): ExploreTiming {
  if (!Number.isInteger(functionTimeoutS) || functionTimeoutS < 6 || functionTimeoutS > PRODUCTION_TIMEOUT_S)
    throw new Error(
      `--timeout-s must be a whole number of seconds from 6 to ${PRODUCTION_TIMEOUT_S}: the function refuses a shorter timeout (MIN_FUNCTION_TIMEOUT_S)`,
    );
  const scale = functionTimeoutS / PRODUCTION_TIMEOUT_S;
  return {
    functionTimeoutS,
    graceMs: 1_000,
    backoffMs: PRODUCTION_BACKOFF_S.map((s) => Math.round(s * 1000 * scale)),
    schedulePeriodMs,
    lockIdleMs: Math.round(FIRESTORE_LOCK_IDLE_MS * scale),
  };
}

/** True when Scheduler's last retry comes after the lease of an attempt killed at once has ended. */
export function retriesOutliveLease(t: ExploreTiming): boolean {
  const total = t.backoffMs.reduce((a, b) => a + b, 0);
  return total > t.functionTimeoutS * 1000 + LEASE_MARGIN_MS;
}
