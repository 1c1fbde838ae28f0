import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RebalanceDeps } from '../app/contract';
import { functionBudget, limitsFor } from '../app/run-deadlines';
import { leaseMsFor } from '../app/run-lease';
import { type Authenticator, createAuthenticator } from '../auth/authenticator';
import type { Config } from '../config/config';
import { parseProfiles, type StrategyProfile } from '../domain/profile';
import { createMexcClient, type MexcClient } from '../exchange/mexc';
import { createFirestoreLedger } from '../ledger/firestore';
import { createMemoryLedger } from '../ledger/memory';
import type { CountedLedger } from '../ledger/store-ledger';
import type { Logger } from '../observability/logger';
import { type Clock, systemClock } from '../ports/clock';

/** The adapters one function instance uses, built on first use and kept for the instance's life. */
export interface Adapters {
  exchange: MexcClient;
  ledger: CountedLedger;
}

export interface FunctionDeps {
  readonly config: Config;
  readonly clock: Clock;
  readonly profiles: Readonly<Record<string, StrategyProfile>>;
  authenticator(): Authenticator;
  adapters(): Adapters;
  /** a fresh lease owner for one invocation: instance id + counter, so two attempts never share one */
  newOwner(): string;
  /** the use case's deps for one invocation, logging through `logger` (bound to the execution id) */
  rebalanceDeps(logger: Logger, owner: string): RebalanceDeps;
}

export interface CreateDepsOptions {
  clock?: Clock;
  /** replace an adapter (tests of the HTTP layer) */
  adapters?: () => Adapters;
  authenticator?: () => Authenticator;
}

/**
 * The composition of one instance. Nothing here touches the network: the MEXC client, the ledger
 * client and the authenticator are made on first use and cached, so importing a function costs a
 * cold start nothing and a missing credential surfaces on the request that needs it. Profiles are
 * parsed now (pure), so a bad STRATEGY_PROFILES stops the start with the field named.
 */
export function createDeps(config: Config, logger: Logger, options: CreateDepsOptions = {}): FunctionDeps {
  const clock = options.clock ?? systemClock;
  const profiles = parseProfiles(config.strategyProfilesJson);
  const instance = `${hostname().slice(0, 24)}-${randomBytes(4).toString('hex')}`;
  let invocations = 0;
  let authenticator: Authenticator | undefined;
  let adapters: Adapters | undefined;

  const buildAdapters = (): Adapters => {
    if (options.adapters) return options.adapters();
    const exchange = createMexcClient(config.mexc, {
      logger: logger.child({ component: 'mexc' }),
      clock,
      // one attempt never outlasts what the run's deadlines allow an order call (equal by construction)
      timeoutMs: limitsFor(config.functionTimeoutS).orderCallMs,
    });
    const ledger =
      config.ledger === 'memory'
        ? createMemoryLedger({ retentionDays: config.runRetentionDays, clock })
        : createFirestoreLedger({
            projectId: config.firestore.projectId,
            databaseId: config.firestore.databaseId,
            retentionDays: config.runRetentionDays,
            // no clock: leases and locks are judged by Firestore's server time, never this instance's clock
          });
    return { exchange, ledger };
  };

  const deps: FunctionDeps = {
    config,
    clock,
    profiles,
    authenticator() {
      authenticator ??= options.authenticator
        ? options.authenticator()
        : createAuthenticator(config.auth, { exchangeBaseUrl: config.mexc.baseUrl, logger, clock });
      return authenticator;
    },
    adapters() {
      adapters ??= buildAdapters();
      return adapters;
    },
    newOwner() {
      invocations += 1;
      return `${instance}-${invocations}`;
    },
    rebalanceDeps(runLogger, owner) {
      const { exchange, ledger } = deps.adapters();
      const callsAtStart = exchange.metrics().calls;
      return {
        exchange,
        // a view of its own, so the run's metrics count only its round trips
        ledger: ledger.fresh(),
        accountId: config.accountId,
        clock,
        logger: runLogger,
        profiles,
        liveTrading: config.liveTrading,
        owner,
        // sized to the function timeout: a live attempt never outlives it (run-lease.ts)
        leaseMs: leaseMsFor(config.functionTimeoutS),
        // measured from here, right after the request was authenticated, on a monotonic clock
        budget: functionBudget(config.functionTimeoutS),
        exchangeCalls: () => exchange.metrics().calls - callsAtStart,
      };
    },
  };
  return deps;
}
