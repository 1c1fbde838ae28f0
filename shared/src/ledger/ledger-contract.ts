import Big from 'big.js';
import type { Clock } from '../ports/clock';
import type { NewOrder } from '../ports/exchange';
import { type Ledger, LedgerStateError, type RunRecord } from '../ports/ledger';

/**
 * The behaviour every Ledger adapter must show, run against each of them (memory in the unit
 * project, Firestore in the emulator project). `makeLedger` returns a ledger on the SAME store each
 * time it is called within a file, as two function instances would share one database.
 */
export interface LedgerContractSetup {
  makeLedger(options: { clock: Clock; retentionDays: number }): Ledger;
}

export class FakeClock implements Clock {
  private current: number;
  constructor(start: string) {
    this.current = Date.parse(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

const RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;
const LEASE_MS = 60_000;
let sequence = 0;

/** Ids unique per test and per run of the suite, so files never see each other's documents. */
export function uniqueId(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}-${Math.random().toString(36).slice(2, 10)}`;
}

function order(clientOrderId: string, overrides: Partial<NewOrder> = {}): NewOrder {
  return {
    symbol: 'QRLUSDT',
    side: 'BUY',
    type: 'IMMEDIATE_OR_CANCEL',
    quantity: new Big('12.5'),
    price: new Big('0.4321'),
    clientOrderId,
    ...overrides,
  };
}

export function describeLedgerContract(name: string, setup: LedgerContractSetup): void {
  describe(`Ledger contract: ${name}`, () => {
    let clock: FakeClock;
    let ledger: Ledger;
    /** a second instance on the same store, as another function instance would be */
    let other: Ledger;

    beforeEach(() => {
      clock = new FakeClock('2031-03-14T22:00:00.000Z');
      ledger = setup.makeLedger({ clock, retentionDays: RETENTION_DAYS });
      other = setup.makeLedger({ clock, retentionDays: RETENTION_DAYS });
    });

    async function claim(runId: string, profileId: string, owner = uniqueId('owner'), target = ledger) {
      const result = await target.claimRun({
        runId,
        profileId,
        owner,
        leaseMs: LEASE_MS,
        dryRun: false,
        trigger: {
          kind: 'scheduler',
          jobName: 'rebalance-every-15m',
          scheduleTime: clock.now(),
          caller: 'sched@x.iam',
        },
      });
      return { result, owner };
    }

    describe('claim', () => {
      it('creates a running run with attempt 1, a lease and expireAt', async () => {
        const runId = uniqueId('run');
        const { result, owner } = await claim(runId, 'default');
        expect(result.outcome).toBe('claimed');
        const run = (await ledger.readRun(runId)) as RunRecord;
        expect(run).toMatchObject({
          runId,
          profileId: 'default',
          status: 'running',
          reason: null,
          attempt: 1,
          dryRun: false,
          lease: { owner, until: new Date(clock.now().getTime() + LEASE_MS) },
          startedAt: clock.now(),
          finishedAt: null,
          report: null,
          trigger: { kind: 'scheduler', jobName: 'rebalance-every-15m', scheduleTime: clock.now() },
        });
        expect(run.expireAt).toEqual(new Date(clock.now().getTime() + RETENTION_DAYS * DAY_MS));
        expect(result.run).toEqual(run);
      });

      it('lets exactly one of 20 concurrent claims of one id win', async () => {
        const runId = uniqueId('race');
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => claim(runId, 'default', `owner-${i}`, i % 2 ? other : ledger)),
        );
        const winners = results.filter((r) => r.result.outcome === 'claimed');
        expect(winners).toHaveLength(1);
        const winner = winners[0]?.owner;
        for (const { result } of results) {
          expect(result.run.attempt).toBe(1);
          expect(result.run.lease?.owner).toBe(winner);
        }
        expect((await ledger.readRun(runId))?.lease?.owner).toBe(winner);
      });

      it('returns a finished run with its status, reason and report, never overwriting it', async () => {
        const runId = uniqueId('dup');
        const { owner } = await claim(runId, 'default');
        await ledger.finishRun({
          runId,
          owner,
          status: 'skipped',
          reason: 'within_band',
          report: { drift: new Big('0.012') },
        });
        const again = await claim(runId, 'default');
        expect(again.result.outcome).toBe('existing');
        expect(again.result.run).toMatchObject({
          status: 'skipped',
          reason: 'within_band',
          report: { drift: '0.012' },
          lease: { owner },
          attempt: 1,
        });
      });

      it('refuses ids Firestore cannot hold or a console reader would misread', async () => {
        await expect(claim('a/b', 'default')).rejects.toThrow(LedgerStateError);
        await expect(claim(uniqueId('run'), '__x__')).rejects.toMatchObject({ code: 'ledger.bad_id' });
      });
    });

    describe('lease takeover', () => {
      it('is refused while the lease is live, and won by exactly one of two contenders once it expired', async () => {
        const runId = uniqueId('takeover');
        const { owner } = await claim(runId, 'default');
        const early = await ledger.takeOverRun({ runId, owner: 'early', leaseMs: LEASE_MS });
        expect(early).toMatchObject({ outcome: 'refused', run: { lease: { owner }, attempt: 1 } });

        clock.advance(LEASE_MS);
        const [a, b] = await Promise.all([
          ledger.takeOverRun({ runId, owner: 'contender-a', leaseMs: LEASE_MS }),
          other.takeOverRun({ runId, owner: 'contender-b', leaseMs: LEASE_MS }),
        ]);
        const outcomes = [a.outcome, b.outcome].sort();
        expect(outcomes).toEqual(['refused', 'taken']);
        const winner = a.outcome === 'taken' ? 'contender-a' : 'contender-b';
        const run = await ledger.readRun(runId);
        expect(run).toMatchObject({ status: 'running', attempt: 2, lease: { owner: winner } });
        expect(run?.lease?.until).toEqual(new Date(clock.now().getTime() + LEASE_MS));
        const loser = a.outcome === 'taken' ? b : a;
        expect(loser.run?.lease?.owner).toBe(winner);
      });

      it('refuses finished and missing runs', async () => {
        const runId = uniqueId('done');
        const { owner } = await claim(runId, 'default');
        await ledger.finishRun({ runId, owner, status: 'completed', report: {} });
        clock.advance(10 * LEASE_MS);
        expect((await ledger.takeOverRun({ runId, owner: 'late', leaseMs: LEASE_MS })).outcome).toBe('refused');
        expect(await ledger.takeOverRun({ runId: uniqueId('missing'), owner: 'x', leaseMs: LEASE_MS })).toEqual({
          outcome: 'refused',
          run: null,
        });
      });

      it('extends the lease and lock of the owner only; a taken-over owner learns it lost both', async () => {
        const runId = uniqueId('beat');
        const profileId = uniqueId('pf');
        const { owner } = await claim(runId, profileId);
        await ledger.acquireLock({ profileId, runId, owner, leaseMs: LEASE_MS });
        clock.advance(LEASE_MS / 2);
        const beat = await ledger.extendLease({ runId, owner, leaseMs: LEASE_MS, profileId });
        expect(beat).toEqual({ run: 'extended', lock: 'extended', until: new Date(clock.now().getTime() + LEASE_MS) });
        expect((await ledger.readRun(runId))?.lease?.until).toEqual(beat.until);
        expect((await ledger.readPortfolio(profileId)).lock).toEqual({ runId, owner, until: beat.until });

        const foreign = uniqueId('pf');
        const held = await other.acquireLock({
          profileId: foreign,
          runId: 'someone',
          owner: 'someone',
          leaseMs: LEASE_MS,
        });
        expect(await ledger.extendLease({ runId, owner, leaseMs: 2 * LEASE_MS, profileId: foreign })).toMatchObject({
          run: 'extended',
          lock: 'lost',
        });
        expect((await ledger.readPortfolio(foreign)).lock).toEqual({
          runId: 'someone',
          owner: 'someone',
          until: held.acquired ? held.until : null,
        });

        clock.advance(2 * LEASE_MS);
        expect((await other.takeOverRun({ runId, owner: 'successor', leaseMs: LEASE_MS })).outcome).toBe('taken');
        const lost = await ledger.extendLease({ runId, owner, leaseMs: LEASE_MS, profileId });
        expect(lost).toMatchObject({ run: 'lost', lock: 'lost' });
        expect((await ledger.readRun(runId))?.lease?.owner).toBe('successor');
        expect(await ledger.extendLease({ runId, owner: 'successor', leaseMs: LEASE_MS })).toMatchObject({
          run: 'extended',
          lock: 'not_requested',
        });
      });
    });

    describe('portfolio lock', () => {
      it('gives the lock to exactly one of 10 concurrent runs; the others see the holder and its expiry', async () => {
        const profileId = uniqueId('pf');
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? other : ledger).acquireLock({
              profileId,
              runId: `run-${i}`,
              owner: `owner-${i}`,
              leaseMs: LEASE_MS,
            }),
          ),
        );
        const winners = results.flatMap((r, i) => (r.acquired ? [i] : []));
        expect(winners).toHaveLength(1);
        const winner = winners[0] as number;
        const until = new Date(clock.now().getTime() + LEASE_MS);
        for (const result of results) {
          if (!result.acquired)
            expect(result.holder).toEqual({ runId: `run-${winner}`, owner: `owner-${winner}`, until });
        }
        expect((await ledger.readPortfolio(profileId)).lock).toEqual({
          runId: `run-${winner}`,
          owner: `owner-${winner}`,
          until,
        });
      });

      it('is released only by its owner', async () => {
        const profileId = uniqueId('pf');
        expect(await ledger.releaseLock({ profileId, owner: 'nobody' })).toEqual({ outcome: 'not_held' });
        await ledger.acquireLock({ profileId, runId: 'run-a', owner: 'owner-a', leaseMs: LEASE_MS });
        const refused = await other.releaseLock({ profileId, owner: 'owner-b' });
        expect(refused).toMatchObject({ outcome: 'not_owner', holder: { runId: 'run-a', owner: 'owner-a' } });
        expect(
          (await ledger.acquireLock({ profileId, runId: 'run-b', owner: 'owner-b', leaseMs: LEASE_MS })).acquired,
        ).toBe(false);
        expect(await ledger.releaseLock({ profileId, owner: 'owner-a' })).toEqual({ outcome: 'released' });
        expect((await ledger.readPortfolio(profileId)).lock).toBeNull();
        expect(
          (await ledger.acquireLock({ profileId, runId: 'run-b', owner: 'owner-b', leaseMs: LEASE_MS })).acquired,
        ).toBe(true);
      });

      it('can be taken once the holder’s lease expired, and is adopted by a later attempt of the same run', async () => {
        const profileId = uniqueId('pf');
        await ledger.acquireLock({ profileId, runId: 'run-a', owner: 'a-attempt-1', leaseMs: LEASE_MS });
        const adopted = await ledger.acquireLock({
          profileId,
          runId: 'run-a',
          owner: 'a-attempt-2',
          leaseMs: LEASE_MS,
        });
        expect(adopted.acquired).toBe(true);
        expect(await ledger.releaseLock({ profileId, owner: 'a-attempt-1' })).toMatchObject({ outcome: 'not_owner' });
        clock.advance(LEASE_MS);
        expect(await ledger.acquireLock({ profileId, runId: 'run-b', owner: 'b', leaseMs: LEASE_MS })).toEqual({
          acquired: true,
          until: new Date(clock.now().getTime() + LEASE_MS),
          // the dead holder is named, so the new holder can close its run
          abandoned: ['run-a'],
        });
      });
    });

    describe('order intents', () => {
      it('are written ahead as pending with decimal strings and expireAt', async () => {
        const runId = uniqueId('run');
        const profileId = uniqueId('pf');
        await claim(runId, profileId);
        const written = await ledger.writeIntents({
          runId,
          profileId,
          attempt: 1,
          intents: [
            { leg: 1, order: order(`${runId.slice(-8)}b`, { side: 'BUY', quantity: new Big('1e-8') }) },
            {
              leg: 0,
              order: order(`${runId.slice(-8)}a`, {
                side: 'SELL',
                type: 'MARKET',
                quantity: undefined,
                price: undefined,
                quoteQuantity: new Big('5'),
              }),
            },
          ],
        });
        expect(written).toHaveLength(2);
        const listed = await ledger.listIntents(runId);
        expect(listed.map((i) => i.leg)).toEqual([0, 1]);
        expect(listed[0]).toMatchObject({
          runId,
          profileId,
          attempt: 1,
          status: 'pending',
          side: 'SELL',
          type: 'MARKET',
          quantity: null,
          quoteQuantity: '5',
          price: null,
          orderId: null,
          executedQuantity: '0',
          executedQuote: '0',
          fees: {},
        });
        expect(listed[1]).toMatchObject({ quantity: '0.00000001', price: '0.4321', status: 'pending' });
        expect(listed[1]?.expireAt).toEqual(new Date(clock.now().getTime() + RETENTION_DAYS * DAY_MS));
        expect(listed[1]?.createdAt).toEqual(clock.now());
      });

      it('refuses to overwrite an existing intent and then writes none of the batch', async () => {
        const runId = uniqueId('run');
        const profileId = uniqueId('pf');
        await ledger.writeIntents({ runId, profileId, attempt: 1, intents: [{ leg: 0, order: order('dupA') }] });
        await expect(
          ledger.writeIntents({
            runId,
            profileId,
            attempt: 2,
            intents: [
              { leg: 0, order: order('freshB') },
              { leg: 1, order: order('dupA') },
            ],
          }),
        ).rejects.toMatchObject({ code: 'ledger.intent_exists' });
        const listed = await ledger.listIntents(runId);
        expect(listed.map((i) => [i.clientOrderId, i.attempt])).toEqual([['dupA', 1]]);
        expect(Object.keys((await ledger.readPortfolio(profileId)).openIntents)).toEqual(['dupA']);
      });

      it('records exchange outcomes and lists the unsettled intents of one profile across runs', async () => {
        const profileId = uniqueId('pf');
        const otherProfile = uniqueId('pf');
        const runA = uniqueId('runA');
        const runB = uniqueId('runB');
        await ledger.writeIntents({
          runId: runA,
          profileId,
          attempt: 1,
          intents: [
            { leg: 0, order: order('a0') },
            { leg: 1, order: order('a1') },
            { leg: 2, order: order('a2') },
          ],
        });
        clock.advance(1000);
        await other.writeIntents({ runId: runB, profileId, attempt: 1, intents: [{ leg: 0, order: order('b0') }] });
        await ledger.writeIntents({
          runId: uniqueId('runC'),
          profileId: otherProfile,
          attempt: 1,
          intents: [{ leg: 0, order: order('c0') }],
        });

        const filled = await ledger.updateIntent({
          runId: runA,
          clientOrderId: 'a0',
          status: 'filled',
          orderId: 'C02__123456789',
          exchangeStatus: 'FILLED',
          executedQuantity: new Big('12.5'),
          executedQuote: '5.40125',
          fees: { USDT: new Big('0.0108025') },
        });
        expect(filled).toMatchObject({
          status: 'filled',
          orderId: 'C02__123456789',
          executedQuantity: '12.5',
          executedQuote: '5.40125',
          fees: { USDT: '0.0108025' },
          updatedAt: clock.now(),
        });
        await ledger.updateIntent({
          runId: runA,
          clientOrderId: 'a1',
          status: 'unknown',
          error: { code: 'exchange.unknown_outcome', message: 'timeout' },
        });
        await ledger.updateIntent({ runId: runA, clientOrderId: 'a2', status: 'absent' });

        const unsettled = await ledger.listUnsettledIntents(profileId);
        expect(unsettled.map((i) => `${i.runId}/${i.clientOrderId}:${i.status}`)).toEqual([
          `${runA}/a1:unknown`,
          `${runB}/b0:pending`,
        ]);
        expect(unsettled[0]?.error).toEqual({ code: 'exchange.unknown_outcome', message: 'timeout' });
        expect((await ledger.readPortfolio(profileId)).openIntents).toEqual({ a1: runA, b0: runB });

        // settling the rest empties the list; a final status never moves back (absent → open is refused)
        await ledger.updateIntent({
          runId: runA,
          clientOrderId: 'a1',
          status: 'partially_filled',
          executedQuantity: '3',
        });
        await ledger.updateIntent({ runId: runB, clientOrderId: 'b0', status: 'rejected' });
        expect(await ledger.listUnsettledIntents(profileId)).toEqual([]);
        const late = await ledger.updateIntent({ runId: runA, clientOrderId: 'a2', status: 'open', orderId: 'C02__9' });
        expect(late).toMatchObject({ status: 'absent', orderId: null });
        expect(await ledger.listUnsettledIntents(profileId)).toEqual([]);
        expect((await ledger.listUnsettledIntents(otherProfile)).map((i) => i.clientOrderId)).toEqual(['c0']);
      });

      it('refuses to update an intent that was never written', async () => {
        await expect(
          ledger.updateIntent({ runId: uniqueId('run'), clientOrderId: 'nope', status: 'filled' }),
        ).rejects.toMatchObject({ code: 'ledger.intent_not_found' });
      });
    });

    describe('finish', () => {
      async function finishTrading(profileId: string, notional: string, traded = true) {
        const runId = uniqueId('run');
        const { owner } = await claim(runId, profileId);
        expect((await ledger.acquireLock({ profileId, runId, owner, leaseMs: LEASE_MS })).acquired).toBe(true);
        const finished = await ledger.finishRun({
          runId,
          owner,
          status: traded ? 'completed' : 'dry_run',
          report: { orders: 1 },
          plan: { legs: [{ side: 'BUY', quantity: new Big('3') }] },
          snapshot: { prices: { QRLUSDT: '0.43' } },
          result: { turnover: notional },
          metrics: { durationMs: 120, firestoreCalls: 7 },
          portfolio: { profileId, traded, turnoverNotional: notional, prices: { QRLUSDT: new Big('0.43') } },
        });
        return { runId, owner, finished };
      }

      it('stores the outcome, releases the lock and accumulates turnover per UTC day', async () => {
        const profileId = uniqueId('pf');
        const first = await finishTrading(profileId, '10.5');
        expect(first.finished).toEqual({ outcome: 'finished', finishedAt: clock.now(), lockReleased: true });
        const run = await ledger.readRun(first.runId);
        expect(run).toMatchObject({
          status: 'completed',
          finishedAt: clock.now(),
          report: { orders: 1 },
          plan: { legs: [{ side: 'BUY', quantity: '3' }] },
          snapshot: { prices: { QRLUSDT: '0.43' } },
          result: { turnover: '10.5' },
          metrics: { durationMs: 120, firestoreCalls: 7 },
          error: null,
        });
        expect(run?.expireAt).toEqual(new Date(clock.now().getTime() + RETENTION_DAYS * DAY_MS));
        let portfolio = await ledger.readPortfolio(profileId);
        expect(portfolio).toMatchObject({
          lock: null,
          lastRunId: first.runId,
          lastRunStatus: 'completed',
          lastRebalanceAt: clock.now(),
          lastCompletedAt: clock.now(),
          turnover: { day: '2031-03-14', notional: '10.5' },
          lastPrices: { QRLUSDT: '0.43' },
        });

        clock.advance(90 * 60_000); // 23:30 UTC, same day
        await finishTrading(profileId, '4.25');
        expect((await ledger.readPortfolio(profileId)).turnover).toEqual({ day: '2031-03-14', notional: '14.75' });

        clock.advance(60 * 60_000); // 00:30 UTC next day: a new day starts at zero
        const third = await finishTrading(profileId, '1');
        portfolio = await ledger.readPortfolio(profileId);
        expect(portfolio.turnover).toEqual({ day: '2031-03-15', notional: '1' });
        expect(portfolio.lastRunId).toBe(third.runId);
        expect(await ledger.lastCompletedRunAt(profileId)).toEqual(clock.now());
      });

      it('sets the cool-down (lastRebalanceAt) only for live trades', async () => {
        const profileId = uniqueId('pf');
        await finishTrading(profileId, '0', false);
        const portfolio = await ledger.readPortfolio(profileId);
        expect(portfolio).toMatchObject({
          lastRebalanceAt: null,
          lastCompletedAt: null,
          lastRunStatus: 'dry_run',
          lock: null,
        });
        expect(await ledger.lastCompletedRunAt(profileId)).toBeNull();
      });

      it('records failures with code and message, and refuses a finish by anyone but the lease owner', async () => {
        const runId = uniqueId('run');
        const { owner } = await claim(runId, 'default');
        expect(await ledger.finishRun({ runId, owner: 'intruder', status: 'completed', report: {} })).toMatchObject({
          outcome: 'lease_lost',
          run: { status: 'running' },
        });
        const failed = await ledger.finishRun({
          runId,
          owner,
          status: 'failed',
          report: { status: 'failed' },
          error: { code: 'exchange.rate_limited', message: 'rate limited', retryable: true },
        });
        expect(failed.outcome).toBe('finished');
        expect(await ledger.readRun(runId)).toMatchObject({
          status: 'failed',
          error: { code: 'exchange.rate_limited', message: 'rate limited', retryable: true },
        });
        expect(await ledger.finishRun({ runId, owner, status: 'completed', report: {} })).toMatchObject({
          outcome: 'lease_lost',
          run: { status: 'failed' },
        });
      });

      it('does not release a lock someone else holds, and writes nothing after losing the run', async () => {
        const profileId = uniqueId('pf');
        const runId = uniqueId('run');
        const { owner } = await claim(runId, profileId);
        await ledger.acquireLock({ profileId, runId: 'someone-else', owner: 'other-owner', leaseMs: LEASE_MS });
        const finished = await ledger.finishRun({
          runId,
          owner,
          status: 'skipped',
          reason: 'locked',
          report: {},
          portfolio: { profileId, traded: false, turnoverNotional: '0' },
        });
        expect(finished).toMatchObject({ outcome: 'finished', lockReleased: false });
        expect((await ledger.readPortfolio(profileId)).lock?.owner).toBe('other-owner');

        const lostRun = uniqueId('run');
        const lost = await claim(lostRun, profileId);
        clock.advance(LEASE_MS);
        await other.takeOverRun({ runId: lostRun, owner: 'successor', leaseMs: LEASE_MS });
        const before = await ledger.readPortfolio(profileId);
        expect(
          await ledger.finishRun({
            runId: lostRun,
            owner: lost.owner,
            status: 'completed',
            report: {},
            portfolio: { profileId, traded: true, turnoverNotional: '99' },
          }),
        ).toMatchObject({ outcome: 'lease_lost', run: { attempt: 2 } });
        expect(await ledger.readPortfolio(profileId)).toEqual(before);
      });
    });

    describe('conditional transitions (a stalled attempt can never send late)', () => {
      async function pendingIntent() {
        const runId = uniqueId('run');
        const profileId = uniqueId('pf');
        const { owner } = await claim(runId, profileId);
        expect((await ledger.acquireLock({ profileId, runId, owner, leaseMs: LEASE_MS })).acquired).toBe(true);
        const clientOrderId = `${runId.slice(-8)}s`;
        await ledger.writeIntents({ runId, profileId, attempt: 1, intents: [{ leg: 0, order: order(clientOrderId) }] });
        return { runId, profileId, owner, clientOrderId };
      }

      it('regression: a stalled attempt cannot submit after its lease expired — pending→submitted needs a live run lease and lock', async () => {
        const a = await pendingIntent();
        const sendBy = new Date(clock.now().getTime() + 5_000);
        const ok = await ledger.submitIntent({ ...a, sendBy });
        expect(ok).toMatchObject({ outcome: 'submitted', intent: { status: 'submitted', sendBy } });
        expect((await ledger.listIntents(a.runId))[0]?.sendBy).toEqual(sendBy);
        // submitted once: a second submit is refused
        expect(await other.submitIntent({ ...a, sendBy })).toMatchObject({
          outcome: 'refused',
          reason: 'not_pending',
          intent: { status: 'submitted' },
        });

        // the lease ran out and nobody took over yet: still refused
        const b = await pendingIntent();
        clock.advance(LEASE_MS + 1);
        expect(await ledger.submitIntent({ ...b, sendBy: clock.now() })).toMatchObject({
          outcome: 'refused',
          reason: 'lease_lost',
          intent: { status: 'pending', sendBy: null },
        });
        // another owner never submits someone else's intent
        const c = await pendingIntent();
        expect(await other.submitIntent({ ...c, owner: 'intruder', sendBy: clock.now() })).toMatchObject({
          outcome: 'refused',
          reason: 'lease_lost',
        });
        // the run lease is live but the portfolio lock went to another run
        const d = await pendingIntent();
        await other.releaseLock({ profileId: d.profileId, owner: d.owner });
        await other.acquireLock({ profileId: d.profileId, runId: 'thief', owner: 'thief', leaseMs: LEASE_MS });
        expect(await ledger.submitIntent({ ...d, sendBy: clock.now() })).toMatchObject({
          outcome: 'refused',
          reason: 'lease_lost',
        });
      });

      it('regression: updateIntent with onlyFrom writes nothing when the intent moved on', async () => {
        const a = await pendingIntent();
        await ledger.submitIntent({ ...a, sendBy: clock.now() });
        const moved = await ledger.updateIntent({
          runId: a.runId,
          clientOrderId: a.clientOrderId,
          status: 'absent',
          onlyFrom: ['pending'],
        });
        expect(moved.status).toBe('submitted');
        expect(Object.keys((await ledger.readPortfolio(a.profileId)).openIntents)).toEqual([a.clientOrderId]);
        const absent = await other.updateIntent({
          runId: a.runId,
          clientOrderId: a.clientOrderId,
          status: 'absent',
          onlyFrom: ['submitted', 'unknown'],
        });
        expect(absent.status).toBe('absent');
        expect((await ledger.readPortfolio(a.profileId)).openIntents).toEqual({});
      });

      it('regression: updateIntent never lowers fills and never moves a status backwards, whoever writes', async () => {
        const a = await pendingIntent();
        await ledger.submitIntent({ ...a, sendBy: clock.now() });
        const ref = { runId: a.runId, clientOrderId: a.clientOrderId };
        await other.updateIntent({
          ...ref,
          status: 'filled',
          orderId: 'C02__1',
          executedQuantity: '10',
          executedQuote: '5',
        });
        // a stalled writer's stale answer: open with nothing filled, without onlyFrom
        const stale = await ledger.updateIntent({
          ...ref,
          status: 'open',
          orderId: 'C02__1',
          executedQuantity: '0',
          executedQuote: '0',
        });
        expect(stale).toMatchObject({ status: 'filled', executedQuantity: '10', executedQuote: '5' });
        expect(await ledger.updateIntent({ ...ref, status: 'unknown' })).toMatchObject({ status: 'filled' });
        expect((await ledger.readPortfolio(a.profileId)).openIntents).toEqual({});
        // within one rank, fills still only grow
        const b = await pendingIntent();
        const refB = { runId: b.runId, clientOrderId: b.clientOrderId };
        await ledger.updateIntent({
          ...refB,
          status: 'open',
          orderId: 'C02__2',
          executedQuantity: '4',
          executedQuote: '2',
        });
        const lower = await ledger.updateIntent({
          ...refB,
          status: 'open',
          executedQuantity: '1',
          executedQuote: '0.5',
        });
        expect(lower).toMatchObject({ status: 'open', executedQuantity: '4', executedQuote: '2' });
      });

      it('regression: an expired lease is lost in extendLease and finishRun even before anyone takes it over', async () => {
        const a = await pendingIntent();
        clock.advance(LEASE_MS + 1);
        expect(
          await ledger.extendLease({ runId: a.runId, owner: a.owner, leaseMs: LEASE_MS, profileId: a.profileId }),
        ).toMatchObject({ run: 'lost', lock: 'lost' });
        expect(
          await ledger.finishRun({
            runId: a.runId,
            owner: a.owner,
            status: 'completed',
            report: {},
            portfolio: { profileId: a.profileId, traded: true, turnoverNotional: '10' },
          }),
        ).toMatchObject({ outcome: 'lease_lost' });
        expect((await ledger.readRun(a.runId))?.status).toBe('running');
        expect((await ledger.readPortfolio(a.profileId)).turnover).toBeNull();
      });
    });

    describe('turnover: every fill counted once, in the write that records it', () => {
      async function intentOf(profileId: string, suffix: string) {
        const runId = uniqueId('run');
        const { owner } = await claim(runId, profileId);
        const clientOrderId = `${runId.slice(-8)}${suffix}`;
        await ledger.writeIntents({ runId, profileId, attempt: 1, intents: [{ leg: 0, order: order(clientOrderId) }] });
        return { runId, profileId, owner, clientOrderId };
      }

      it('adds the quote filled above the countedQuote watermark to today’s turnover and starts the cool-down, whoever records it', async () => {
        const profileId = uniqueId('pf');
        const a = await intentOf(profileId, 'a');
        const refA = { runId: a.runId, clientOrderId: a.clientOrderId };
        expect((await ledger.listIntents(a.runId))[0]?.countedQuote).toBe('0');
        // a status word without fills counts nothing
        await ledger.updateIntent({ ...refA, status: 'open', orderId: 'T1' });
        expect(await ledger.readPortfolio(profileId)).toMatchObject({ turnover: null, lastRebalanceAt: null });

        const partial = await ledger.updateIntent({
          ...refA,
          status: 'open',
          executedQuantity: '4',
          executedQuote: '2',
        });
        expect(partial).toMatchObject({ executedQuote: '2', countedQuote: '2' });
        expect(await ledger.readPortfolio(profileId)).toMatchObject({
          turnover: { day: '2031-03-14', notional: '2' },
          lastRebalanceAt: clock.now(),
        });
        const firstFillAt = clock.now();

        clock.advance(60_000);
        // the same answer again, from another instance: nothing new was filled, nothing is added
        await other.updateIntent({ ...refA, status: 'open', executedQuantity: '4', executedQuote: '2' });
        // a stale, lower answer neither lowers the fill nor the count
        await ledger.updateIntent({ ...refA, status: 'open', executedQuantity: '1', executedQuote: '0.5' });
        expect(await ledger.readPortfolio(profileId)).toMatchObject({
          turnover: { day: '2031-03-14', notional: '2' },
          lastRebalanceAt: firstFillAt,
        });

        // the rest of the fill adds only the difference
        const filled = await other.updateIntent({
          ...refA,
          status: 'filled',
          executedQuantity: '10',
          executedQuote: '5',
        });
        expect(filled).toMatchObject({ executedQuote: '5', countedQuote: '5' });
        expect(await ledger.readPortfolio(profileId)).toMatchObject({
          turnover: { day: '2031-03-14', notional: '5' },
          lastRebalanceAt: clock.now(),
        });

        // another intent of the profile adds its own fill
        const b = await intentOf(profileId, 'b');
        await ledger.updateIntent({ ...b, status: 'filled', executedQuantity: '3', executedQuote: '1.25' });
        expect((await ledger.readPortfolio(profileId)).turnover).toEqual({ day: '2031-03-14', notional: '6.25' });

        // finishing a run adds nothing: its fills are already counted
        const finished = await ledger.finishRun({
          runId: b.runId,
          owner: b.owner,
          status: 'completed',
          report: {},
          portfolio: { profileId, traded: true },
        });
        expect(finished.outcome).toBe('finished');
        expect((await ledger.readPortfolio(profileId)).turnover).toEqual({ day: '2031-03-14', notional: '6.25' });

        // a fill recorded on the next UTC day counts toward that day only
        clock.advance(3 * 60 * 60_000);
        const c = await intentOf(profileId, 'c');
        await ledger.updateIntent({ ...c, status: 'filled', executedQuantity: '1', executedQuote: '0.5' });
        expect((await ledger.readPortfolio(profileId)).turnover).toEqual({ day: '2031-03-15', notional: '0.5' });
      });

      it('regression: concurrent writers recording the same fill count it once', async () => {
        const profileId = uniqueId('pf');
        const a = await intentOf(profileId, 'a');
        const writers = [ledger, other, ledger, other, ledger, other];
        await Promise.all(
          writers.map((l) =>
            l.updateIntent({
              runId: a.runId,
              clientOrderId: a.clientOrderId,
              status: 'filled',
              executedQuantity: '7',
              executedQuote: '3.5',
            }),
          ),
        );
        expect((await ledger.readPortfolio(profileId)).turnover).toEqual({ day: '2031-03-14', notional: '3.5' });
        expect((await ledger.listIntents(a.runId))[0]).toMatchObject({ executedQuote: '3.5', countedQuote: '3.5' });
      });
    });

    describe('snapshots', () => {
      it('are recorded once per second under yyyymmddThhmmssZ, with expireAt, refreshing the last prices', async () => {
        const profileId = uniqueId('pf');
        clock.advance(uniqueSecond());
        const at = new Date(clock.now().getTime() + 123);
        const first = await ledger.recordSnapshot({
          at,
          profileId,
          data: { value: new Big('100.5'), weights: { QRL: '0.5', USDT: '0.5' } },
          prices: { QRLUSDT: '0.44' },
        });
        const expectedId = at
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d{3}/, '');
        expect(first).toEqual({ id: expectedId, outcome: 'recorded' });
        expect(expectedId).toMatch(/^\d{8}T\d{6}Z$/);
        const second = await other.recordSnapshot({ at, profileId, data: {}, prices: { QRLUSDT: '9' } });
        expect(second).toEqual({ id: expectedId, outcome: 'existing' });
        const portfolio = await ledger.readPortfolio(profileId);
        expect(portfolio.lastPrices).toEqual({ QRLUSDT: '0.44' });
        expect(portfolio.lastPricesAt).toEqual(at);
      });
    });

    describe('round trips', () => {
      it('counts each call on the view that made it', async () => {
        const runId = uniqueId('run');
        const profileId = uniqueId('pf');
        const run = ledger.scope();
        expect(run.roundTrips()).toBe(0);
        const { owner } = await claim(runId, profileId, 'o', run);
        expect(run.roundTrips()).toBe(1); // create
        await claim(runId, profileId, 'o2', run);
        expect(run.roundTrips()).toBe(3); // create refused + get
        await run.acquireLock({ profileId, runId, owner, leaseMs: LEASE_MS });
        expect(run.roundTrips()).toBe(5); // read + commit
        await run.writeIntents({ runId, profileId, attempt: 1, intents: [{ leg: 0, order: order('rt0') }] });
        expect(run.roundTrips()).toBe(6); // one batch
        await run.listUnsettledIntents(profileId);
        expect(run.roundTrips()).toBe(8); // portfolio + getAll
        expect(ledger.roundTrips()).toBe(0);
      });
    });
  });
}

let seconds = 0;
/** Distinct snapshot seconds per call, so tests sharing a store never collide on a snapshot id. */
function uniqueSecond(): number {
  seconds += 1;
  return seconds * 1000 + Math.floor(Math.random() * 1_000_000) * 1000;
}
