import Big from 'big.js';
import { ended, expectedIntent, LEASE_MS, order, submitted, TODAY, uniqueId, type World } from './setup';

/** runs/{id}/orders/{clientOrderId}: written before sending, moved only forward, each fill counted once. */
export function describeIntents(world: () => World): void {
  /** A resumed attempt's intent: the run holds its lease and the lock, the intent is written `pending`. */
  async function pendingIntent(w: World, accountId = uniqueId('acct')) {
    const runId = uniqueId('run');
    const profileId = uniqueId('pf');
    const { owner } = await w.startLocked({ runId, profileId, accountId });
    const clientOrderId = `${runId.slice(-8)}s`;
    await w.ledger.writeIntents({
      runId,
      profileId,
      accountId,
      attempt: 1,
      intents: [{ leg: 0, order: order(clientOrderId) }],
    });
    return { runId, profileId, accountId, owner, clientOrderId };
  }

  describe('intents: written ahead', () => {
    it('are written as pending with decimal strings and expireAt, listed by leg, and indexed on the account', async () => {
      const w = world();
      const { clock, ledger } = w;
      const runId = uniqueId('run');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      const written = await ledger.writeIntents({
        runId,
        profileId,
        accountId,
        attempt: 2,
        intents: [
          { leg: 1, order: order('wb', { quantity: new Big('1e-8') }) },
          {
            leg: 0,
            order: order('wa', {
              side: 'SELL',
              type: 'MARKET',
              quantity: undefined,
              price: undefined,
              quoteQuantity: new Big('5.000'),
            }),
          },
        ],
      });
      const of = { runId, profileId, accountId, createdAt: clock.now() };
      const wa = expectedIntent(
        { ...of, leg: 0, clientOrderId: 'wa' },
        { attempt: 2, side: 'SELL', type: 'MARKET', quantity: null, price: null, quoteQuantity: '5' },
      );
      const wb = expectedIntent({ ...of, leg: 1, clientOrderId: 'wb' }, { attempt: 2, quantity: '0.00000001' });
      expect(written).toEqual([wb, wa]);
      expect(await ledger.listIntents(runId)).toEqual([wa, wb]);
      expect((await ledger.readAccount(accountId)).openIntents).toEqual({ wa: runId, wb: runId });
    });

    it('refuses to overwrite an existing intent and then writes none of the batch', async () => {
      const w = world();
      const { ledger } = w;
      const runId = uniqueId('run');
      const profileId = uniqueId('pf');
      const accountId = uniqueId('acct');
      await ledger.writeIntents({
        runId,
        profileId,
        accountId,
        attempt: 1,
        intents: [{ leg: 0, order: order('dupA') }],
      });
      await expect(
        ledger.writeIntents({
          runId,
          profileId,
          accountId,
          attempt: 2,
          intents: [
            { leg: 0, order: order('freshB') },
            { leg: 1, order: order('dupA') },
          ],
        }),
      ).rejects.toMatchObject({ code: 'ledger.intent_exists' });
      await expect(
        ledger.writeIntents({
          runId,
          profileId,
          accountId,
          attempt: 2,
          intents: [
            { leg: 0, order: order('twice') },
            { leg: 1, order: order('twice') },
          ],
        }),
      ).rejects.toMatchObject({ code: 'ledger.intent_exists' });
      expect((await ledger.listIntents(runId)).map((i) => [i.clientOrderId, i.attempt])).toEqual([['dupA', 1]]);
      expect((await ledger.readAccount(accountId)).openIntents).toEqual({ dupA: runId });
    });

    it('records exchange outcomes and lists the unsettled intents of the account across runs and profiles', async () => {
      const w = world();
      const { clock, ledger, other } = w;
      const accountId = uniqueId('acct');
      const elsewhere = uniqueId('acct');
      const runA = uniqueId('runA');
      const runB = uniqueId('runB');
      const runC = uniqueId('runC');
      const intents = (ids: string[]) => ids.map((id, leg) => ({ leg, order: order(id) }));
      await ledger.writeIntents({
        runId: runA,
        profileId: 'profile-a',
        accountId,
        attempt: 1,
        intents: intents(['a0', 'a1', 'a2']),
      });
      clock.advance(1_000);
      // another profile, another process, the same account
      await other.writeIntents({
        runId: runB,
        profileId: 'profile-b',
        accountId,
        attempt: 1,
        intents: intents(['b0']),
      });
      await ledger.writeIntents({
        runId: runC,
        profileId: 'profile-a',
        accountId: elsewhere,
        attempt: 1,
        intents: intents(['c0']),
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
        exchangeStatus: 'FILLED',
        executedQuantity: '12.5',
        executedQuote: '5.40125',
        countedQuote: '5.40125',
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

      const unsettled = await other.listUnsettledIntents(accountId);
      expect(unsettled.map((i) => `${i.profileId}/${i.runId}/${i.clientOrderId}:${i.status}`)).toEqual([
        `profile-a/${runA}/a1:unknown`,
        `profile-b/${runB}/b0:pending`,
      ]);
      expect(unsettled[0]?.error).toEqual({ code: 'exchange.unknown_outcome', message: 'timeout' });
      expect((await ledger.readAccount(accountId)).openIntents).toEqual({ a1: runA, b0: runB });

      // settling the rest empties the list; a final status never moves back (absent → open is refused)
      await ledger.updateIntent({
        runId: runA,
        clientOrderId: 'a1',
        status: 'partially_filled',
        executedQuantity: '3',
      });
      await other.updateIntent({ runId: runB, clientOrderId: 'b0', status: 'rejected' });
      expect(await ledger.listUnsettledIntents(accountId)).toEqual([]);
      expect((await ledger.readAccount(accountId)).openIntents).toEqual({});
      const late = await ledger.updateIntent({ runId: runA, clientOrderId: 'a2', status: 'open', orderId: 'C02__9' });
      expect(late).toMatchObject({ status: 'absent', orderId: null });
      expect(await ledger.listUnsettledIntents(accountId)).toEqual([]);
      expect((await ledger.listUnsettledIntents(elsewhere)).map((i) => `${i.runId}/${i.clientOrderId}`)).toEqual([
        `${runC}/c0`,
      ]);
    });

    it('names the run that settled an intent for another run (settledBy), only once it is final', async () => {
      const w = world();
      const a = await pendingIntent(w);
      const ref = { runId: a.runId, clientOrderId: a.clientOrderId, byRun: 'reconciler' };
      expect(await w.ledger.updateIntent({ ...ref, status: 'open', orderId: 'C02__5' })).toMatchObject({
        status: 'open',
        settledBy: null,
      });
      expect(await w.ledger.updateIntent({ ...ref, status: 'canceled' })).toMatchObject({
        status: 'canceled',
        orderId: 'C02__5',
        settledBy: 'reconciler',
      });
      // its own run recording it names nobody
      const b = await pendingIntent(w);
      expect(
        await w.ledger.updateIntent({
          runId: b.runId,
          clientOrderId: b.clientOrderId,
          status: 'rejected',
          byRun: b.runId,
        }),
      ).toMatchObject({ status: 'rejected', settledBy: null });
    });

    it('refuses to update an intent that was never written', async () => {
      const w = world();
      await expect(
        w.ledger.updateIntent({ runId: uniqueId('run'), clientOrderId: 'nope', status: 'filled' }),
      ).rejects.toMatchObject({ code: 'ledger.intent_not_found' });
    });
  });

  describe('intents: conditional transitions (a stalled attempt can never send late)', () => {
    it('regression: pending → submitted needs the intent still pending and a live run lease and account lock of this owner', async () => {
      const w = world();
      const { clock, ledger, other } = w;
      const a = await pendingIntent(w);
      const sendBy = clock.in(5_000);
      const ok = await ledger.submitIntent({ ...a, sendBy, recvWindowMs: 5_000 });
      expect(ok).toMatchObject({ outcome: 'submitted', intent: { status: 'submitted', sendBy, recvWindowMs: 5_000 } });
      expect((await ledger.listIntents(a.runId))[0]).toMatchObject({
        status: 'submitted',
        sendBy,
        recvWindowMs: 5_000,
      });
      // submitted once: a second submit is refused
      expect(await other.submitIntent({ ...a, sendBy })).toMatchObject({
        outcome: 'refused',
        reason: 'not_pending',
        intent: { status: 'submitted' },
      });

      // the lease ran out and nobody took over yet: still refused
      const b = await pendingIntent(w);
      clock.advance(LEASE_MS + 1);
      expect(await ledger.submitIntent({ ...b, sendBy: clock.now() })).toMatchObject({
        outcome: 'refused',
        reason: 'lease_lost',
        intent: { status: 'pending', sendBy: null },
      });
      // another owner never submits someone else's intent
      const c = await pendingIntent(w);
      expect(await other.submitIntent({ ...c, owner: 'intruder', sendBy: clock.now() })).toMatchObject({
        outcome: 'refused',
        reason: 'lease_lost',
      });
      // the run lease is live but the account lock went to another run (of another profile)
      const d = await pendingIntent(w);
      await other.releaseLock({ accountId: d.accountId, owner: d.owner });
      await other.acquireLock({
        accountId: d.accountId,
        profileId: 'thief',
        runId: 'thief',
        owner: 'thief',
        leaseMs: LEASE_MS,
      });
      expect(await ledger.submitIntent({ ...d, sendBy: clock.now() })).toMatchObject({
        outcome: 'refused',
        reason: 'lease_lost',
      });
      // the lock of the right owner but on another account proves nothing either
      const e = await pendingIntent(w);
      expect(await ledger.submitIntent({ ...e, accountId: uniqueId('acct'), sendBy: clock.now() })).toMatchObject({
        outcome: 'refused',
        reason: 'lease_lost',
      });
      for (const x of [b, c, d, e]) expect((await ledger.listIntents(x.runId))[0]?.status).toBe('pending');
    });

    it('regression: updateIntent with onlyFrom writes nothing when the intent moved on', async () => {
      const w = world();
      const { clock, ledger, other } = w;
      const a = await pendingIntent(w);
      await ledger.submitIntent({ ...a, sendBy: clock.now() });
      const moved = await ledger.updateIntent({
        runId: a.runId,
        clientOrderId: a.clientOrderId,
        status: 'absent',
        onlyFrom: ['pending'],
      });
      expect(moved.status).toBe('submitted');
      expect((await ledger.readAccount(a.accountId)).openIntents).toEqual({ [a.clientOrderId]: a.runId });
      const absent = await other.updateIntent({
        runId: a.runId,
        clientOrderId: a.clientOrderId,
        status: 'absent',
        onlyFrom: ['submitted', 'unknown'],
      });
      expect(absent.status).toBe('absent');
      expect((await ledger.readAccount(a.accountId)).openIntents).toEqual({});
    });

    it('regression: updateIntent never lowers fills and never moves a status backwards, whoever writes', async () => {
      const w = world();
      const { clock, ledger, other } = w;
      const a = await pendingIntent(w);
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
      expect(stale).toMatchObject({ status: 'filled', executedQuantity: '10', executedQuote: '5', countedQuote: '5' });
      expect(await ledger.updateIntent({ ...ref, status: 'unknown' })).toMatchObject({ status: 'filled' });
      expect(await ledger.updateIntent({ ...ref, status: 'pending' })).toMatchObject({ status: 'filled' });
      expect((await ledger.readAccount(a.accountId)).openIntents).toEqual({});
      // within one rank, fills still only grow
      const b = await pendingIntent(w);
      const refB = { runId: b.runId, clientOrderId: b.clientOrderId };
      await ledger.updateIntent({
        ...refB,
        status: 'open',
        orderId: 'C02__2',
        executedQuantity: '4',
        executedQuote: '2',
      });
      const lower = await ledger.updateIntent({ ...refB, status: 'open', executedQuantity: '1', executedQuote: '0.5' });
      expect(lower).toMatchObject({ status: 'open', executedQuantity: '4', executedQuote: '2', countedQuote: '2' });
      // sent and unknown are one rank: an unknown answer may be told again as submitted, and back
      const c = await pendingIntent(w);
      await ledger.submitIntent({ ...c, sendBy: clock.now() });
      const refC = { runId: c.runId, clientOrderId: c.clientOrderId };
      expect(await ledger.updateIntent({ ...refC, status: 'unknown' })).toMatchObject({ status: 'unknown' });
      expect(await ledger.updateIntent({ ...refC, status: 'pending' })).toMatchObject({ status: 'unknown' });
    });
  });

  describe('intents: turnover, every fill counted once in the write that records it', () => {
    it('adds the quote filled above the countedQuote watermark to the account’s turnover today and starts the cool-down, whoever records it, for any profile', async () => {
      const w = world();
      const { clock, ledger, other } = w;
      const accountId = uniqueId('acct');
      const write = async (profileId: string, clientOrderId: string) => {
        const runId = uniqueId('run');
        await ledger.writeIntents({
          runId,
          profileId,
          accountId,
          attempt: 1,
          intents: [{ leg: 0, order: order(clientOrderId) }],
        });
        return { runId, clientOrderId };
      };
      const a = await write('profile-a', 'ta');
      expect((await ledger.listIntents(a.runId))[0]?.countedQuote).toBe('0');
      // a status word without fills counts nothing
      await ledger.updateIntent({ ...a, status: 'open', orderId: 'T1' });
      expect(await ledger.readAccount(accountId)).toMatchObject({ turnover: null, lastRebalanceAt: null });

      const partial = await ledger.updateIntent({ ...a, status: 'open', executedQuantity: '4', executedQuote: '2' });
      expect(partial).toMatchObject({ executedQuote: '2', countedQuote: '2' });
      expect(await ledger.readAccount(accountId)).toMatchObject({
        turnover: { day: TODAY, notional: '2' },
        lastRebalanceAt: clock.now(),
      });
      const firstFillAt = clock.now();

      clock.advance(60_000);
      // the same answer again, from another instance: nothing new was filled, nothing is added
      await other.updateIntent({ ...a, status: 'open', executedQuantity: '4', executedQuote: '2' });
      // a stale, lower answer neither lowers the fill nor the count
      await ledger.updateIntent({ ...a, status: 'open', executedQuantity: '1', executedQuote: '0.5' });
      expect(await ledger.readAccount(accountId)).toMatchObject({
        turnover: { day: TODAY, notional: '2' },
        lastRebalanceAt: firstFillAt,
      });

      // the rest of the fill adds only the difference
      const filled = await other.updateIntent({ ...a, status: 'filled', executedQuantity: '10', executedQuote: '5' });
      expect(filled).toMatchObject({ executedQuote: '5', countedQuote: '5' });
      expect(await ledger.readAccount(accountId)).toMatchObject({
        turnover: { day: TODAY, notional: '5' },
        lastRebalanceAt: clock.now(),
      });

      // another profile's fill on the same account joins the same turnover
      const b = await write('profile-b', 'tb');
      await ledger.updateIntent({ ...b, status: 'filled', executedQuantity: '3', executedQuote: '1.25' });
      expect((await ledger.readAccount(accountId)).turnover).toEqual({ day: TODAY, notional: '6.25' });
    });

    it('adds nothing when a run finishes with fills already recorded, on either finish path', async () => {
      const w = world();
      const { clock, ledger, other } = w;
      const accountId = uniqueId('acct');
      const profileId = uniqueId('pf');
      for (const [i, withToken] of [true, false].entries()) {
        const runId = uniqueId('run');
        const start = await w.startLocked({
          runId,
          profileId,
          accountId,
          intents: [submitted(0, `done${i}`, clock.in(1_000))],
        });
        const fill = { status: 'filled' as const, executedQuantity: '3', executedQuote: '1.25' };
        await other.updateIntent({ runId, clientOrderId: `done${i}`, ...fill });
        const finished = await ledger.finishRun({
          runId,
          owner: start.owner,
          accountId,
          profileId,
          end: ended('completed'),
          intents: [{ clientOrderId: `done${i}`, ...fill }],
          account: {},
          ...(withToken ? { token: start.token } : {}),
        });
        expect(finished).toMatchObject({ outcome: 'finished', lockReleased: true });
      }
      expect((await ledger.readAccount(accountId)).turnover).toEqual({ day: TODAY, notional: '2.5' });
    });

    it('regression: a finish that names one intent twice counts its fill once', async () => {
      const w = world();
      const { clock, ledger } = w;
      const accountId = uniqueId('acct');
      const profileId = uniqueId('pf');
      const runId = uniqueId('run');
      const start = await w.startLocked({
        runId,
        profileId,
        accountId,
        intents: [submitted(0, 'twice', clock.in(1_000))],
      });
      const fill = { clientOrderId: 'twice', status: 'filled' as const, executedQuantity: '10', executedQuote: '4' };
      const finished = await ledger.finishRun({
        runId,
        owner: start.owner,
        accountId,
        profileId,
        token: start.token,
        end: ended('completed'),
        intents: [fill, fill],
        account: {},
      });
      expect(finished).toMatchObject({ outcome: 'finished', lockReleased: true });
      expect((await ledger.readAccount(accountId)).turnover).toEqual({ day: TODAY, notional: '4' });
      expect((await ledger.listIntents(runId))[0]).toMatchObject({ status: 'filled', countedQuote: '4' });
    });

    it('counts a fill toward the UTC day it is recorded on: what was counted the day before stays there', async () => {
      const w = world();
      const { clock, ledger } = w;
      const accountId = uniqueId('acct');
      const runId = uniqueId('run');
      await ledger.writeIntents({
        runId,
        profileId: 'p',
        accountId,
        attempt: 1,
        intents: [
          { leg: 0, order: order('d0') },
          { leg: 1, order: order('d1') },
        ],
      });
      clock.advance(2 * 60 * 60_000 - 60_000); // 23:59 UTC
      await ledger.updateIntent({
        runId,
        clientOrderId: 'd0',
        status: 'open',
        executedQuantity: '4',
        executedQuote: '2',
      });
      expect((await ledger.readAccount(accountId)).turnover).toEqual({ day: TODAY, notional: '2' });
      clock.advance(2 * 60_000); // 00:01 UTC, the next day
      await ledger.updateIntent({
        runId,
        clientOrderId: 'd0',
        status: 'filled',
        executedQuantity: '10',
        executedQuote: '5',
      });
      expect((await ledger.readAccount(accountId)).turnover).toEqual({ day: '2031-03-15', notional: '3' });
      await ledger.updateIntent({
        runId,
        clientOrderId: 'd1',
        status: 'filled',
        executedQuantity: '1',
        executedQuote: '0.5',
      });
      expect(await ledger.readAccount(accountId)).toMatchObject({
        turnover: { day: '2031-03-15', notional: '3.5' },
        lastRebalanceAt: clock.now(),
      });
    });

    it('regression: concurrent writers recording the same fill count it once', async () => {
      const w = world();
      const { ledger, other } = w;
      const accountId = uniqueId('acct');
      const runId = uniqueId('run');
      await ledger.writeIntents({
        runId,
        profileId: 'p',
        accountId,
        attempt: 1,
        intents: [{ leg: 0, order: order('cc') }],
      });
      const writers = [ledger, other, ledger, other, ledger, other];
      await Promise.all(
        writers.map((l) =>
          l.updateIntent({ runId, clientOrderId: 'cc', status: 'filled', executedQuantity: '7', executedQuote: '3.5' }),
        ),
      );
      expect((await ledger.readAccount(accountId)).turnover).toEqual({ day: TODAY, notional: '3.5' });
      expect((await ledger.listIntents(runId))[0]).toMatchObject({ executedQuote: '3.5', countedQuote: '3.5' });
    });
  });
}
