import Big from 'big.js';
import { DAY_MS, emptyAccount, RETENTION_DAYS, uniqueId, type World } from './setup';

let seconds = 0;
/** Distinct snapshot seconds per call, so tests sharing a store never collide on a snapshot id. */
function uniqueSecond(): number {
  seconds += 1;
  return seconds * 1000 + Math.floor(Math.random() * 1_000_000) * 1000;
}

/** snapshots/{yyyymmddThhmmssZ}: create() semantics, and the account's price reference in the same batch. */
export function describeSnapshots(world: () => World): void {
  describe('snapshots', () => {
    it('are recorded once per second under yyyymmddThhmmssZ with expireAt, refreshing the account’s price reference', async () => {
      const w = world();
      const { clock, ledger, other } = w;
      const accountId = uniqueId('acct');
      clock.advance(uniqueSecond());
      const at = clock.in(123);
      const first = await ledger.recordSnapshot({
        at,
        profileId: 'default',
        accountId,
        data: { value: new Big('100.50'), weights: { QRL: '0.5', USDT: '0.5' } },
        prices: { QRLUSDT: new Big('0.440') },
      });
      const id = at
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
      expect(id).toMatch(/^\d{8}T\d{6}Z$/);
      expect(first).toEqual({ id, outcome: 'recorded' });
      expect(await w.raw(`snapshots/${id}`)).toEqual({
        value: '100.5',
        weights: { QRL: '0.5', USDT: '0.5' },
        at,
        profile: 'default',
        account: accountId,
        expireAt: new Date(clock.now().getTime() + RETENTION_DAYS * DAY_MS),
      });
      // the price reference is as of the snapshot's instant
      expect(await ledger.readAccount(accountId)).toEqual(
        emptyAccount(accountId, { lastPrices: { QRLUSDT: '0.44' }, lastPricesAt: at }),
      );

      // the same second again, from another instance: nothing is written, the reference stays
      clock.advance(500);
      const second = await other.recordSnapshot({
        at: clock.now(),
        profileId: 'default',
        accountId,
        data: { value: '1' },
        prices: { QRLUSDT: '9' },
      });
      expect(second).toEqual({ id, outcome: 'existing' });
      expect((await w.raw(`snapshots/${id}`))?.value).toBe('100.5');
      expect(await ledger.readAccount(accountId)).toEqual(
        emptyAccount(accountId, { lastPrices: { QRLUSDT: '0.44' }, lastPricesAt: at }),
      );
    });

    it('leave the account alone without prices or without an account', async () => {
      const w = world();
      const { clock, ledger } = w;
      const accountId = uniqueId('acct');
      clock.advance(uniqueSecond());
      const withoutPrices = await ledger.recordSnapshot({ at: clock.now(), profileId: 'p', accountId, data: {} });
      expect(withoutPrices.outcome).toBe('recorded');
      expect(await w.raw(`snapshots/${withoutPrices.id}`)).toMatchObject({ account: accountId, profile: 'p' });
      clock.advance(uniqueSecond());
      const withoutAccount = await ledger.recordSnapshot({
        at: clock.now(),
        profileId: 'p',
        data: {},
        prices: { QRLUSDT: '1' },
      });
      expect(withoutAccount.outcome).toBe('recorded');
      expect(Object.keys((await w.raw(`snapshots/${withoutAccount.id}`)) ?? {}).sort()).toEqual([
        'at',
        'expireAt',
        'profile',
      ]);
      expect(await w.raw(`accounts/${accountId}`)).toBeNull();
    });
  });
}
