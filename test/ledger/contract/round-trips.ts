import type { CountedLedger } from '../../../shared/src/ledger/store-ledger';
import { emptyAccount, ended, LEASE_MS, order, refs, started, submitted, TODAY, uniqueId, type World } from './setup';

/** calls(): the round trips of one ledger view, as they went over the wire; what a run's metrics record. */
export function describeRoundTrips(world: () => World): void {
  describe('round trips', () => {
    it('the common path costs exactly three: openRun, startRun, finishRun with the token', async () => {
      const w = world();
      const runId = uniqueId('run');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      // an earlier run of the account, in another instance
      const earlier = await w.startLocked({ runId: uniqueId('run'), profileId, accountId, via: w.other });
      await w.other.finishRun({
        runId: earlier.run.runId,
        owner: earlier.owner,
        accountId,
        profileId,
        token: earlier.token,
        end: ended('completed'),
        account: {},
      });
      const view = w.ledger.fresh();
      expect(view.calls()).toBe(0);
      // the deployment's profiles are named, but the account exists: nothing v1 is read
      const opened = await w.open(runId, accountId, view, [profileId]);
      expect(view.calls()).toBe(1);
      const start = started(
        await view.startRun({
          as: 'locked',
          token: opened.token,
          runId,
          profileId,
          accountId,
          trigger: w.trigger(),
          dryRun: false,
          owner: 'o',
          leaseMs: LEASE_MS,
          intents: [submitted(0, 'rt0', w.clock.in(1_000)), submitted(1, 'rt1', w.clock.in(2_000))],
        }),
      );
      expect(view.calls()).toBe(2);
      const finished = await view.finishRun({
        runId,
        owner: 'o',
        accountId,
        profileId,
        token: start.token,
        end: ended('completed'),
        intents: [
          { clientOrderId: 'rt0', status: 'filled', executedQuantity: '1', executedQuote: '0.4' },
          { clientOrderId: 'rt1', status: 'filled', executedQuantity: '2', executedQuote: '0.8' },
        ],
        account: { priceReference: refs({ QRLUSDT: '0.4' }) },
      });
      expect(finished).toMatchObject({ outcome: 'finished', lockReleased: true, firestoreCalls: 3 });
      expect(view.calls()).toBe(3);
      // each view counts its own: the instance's other views made none of these
      expect(w.ledger.calls()).toBe(0);
      const run = await w.ledger.readRun(runId);
      expect(run?.document.metrics).toEqual({ firestoreCalls: 3 });
      expect(await w.ledger.readAccount(accountId)).toMatchObject({
        lock: null,
        openIntents: {},
        turnover: { day: TODAY, notional: '1.2' },
      });
    });

    it('a run that ends at its start costs two', async () => {
      const w = world();
      const view = w.ledger.fresh();
      const runId = uniqueId('run');
      const accountId = uniqueId('acct');
      const opened = await w.open(runId, accountId, view);
      started(
        await view.startRun({
          as: 'ended',
          token: opened.token,
          runId,
          profileId: 'p',
          accountId,
          trigger: w.trigger(),
          dryRun: false,
          end: ended('skipped', { metrics: { durationMs: 3 } }, 'cooldown'),
        }),
      );
      expect(view.calls()).toBe(2);
      expect((await w.ledger.readRun(runId))?.document.metrics).toEqual({ durationMs: 3, firestoreCalls: 2 });
    });

    it('a finish that lost its race to a snapshot falls back and still records the right state', async () => {
      const w = world();
      const { clock } = w;
      const view = w.ledger.fresh();
      const runId = uniqueId('run');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const start = await w.startLocked({
        runId,
        profileId,
        accountId,
        via: view,
        intents: [submitted(0, 'lr0', clock.in(1_000))],
      });
      expect(view.calls()).toBe(2);
      clock.advance(1_000);
      // someone edits the account in the console while the orders are out
      await w.mergeRaw(`accounts/${accountId}`, { note: 'checked by hand' });
      clock.advance(1_000);
      const finished = await view.finishRun({
        runId,
        owner: start.owner,
        accountId,
        profileId,
        token: start.token,
        end: ended('completed'),
        intents: [{ clientOrderId: 'lr0', status: 'filled', executedQuantity: '10', executedQuote: '4.4' }],
        account: { priceReference: refs({ QRLUSDT: '0.44' }) },
      });
      expect(finished).toMatchObject({
        outcome: 'finished',
        finishedAt: clock.now(),
        lockReleased: true,
        firestoreCalls: 9,
      });
      // the refused commit, lr0 (intent, account, commit), the finish (run, account, commit)
      expect(view.calls()).toBe(9);
      expect((await w.ledger.readRun(runId))?.document.metrics).toEqual({ firestoreCalls: 9 });
      expect(await w.ledger.readAccount(accountId)).toEqual(
        emptyAccount(accountId, {
          lastRebalanceAt: clock.now(),
          turnover: { day: TODAY, notional: '4.4' },
          priceReference: refs({ QRLUSDT: '0.44' }),
          profiles: {
            [profileId]: {
              lastRunId: runId,
              lastRunStatus: 'completed',
              lastFinishedAt: clock.now(),
              lastCompletedAt: clock.now(),
            },
          },
          carriedOver: [],
        }),
      );
      expect((await w.ledger.listIntents(runId))[0]).toMatchObject({ status: 'filled', countedQuote: '4.4' });
    });

    it('a start that lost its race costs one more read and commit, and the run still ends as locked', async () => {
      const w = world();
      const accountId = uniqueId('acct');
      const view = w.ledger.fresh();
      const runId = uniqueId('run');
      // read before another profile's run took the lock: this token is stale
      const stale = await w.open(runId, accountId, view);
      const holder = await w.startLocked({ runId: uniqueId('run'), profileId: 'pa', accountId, via: w.other });
      const common = { runId, profileId: 'pb', accountId, trigger: w.trigger(), dryRun: false };
      expect(
        await view.startRun({
          ...common,
          token: stale.token,
          as: 'locked',
          owner: 'b',
          leaseMs: LEASE_MS,
          intents: [],
        }),
      ).toEqual({ outcome: 'conflict' });
      expect(view.calls()).toBe(2);
      const again = await w.open(runId, accountId, view);
      expect(again.account.lock).toMatchObject({ runId: holder.run.runId, profileId: 'pa', owner: holder.owner });
      started(await view.startRun({ ...common, token: again.token, as: 'ended', end: ended('skipped', {}, 'locked') }));
      expect(view.calls()).toBe(4);
      expect((await w.ledger.readRun(runId))?.document.metrics).toEqual({ firestoreCalls: 4 });
      expect((await w.ledger.readAccount(accountId)).lock?.owner).toBe(holder.owner);
    });

    it('counts each call of the slower paths on the view that made it', async () => {
      const w = world();
      const view: CountedLedger = w.ledger.fresh();
      const runId = uniqueId('run');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const steps: [string, () => Promise<unknown>, number][] = [
        ['readAccount: one read', () => view.readAccount(accountId), 1],
        ['readRun: one read', () => view.readRun(runId), 1],
        [
          'acquireLock: read, commit',
          () => view.acquireLock({ accountId, profileId, runId, owner: 'o', leaseMs: LEASE_MS }),
          2,
        ],
        [
          'writeIntents: one batch',
          () =>
            view.writeIntents({ runId, profileId, accountId, attempt: 1, intents: [{ leg: 0, order: order('sp0') }] }),
          1,
        ],
        ['listIntents: one query', () => view.listIntents(runId), 1],
        ['listUnsettledIntents: the account, then its open intents', () => view.listUnsettledIntents(accountId), 2],
        [
          'updateIntent without a fill: intent, commit',
          () => view.updateIntent({ runId, clientOrderId: 'sp0', status: 'open', orderId: 'C1' }),
          2,
        ],
        [
          'updateIntent with a fill: intent, account, commit',
          () =>
            view.updateIntent({
              runId,
              clientOrderId: 'sp0',
              status: 'filled',
              executedQuantity: '1',
              executedQuote: '0.4',
            }),
          3,
        ],
        ['listUnsettledIntents with none open: the account', () => view.listUnsettledIntents(accountId), 1],
        ['releaseLock: read, commit', () => view.releaseLock({ accountId, owner: 'o' }), 2],
        [
          'recordSnapshot: one batch',
          () => view.recordSnapshot({ at: w.clock.now(), profileId, accountId, data: {} }),
          1,
        ],
        ['takeOverRun: read, commit', () => view.takeOverRun({ runId, owner: 'x', leaseMs: LEASE_MS }), 2],
      ];
      let expected = 0;
      for (const [step, call, cost] of steps) {
        await call();
        expected += cost;
        expect({ step, calls: view.calls() }).toEqual({ step, calls: expected });
      }
      expect(w.ledger.calls()).toBe(0);
    });

    it('counts a heartbeat and a submit as their reads plus the commit', async () => {
      const w = world();
      const view = w.ledger.fresh();
      const runId = uniqueId('run');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const { owner } = await w.startLocked({ runId, profileId, accountId, via: view });
      await view.writeIntents({ runId, profileId, accountId, attempt: 1, intents: [{ leg: 0, order: order('hb0') }] });
      expect(view.calls()).toBe(3);
      await view.extendLease({ runId, owner, leaseMs: LEASE_MS, accountId });
      expect(view.calls()).toBe(6); // run, account, commit
      await view.extendLease({ runId, owner, leaseMs: LEASE_MS });
      expect(view.calls()).toBe(8); // run, commit
      const submit = await view.submitIntent({
        runId,
        clientOrderId: 'hb0',
        accountId,
        owner,
        sendBy: w.clock.in(1_000),
      });
      expect(submit.outcome).toBe('submitted');
      expect(view.calls()).toBe(12); // intent, run, account, commit
      await view.finishRun({ runId, owner, accountId, profileId, end: ended('completed'), account: {} });
      expect(view.calls()).toBe(15); // run, account, commit
      expect((await w.ledger.readRun(runId))?.document.metrics).toEqual({ firestoreCalls: 15 });
    });
  });
}
