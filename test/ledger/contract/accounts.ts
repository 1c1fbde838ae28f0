import { emptyAccount, ended, LEASE_MS, started, submitted, uniqueId, type World } from './setup';

/** accounts/{id}: one lock (and one safety state) per MEXC account, shared by all its profiles. */
export function describeAccounts(world: () => World): void {
  describe('accounts: the lock', () => {
    it('reads a never-used account as empty, and writes nothing for it', async () => {
      const w = world();
      const accountId = uniqueId('acct');
      expect(await w.ledger.readAccount(accountId)).toEqual(emptyAccount(accountId));
      expect(await w.raw(`accounts/${accountId}`)).toBeNull();
    });

    it('gives the lock to exactly one of 10 concurrent runs of different profiles; the others see the holder, its profile and expiry', async () => {
      const w = world();
      const accountId = uniqueId('acct');
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? w.other : w.ledger).acquireLock({
            accountId,
            profileId: `pf-${i}`,
            runId: `run-${i}`,
            owner: `owner-${i}`,
            leaseMs: LEASE_MS,
          }),
        ),
      );
      const winners = results.flatMap((r, i) => (r.acquired ? [i] : []));
      expect(winners).toHaveLength(1);
      const winner = winners[0] as number;
      const holder = {
        runId: `run-${winner}`,
        profileId: `pf-${winner}`,
        owner: `owner-${winner}`,
        until: w.clock.in(LEASE_MS),
      };
      for (const [i, result] of results.entries()) {
        expect(result).toEqual(i === winner ? { acquired: true, until: holder.until } : { acquired: false, holder });
      }
      expect((await w.ledger.readAccount(accountId)).lock).toEqual(holder);
    });

    it('is released only by its owner', async () => {
      const w = world();
      const { ledger, other } = w;
      const accountId = uniqueId('acct');
      expect(await ledger.releaseLock({ accountId, owner: 'nobody' })).toEqual({ outcome: 'not_held' });
      await ledger.acquireLock({ accountId, profileId: 'pa', runId: 'run-a', owner: 'owner-a', leaseMs: LEASE_MS });
      expect(await other.releaseLock({ accountId, owner: 'owner-b' })).toEqual({
        outcome: 'not_owner',
        holder: { runId: 'run-a', profileId: 'pa', owner: 'owner-a', until: w.clock.in(LEASE_MS) },
      });
      expect(
        (await ledger.acquireLock({ accountId, profileId: 'pb', runId: 'run-b', owner: 'owner-b', leaseMs: LEASE_MS }))
          .acquired,
      ).toBe(false);
      expect(await ledger.releaseLock({ accountId, owner: 'owner-a' })).toEqual({ outcome: 'released' });
      expect((await ledger.readAccount(accountId)).lock).toBeNull();
      expect(
        await ledger.acquireLock({ accountId, profileId: 'pb', runId: 'run-b', owner: 'owner-b', leaseMs: LEASE_MS }),
      ).toEqual({ acquired: true, until: w.clock.in(LEASE_MS) });
    });

    it('can be taken once the holder’s lease expired, naming the dead holder, and is adopted by a later attempt of the same run', async () => {
      const w = world();
      const { clock, ledger } = w;
      const accountId = uniqueId('acct');
      await ledger.acquireLock({ accountId, profileId: 'pa', runId: 'run-a', owner: 'a-attempt-1', leaseMs: LEASE_MS });
      // the takeover of run-a already proved attempt 1 dead: attempt 2 adopts its lock, live or not
      expect(
        await ledger.acquireLock({
          accountId,
          profileId: 'pa',
          runId: 'run-a',
          owner: 'a-attempt-2',
          leaseMs: LEASE_MS,
        }),
      ).toEqual({ acquired: true, until: clock.in(LEASE_MS) });
      expect(await ledger.releaseLock({ accountId, owner: 'a-attempt-1' })).toMatchObject({ outcome: 'not_owner' });
      clock.advance(LEASE_MS - 1);
      expect(
        await ledger.acquireLock({ accountId, profileId: 'pb', runId: 'run-b', owner: 'b', leaseMs: LEASE_MS }),
      ).toMatchObject({ acquired: false, holder: { runId: 'run-a', owner: 'a-attempt-2' } });
      clock.advance(1);
      expect(
        await ledger.acquireLock({ accountId, profileId: 'pb', runId: 'run-b', owner: 'b', leaseMs: LEASE_MS }),
      ).toEqual({
        acquired: true,
        until: clock.in(LEASE_MS),
        // the dead holder is named, so the new holder can close its run
        abandoned: ['run-a'],
      });
      expect((await ledger.readAccount(accountId)).lock).toEqual({
        runId: 'run-b',
        profileId: 'pb',
        owner: 'b',
        until: clock.in(LEASE_MS),
      });
    });

    it('is one lock for all profiles of the account: a run of one profile holds off the others; another account is free', async () => {
      const w = world();
      const { ledger, other } = w;
      const accountId = uniqueId('acct');
      const runA = uniqueId('run');
      const start = await w.startLocked({ runId: runA, profileId: 'profile-a', accountId });
      const holder = { runId: runA, profileId: 'profile-a', owner: start.owner, until: w.clock.in(LEASE_MS) };

      const runB = uniqueId('run');
      const opened = await w.open(runB, accountId, other);
      expect(opened.run).toBeNull();
      expect(opened.account.lock).toEqual(holder);
      expect(
        await other.acquireLock({
          accountId,
          profileId: 'profile-b',
          runId: runB,
          owner: 'owner-b',
          leaseMs: LEASE_MS,
        }),
      ).toEqual({ acquired: false, holder });
      // profile b ends its run as `locked`; the lock stays a's
      started(
        await other.startRun({
          as: 'ended',
          token: opened.token,
          runId: runB,
          profileId: 'profile-b',
          accountId,
          trigger: w.trigger(),
          dryRun: false,
          end: ended('skipped', {}, 'locked'),
        }),
      );
      const account = await ledger.readAccount(accountId);
      expect(account.lock).toEqual(holder);
      expect(account.profiles['profile-b']).toMatchObject({ lastRunId: runB, lastRunStatus: 'skipped' });

      const elsewhere = uniqueId('acct');
      expect(
        await other.acquireLock({
          accountId: elsewhere,
          profileId: 'profile-b',
          runId: runB,
          owner: 'owner-b',
          leaseMs: LEASE_MS,
        }),
      ).toEqual({ acquired: true, until: w.clock.in(LEASE_MS) });
    });

    for (const existing of [false, true]) {
      it(`two processes starting runs of different profiles on ${existing ? 'an existing' : 'a new'} account at once: exactly one holds the lock, the other is conflict and sees it on reading again`, async () => {
        const w = world();
        const { clock, ledger, other } = w;
        const accountId = uniqueId('acct');
        if (existing) {
          await ledger.acquireLock({
            accountId,
            profileId: 'earlier',
            runId: 'earlier',
            owner: 'e',
            leaseMs: LEASE_MS,
          });
          await ledger.releaseLock({ accountId, owner: 'e' });
        }
        const contenders = [
          { via: ledger, runId: uniqueId('run-a'), profileId: 'profile-a', owner: 'owner-a', intent: 'ia' },
          { via: other, runId: uniqueId('run-b'), profileId: 'profile-b', owner: 'owner-b', intent: 'ib' },
        ];
        const opened = await Promise.all(contenders.map((c) => w.open(c.runId, accountId, c.via)));
        const results = await Promise.all(
          contenders.map((c, i) =>
            c.via.startRun({
              as: 'locked',
              token: (opened[i] as (typeof opened)[number]).token,
              runId: c.runId,
              profileId: c.profileId,
              accountId,
              trigger: w.trigger(),
              dryRun: false,
              owner: c.owner,
              leaseMs: LEASE_MS,
              intents: [submitted(0, c.intent, clock.in(1_000))],
            }),
          ),
        );
        expect(results.map((r) => r.outcome).sort()).toEqual(['conflict', 'started']);
        const winner = results[0]?.outcome === 'started' ? 0 : 1;
        const won = contenders[winner] as (typeof contenders)[number];
        const lost = contenders[1 - winner] as (typeof contenders)[number];
        const holder = { runId: won.runId, profileId: won.profileId, owner: won.owner, until: clock.in(LEASE_MS) };

        // the loser wrote nothing: no run, no intent, no open entry
        expect(await ledger.readRun(lost.runId)).toBeNull();
        expect(await ledger.listIntents(lost.runId)).toEqual([]);
        const again = await w.open(lost.runId, accountId, lost.via);
        expect(again.run).toBeNull();
        expect(again.account.lock).toEqual(holder);
        expect(again.account.openIntents).toEqual({ [won.intent]: won.runId });
        expect(await ledger.readRun(won.runId)).toMatchObject({ status: 'running', lease: { owner: won.owner } });
        expect((await ledger.listUnsettledIntents(accountId)).map((i) => i.clientOrderId)).toEqual([won.intent]);
      });
    }
  });
}
