import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Big from 'big.js';
import type { PortfolioState } from './guards';
import type { Balance, BookTop, Depth, OrderType, SymbolRules } from './market';
import { type Plan, type PlanSnapshot, plan } from './plan';
import { planToJson } from './plan-json';
import { parseProfile, type StrategyProfile } from './profile';
import { floorToStep } from './rounding';
import { utcDay } from './time';

/**
 * Golden master for plan(): performance work on the domain must not change a single byte of what it
 * plans or says. Several thousand seeded scenarios (profiles of every mode, rebalanceTo and order
 * policy, 2 and 3 assets, broken books, guards that block, cool-downs, reserves) are planned, and
 * each plan is hashed twice: as planToJson (what the ledger stores, reasons included) and as a full
 * dump of the Plan object (every field, also the ones the ledger leaves out, such as quoteQuantity
 * and the holdings' `available`). The digests were recorded from the code before any optimisation;
 * a change in them means plan() behaves differently, which is a bug unless the strategy itself was
 * meant to change (then record the new digests in the same commit, and say why).
 */
const SCENARIOS = 6000;

/** mulberry32: the same numbers on every machine and every fast-check version. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Scenario {
  snapshot: PlanSnapshot;
  profile: StrategyProfile;
  state: PortfolioState;
  now: Date;
}

const GRIDS = [
  { tick: '0.0001', step: '0.01', minTicks: 10, maxTicks: 50_000 },
  { tick: '0.01', step: '0.00001', minTicks: 10_000, maxTicks: 5_000_000 },
  { tick: '0.001', step: '1', minTicks: 1, maxTicks: 20_000 },
] as const;
const ALL_TYPES: OrderType[] = ['LIMIT', 'MARKET', 'LIMIT_MAKER', 'IMMEDIATE_OR_CANCEL', 'FILL_OR_KILL'];
const NOW_BASE = Date.UTC(2026, 2, 10, 12);
const HOUR = 3_600_000;

function scenario(random: () => number): Scenario {
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)] as T;
  const chance = (p: number) => random() < p;
  const dec = (maxUnits: number, dp: number) => new Big(int(0, maxUnits * 10 ** dp)).div(10 ** dp);

  const assets = chance(0.5) ? ['QRL', 'ABC'] : ['QRL'];
  const quote = 'USDT';
  const raw = [...assets, quote].map(() => int(1, 100));
  const sum = raw.reduce((s, x) => s + x, 0);
  const parts = raw.map((x) => Math.floor((x * 1000) / sum));
  parts[parts.length - 1] = 1000 - parts.slice(0, -1).reduce((s, x) => s + x, 0);
  const weights = chance(0.3)
    ? [...assets, quote].map((_, i, a) =>
        i === a.length - 1 ? 1000 - (a.length - 1) * Math.floor(1000 / a.length) : Math.floor(1000 / a.length),
      )
    : parts;
  const targets = Object.fromEntries(
    [...assets, quote].map((a, i) => [a, new Big(weights[i] ?? 0).div(1000).toFixed()]),
  );

  const mode = pick(['threshold', 'periodic', 'hybrid'] as const);
  const bandAbs = chance(0.7) ? new Big(int(1, 200)).div(1000).toFixed() : null;
  const bandRel = chance(0.4) ? new Big(int(5, 100)).div(100).toFixed() : null;
  const rebalanceTo = pick(['target', 'bandEdge'] as const);
  const cooldownH = pick([0, 1, 4]);
  const markets = assets.map((asset) => {
    const grid = pick(GRIDS);
    const tick = new Big(grid.tick);
    const step = new Big(grid.step);
    const ticks = int(grid.minTicks, grid.maxTicks);
    const symbol = `${asset}${quote}`;
    const bookKind = pick([
      'normal',
      'normal',
      'normal',
      'normal',
      'normal',
      'normal',
      'wide',
      'empty',
      'crossed',
      'oneSided',
    ]);
    let bid = tick.times(ticks);
    let ask = bid.plus(tick.times(bookKind === 'wide' ? int(50, 2000) : int(0, 40)));
    if (bookKind === 'empty') {
      bid = new Big(0);
      ask = new Big(0);
    } else if (bookKind === 'crossed') ask = bid.minus(tick);
    else if (bookKind === 'oneSided') bid = new Big(0);
    const rules: SymbolRules = {
      symbol,
      baseAsset: asset,
      quoteAsset: quote,
      tradable: !chance(0.03),
      tickSize: tick,
      stepSize: step,
      minQuantity: step.times(pick([0, 1, 10])),
      maxQuantity: chance(0.3) ? step.times(int(1, 100_000)).times(1000) : null,
      minNotional: new Big(pick(['1', '5', '0.5'])),
      maxNotional: chance(0.9) ? new Big('2000000') : new Big(pick(['50', '300'])),
      orderTypes: chance(0.05) ? ['LIMIT', 'LIMIT_MAKER'] : ALL_TYPES,
      makerCommission: new Big(pick(['0', '0.0005', '0.002'])),
      takerCommission: new Big(pick(['0', '0.0005', '0.002'])),
    };
    const book: BookTop = {
      symbol,
      bidPrice: bid,
      askPrice: ask,
      bidQuantity: new Big(1e9),
      askQuantity: new Big(1e9),
    };
    const depthQty = chance(0.1) ? new Big(int(0, 1000)) : new Big(1e12);
    const depth: Depth = {
      symbol,
      bids: [
        { price: bid, quantity: depthQty },
        { price: bid.minus(tick.times(5)), quantity: new Big(int(0, 100_000)) },
      ],
      asks: [
        { price: ask, quantity: depthQty },
        { price: ask.plus(tick.times(5)), quantity: new Big(int(0, 100_000)) },
      ],
    };
    const mid = bid.gt(0) ? bid : ask.gt(0) ? ask : new Big(1);
    const amount = (units: number) => floorToStep(new Big(units).div(100).div(mid), step);
    const lastKind = pick(['none', 'same', 'near', 'far', 'zero']);
    const last =
      lastKind === 'none'
        ? null
        : lastKind === 'zero'
          ? new Big(0)
          : lastKind === 'same'
            ? mid
            : mid.times(lastKind === 'near' ? pick(['0.999', '1.003', '0.98']) : pick(['0.5', '1.4', '2']));
    return {
      asset,
      symbol,
      rules,
      book,
      depth,
      mid,
      last,
      free: amount(int(0, 2_000_000)),
      locked: chance(0.2) ? amount(int(0, 200_000)) : new Big(0),
      reserve: chance(0.2) ? amount(int(0, 50_000)) : new Big(0),
      bounds: chance(0.15)
        ? { min: mid.times(pick(['0.5', '1.1'])).toFixed(), max: mid.times(pick(['0.9', '2'])).toFixed() }
        : null,
    };
  });
  const usdtReserve = chance(0.2) ? dec(2000, 2) : new Big(0);
  const orderType = pick(['ioc', 'maker', 'market'] as const);
  const knobs: Record<string, unknown> = {
    quote,
    targets,
    mode,
    rebalanceTo,
    ...(chance(0.1) ? {} : { bandAbs: bandAbs ?? (bandRel === null ? '0.05' : null), bandRel }),
    period: pick(['6h', '24h', '3d']),
    cooldown: `${cooldownH}h`,
    orderTtl: '0s',
    orderType,
    maxSlippageBps: int(0, 300),
    maxSpreadBps: chance(0.5) ? null : int(1, 300),
    maxPriceMoveBps: chance(0.5) ? null : int(10, 3000),
    maxDailyTurnover: chance(0.5) ? null : pick(['100', '2000', '50000']),
    minTradeNotional: pick(['0', '1', '5', '20']),
    maxOrderNotional: pick(['20', '100', '500', '100000']),
    minFeeRate: pick(['0', '0.001']),
    checkDepth: chance(0.7),
    reserves: {
      ...Object.fromEntries(markets.filter((m) => m.reserve.gt(0)).map((m) => [m.asset, m.reserve.toFixed()])),
      ...(usdtReserve.gt(0) ? { USDT: usdtReserve.toFixed() } : {}),
    },
    priceBounds: Object.fromEntries(
      markets.flatMap((m) => (m.bounds && new Big(m.bounds.min).lt(m.bounds.max) ? [[m.symbol, m.bounds]] : [])),
    ),
  };
  const profile = parseProfile(`golden-${orderType}-${mode}`, knobs);

  let balances: Balance[] = [
    ...markets.map((m) => ({ asset: m.asset, free: m.free, locked: m.locked })),
    { asset: quote, free: dec(50_000, 4), locked: chance(0.2) ? dec(5000, 4) : new Big(0) },
  ];
  const shape = pick(['random', 'random', 'near', 'near', 'empty', 'quoteOnly']);
  if (shape === 'near') {
    const value = new Big(pick(['50', '1000', '10000', '1000000']));
    const scale = pick(['0.0001', '0.001', '0.01', '0.05', '0.2']);
    const wanted = (i: number) =>
      value
        .times(targets[[...assets, quote][i] ?? quote] ?? '0')
        .times(new Big(1).plus(new Big(int(-100, 100)).div(100).times(scale)));
    balances = [
      ...markets.map((m, i) => ({
        asset: m.asset,
        free: floorToStep(wanted(i).div(m.mid), m.rules.stepSize).plus(m.reserve),
        locked: new Big(0),
      })),
      { asset: quote, free: wanted(markets.length).round(4, Big.roundDown).plus(usdtReserve), locked: new Big(0) },
    ];
  } else if (shape === 'empty')
    balances = chance(0.5) ? [] : balances.map((b) => ({ ...b, free: new Big(0), locked: new Big(0) }));
  else if (shape === 'quoteOnly') balances = [{ asset: quote, free: dec(10_000, 2), locked: new Big(0) }];

  const now = new Date(NOW_BASE + int(0, 30 * 24) * HOUR + int(0, 3599) * 1000);
  const lastKind = pick(['none', 'recent', 'old', 'future']);
  const lastRebalanceAt =
    lastKind === 'none'
      ? null
      : new Date(
          now.getTime() +
            (lastKind === 'future' ? 1 : -1) * (lastKind === 'old' ? int(5, 100) : int(0, 5)) * HOUR -
            int(0, 3599) * 1000,
        );
  const turnoverDay = pick(['none', 'today', 'yesterday']);
  const turnover =
    turnoverDay === 'none'
      ? null
      : {
          day: utcDay(new Date(now.getTime() - (turnoverDay === 'yesterday' ? 24 * HOUR : 0))),
          notional: dec(3000, 2),
        };
  const lastPrices = new Map(markets.flatMap((m) => (m.last ? [[m.symbol, m.last] as const] : [])));
  const depthKind = pick(['all', 'all', 'all', 'none', 'partial']);
  return {
    profile,
    now,
    state: { lastRebalanceAt, turnover },
    snapshot: {
      balances,
      books: new Map(markets.map((m) => [m.symbol, m.book])),
      rules: new Map(markets.map((m) => [m.symbol, m.rules])),
      ...(depthKind === 'none'
        ? {}
        : { depth: new Map(markets.slice(0, depthKind === 'partial' ? 1 : 2).map((m) => [m.symbol, m.depth])) }),
      ...(lastPrices.size > 0 || chance(0.5) ? { lastPrices } : {}),
    },
  };
}

/** Every field of the Plan, exactly: Big as its decimal string, Date as ISO, maps as entry lists, keys sorted. */
function dump(x: unknown): unknown {
  if (x instanceof Big) return `big:${x.toFixed()}`;
  if (x instanceof Date) return `date:${x.toISOString()}`;
  if (x instanceof Map) return { map: [...x].map(([k, v]) => [k, dump(v)]) };
  if (Array.isArray(x)) return x.map(dump);
  if (x !== null && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, dump(o[k])]),
    );
  }
  return x === undefined ? 'undefined' : x;
}

/** Scenarios per bucket: a changed plan is found by its bucket's digest, within 100 scenarios. */
const BUCKET = 100;

interface Golden {
  /** sha256 of every planToJson line and of every full dump, over all scenarios */
  ledger: string;
  full: string;
  /** per BUCKET scenarios, `first-last sha256-prefix` of their full dumps */
  buckets: string[];
  tally: Record<string, number>;
  /** the first scenario of each kind of plan, in full: what a change does shows here as a diff */
  samples: Record<string, unknown>;
}

function golden(): Golden {
  const random = prng(20_260_310);
  const ledger = createHash('sha256');
  const full = createHash('sha256');
  const buckets: string[] = [];
  let bucket = createHash('sha256');
  const tally: Record<string, number> = {};
  const samples: Record<string, unknown> = {};
  for (let i = 0; i < SCENARIOS; i += 1) {
    const s = scenario(random);
    const p: Plan = plan(s.snapshot, s.profile, s.state, s.now);
    const line = JSON.stringify(dump(p));
    ledger.update(`${JSON.stringify(planToJson(p))}\n`);
    full.update(`${line}\n`);
    bucket.update(`${line}\n`);
    if ((i + 1) % BUCKET === 0) {
      buckets.push(`${i + 1 - BUCKET}-${i} ${bucket.digest('hex').slice(0, 16)}`);
      bucket = createHash('sha256');
    }
    const key = `${s.profile.orderType}:${p.status === 'trade' ? `trade${p.orders.length}` : p.skip}`;
    tally[key] = (tally[key] ?? 0) + 1;
    // one sample per kind of trade and order policy, and per kind of skip whatever the policy
    const kind = p.status === 'trade' ? key : (p.skip ?? key);
    if (!(kind in samples)) samples[kind] = { scenario: i, plan: dump(p) };
  }
  return { ledger: ledger.digest('hex'), full: full.digest('hex'), buckets, tally, samples };
}

/**
 * The recorded golden: plan.golden.fixture.json. `UPDATE_GOLDEN=1 npx jest shared/src/domain/plan.golden`
 * rewrites it, for a change that is meant (commit it with the code and say why in the message).
 */
const fixture = join(__dirname, 'plan.golden.fixture.json');

describe('plan() golden master', () => {
  const result = golden();
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(fixture, `${JSON.stringify(result, null, 2)}\n`);

  it('covers trades and every kind of skip under every order policy', () => {
    for (const policy of ['ioc', 'maker', 'market']) {
      expect(result.tally[`${policy}:trade1`] ?? 0).toBeGreaterThan(20);
      expect(result.tally[`${policy}:within_band`] ?? 0).toBeGreaterThan(20);
    }
    expect(Object.keys(result.tally).length).toBeGreaterThan(25);
  });

  // split so that a change shows first as a diff of whole plans, then as where and how often it happened
  const recorded = (): Golden => JSON.parse(readFileSync(fixture, 'utf8')) as Golden;

  it('plans each sample scenario field for field as the fixture recorded', () => {
    expect(result.samples).toEqual(recorded().samples);
  });

  it('ends every scenario in the kind of plan the fixture counted', () => {
    expect(result.tally).toEqual(recorded().tally);
  });

  it('plans every scenario byte for byte as the fixture recorded (by bucket of 100)', () => {
    expect({ buckets: result.buckets, ledger: result.ledger, full: result.full }).toEqual({
      buckets: recorded().buckets,
      ledger: recorded().ledger,
      full: recorded().full,
    });
  });

  // the fixture is rewritable; these are not: they were recorded from the code before any optimisation
  it('the digests are still those recorded before the performance work', () => {
    expect({ ledger: result.ledger, full: result.full }).toEqual({
      ledger: 'f352a4174492b58f0fbff33ad1cdb3e8c8bd472d799eb8e7189c5d0a9051b3e1',
      full: '7d5bb2f2b35e172b570c91a957c289f4fff18e7e839c598aced948488a383362',
    });
  });
});
