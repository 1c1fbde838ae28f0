/**
 * Fills a Firestore (the emulator) with documents written by the product itself: `rebalanceOnce` and
 * `takeSnapshot` over `createFirestoreLedger` and the MEXC simulator, on a clock that moves hours
 * between runs. The tests of `npm run runs` and `npm run report` read what this leaves; nothing here
 * writes a ledger document by hand.
 */
import { SimulatorAdmin, startSimulator } from '@qrl-rebalancer/simulator';
import { rebalanceOnce, takeSnapshot } from '../../../shared/src/app';
import type { RebalanceInput, RebalanceReport } from '../../../shared/src/app/contract';
import { parseProfile, type StrategyProfile } from '../../../shared/src/domain/profile';
import { compactUtc } from '../../../shared/src/domain/time';
import { createMexcClient } from '../../../shared/src/exchange/mexc';
import { createFirestoreLedger, type FirestoreLedger } from '../../../shared/src/ledger/firestore';
import { silentLogger } from '../../../shared/src/observability/logger';
import type { Clock } from '../../../shared/src/ports/clock';

const HOUR = 3_600_000;

/** Real time moved by an offset: the runs, the ledger, the MEXC client and the simulator all read it. */
class ShiftedClock implements Clock {
  constructor(public offsetMs: number) {}
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

export interface SeedOptions {
  projectId: string;
  /** the first run's time; the scenario spans about two days from here */
  start?: Date;
  profileId?: string;
  accountId?: string;
  caller?: string;
}

export interface SeededLedger {
  reports: RebalanceReport[];
  snapshots: string[];
  profile: StrategyProfile;
  accountId: string;
  /** executionId of each step, by name */
  ids: Record<'first' | 'dry' | 'within' | 'second' | 'failed' | 'settler', string>;
}

/**
 * The scenario: a live run that sells back to 50/50, a snapshot, a dry run, a run within the band, a
 * price rise and a second live run, a run whose order answer is lost (it ends `failed` with the order
 * `unknown`), and a later run that settles that order (`settledBy`, `settledLater`); snapshots between.
 */
export async function seedLedger(options: SeedOptions): Promise<SeededLedger> {
  const start = options.start ?? new Date(Date.now() - 3 * 24 * HOUR);
  const clock = new ShiftedClock(start.getTime() - Date.now());
  const profileId = options.profileId ?? 'default';
  const accountId = options.accountId ?? 'acct-seed';
  const profile = parseProfile(profileId, { cooldown: '30m', maxPriceMoveBps: null });
  const sim = await startSimulator({ seed: 7, config: { balances: { QRL: '1000', USDT: '200' }, rateLimits: false } });
  const admin = new SimulatorAdmin(sim.url);
  const ledger: FirestoreLedger = createFirestoreLedger({ projectId: options.projectId, retentionDays: 30, clock });
  const reports: RebalanceReport[] = [];
  const snapshots: string[] = [];
  const exchange = createMexcClient(
    { baseUrl: sim.url, apiKey: sim.apiKey, apiSecret: sim.apiSecret, recvWindowMs: 5000 },
    { notFoundDelayMs: 20, backoffBaseMs: 5, backoffMaxMs: 10, timeoutMs: 2000, clock },
  );
  let owner = 0;
  const run = async (executionId: string, extra: Partial<RebalanceInput> = {}): Promise<RebalanceReport> => {
    owner += 1;
    const report = await rebalanceOnce(
      {
        executionId,
        profileId,
        dryRun: false,
        trigger: { kind: 'manual', caller: options.caller ?? 'alice@example.com' },
        ...extra,
      },
      {
        exchange,
        ledger: ledger.fresh(),
        clock,
        logger: silentLogger,
        profiles: { [profileId]: profile },
        liveTrading: true,
        owner: `seed-${owner}`,
        leaseMs: 60_000,
        accountId,
        exchangeCalls: () => exchange.metrics().calls,
      },
    );
    reports.push(report);
    return report;
  };
  const snapshot = async () => {
    const result = await takeSnapshot(
      { profileId },
      { exchange, ledger, clock, logger: silentLogger, profiles: { [profileId]: profile }, accountId },
    );
    snapshots.push(result.id);
  };
  // the simulator keeps the same time, so signed requests are inside its recvWindow
  const later = async (hours: number) => {
    clock.offsetMs += hours * HOUR;
    await admin.setClock(Math.round(clock.offsetMs));
  };
  const stamp = () => compactUtc(clock.now());
  const ids = {} as SeededLedger['ids'];
  try {
    await later(0);
    await snapshot();
    await later(0.25);
    ids.first = `seed-rebalance-${stamp()}`;
    await run(ids.first, {
      trigger: {
        kind: 'scheduler',
        caller: 'qrl-scheduler@demo.iam.gserviceaccount.com',
        jobName: 'qrl-rebalance',
        scheduleTime: clock.now(),
      },
    });
    await later(1);
    await snapshot();
    await later(2);
    ids.dry = `manual-dry-${stamp()}`;
    await admin.setPrice({ symbol: 'QRLUSDT', price: '0.62' });
    await run(ids.dry, { dryRun: true });
    await later(3);
    await snapshot();
    await admin.setPrice({ symbol: 'QRLUSDT', price: '0.52' });
    await later(4);
    ids.within = `seed-rebalance-${stamp()}`;
    await run(ids.within);
    await later(3);
    await snapshot();
    await admin.setPrice({ symbol: 'QRLUSDT', price: '0.68' });
    await later(5);
    ids.second = `seed-rebalance-${stamp()}`;
    await run(ids.second);
    await later(2);
    await snapshot();
    // the order is executed but its answer is lost, and the order is not found right after: the run fails
    await admin.setPrice({ symbol: 'QRLUSDT', price: '0.45' });
    await admin.addFault({ endpoint: 'POST /api/v3/order', kind: 'accept_then_timeout', count: 1 });
    await admin.addFault({ endpoint: 'GET /api/v3/order', kind: '5xx', status: 503, count: 50 });
    await later(6);
    ids.failed = `seed-rebalance-${stamp()}`;
    await run(ids.failed);
    await admin.clearFaults();
    await later(1);
    ids.settler = `seed-rebalance-${stamp()}`;
    await run(ids.settler);
    await later(2);
    await snapshot();
    return { reports, snapshots, profile, accountId, ids };
  } finally {
    await ledger.close();
    await sim.stop();
  }
}
