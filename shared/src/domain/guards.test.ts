import Big from 'big.js';
import { balanceGuard, cooldownGuard, depthGuard, turnoverGuard } from './guards';
import { plan } from './plan';
import type { PlannedOrder } from './sizing';
import { balances, depth, FRESH, hoursAgo, NOW, profile, qrlSnapshot } from './test-fixtures';

/** A QRL-heavy portfolio that wants to sell ~100 USDT of QRL. */
const heavy = { free: { QRL: '1000', USDT: '300' } };

function blockedBy(p: ReturnType<typeof plan>, guard: string) {
  const v = p.guards.find((g) => g.guard === guard);
  expect(v?.verdict).toBe('block');
  return v?.reason ?? '';
}

const order = (over: Partial<PlannedOrder>): PlannedOrder => ({
  leg: 0,
  asset: 'QRL',
  symbol: 'QRLUSDT',
  side: 'SELL',
  type: 'IMMEDIATE_OR_CANCEL',
  quantity: new Big('100'),
  price: new Big('0.5'),
  expectedPrice: new Big('0.5'),
  notional: new Big('50'),
  fee: new Big('0.05'),
  feeRate: new Big('0.001'),
  expectedCost: new Big('0.3'),
  worth: new Big('5'),
  ...over,
});

describe('guards', () => {
  it('every guard passes on a healthy market and reports its numbers', () => {
    const p = plan(qrlSnapshot({ ...heavy, lastPrice: '0.5' }), profile(), FRESH, NOW);
    expect(p.status).toBe('trade');
    expect(p.guards.map((g) => [g.guard, g.verdict])).toEqual([
      ['cooldown', 'pass'],
      ['spread', 'pass'],
      ['priceBounds', 'pass'],
      ['priceMove', 'pass'],
      ['tradingStatus', 'pass'],
      ['balance', 'pass'],
      ['turnover', 'pass'],
      ['depth', 'pass'],
    ]);
    expect(p.guards.find((g) => g.guard === 'priceMove')?.reason).toMatch(/QRLUSDT moved 10 bps/);
  });

  it('cooldown: blocks a rebalance too soon after the last one', () => {
    const p = plan(qrlSnapshot(heavy), profile(), { lastRebalanceAt: hoursAgo(0.5), turnover: null }, NOW);
    expect(p).toMatchObject({ status: 'skip', skip: 'cooldown', orders: [] });
    expect(p.reason).toBe('cooldown: last rebalance 30 min ago, cooldown 60 min');
    expect(plan(qrlSnapshot(heavy), profile(), { lastRebalanceAt: hoursAgo(2), turnover: null }, NOW).status).toBe(
      'trade',
    );
  });

  it('cooldown: a last rebalance in the future blocks (clock problem)', () => {
    const v = cooldownGuard(profile(), { lastRebalanceAt: hoursAgo(-1), turnover: null }, NOW);
    expect(v).toMatchObject({ verdict: 'block' });
    expect(v.reason).toMatch(/in the future/);
  });

  it('turnover: blocks when today plus the plan exceeds the daily cap; yesterday does not count', () => {
    const today = { lastRebalanceAt: null, turnover: { day: '2026-03-10', notional: new Big('1950') } };
    const p = plan(qrlSnapshot(heavy), profile(), today, NOW);
    expect(p.skip).toBe('guard:turnover');
    expect(blockedBy(p, 'turnover')).toMatch(/^turnover today 1950 USDT \+ planned 99\.\d+ USDT > cap 2000 USDT$/);
    const yesterday = { lastRebalanceAt: null, turnover: { day: '2026-03-09', notional: new Big('1950') } };
    expect(plan(qrlSnapshot(heavy), profile(), yesterday, NOW).status).toBe('trade');
    expect(turnoverGuard(profile({ maxDailyTurnover: null }), [order({})], today, NOW).verdict).toBe('pass');
  });

  it('spread: blocks a wide spread, and an empty book even with no limit', () => {
    const wide = plan(qrlSnapshot({ ...heavy, bid: '0.5', ask: '0.52' }), profile(), FRESH, NOW);
    expect(wide.skip).toBe('guard:spread');
    expect(blockedBy(wide, 'spread')).toBe('QRLUSDT spread 392.2 bps > max 100 bps');
    const empty = plan(qrlSnapshot({ ...heavy, bid: '0', ask: '0.5' }), profile({ maxSpreadBps: null }), FRESH, NOW);
    expect(empty.skip).toBe('guard:spread');
    expect(blockedBy(empty, 'spread')).toMatch(/book is empty or crossed/);
    expect(empty.orders).toEqual([]);
  });

  it('priceBounds: blocks a mid outside the sanity bounds', () => {
    const p = plan(qrlSnapshot(heavy), profile({ priceBounds: { QRLUSDT: { min: '0.01', max: '0.4' } } }), FRESH, NOW);
    expect(p.skip).toBe('guard:priceBounds');
    expect(blockedBy(p, 'priceBounds')).toBe('QRLUSDT price 0.5005 is above the bound 0.4');
  });

  it('priceMove: blocks a jump since the last snapshot; no previous price passes', () => {
    const p = plan(qrlSnapshot({ ...heavy, lastPrice: '0.4' }), profile(), FRESH, NOW);
    expect(p.skip).toBe('guard:priceMove');
    expect(blockedBy(p, 'priceMove')).toMatch(/QRLUSDT moved 2513 bps \(0\.4 → 0\.5005\) > max 1000 bps/);
    expect(plan(qrlSnapshot(heavy), profile(), FRESH, NOW).guards[3]?.reason).toMatch(/no previous price/);
  });

  it('tradingStatus: blocks a symbol closed to API trading or refusing the order type', () => {
    const closed = plan(qrlSnapshot({ ...heavy, rules: { tradable: false } }), profile(), FRESH, NOW);
    expect(closed.skip).toBe('guard:tradingStatus');
    expect(blockedBy(closed, 'tradingStatus')).toBe('QRLUSDT is not open to API trading');
    const noMarket = plan(
      qrlSnapshot({ ...heavy, rules: { orderTypes: ['LIMIT', 'IMMEDIATE_OR_CANCEL'] } }),
      profile({ orderType: 'market' }),
      FRESH,
      NOW,
    );
    expect(blockedBy(noMarket, 'tradingStatus')).toMatch(/does not accept MARKET orders/);
  });

  it('balance: re-checks orders against the raw balances', () => {
    const p = profile({ reserves: { QRL: '10', USDT: '5' } });
    const funds = balances({ QRL: '100', USDT: '50' });
    expect(balanceGuard(p, [order({ quantity: new Big('90') })], funds).verdict).toBe('pass');
    const over = balanceGuard(p, [order({ quantity: new Big('90.01') })], funds);
    expect(over).toMatchObject({ verdict: 'block', reason: 'sell 90.01 QRL > free 100 − reserve 10' });
    const buy = order({ side: 'BUY', notional: new Big('45'), fee: new Big('0.045') });
    expect(balanceGuard(p, [buy], funds).reason).toBe('buys need 45.045 USDT incl. fees > free 50 − reserve 5');
  });

  it('depth: blocks when the book within the limit price cannot fill the order', () => {
    const thin = depth(
      'QRLUSDT',
      [
        ['0.5', '50'],
        ['0.498', '60'],
        ['0.49', '100000'],
      ],
      [['0.501', '10']],
    );
    const p = plan(qrlSnapshot({ ...heavy, depth: thin }), profile(), FRESH, NOW);
    expect(p.skip).toBe('guard:depth');
    expect(blockedBy(p, 'depth')).toMatch(/^QRLUSDT 110 QRL within 0\.4975, order 200\.\d+: not enough depth/);
    const missing = plan(qrlSnapshot({ ...heavy, depth: null }), profile(), FRESH, NOW);
    expect(blockedBy(missing, 'depth')).toBe('no depth for QRLUSDT in the snapshot');
    expect(plan(qrlSnapshot({ ...heavy, depth: null }), profile({ checkDepth: false }), FRESH, NOW).status).toBe(
      'trade',
    );
    expect(depthGuard(profile(), [order({ type: 'LIMIT_MAKER' })], undefined).verdict).toBe('pass');
  });

  it('market guards win over a below-minimum result; guards are recorded even when nothing triggers', () => {
    const calm = plan(
      qrlSnapshot({ free: { QRL: '1000', USDT: '500' }, bid: '0.5', ask: '0.52' }),
      profile(),
      FRESH,
      NOW,
    );
    expect(calm.skip).toBe('within_band');
    expect(calm.guards).toHaveLength(8);
  });
});
