import { parseProfile } from '../../domain/profile';
import { createLogger } from '../../observability/logger';
import type { Clock } from '../../ports/clock';
import type { Exchange } from '../../ports/exchange';
import type { Ledger } from '../../ports/ledger';
import type { RebalanceDeps, RebalanceInput } from '../contract';
import { leaseMsFor } from '../run-lease';

/** A clock a test moves by hand; the ledger, the use case and the fake exchange share it. */
export class ManualClock implements Clock {
  constructor(public ms: number) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** the deployed lease: a 120 s function timeout plus the margin */
export const TEST_LEASE_MS = leaseMsFor(120);

export interface TestDeps extends RebalanceDeps {
  /** parsed log lines of this deps' logger */
  lines: Record<string, unknown>[];
}

/** RebalanceDeps for one process attempt over a given exchange and ledger, profile `default`. */
export function testDeps(
  exchange: Exchange,
  ledger: Ledger,
  clock: Clock,
  options: {
    knobs?: Record<string, unknown>;
    owner?: string;
    liveTrading?: boolean;
    profileId?: string;
    accountId?: string;
  } = {},
): TestDeps {
  const profileId = options.profileId ?? 'default';
  const lines: Record<string, unknown>[] = [];
  const profile = parseProfile(profileId, { maxPriceMoveBps: null, ...options.knobs });
  return {
    exchange,
    ledger,
    clock,
    logger: createLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)),
    profiles: { [profileId]: profile },
    liveTrading: options.liveTrading ?? true,
    owner: options.owner ?? 'instance-1',
    leaseMs: TEST_LEASE_MS,
    accountId: options.accountId ?? 'acct-test',
    lines,
  };
}

export function runInput(executionId: string, profileId = 'default', dryRun = false): RebalanceInput {
  return { executionId, profileId, dryRun, trigger: { kind: 'scheduler' } };
}
