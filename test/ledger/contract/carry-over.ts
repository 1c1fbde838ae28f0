import type { StoredRecord } from '../../../shared/src/ports/ledger';
import { DAY_MS, emptyAccount, ended, LEASE_MS, RETENTION_DAYS, refs, TODAY, uniqueId, type World } from './setup';

const MIN_MS = 60_000;
const HOUR_MS = 60 * MIN_MS;

/** `portfolios/{profileId}` as v1 wrote it: the safety state of one profile. */
function v1Portfolio(profile: string, fields: StoredRecord = {}): StoredRecord {
  return { profile, lock: null, openIntents: {}, claims: {}, turnover: null, lastRebalanceAt: null, ...fields };
}

/** `runs/{id}` as v1 claimed it: no account, the answer under `report`. */
function v1Run(runId: string, profile: string, at: Date, fields: StoredRecord = {}): StoredRecord {
  return {
    runId,
    profile,
    status: 'running',
    reason: null,
    trigger: { kind: 'scheduler' },
    dryRun: false,
    attempt: 1,
    lease: { owner: 'v1-owner', until: new Date(at.getTime() + LEASE_MS) },
    startedAt: at,
    finishedAt: null,
    report: null,
    plan: null,
    snapshot: null,
    result: null,
    metrics: null,
    error: null,
    expireAt: new Date(at.getTime() + RETENTION_DAYS * DAY_MS),
    ...fields,
  };
}

/** `runs/{id}/orders/{clientOrderId}` as v1 wrote it: no account, no settledBy. */
function v1Intent(
  run: string,
  profile: string,
  clientOrderId: string,
  at: Date,
  fields: StoredRecord = {},
): StoredRecord {
  return {
    run,
    profile,
    attempt: 1,
    leg: 0,
    clientOrderId,
    symbol: 'QRLUSDT',
    side: 'BUY',
    type: 'LIMIT',
    quantity: '10',
    quoteQuantity: null,
    price: '0.4',
    status: 'submitted',
    orderId: null,
    exchangeStatus: null,
    executedQuantity: '0',
    executedQuote: '0',
    countedQuote: '0',
    fees: {},
    error: null,
    sendBy: at,
    recvWindowMs: null,
    createdAt: at,
    updatedAt: at,
    expireAt: new Date(at.getTime() + RETENTION_DAYS * DAY_MS),
    ...fields,
  };
}

/** v1 kept the safety state per profile; the first openRun of an account takes it over, once. */
export function describeCarryOver(world: () => World): void {
  describe('carry-over of v1 portfolios', () => {
    it('the first openRun of an account carries every profile’s lock, turnover, cool-down, open intents, claims and prices into it', async () => {
      const w = world();
      const { clock, ledger, other } = w;
      const now = clock.now();
      const ago = (ms: number) => new Date(now.getTime() - ms);
      const [p1, p2, p3] = [uniqueId('v1a'), uniqueId('v1b'), uniqueId('v1c')];
      const absent = uniqueId('v1none');
      await w.writeRaw({
        [`portfolios/${p1}`]: v1Portfolio(p1, {
          lock: { runId: 'v1-run-a', owner: 'v1-owner-a', until: clock.in(30_000) },
          lastRunId: 'v1-run-a0',
          lastRunStatus: 'completed',
          lastFinishedAt: ago(2 * HOUR_MS),
          lastCompletedAt: ago(2 * HOUR_MS),
          lastRebalanceAt: ago(2 * HOUR_MS),
          turnover: { day: TODAY, notional: '10.5' },
          lastPrices: { QRLUSDT: '0.4' },
          lastPricesAt: ago(2 * HOUR_MS),
          openIntents: { o1: 'v1-run-a0' },
          updatedAt: ago(2 * HOUR_MS),
        }),
        [`portfolios/${p2}`]: v1Portfolio(p2, {
          lock: { runId: 'v1-run-b', owner: 'v1-owner-b', until: ago(10 * MIN_MS) },
          lastRunId: 'v1-run-b0',
          lastRunStatus: 'failed',
          lastFinishedAt: ago(30 * MIN_MS),
          lastCompletedAt: null,
          lastRebalanceAt: ago(30 * MIN_MS),
          turnover: { day: TODAY, notional: '4.25' },
          lastPrices: { QRLUSDT: '0.42', QRLBTC: '0.000004' },
          lastPricesAt: ago(30 * MIN_MS),
          openIntents: { o2: 'v1-run-b0' },
          claims: { 'v1-run-c': ago(5 * MIN_MS) },
        }),
        [`portfolios/${p3}`]: v1Portfolio(p3, {
          lastRebalanceAt: ago(DAY_MS),
          // another day's turnover is not today's
          turnover: { day: '2031-03-13', notional: '99' },
          lastPrices: { QRLUSDT: '0.39' },
          lastPricesAt: ago(DAY_MS),
          claims: { 'v1-run-d': clock.in(5 * MIN_MS) },
        }),
      });
      const accountId = uniqueId('acct');
      const expected = emptyAccount(accountId, {
        // the lock that is still live, with the profile whose run holds it
        lock: { runId: 'v1-run-a', profileId: p1, owner: 'v1-owner-a', until: clock.in(30_000) },
        // the latest cool-down of any profile
        lastRebalanceAt: ago(30 * MIN_MS),
        // today's turnover summed over the profiles
        turnover: { day: TODAY, notional: '14.75' },
        // the newest price per symbol
        priceReference: refs({ QRLUSDT: '0.42', QRLBTC: '0.000004' }, ago(30 * MIN_MS)),
        openIntents: { o1: 'v1-run-a0', o2: 'v1-run-b0' },
        claims: { 'v1-run-c': ago(5 * MIN_MS), 'v1-run-d': clock.in(5 * MIN_MS) },
        profiles: {
          [p1]: {
            lastRunId: 'v1-run-a0',
            lastRunStatus: 'completed',
            lastFinishedAt: ago(2 * HOUR_MS),
            lastCompletedAt: ago(2 * HOUR_MS),
          },
          [p2]: {
            lastRunId: 'v1-run-b0',
            lastRunStatus: 'failed',
            lastFinishedAt: ago(30 * MIN_MS),
            lastCompletedAt: null,
          },
        },
        carriedOver: [p1, p2, p3].sort(),
      });

      const runId = uniqueId('run');
      const opened = await w.open(runId, accountId, ledger, [p1, p2, p3, absent]);
      expect(opened.run).toBeNull();
      expect(opened.account).toEqual(expected);
      // run + account, the v1 portfolios, the new account document
      expect(ledger.calls()).toBe(3);
      expect(await w.raw(`accounts/${accountId}`)).toMatchObject({
        account: accountId,
        carriedOver: [p1, p2, p3].sort(),
        createdAt: now,
        updatedAt: now,
      });

      // once: a later change to a v1 document is never read again
      await w.store.commit([
        { op: 'merge', path: `portfolios/${p1}`, data: { turnover: { day: TODAY, notional: '500' }, lock: null } },
      ]);
      const again = await w.open(uniqueId('run'), accountId, other, [p1, p2, p3, absent]);
      expect(again.account).toEqual(expected);
      expect(other.calls()).toBe(1);

      // the carried lock holds off v2 runs until it expires; then its run and the expired claim are named
      expect(
        await ledger.acquireLock({ accountId, profileId: p2, runId, owner: 'v2-owner', leaseMs: LEASE_MS }),
      ).toMatchObject({ acquired: false, holder: { runId: 'v1-run-a', profileId: p1 } });
      clock.advance(30_000);
      expect(
        await ledger.acquireLock({ accountId, profileId: p2, runId, owner: 'v2-owner', leaseMs: LEASE_MS }),
      ).toEqual({ acquired: true, until: clock.in(LEASE_MS), abandoned: ['v1-run-a', 'v1-run-c'] });
    });

    it('with no v1 document, carries nothing: the account starts empty and says it looked, once', async () => {
      const w = world();
      const { ledger } = w;
      const accountId = uniqueId('acct');
      const profileId = uniqueId('pf');
      const opened = await w.open(uniqueId('run'), accountId, ledger, [profileId]);
      expect(opened.account).toEqual(emptyAccount(accountId, { carriedOver: [] }));
      expect(ledger.calls()).toBe(3); // run + account, the v1 portfolios, the account created
      const fresh = ledger.fresh();
      await w.open(uniqueId('run'), accountId, fresh, [profileId]);
      expect(fresh.calls()).toBe(1);
    });

    it('regression: an account document written before the first run does not make the v1 state be lost', async () => {
      const w = world();
      const { ledger } = w;
      const profileId = uniqueId('v1');
      const accountId = uniqueId('acct');
      await w.writeRaw({
        [`portfolios/${profileId}`]: v1Portfolio(profileId, {
          turnover: { day: TODAY, notional: '500' },
          lastRebalanceAt: w.clock.now(),
          openIntents: { s1: 'v1-run-s' },
          lastPrices: { QRLUSDT: '0.1' },
          lastPricesAt: w.clock.now(),
        }),
      });
      // something writes the account before the first v2 rebalance (a hand in the console, a newer version)
      await w.mergeRaw(`accounts/${accountId}`, { account: accountId, note: 'created by hand' });
      const opened = await w.open(uniqueId('run'), accountId, ledger.fresh(), [profileId]);
      expect(opened.account).toMatchObject({
        turnover: { day: TODAY, notional: '500' },
        lastRebalanceAt: w.clock.now(),
        openIntents: { s1: 'v1-run-s' },
        priceReference: refs({ QRLUSDT: '0.1' }, w.clock.now()),
        carriedOver: [profileId],
      });
      // the portfolio is marked, so a second account (a rotated key) does not import it again
      expect(await w.raw(`portfolios/${profileId}`)).toMatchObject({ carriedInto: accountId });
      const second = await w.open(uniqueId('run'), uniqueId('acct'), ledger.fresh(), [profileId]);
      expect(second.account).toMatchObject({ turnover: null, openIntents: {}, carriedOver: [] });
    });

    it('two processes opening the first run at once carry over once and see the same account', async () => {
      const w = world();
      const profileId = uniqueId('v1');
      const accountId = uniqueId('acct');
      await w.writeRaw({
        [`portfolios/${profileId}`]: v1Portfolio(profileId, {
          turnover: { day: TODAY, notional: '7' },
          lastRebalanceAt: w.clock.now(),
          openIntents: { x1: 'v1-run-x' },
        }),
      });
      const [a, b] = await Promise.all([
        w.open(uniqueId('run'), accountId, w.ledger, [profileId]),
        w.open(uniqueId('run'), accountId, w.other, [profileId]),
      ]);
      const expected = emptyAccount(accountId, {
        turnover: { day: TODAY, notional: '7' },
        lastRebalanceAt: w.clock.now(),
        openIntents: { x1: 'v1-run-x' },
        carriedOver: [profileId],
      });
      expect(a.account).toEqual(expected);
      expect(b.account).toEqual(expected);
      expect(await w.ledger.readAccount(accountId)).toEqual(expected);
    });

    it('reconciles a v1 intent (no account field) through the account that carried it over', async () => {
      const w = world();
      const { clock, ledger } = w;
      const now = clock.now();
      const profileId = uniqueId('v1');
      const accountId = uniqueId('acct');
      const v1run = uniqueId('v1run');
      await w.writeRaw({
        [`portfolios/${profileId}`]: v1Portfolio(profileId, {
          turnover: { day: TODAY, notional: '1' },
          openIntents: { o1: v1run, o2: v1run },
        }),
        [`runs/${v1run}`]: v1Run(v1run, profileId, new Date(now.getTime() - HOUR_MS)),
        [`runs/${v1run}/orders/o1`]: v1Intent(v1run, profileId, 'o1', now),
        [`runs/${v1run}/orders/o2`]: v1Intent(v1run, profileId, 'o2', now, {
          leg: 1,
          status: 'open',
          orderId: 'C02__7',
          executedQuantity: '2.5',
          executedQuote: '1',
          countedQuote: '1',
        }),
      });
      await w.open(uniqueId('run'), accountId, ledger, [profileId]);
      const unsettled = await ledger.listUnsettledIntents(accountId);
      expect(unsettled.map((i) => [i.runId, i.clientOrderId, i.status, i.profileId, i.accountId])).toEqual([
        [v1run, 'o1', 'submitted', profileId, accountId],
        [v1run, 'o2', 'open', profileId, accountId],
      ]);
      expect(unsettled[0]?.settledBy).toBeNull();

      clock.advance(1_000);
      const filled = await ledger.updateIntent({
        runId: v1run,
        clientOrderId: 'o1',
        status: 'filled',
        executedQuantity: '5',
        executedQuote: '2',
        accountId,
        byRun: 'v2-run',
      });
      expect(filled).toMatchObject({ status: 'filled', accountId, countedQuote: '2', settledBy: 'v2-run' });
      expect((await w.raw(`runs/${v1run}/orders/o1`))?.account).toBe(accountId);
      expect(await ledger.readAccount(accountId)).toMatchObject({
        openIntents: { o2: v1run },
        // v1 counted o2's 1 already; o1's 2 joins it
        turnover: { day: TODAY, notional: '3' },
        lastRebalanceAt: clock.now(),
      });
      await ledger.updateIntent({
        runId: v1run,
        clientOrderId: 'o2',
        status: 'canceled',
        executedQuantity: '2.5',
        executedQuote: '1',
        accountId,
      });
      expect(await ledger.listUnsettledIntents(accountId)).toEqual([]);
      expect(await ledger.readAccount(accountId)).toMatchObject({
        openIntents: {},
        turnover: { day: TODAY, notional: '3' },
      });
    });

    it('names a v1 run claimed but never locked as abandoned, and clears its claim when it is closed', async () => {
      const w = world();
      const { clock, ledger } = w;
      const now = clock.now();
      const profileId = uniqueId('v1');
      const accountId = uniqueId('acct');
      const v1run = uniqueId('v1run');
      const claimedAt = new Date(now.getTime() - 2 * LEASE_MS);
      await w.writeRaw({
        [`portfolios/${profileId}`]: v1Portfolio(profileId, {
          claims: { [v1run]: new Date(claimedAt.getTime() + LEASE_MS) },
        }),
        [`runs/${v1run}`]: v1Run(v1run, profileId, claimedAt),
      });
      const opened = await w.open(uniqueId('run'), accountId, ledger, [profileId]);
      expect(opened.account.claims).toEqual({ [v1run]: new Date(claimedAt.getTime() + LEASE_MS) });
      const v1 = await ledger.readRun(v1run);
      expect(v1).toMatchObject({ runId: v1run, profileId, accountId: null, status: 'running', summary: null });

      expect(
        await ledger.acquireLock({ accountId, profileId: 'v2', runId: 'closer', owner: 'closer', leaseMs: LEASE_MS }),
      ).toEqual({ acquired: true, until: clock.in(LEASE_MS), abandoned: [v1run] });
      expect(await ledger.takeOverRun({ runId: v1run, owner: 'closer/closing', leaseMs: LEASE_MS })).toMatchObject({
        outcome: 'taken',
        run: { attempt: 2 },
      });
      expect(
        await ledger.finishRun({
          runId: v1run,
          owner: 'closer/closing',
          accountId,
          profileId,
          end: ended('failed', { error: { code: 'run.abandoned' } }, 'run.abandoned'),
        }),
      ).toEqual({ outcome: 'finished', finishedAt: clock.now(), lockReleased: false, intents: [], firestoreCalls: 11 });
      const account = await ledger.readAccount(accountId);
      expect(account.claims).toEqual({});
      expect(account.lock).toMatchObject({ runId: 'closer', owner: 'closer' });
      expect(account.profiles[profileId]).toEqual({
        lastRunId: v1run,
        lastRunStatus: 'failed',
        lastFinishedAt: clock.now(),
        lastCompletedAt: null,
      });
      const closed = await ledger.readRun(v1run);
      expect(closed).toMatchObject({ status: 'failed', reason: 'run.abandoned', attempt: 2, accountId: null });
      // openRun (run + account, v1 portfolios, new account), readRun, the lock (read, commit),
      // the takeover (read, commit), the finish (run, account, commit)
      expect(closed?.document.metrics).toEqual({ firestoreCalls: 11 });
    });

    it('still answers a v1 run that finished: its summary is the v1 report’s message', async () => {
      const w = world();
      const runId = uniqueId('v1run');
      const at = new Date(w.clock.now().getTime() - HOUR_MS);
      await w.writeRaw({
        [`runs/${runId}`]: v1Run(runId, 'default', at, {
          status: 'skipped',
          reason: 'within_band',
          finishedAt: at,
          report: { message: 'drift 0.4% is within the 2% band', status: 'skipped' },
        }),
      });
      expect(await w.ledger.readRun(runId)).toMatchObject({
        runId,
        profileId: 'default',
        accountId: null,
        status: 'skipped',
        reason: 'within_band',
        summary: 'drift 0.4% is within the 2% band',
        finishedAt: at,
      });
    });
  });
}
