import Big from 'big.js';
import { compactUtc } from '../../../shared/src/domain/time';
import { DAY_MS, RETENTION_DAYS, uniqueId, type World } from './setup';

let seconds = 0;
/** Distinct snapshot seconds per call, so tests sharing a store never collide on a snapshot id. */
function uniqueSecond(): number {
  seconds += 1;
  return seconds * 1000 + Math.floor(Math.random() * 1_000_000) * 1000;
}

/**
 * snapshots/{yyyymmddThhmmssZ}: create() semantics. The account is never written: the price-move
 * guard's reference belongs to the runs, which age it (a snapshot that reset it would defeat it).
 */
export function describeSnapshots(world: () => World): void {
  describe('snapshots', () => {
    it('are recorded once per second under yyyymmddThhmmssZ with expireAt, and leave the account alone', async () => {
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
      });
      const id = compactUtc(at);
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
      expect(await w.raw(`accounts/${accountId}`)).toBeNull();

      // the same second again, from another instance: nothing is written, the reference stays
      clock.advance(500);
      const second = await other.recordSnapshot({
        at: clock.now(),
        profileId: 'default',
        accountId,
        data: { value: '1' },
      });
      expect(second).toEqual({ id, outcome: 'existing' });
      expect((await w.raw(`snapshots/${id}`))?.value).toBe('100.5');
    });

    it('record the account they were taken of only when given one', async () => {
      const w = world();
      const { clock, ledger } = w;
      const accountId = uniqueId('acct');
      clock.advance(uniqueSecond());
      const withAccount = await ledger.recordSnapshot({ at: clock.now(), profileId: 'p', accountId, data: {} });
      expect(withAccount.outcome).toBe('recorded');
      expect(await w.raw(`snapshots/${withAccount.id}`)).toMatchObject({ account: accountId, profile: 'p' });
      clock.advance(uniqueSecond());
      const withoutAccount = await ledger.recordSnapshot({
        at: clock.now(),
        profileId: 'p',
        data: {},
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
