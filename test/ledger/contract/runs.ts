import Big from 'big.js';
import { LedgerStateError, type RunRecord } from '../../../shared/src/ports/ledger';
import {
  DAY_MS,
  emptyAccount,
  ended,
  expectedIntent,
  LEASE_MS,
  RECV_WINDOW_MS,
  RETENTION_DAYS,
  refs,
  started,
  submitted,
  TODAY,
  uniqueId,
  type World,
} from './setup';

/** runs/{id}: openRun → startRun → finishRun, the takeover and the heartbeat. */
export function describeRuns(world: () => World): void {
  const retained = (from: Date) => new Date(from.getTime() + RETENTION_DAYS * DAY_MS);

  describe('runs: open and start', () => {
    it('opens a new run on a new account: no run, an empty account, nothing written', async () => {
      const w = world();
      const runId = uniqueId('run');
      const accountId = uniqueId('acct');
      const opened = await w.open(runId, accountId);
      expect(opened.run).toBeNull();
      expect(opened.account).toEqual(emptyAccount(accountId));
      expect(await w.raw(`runs/${runId}`)).toBeNull();
      expect(await w.raw(`accounts/${accountId}`)).toBeNull();
    });

    it("startRun('locked') claims the run with a lease, takes the account lock and writes its intents already submitted", async () => {
      const w = world();
      const { clock, ledger } = w;
      const runId = uniqueId('run');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const at = clock.now();
      const [sendA, sendB] = [clock.in(2_000), clock.in(4_000)];
      const start = await w.startLocked({
        runId,
        profileId,
        accountId,
        owner: 'owner-1',
        intents: [
          submitted(1, 'sb', sendB, { side: 'SELL', quantity: new Big('1e-8') }),
          submitted(0, 'sa', sendA, {
            type: 'MARKET',
            quantity: undefined,
            price: undefined,
            quoteQuantity: new Big('5'),
          }),
        ],
      });
      const lease = { owner: 'owner-1', until: clock.in(LEASE_MS) };
      const trigger = { kind: 'scheduler', jobName: 'rebalance-every-15m', scheduleTime: at, caller: 'sched@x.iam' };
      const expected: RunRecord = {
        runId,
        profileId,
        accountId,
        status: 'running',
        reason: null,
        summary: 'running: 2 order(s) being sent',
        trigger,
        dryRun: false,
        attempt: 1,
        lease,
        startedAt: at,
        finishedAt: null,
        expireAt: retained(at),
        document: {
          runId,
          profile: profileId,
          account: accountId,
          trigger,
          dryRun: false,
          attempt: 1,
          startedAt: at,
          expireAt: retained(at),
          status: 'running',
          reason: null,
          summary: 'running: 2 order(s) being sent',
          lease,
          finishedAt: null,
        },
      };
      expect(start.run).toEqual(expected);
      expect(await ledger.readRun(runId)).toEqual(expected);

      const of = { runId, profileId, accountId, createdAt: at };
      const sb = expectedIntent(
        { ...of, leg: 1, clientOrderId: 'sb' },
        { side: 'SELL', quantity: '0.00000001', status: 'submitted', sendBy: sendB, recvWindowMs: RECV_WINDOW_MS },
      );
      const sa = expectedIntent(
        { ...of, leg: 0, clientOrderId: 'sa' },
        {
          type: 'MARKET',
          quantity: null,
          price: null,
          quoteQuantity: '5',
          status: 'submitted',
          sendBy: sendA,
          recvWindowMs: RECV_WINDOW_MS,
        },
      );
      expect(start.intents).toEqual([sb, sa]);
      expect(await ledger.listIntents(runId)).toEqual([sa, sb]);
      expect(await ledger.readAccount(accountId)).toEqual(
        emptyAccount(accountId, {
          lock: { runId, profileId, owner: 'owner-1', until: lease.until },
          openIntents: { sa: runId, sb: runId },
          carriedOver: [],
        }),
      );
    });

    it("startRun('ended') records a finished run at once: no lease, no lock, the profile's summary and the price reference", async () => {
      const w = world();
      const { clock, ledger } = w;
      const runId = uniqueId('run');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const opened = await w.open(runId, accountId);
      clock.advance(1_500);
      const result = started(
        await ledger.startRun({
          as: 'ended',
          token: opened.token,
          runId,
          profileId,
          accountId,
          trigger: { kind: 'manual', caller: 'me@x.iam' },
          dryRun: false,
          end: ended(
            'skipped',
            { before: { value: new Big('100.50'), drift: new Big('0.0120') }, metrics: { durationMs: 40 } },
            'within_band',
          ),
          account: { priceReference: refs({ QRLUSDT: '0.44' }) },
        }),
      );
      const now = clock.now();
      const expected: RunRecord = {
        runId,
        profileId,
        accountId,
        status: 'skipped',
        reason: 'within_band',
        summary: 'the run ended skipped (within_band)',
        trigger: { kind: 'manual', caller: 'me@x.iam' },
        dryRun: false,
        attempt: 1,
        lease: null,
        startedAt: now,
        finishedAt: now,
        expireAt: retained(now),
        document: {
          runId,
          profile: profileId,
          account: accountId,
          trigger: { kind: 'manual', caller: 'me@x.iam' },
          dryRun: false,
          attempt: 1,
          startedAt: now,
          expireAt: retained(now),
          status: 'skipped',
          reason: 'within_band',
          summary: 'the run ended skipped (within_band)',
          before: { value: '100.5', drift: '0.012' },
          // the read before and this commit are the run's only round trips
          metrics: { durationMs: 40, firestoreCalls: 2 },
          finishedAt: now,
          lease: null,
        },
      };
      expect(result.run).toEqual(expected);
      expect(result.intents).toEqual([]);
      expect(result.firestoreCalls).toBe(2);
      expect(await ledger.readRun(runId)).toEqual(expected);
      expect(await ledger.readAccount(accountId)).toEqual(
        emptyAccount(accountId, {
          priceReference: refs({ QRLUSDT: '0.44' }),
          profiles: {
            [profileId]: { lastRunId: runId, lastRunStatus: 'skipped', lastFinishedAt: now, lastCompletedAt: null },
          },
        }),
      );
    });

    it('executes a run id once: a second start is `conflict`, writes nothing, and the run stays as first recorded', async () => {
      const w = world();
      const { ledger, other } = w;
      const runId = uniqueId('dup');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const first = await w.open(runId, accountId);
      const stale = await w.open(runId, accountId, other);
      started(
        await ledger.startRun({
          as: 'ended',
          token: first.token,
          runId,
          profileId,
          accountId,
          trigger: w.trigger(),
          dryRun: true,
          end: ended('dry_run', { orders: [] }),
        }),
      );
      const recorded = await ledger.readRun(runId);
      expect(recorded).toMatchObject({ status: 'dry_run', dryRun: true, attempt: 1, lease: null });

      const again = await w.open(runId, accountId, other);
      expect(again.run).toEqual(recorded);
      for (const token of [stale.token, again.token]) {
        expect(
          await other.startRun({
            as: 'locked',
            token,
            runId,
            profileId,
            accountId,
            trigger: w.trigger(),
            dryRun: false,
            owner: 'second',
            leaseMs: LEASE_MS,
            intents: [submitted(0, 'dup0', w.clock.in(1_000))],
          }),
        ).toEqual({ outcome: 'conflict' });
      }
      expect(await ledger.readRun(runId)).toEqual(recorded);
      expect(await ledger.listIntents(runId)).toEqual([]);
      expect((await ledger.readAccount(accountId)).lock).toBeNull();
      expect((await ledger.readAccount(accountId)).openIntents).toEqual({});
    });

    it('lets exactly one of 20 concurrent starts of one run id win, whether they lock or end at once', async () => {
      const w = world();
      const runId = uniqueId('race');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const kinds = Array.from({ length: 20 }, (_, i) => (i % 3 === 1 ? 'ended' : 'locked'));
      const results = await Promise.all(
        kinds.map(async (kind, i) => {
          const via = i % 2 ? w.other : w.ledger;
          const opened = await w.open(runId, accountId, via);
          const common = { token: opened.token, runId, profileId, accountId, trigger: w.trigger() };
          return kind === 'ended'
            ? via.startRun({ ...common, as: 'ended', dryRun: true, end: ended('dry_run', { contender: i }) })
            : via.startRun({
                ...common,
                as: 'locked',
                dryRun: false,
                owner: `owner-${i}`,
                leaseMs: LEASE_MS,
                intents: [submitted(0, `c${i}`, w.clock.in(1_000))],
              });
        }),
      );
      const winners = results.flatMap((r, i) => (r.outcome === 'started' ? [i] : []));
      expect(winners).toHaveLength(1);
      const winner = winners[0] as number;
      for (const [i, result] of results.entries()) if (i !== winner) expect(result).toEqual({ outcome: 'conflict' });
      const run = await w.ledger.readRun(runId);
      const account = await w.ledger.readAccount(accountId);
      if (kinds[winner] === 'ended') {
        expect(run).toMatchObject({ status: 'dry_run', lease: null, document: { contender: winner } });
        expect(account.lock).toBeNull();
        expect(await w.ledger.listIntents(runId)).toEqual([]);
      } else {
        expect(run).toMatchObject({ status: 'running', lease: { owner: `owner-${winner}` } });
        expect(account.lock).toMatchObject({ runId, owner: `owner-${winner}` });
        expect(account.openIntents).toEqual({ [`c${winner}`]: runId });
        expect((await w.ledger.listIntents(runId)).map((i) => i.clientOrderId)).toEqual([`c${winner}`]);
      }
    });

    it('refuses ids Firestore cannot hold or a console reader would misread', async () => {
      const w = world();
      await expect(w.open('a/b', uniqueId('acct'))).rejects.toThrow(LedgerStateError);
      await expect(w.open(uniqueId('run'), '..')).rejects.toMatchObject({ code: 'ledger.bad_id' });
      const opened = await w.open(uniqueId('run'), uniqueId('acct'));
      await expect(
        w.ledger.startRun({
          as: 'ended',
          token: opened.token,
          runId: uniqueId('run'),
          profileId: '__x__',
          accountId: uniqueId('acct'),
          trigger: w.trigger(),
          dryRun: false,
          end: ended('skipped'),
        }),
      ).rejects.toMatchObject({ code: 'ledger.bad_id', metadata: { kind: 'profile id' } });
    });
  });

  describe('runs: takeover and heartbeat', () => {
    it('refuses a takeover while the lease is live, and gives it to exactly one of two contenders once it expired', async () => {
      const w = world();
      const { clock, ledger, other } = w;
      const runId = uniqueId('takeover');
      const { owner } = await w.startLocked({ runId, profileId: uniqueId('pf'), accountId: uniqueId('acct') });
      const early = await ledger.takeOverRun({ runId, owner: 'early', leaseMs: LEASE_MS });
      expect(early).toMatchObject({ outcome: 'refused', run: { lease: { owner }, attempt: 1 } });

      clock.advance(LEASE_MS);
      const [a, b] = await Promise.all([
        ledger.takeOverRun({ runId, owner: 'contender-a', leaseMs: LEASE_MS }),
        other.takeOverRun({ runId, owner: 'contender-b', leaseMs: LEASE_MS }),
      ]);
      expect([a.outcome, b.outcome].sort()).toEqual(['refused', 'taken']);
      const winner = a.outcome === 'taken' ? 'contender-a' : 'contender-b';
      const run = await ledger.readRun(runId);
      expect(run).toMatchObject({ status: 'running', attempt: 2, lease: { owner: winner, until: clock.in(LEASE_MS) } });
      expect(run?.document.takenOverAt).toEqual(clock.now());
      expect((a.outcome === 'taken' ? a : b).run).toEqual(run);
      expect((a.outcome === 'taken' ? b : a).run?.lease?.owner).toBe(winner);
    });

    it('refuses to take over finished and missing runs', async () => {
      const w = world();
      const { clock, ledger } = w;
      const runId = uniqueId('done');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const { owner } = await w.startLocked({ runId, profileId, accountId });
      await ledger.finishRun({ runId, owner, accountId, profileId, end: ended('completed'), account: {} });
      clock.advance(10 * LEASE_MS);
      expect(await ledger.takeOverRun({ runId, owner: 'late', leaseMs: LEASE_MS })).toMatchObject({
        outcome: 'refused',
        run: { status: 'completed', attempt: 1 },
      });
      expect(await ledger.takeOverRun({ runId: uniqueId('missing'), owner: 'x', leaseMs: LEASE_MS })).toEqual({
        outcome: 'refused',
        run: null,
      });
    });

    it('extends the lease and lock of the owner only; a taken-over owner learns it lost both', async () => {
      const w = world();
      const { clock, ledger, other } = w;
      const runId = uniqueId('beat');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const { owner } = await w.startLocked({ runId, profileId, accountId });
      clock.advance(LEASE_MS / 2);
      const beat = await ledger.extendLease({ runId, owner, leaseMs: LEASE_MS, accountId });
      expect(beat).toEqual({ run: 'extended', lock: 'extended', until: clock.in(LEASE_MS) });
      expect((await ledger.readRun(runId))?.lease).toEqual({ owner, until: beat.until });
      expect((await ledger.readAccount(accountId)).lock).toEqual({ runId, profileId, owner, until: beat.until });

      // another account's lock is not this run's to extend
      const foreign = uniqueId('acct');
      const held = await other.acquireLock({
        accountId: foreign,
        profileId: 'someone',
        runId: 'someone',
        owner: 'someone',
        leaseMs: LEASE_MS,
      });
      expect(held).toEqual({ acquired: true, until: clock.in(LEASE_MS) });
      expect(await ledger.extendLease({ runId, owner, leaseMs: 2 * LEASE_MS, accountId: foreign })).toEqual({
        run: 'extended',
        lock: 'lost',
        until: clock.in(2 * LEASE_MS),
      });
      expect((await ledger.readAccount(foreign)).lock).toEqual({
        runId: 'someone',
        profileId: 'someone',
        owner: 'someone',
        until: clock.in(LEASE_MS),
      });

      clock.advance(2 * LEASE_MS);
      expect((await other.takeOverRun({ runId, owner: 'successor', leaseMs: LEASE_MS })).outcome).toBe('taken');
      expect(await ledger.extendLease({ runId, owner, leaseMs: LEASE_MS, accountId })).toEqual({
        run: 'lost',
        lock: 'lost',
        until: clock.in(LEASE_MS),
      });
      expect((await ledger.readRun(runId))?.lease?.owner).toBe('successor');
      expect(await ledger.extendLease({ runId, owner: 'successor', leaseMs: LEASE_MS })).toEqual({
        run: 'extended',
        lock: 'not_requested',
        until: clock.in(LEASE_MS),
      });
    });

    it('regression: an expired lease is lost in extendLease and finishRun even before anyone takes it over', async () => {
      const w = world();
      const { clock, ledger } = w;
      const runId = uniqueId('run');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const { owner } = await w.startLocked({ runId, profileId, accountId });
      const before = await ledger.readAccount(accountId);
      clock.advance(LEASE_MS + 1);
      expect(await ledger.extendLease({ runId, owner, leaseMs: LEASE_MS, accountId })).toEqual({
        run: 'lost',
        lock: 'lost',
        until: clock.in(LEASE_MS),
      });
      expect(
        await ledger.finishRun({
          runId,
          owner,
          accountId,
          profileId,
          end: ended('completed'),
          account: { priceReference: refs({ QRLUSDT: '0.5' }) },
        }),
      ).toMatchObject({ outcome: 'lease_lost', run: { status: 'running', lease: { owner } } });
      expect((await ledger.readRun(runId))?.status).toBe('running');
      expect(await ledger.readAccount(accountId)).toEqual(before);
    });

    it('refuses a lease that is not a positive number of milliseconds', async () => {
      const w = world();
      const runId = uniqueId('run');
      const { owner } = await w.startLocked({ runId, profileId: uniqueId('pf'), accountId: uniqueId('acct') });
      await expect(w.ledger.extendLease({ runId, owner, leaseMs: 0 })).rejects.toMatchObject({
        code: 'ledger.bad_lease',
      });
      await expect(
        w.ledger.acquireLock({ accountId: uniqueId('acct'), profileId: 'p', runId, owner, leaseMs: Number.NaN }),
      ).rejects.toMatchObject({ code: 'ledger.bad_lease' });
      expect((await w.ledger.readRun(runId))?.lease).toEqual({ owner, until: w.clock.in(LEASE_MS) });
    });
  });

  describe('runs: finish', () => {
    it('with the token from startRun: one conditional commit records the intents, counts their fills, releases the lock and ends the run', async () => {
      const w = world();
      const { clock, ledger } = w;
      const runId = uniqueId('run');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const at = clock.now();
      const sendBy = clock.in(2_000);
      const start = await w.startLocked({
        runId,
        profileId,
        accountId,
        intents: [submitted(0, 'fa', sendBy), submitted(1, 'fb', sendBy, { side: 'SELL' })],
      });
      clock.advance(4_000);
      const now = clock.now();
      const finished = await ledger.finishRun({
        runId,
        owner: start.owner,
        accountId,
        profileId,
        token: start.token,
        end: ended('completed', {
          orders: [{ clientOrderId: 'fa', executedQuote: new Big('4.40') }],
          metrics: { durationMs: 4_000 },
        }),
        intents: [
          {
            clientOrderId: 'fa',
            status: 'filled',
            orderId: 'C02__1',
            exchangeStatus: 'FILLED',
            executedQuantity: new Big('10'),
            executedQuote: new Big('4.40'),
            fees: { USDT: new Big('0.0044') },
          },
          {
            clientOrderId: 'fb',
            status: 'canceled',
            orderId: 'C02__2',
            exchangeStatus: 'CANCELED',
            executedQuantity: '0',
            executedQuote: '0',
          },
        ],
        account: { priceReference: refs({ QRLUSDT: '0.44' }) },
      });
      const of = { runId, profileId, accountId, createdAt: at };
      const fa = expectedIntent(
        { ...of, leg: 0, clientOrderId: 'fa' },
        {
          status: 'filled',
          orderId: 'C02__1',
          exchangeStatus: 'FILLED',
          executedQuantity: '10',
          executedQuote: '4.4',
          countedQuote: '4.4',
          fees: { USDT: '0.0044' },
          sendBy,
          recvWindowMs: RECV_WINDOW_MS,
          updatedAt: now,
        },
      );
      const fb = expectedIntent(
        { ...of, leg: 1, clientOrderId: 'fb' },
        {
          side: 'SELL',
          status: 'canceled',
          orderId: 'C02__2',
          exchangeStatus: 'CANCELED',
          sendBy,
          recvWindowMs: RECV_WINDOW_MS,
          updatedAt: now,
        },
      );
      // the finishing commit counts itself: openRun, startRun, finishRun
      expect(finished).toEqual({
        outcome: 'finished',
        finishedAt: now,
        lockReleased: true,
        intents: [fa, fb],
        firestoreCalls: 3,
      });
      expect(ledger.calls()).toBe(3);
      expect(await ledger.listIntents(runId)).toEqual([fa, fb]);

      const run = await ledger.readRun(runId);
      expect(run).toMatchObject({
        status: 'completed',
        reason: null,
        summary: 'the run ended completed',
        attempt: 1,
        startedAt: at,
        finishedAt: now,
        expireAt: retained(now),
        lease: { owner: start.owner, until: new Date(at.getTime() + LEASE_MS) },
      });
      expect(run?.document.orders).toEqual([{ clientOrderId: 'fa', executedQuote: '4.4' }]);
      expect(run?.document.metrics).toEqual({ durationMs: 4_000, firestoreCalls: 3 });
      expect(await ledger.readAccount(accountId)).toEqual(
        emptyAccount(accountId, {
          lastRebalanceAt: now,
          turnover: { day: TODAY, notional: '4.4' },
          priceReference: refs({ QRLUSDT: '0.44' }),
          profiles: {
            [profileId]: { lastRunId: runId, lastRunStatus: 'completed', lastFinishedAt: now, lastCompletedAt: now },
          },
          carriedOver: [],
        }),
      );
    });

    it('with a stale token (another writer recorded an intent meanwhile): falls back, counts each fill once, releases the lock, ends the run', async () => {
      const w = world();
      const { clock, ledger, other } = w;
      const runId = uniqueId('run');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const sendBy = clock.in(2_000);
      const start = await w.startLocked({
        runId,
        profileId,
        accountId,
        intents: [submitted(0, 'sa', sendBy), submitted(1, 'sb', sendBy)],
      });
      clock.advance(1_000);
      // a reconciling run of another profile records sa's fill first
      const reconciled = await other.updateIntent({
        runId,
        clientOrderId: 'sa',
        status: 'filled',
        executedQuantity: '10',
        executedQuote: '4.4',
        byRun: 'reconciler',
      });
      expect(reconciled).toMatchObject({ status: 'filled', countedQuote: '4.4', settledBy: 'reconciler' });
      clock.advance(1_000);
      const finished = await ledger.finishRun({
        runId,
        owner: start.owner,
        accountId,
        profileId,
        token: start.token,
        end: ended('completed'),
        intents: [
          { clientOrderId: 'sa', status: 'filled', executedQuantity: '10', executedQuote: '4.4' },
          { clientOrderId: 'sb', status: 'filled', executedQuantity: '5', executedQuote: '2.2' },
        ],
        account: { priceReference: refs({ QRLUSDT: '0.44' }) },
      });
      const now = clock.now();
      // open, start, the refused commit, sa (read, commit), sb (read, account, commit), the finish (run, account, commit)
      expect(ledger.calls()).toBe(11);
      expect(finished).toMatchObject({ outcome: 'finished', finishedAt: now, lockReleased: true, firestoreCalls: 11 });
      if (finished.outcome !== 'finished') throw new Error('unreachable');
      expect(finished.intents.map((i) => [i.clientOrderId, i.status, i.executedQuote, i.countedQuote])).toEqual([
        ['sa', 'filled', '4.4', '4.4'],
        ['sb', 'filled', '2.2', '2.2'],
      ]);
      expect(finished.intents[0]?.settledBy).toBe('reconciler');
      const account = await ledger.readAccount(accountId);
      expect(account).toEqual(
        emptyAccount(accountId, {
          lastRebalanceAt: now,
          // 4.4 counted by the reconciler, 2.2 by the finish: never 4.4 twice
          turnover: { day: TODAY, notional: '6.6' },
          priceReference: refs({ QRLUSDT: '0.44' }),
          profiles: {
            [profileId]: { lastRunId: runId, lastRunStatus: 'completed', lastFinishedAt: now, lastCompletedAt: now },
          },
          carriedOver: [],
        }),
      );
      const run = await ledger.readRun(runId);
      expect(run).toMatchObject({ status: 'completed', finishedAt: now });
      expect(run?.document.metrics).toEqual({ firestoreCalls: 11 });
    });

    it('without a token: records failures with code and message, and refuses a finish by anyone but the lease owner', async () => {
      const w = world();
      const { ledger } = w;
      const runId = uniqueId('run');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const { owner } = await w.startLocked({ runId, profileId, accountId });
      expect(
        await ledger.finishRun({
          runId,
          owner: 'intruder',
          accountId,
          profileId,
          end: ended('completed'),
          account: {},
        }),
      ).toMatchObject({ outcome: 'lease_lost', run: { status: 'running', lease: { owner } } });
      expect((await ledger.readAccount(accountId)).lock?.owner).toBe(owner);

      const failed = await ledger.finishRun({
        runId,
        owner,
        accountId,
        profileId,
        end: ended(
          'failed',
          { error: { code: 'exchange.rate_limited', message: 'rate limited', retryable: true } },
          'exchange.rate_limited',
        ),
        account: {},
      });
      expect(failed).toEqual({
        outcome: 'finished',
        finishedAt: w.clock.now(),
        lockReleased: true,
        intents: [],
        // every round trip of this view: open, start, the intruder's finish (3), readAccount, this finish (3)
        firestoreCalls: 9,
      });
      expect(await ledger.readRun(runId)).toMatchObject({
        status: 'failed',
        reason: 'exchange.rate_limited',
        document: { error: { code: 'exchange.rate_limited', message: 'rate limited', retryable: true } },
      });
      expect((await ledger.readAccount(accountId)).profiles[profileId]).toEqual({
        lastRunId: runId,
        lastRunStatus: 'failed',
        lastFinishedAt: w.clock.now(),
        lastCompletedAt: null,
      });
      expect(
        await ledger.finishRun({ runId, owner, accountId, profileId, end: ended('completed'), account: {} }),
      ).toMatchObject({ outcome: 'lease_lost', run: { status: 'failed' } });
    });

    it('never finishes a run twice: the token of a run that ended at its start finishes nothing', async () => {
      const w = world();
      const { ledger } = w;
      const runId = uniqueId('run');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const opened = await w.open(runId, accountId);
      const start = started(
        await ledger.startRun({
          as: 'ended',
          token: opened.token,
          runId,
          profileId,
          accountId,
          trigger: w.trigger(),
          dryRun: false,
          end: ended('skipped', {}, 'cooldown'),
        }),
      );
      const before = await ledger.readAccount(accountId);
      w.clock.advance(1_000);
      expect(
        await ledger.finishRun({
          runId,
          owner: 'anyone',
          accountId,
          profileId,
          token: start.token,
          end: ended('completed'),
          account: { priceReference: refs({ QRLUSDT: '9' }) },
        }),
      ).toMatchObject({ outcome: 'lease_lost', run: { status: 'skipped', reason: 'cooldown' } });
      expect(await ledger.readRun(runId)).toEqual(start.run);
      expect(await ledger.readAccount(accountId)).toEqual(before);
    });

    it('releases the lock only when given the account change, with the token or without', async () => {
      const w = world();
      const { ledger } = w;
      const profileId = uniqueId('pf');
      for (const withToken of [true, false]) {
        const runId = uniqueId('run');
        const accountId = uniqueId('acct');
        const start = await w.startLocked({ runId, profileId, accountId });
        const finished = await ledger.finishRun({
          runId,
          owner: start.owner,
          accountId,
          profileId,
          end: ended('failed', {}, 'run.abandoned'),
          ...(withToken ? { token: start.token } : {}),
        });
        expect(finished).toMatchObject({ outcome: 'finished', lockReleased: false });
        expect((await ledger.readAccount(accountId)).lock).toMatchObject({ runId, owner: start.owner });
      }
    });

    it('moves lastCompletedAt only with a completed run', async () => {
      const w = world();
      const { clock, ledger } = w;
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const finishAs = async (status: 'completed' | 'dry_run') => {
        const runId = uniqueId('run');
        const start = await w.startLocked({ runId, profileId, accountId });
        await ledger.finishRun({
          runId,
          owner: start.owner,
          accountId,
          profileId,
          token: start.token,
          end: ended(status),
          account: {},
        });
        return runId;
      };
      await finishAs('completed');
      const completedAt = clock.now();
      clock.advance(15 * 60_000);
      const dry = await finishAs('dry_run');
      expect((await ledger.readAccount(accountId)).profiles).toEqual({
        [profileId]: {
          lastRunId: dry,
          lastRunStatus: 'dry_run',
          lastFinishedAt: clock.now(),
          lastCompletedAt: completedAt,
        },
      });
      // nothing traded: no cool-down, no turnover
      expect(await ledger.readAccount(accountId)).toMatchObject({ lastRebalanceAt: null, turnover: null, lock: null });
    });

    it('does not release a lock someone else holds, and writes nothing after losing the run', async () => {
      const w = world();
      const { clock, ledger, other } = w;
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const runId = uniqueId('run');
      const start = await w.startLocked({ runId, profileId, accountId });
      // the run keeps its own lease alive but lets the account lock run out; another run takes it
      clock.advance(LEASE_MS / 2);
      expect((await ledger.extendLease({ runId, owner: start.owner, leaseMs: LEASE_MS })).run).toBe('extended');
      clock.advance(LEASE_MS / 2 + 1);
      expect(
        await other.acquireLock({ accountId, profileId: 'pf-b', runId: 'run-b', owner: 'owner-b', leaseMs: LEASE_MS }),
      ).toEqual({ acquired: true, until: clock.in(LEASE_MS), abandoned: [runId] });
      const finished = await ledger.finishRun({
        runId,
        owner: start.owner,
        accountId,
        profileId,
        token: start.token,
        end: ended('failed', {}, 'run.lease_lost'),
        account: {},
      });
      expect(finished).toMatchObject({ outcome: 'finished', lockReleased: false });
      expect((await ledger.readAccount(accountId)).lock).toEqual({
        runId: 'run-b',
        profileId: 'pf-b',
        owner: 'owner-b',
        until: clock.in(LEASE_MS),
      });

      const lostRun = uniqueId('run');
      const lostAccount = uniqueId('acct');
      const lost = await w.startLocked({ runId: lostRun, profileId, accountId: lostAccount });
      clock.advance(LEASE_MS);
      expect((await other.takeOverRun({ runId: lostRun, owner: 'successor', leaseMs: LEASE_MS })).outcome).toBe(
        'taken',
      );
      const before = await ledger.readAccount(lostAccount);
      expect(
        await ledger.finishRun({
          runId: lostRun,
          owner: lost.owner,
          accountId: lostAccount,
          profileId,
          token: lost.token,
          end: ended('completed'),
          account: { priceReference: refs({ QRLUSDT: '99' }) },
        }),
      ).toMatchObject({ outcome: 'lease_lost', run: { attempt: 2, lease: { owner: 'successor' } } });
      expect(await ledger.readAccount(lostAccount)).toEqual(before);
      expect(await ledger.readRun(lostRun)).toMatchObject({ status: 'running', attempt: 2 });
    });
  });

  describe('runs: documents as the console shows them', () => {
    it('hold word field names, decimal strings and instants on the run, its intents and its account', async () => {
      const w = world();
      const { clock, ledger } = w;
      const runId = uniqueId('run');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const start = await w.startLocked({
        runId,
        profileId,
        accountId,
        intents: [submitted(0, 'doc0', clock.in(2_000), { quantity: new Big('1e-7'), price: new Big('0.40') })],
      });
      await ledger.finishRun({
        runId,
        owner: start.owner,
        accountId,
        profileId,
        token: start.token,
        end: ended('completed', { value: new Big('123.450') }),
        intents: [{ clientOrderId: 'doc0', status: 'filled', executedQuote: new Big('4e-8'), fees: { QRL: '1e-10' } }],
        account: { priceReference: refs({ QRLUSDT: '0.4' }) },
      });
      const run = (await w.raw(`runs/${runId}`)) ?? {};
      expect(Object.keys(run).sort()).toEqual(
        [
          'account',
          'attempt',
          'dryRun',
          'expireAt',
          'finishedAt',
          'lease',
          'metrics',
          'profile',
          'reason',
          'runId',
          'startedAt',
          'status',
          'summary',
          'trigger',
          'value',
        ].sort(),
      );
      expect(run.value).toBe('123.45');
      expect(run.finishedAt).toEqual(clock.now());
      expect(run.expireAt).toEqual(retained(clock.now()));
      const intent = (await w.raw(`runs/${runId}/orders/doc0`)) ?? {};
      expect(intent).toMatchObject({
        runId,
        profile: profileId,
        account: accountId,
        quantity: '0.0000001',
        price: '0.4',
        executedQuote: '0.00000004',
        countedQuote: '0.00000004',
        fees: { QRL: '0.0000000001' },
        status: 'filled',
      });
      expect(intent.expireAt).toEqual(retained(clock.now()));
      const account = (await w.raw(`accounts/${accountId}`)) ?? {};
      expect(account).toEqual({
        account: accountId,
        lock: null,
        openIntents: {},
        lastRebalanceAt: clock.now(),
        turnover: { day: TODAY, notional: '0.00000004' },
        priceReference: refs({ QRLUSDT: '0.4' }),
        profiles: {
          [profileId]: {
            lastRunId: runId,
            lastRunStatus: 'completed',
            lastFinishedAt: clock.now(),
            lastCompletedAt: clock.now(),
          },
        },
        carriedOver: [],
        createdAt: clock.now(),
        updatedAt: clock.now(),
      });
    });
  });
}
