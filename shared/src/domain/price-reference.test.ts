import Big from 'big.js';
import { plan } from './plan';
import {
  DEFAULT_REFERENCE_POLICY,
  nextPriceReference,
  type PriceReference,
  priceReferenceFromJson,
  priceReferenceToJson,
  type ReferencePolicy,
} from './price-reference';
import { FRESH, profile, qrlSnapshot } from './test-fixtures';

const T0 = new Date('2026-03-10T12:00:00.000Z');
const min = (m: number) => new Date(T0.getTime() + m * 60_000);
const policy: ReferencePolicy = { maxMoveBps: 1000, ...DEFAULT_REFERENCE_POLICY };
const ref = (price: string, at = min(-15)): PriceReference => ({ price: new Big(price), at, move: null });

/** runs every 15 minutes at the given prices, from a reference of 0.5 */
function runs(prices: string[], start: PriceReference = ref('0.5'), every = 15) {
  let stored: PriceReference | null = start;
  return prices.map((p, i) => {
    const d = nextPriceReference('QRLUSDT', stored, new Big(p), min(i * every), policy);
    stored = d.reference;
    return d;
  });
}

describe('nextPriceReference (issue #15 item 11)', () => {
  it('no reference yet: the price becomes it', () => {
    expect(nextPriceReference('QRLUSDT', null, new Big('0.5'), T0, policy)).toMatchObject({
      outcome: 'first',
      blocked: false,
      reference: { price: new Big('0.5'), at: T0, move: null },
    });
  });

  it('within the limit, or with the guard off: the reference follows the price', () => {
    const d = nextPriceReference('QRLUSDT', ref('0.5'), new Big('0.52'), T0, policy);
    expect(d).toMatchObject({ outcome: 'followed', blocked: false });
    expect(d.reference.price.toFixed()).toBe('0.52');
    const off = nextPriceReference('QRLUSDT', ref('0.5'), new Big('0.9'), T0, { ...policy, maxMoveBps: null });
    expect(off).toMatchObject({ outcome: 'followed', blocked: false, message: 'QRLUSDT price-move guard off' });
  });

  it('a move that holds 3 runs and 30 min becomes the reference (15-minute schedule: the third run)', () => {
    const [a, b, c] = runs(['0.8', '0.81', '0.79']);
    expect([a?.outcome, b?.outcome, c?.outcome]).toEqual(['pending', 'pending', 'adopted']);
    expect([a?.blocked, b?.blocked, c?.blocked]).toEqual([true, true, false]);
    // while pending, the old reference stays what the guard measures from
    expect(b?.reference.price.toFixed()).toBe('0.5');
    expect(b?.reference.move).toMatchObject({ price: new Big('0.8'), since: T0, runs: 2 });
    expect(c?.reference).toEqual({ price: new Big('0.79'), at: min(30), move: null });
    expect(c?.message).toBe(
      'QRLUSDT moved 5800 bps (0.5 → 0.79) held for 3 runs over 30 min at 0.8: it is the new reference',
    );
  });

  it('the skip message says what unblocks it', () => {
    const [a] = runs(['0.8']);
    expect(a?.message).toBe(
      'QRLUSDT moved 6000 bps (0.5 → 0.8) > max 1000 bps; blocked run 1 at this level since 2026-03-10T12:00:00.000Z: ' +
        'the price becomes the new reference if it stays within 1000 bps of 0.8 for 2 more blocked run(s) and until 2026-03-10T12:30:00.000Z, ' +
        'or trading resumes at once if it returns within 1000 bps of 0.5',
    );
  });

  it('both conditions: 3 quick runs are not enough, 2 runs over an hour are not either', () => {
    expect(runs(['0.8', '0.8', '0.8', '0.8'], ref('0.5'), 5).map((d) => d.outcome)).toEqual([
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    expect(runs(['0.8', '0.8', '0.8', '0.8', '0.8', '0.8', '0.8'], ref('0.5'), 5).at(-1)?.outcome).toBe('adopted');
    expect(runs(['0.8', '0.8'], ref('0.5'), 60).map((d) => d.outcome)).toEqual(['pending', 'pending']);
  });

  it('a price that runs on beyond the limit starts the count again at its new level', () => {
    const [, b, c] = runs(['0.8', '1.2', '1.2']);
    expect(b?.reference.move).toMatchObject({ price: new Big('1.2'), since: min(15), runs: 1 });
    expect(c?.outcome).toBe('pending');
    expect(c?.reference.move?.runs).toBe(2);
  });

  it('a price back within the limit of the old reference unblocks at once and drops the pending move', () => {
    const [, b] = runs(['0.8', '0.51']);
    expect(b).toMatchObject({ outcome: 'followed', blocked: false });
    expect(b?.reference.move).toBeNull();
  });

  it('a clock that goes backwards does not count as time held', () => {
    const first = nextPriceReference('QRLUSDT', ref('0.5'), new Big('0.8'), min(60), policy);
    const back = nextPriceReference('QRLUSDT', first.reference, new Big('0.8'), min(0), policy);
    const third = nextPriceReference('QRLUSDT', back.reference, new Big('0.8'), min(10), policy);
    expect(third.outcome).toBe('pending');
  });

  it('round-trips through the ledger form', () => {
    const [, b] = runs(['0.8', '0.8']);
    const stored = b?.reference as PriceReference;
    const json = priceReferenceToJson(stored);
    expect(json).toEqual({
      price: '0.5',
      at: '2026-03-10T11:45:00.000Z',
      move: { price: '0.8', since: '2026-03-10T12:00:00.000Z', runs: 2 },
    });
    expect(priceReferenceFromJson(json)).toEqual(stored);
  });

  it('with plan(): pending keeps guard:priceMove, adopted lets the plan trade at the new level', () => {
    const heavy = { free: { QRL: '1000', USDT: '300' }, bid: '0.8', ask: '0.801' };
    const p = profile({ maxPriceMoveBps: 1000 });
    const decisions = runs(['0.8005', '0.8005', '0.8005']);
    const planned = decisions.map((d) =>
      plan({ ...qrlSnapshot(heavy), lastPrices: new Map([['QRLUSDT', d.reference.price]]) }, p, FRESH, min(45)),
    );
    expect(planned.map((x) => x.skip ?? x.status)).toEqual(['guard:priceMove', 'guard:priceMove', 'trade']);
  });
});
