import type { StrategyProfile } from '../domain/profile';
import type { Logger } from '../observability/logger';
import type { Clock } from '../ports/clock';
import type { Exchange } from '../ports/exchange';
import type { FinalRunStatus, Ledger, RunTrigger } from '../ports/ledger';
import type { RunBudget } from './run-deadlines';

/**
 * The contract between the HTTP layer (functions, shared/src/http) and the use cases (shared/src/app).
 * The HTTP layer authenticates, validates the body, derives the execution id and checks the replay
 * window; the use case does everything from the claim on and returns a report. Skips are results;
 * only faults nobody planned for are thrown (an AppError with `retryable` decides 503 vs 500).
 */
export interface RebalanceInput {
  executionId: string;
  trigger: RunTrigger;
  profileId: string;
  /** requested dry run; the effective value is `dryRun || !deps.liveTrading` */
  dryRun: boolean;
}

export interface RebalanceDeps {
  exchange: Exchange;
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  profiles: Readonly<Record<string, StrategyProfile>>;
  liveTrading: boolean;
  /** unique per process attempt; leases and locks are keyed on it */
  owner: string;
  /** run lease and account lock duration */
  leaseMs: number;
  /** the MEXC account whose safety state (`accounts/{accountId}`) this run works under */
  accountId: string;
  /**
   * in-process budget for sending orders, ms from the start of the run (default 60000, well below
   * the function timeout): no order is signed after it, whatever the lease says
   */
  sendDeadlineMs?: number;
  /**
   * the time this request has inside the function timeout (run-deadlines.ts): every ledger and
   * exchange call gets a deadline from it, and no order leaves without time to send and record it.
   * Absent: no deadlines (tests of other things).
   */
  budget?: RunBudget;
  /** exchange calls made so far (the adapter's counter), for per-run metrics */
  exchangeCalls?: () => number;
}

/** `in_progress`: another attempt holds a live lease on this execution id. */
export type ReportStatus = FinalRunStatus | 'in_progress';

export interface ReportOrder {
  leg: number;
  clientOrderId: string;
  symbol: string;
  side: string;
  type: string;
  quantity: string | null;
  price: string | null;
  status: string;
  orderId: string | null;
  executedQuantity: string;
  executedQuote: string;
  fees: Record<string, string>;
}

/** What rebalance answers (JSON) and stores on the run doc as `report`. Decimals are strings. */
export interface RebalanceReport {
  executionId: string;
  profile: string;
  status: ReportStatus;
  /** skip code (`stale`, `locked`, `cooldown`, `within_band`, `guard:<name>`, …), error code when failed, else null */
  reason: string | null;
  /** one sentence for a human, with numbers */
  message: string;
  /** true when this answer is a stored result of an earlier request with the same execution id */
  duplicate: boolean;
  dryRun: boolean;
  attempt: number;
  orders: ReportOrder[];
  /** value and weights before and (after trades) after, per asset, decimal strings */
  portfolio?: {
    quote: string;
    valueBefore: string;
    weightsBefore: Record<string, string>;
    valueAfter?: string;
    weightsAfter?: Record<string, string>;
  };
  metrics?: Record<string, number | string>;
  /** `retryable`: the next trigger may settle it by itself (e.g. an order outcome still unknown) */
  error?: { code: string; message: string; retryable?: boolean };
}

export type RebalanceOnce = (input: RebalanceInput, deps: RebalanceDeps) => Promise<RebalanceReport>;
