import Big from 'big.js';
import { emptyBookGuard } from './guards';
import type { BookSide, BookTop } from './market';
import { plan } from './plan';
import { FRESH, NOW, profile, qrlSnapshot } from './test-fixtures';

/**
 * An empty book side as the MEXC adapter reports it (price and quantity 0, the side named in
 * `emptySides`; MEXC docs, 24hr ticker example `"bidQty":"","askQty":""`): the plan skips with
 * `guard:emptyBook` naming the side, whatever the spread limit says, and never throws.
 */

/** A QRL-heavy portfolio that wants to sell ~100 USDT of QRL. */
const heavy = { free: { QRL: '1000', USDT: '300' } };
/** A USDT-heavy one that wants to buy. */
const light = { free: { QRL: '100', USDT: '900' } };

function withEmpty(snapshot: ReturnType<typeof qrlSnapshot>, sides: BookSide[]) {
  const book = snapshot.books.get('QRLUSDT') as BookTop;
  const empty: BookTop = {
    ...book,
    ...(sides.includes('bid') ? { bidPrice: new Big(0), bidQuantity: new Big(0) } : {}),
    ...(sides.includes('ask') ? { askPrice: new Big(0), askQuantity: new Big(0) } : {}),
    emptySides: sides,
  };
  return { ...snapshot, books: new Map([['QRLUSDT', empty]]) };
}

describe('guard emptyBook', () => {
  it('no ask: a buy is skipped naming the sell side, with no orders', () => {
    const p = plan(withEmpty(qrlSnapshot(light), ['ask']), profile({ maxSpreadBps: null }), FRESH, NOW);
    expect(p).toMatchObject({ status: 'skip', skip: 'guard:emptyBook', orders: [] });
    expect(p.reason).toBe("guard emptyBook: no ask on QRLUSDT: the book's sell side is empty");
    expect(p.guards.find((g) => g.guard === 'emptyBook')).toMatchObject({ verdict: 'block' });
  });

  it('no bid: a sell is skipped naming the buy side', () => {
    const p = plan(withEmpty(qrlSnapshot(heavy), ['bid']), profile(), FRESH, NOW);
    expect(p.skip).toBe('guard:emptyBook');
    expect(p.reason).toBe("guard emptyBook: no bid on QRLUSDT: the book's buy side is empty");
  });

  it('both sides empty: both are named, and the valuation does not throw', () => {
    const p = plan(withEmpty(qrlSnapshot(heavy), ['bid', 'ask']), profile(), FRESH, NOW);
    // with no price at all QRL is valued at 0, so the plan wants to buy; the guard stops it
    expect(p).toMatchObject({ status: 'skip', skip: 'guard:emptyBook', orders: [] });
    const v = emptyBookGuard([...withEmpty(qrlSnapshot(heavy), ['bid', 'ask']).books.values()]);
    expect(v).toEqual({
      guard: 'emptyBook',
      verdict: 'block',
      reason: "no ask on QRLUSDT: the book's sell side is empty; no bid on QRLUSDT: the book's buy side is empty",
    });
  });

  it('a book quoted on both sides: the guard passes and is not listed in the plan (plans stay as before)', () => {
    const p = plan(qrlSnapshot({ ...heavy, lastPrice: '0.5' }), profile(), FRESH, NOW);
    expect(p.status).toBe('trade');
    expect(p.guards.map((g) => g.guard)).not.toContain('emptyBook');
    expect(emptyBookGuard([...qrlSnapshot(heavy).books.values()])).toMatchObject({ verdict: 'pass' });
  });

  it('a price of 0 without emptySides is still the spread guard\'s "empty or crossed" (older callers)', () => {
    const p = plan(qrlSnapshot({ ...heavy, bid: '0', ask: '0.5' }), profile({ maxSpreadBps: null }), FRESH, NOW);
    expect(p.skip).toBe('guard:spread');
  });
});
