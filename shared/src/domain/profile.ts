import Big from 'big.js';
import * as v from 'valibot';
import { AppError } from '../errors';

/**
 * Strategy profiles (DESIGN §5): STRATEGY_PROFILES is a JSON map of profile id → knobs. Every knob is
 * optional; a missing one takes the default written in DEFAULT_KNOBS (and in docs/strategy.md). Decimals may
 * be JSON numbers or decimal strings; strings are recommended for money because they are exact.
 */

export type TriggerMode = 'threshold' | 'periodic' | 'hybrid';
export type RebalanceTo = 'target' | 'bandEdge';
/** ioc: IMMEDIATE_OR_CANCEL limit at best ± maxSlippageBps; maker: LIMIT_MAKER at best bid/ask; market: MARKET */
export type OrderPolicy = 'ioc' | 'maker' | 'market';

export interface PriceBounds {
  min: Big | null;
  max: Big | null;
}

export interface StrategyProfile {
  id: string;
  /** the asset every value is expressed in; it must also appear in targets */
  quote: string;
  /** asset → weight, summing exactly to 1; key order is the leg order */
  targets: Readonly<Record<string, Big>>;
  /** absolute band in weight (0.05 = 5 points); null = not used */
  bandAbs: Big | null;
  /** band relative to each target (0.25 = 25 % of the target); null = not used */
  bandRel: Big | null;
  mode: TriggerMode;
  periodMs: number;
  cooldownMs: number;
  rebalanceTo: RebalanceTo;
  /** in quote */
  minTradeNotional: Big;
  maxOrderNotional: Big;
  /** null = no daily cap */
  maxDailyTurnover: Big | null;
  /** asset → amount kept out of the managed portfolio */
  reserves: Readonly<Record<string, Big>>;
  orderType: OrderPolicy;
  maxSlippageBps: number;
  maxSpreadBps: number | null;
  /** symbol → sanity bounds on the mid price */
  priceBounds: Readonly<Record<string, PriceBounds>>;
  maxPriceMoveBps: number | null;
  /** a move the price-move guard blocks becomes the new reference after this many blocked runs in a row… */
  priceMoveHoldRuns: number;
  /** …and this long at the new level (domain/price-reference.ts) */
  priceMoveHoldMs: number;
  orderTtlMs: number;
  /** require the book depth within the limit price to cover each ioc/market order */
  checkDepth: boolean;
  /** fee rate assumed when the exchange's symbol default is lower (affordability and cost gate) */
  minFeeRate: Big;
}

/** The defaults, as a user would write them in STRATEGY_PROFILES. The built-in `default` profile is exactly this. */
export const DEFAULT_KNOBS = {
  quote: 'USDT',
  targets: { QRL: '0.5', USDT: '0.5' },
  bandAbs: '0.05',
  bandRel: null,
  mode: 'threshold',
  period: '24h',
  cooldown: '1h',
  rebalanceTo: 'target',
  minTradeNotional: '5',
  maxOrderNotional: '500',
  maxDailyTurnover: '2000',
  reserves: {},
  orderType: 'ioc',
  maxSlippageBps: 50,
  maxSpreadBps: 100,
  priceBounds: {},
  maxPriceMoveBps: 1000,
  priceMoveHoldRuns: 3,
  priceMoveHold: '30m',
  orderTtl: '10m',
  checkDepth: true,
  minFeeRate: '0.001',
} as const;

export const DEFAULT_PROFILE_ID = 'default';

const DECIMAL = /^\d+(\.\d+)?$/;
const DECIMAL_MESSAGE = 'must be a non-negative decimal such as "0.05"';
const decimal = v.pipe(
  v.union(
    [
      v.pipe(v.string(), v.regex(DECIMAL, DECIMAL_MESSAGE)),
      v.pipe(v.number(), v.finite(DECIMAL_MESSAGE), v.minValue(0, DECIMAL_MESSAGE)),
    ],
    DECIMAL_MESSAGE,
  ),
  v.transform((x) => new Big(typeof x === 'number' ? String(x) : x)),
);
const decimalIn = (min: string, max: string | null, minInclusive: boolean, what: string) =>
  v.pipe(
    decimal,
    v.check((x) => (minInclusive ? x.gte(min) : x.gt(min)) && (max === null || x.lte(max)), what),
  );
const bps = (min: number, max: number) =>
  v.pipe(
    v.number('must be a whole number of basis points'),
    v.integer('must be a whole number of basis points'),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const duration = v.pipe(
  v.string(),
  v.regex(/^\d+(ms|s|m|h|d)$/, 'must be a duration such as "90s", "10m", "6h" or "1d"'),
  v.transform((s) => {
    const match = /^(\d+)(ms|s|m|h|d)$/.exec(s);
    const unit = (match?.[2] ?? 'ms') as keyof typeof UNIT_MS;
    return Number(match?.[1] ?? '0') * UNIT_MS[unit];
  }),
);
const ASSET = /^[A-Z0-9]{1,20}$/;
const asset = v.pipe(v.string(), v.regex(ASSET, 'must be an asset symbol such as QRL (A-Z, 0-9)'));

const knobsSchema = v.strictObject(
  {
    quote: v.optional(asset, DEFAULT_KNOBS.quote),
    targets: v.optional(
      v.record(asset, decimalIn('0', '1', true, 'must be a weight between 0 and 1')),
      DEFAULT_KNOBS.targets,
    ),
    bandAbs: v.optional(v.nullable(decimalIn('0', '1', false, 'must be above 0 and at most 1'))),
    bandRel: v.optional(v.nullable(decimalIn('0', '1', false, 'must be above 0 and at most 1'))),
    mode: v.optional(
      v.picklist(['threshold', 'periodic', 'hybrid'], 'must be threshold, periodic or hybrid'),
      DEFAULT_KNOBS.mode,
    ),
    period: v.optional(duration, DEFAULT_KNOBS.period),
    cooldown: v.optional(duration, DEFAULT_KNOBS.cooldown),
    rebalanceTo: v.optional(
      v.picklist(['target', 'bandEdge'], 'must be target or bandEdge'),
      DEFAULT_KNOBS.rebalanceTo,
    ),
    minTradeNotional: v.optional(decimal, DEFAULT_KNOBS.minTradeNotional),
    maxOrderNotional: v.optional(decimalIn('0', null, false, 'must be above 0'), DEFAULT_KNOBS.maxOrderNotional),
    maxDailyTurnover: v.optional(
      v.nullable(decimalIn('0', null, false, 'must be above 0 (or null for no cap)')),
      DEFAULT_KNOBS.maxDailyTurnover,
    ),
    reserves: v.optional(v.record(asset, decimal), DEFAULT_KNOBS.reserves),
    orderType: v.optional(
      v.picklist(['ioc', 'maker', 'market'], 'must be ioc, maker or market'),
      DEFAULT_KNOBS.orderType,
    ),
    maxSlippageBps: v.optional(bps(0, 5000), DEFAULT_KNOBS.maxSlippageBps),
    maxSpreadBps: v.optional(v.nullable(bps(1, 10_000)), DEFAULT_KNOBS.maxSpreadBps),
    priceBounds: v.optional(
      v.record(
        v.pipe(v.string(), v.regex(/^[A-Z0-9]{2,40}$/, 'must be a symbol such as QRLUSDT')),
        v.strictObject({ min: v.optional(v.nullable(decimal), null), max: v.optional(v.nullable(decimal), null) }),
      ),
      DEFAULT_KNOBS.priceBounds,
    ),
    maxPriceMoveBps: v.optional(v.nullable(bps(1, 100_000)), DEFAULT_KNOBS.maxPriceMoveBps),
    priceMoveHoldRuns: v.optional(
      v.pipe(
        v.number('must be a whole number'),
        v.integer('must be a whole number'),
        v.minValue(1, 'must be at least 1'),
        v.maxValue(1000, 'must be at most 1000'),
      ),
      DEFAULT_KNOBS.priceMoveHoldRuns,
    ),
    priceMoveHold: v.optional(duration, DEFAULT_KNOBS.priceMoveHold),
    orderTtl: v.optional(duration, DEFAULT_KNOBS.orderTtl),
    checkDepth: v.optional(v.boolean('must be true or false'), DEFAULT_KNOBS.checkDepth),
    minFeeRate: v.optional(decimalIn('0', '0.1', true, 'must be between 0 and 0.1'), DEFAULT_KNOBS.minFeeRate),
  },
  'is not a known strategy knob',
);

const profilesSchema = v.pipe(
  v.record(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a profile id (^[A-Za-z0-9_-]{1,64}$)')),
    v.unknown(),
    'must be a JSON object of profile id → strategy knobs',
  ),
  v.check((o) => Object.keys(o).length > 0, 'must define at least one profile'),
);

type Knobs = v.InferOutput<typeof knobsSchema>;

/** STRATEGY_PROFILES could not be used; every problem names its field (`profiles.default.bandAbs`). */
export class ProfileError extends AppError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super({
      code: 'config.profiles_invalid',
      what: `STRATEGY_PROFILES is invalid: ${problems.join('; ')}`,
      notDone: 'the function did not start; no run was planned and no order was sent',
      todo: 'fix the named fields of STRATEGY_PROFILES (see docs/strategy.md) and deploy again',
      metadata: { problems: problems.length },
    });
    this.problems = problems;
  }
}

function crossCheck(p: StrategyProfile, k: Knobs): string[] {
  const at = (field: string) => `profiles.${p.id}.${field}`;
  const problems: string[] = [];
  const assets = Object.keys(p.targets);
  if (assets.length < 2) problems.push(`${at('targets')} needs at least two assets`);
  const sum = Object.values(p.targets).reduce((s, w) => s.plus(w), new Big(0));
  if (!sum.eq(1)) problems.push(`${at('targets')} weights sum to ${sum.toFixed()}, they must sum to exactly 1`);
  if (!(p.quote in p.targets))
    problems.push(`${at('quote')} ${p.quote} must also be one of the targets (its weight may be 0)`);
  const hasBand = p.bandAbs !== null || p.bandRel !== null;
  if (!hasBand && p.mode !== 'periodic') problems.push(`${at('bandAbs')} or bandRel is needed in ${p.mode} mode`);
  if (!hasBand && p.rebalanceTo === 'bandEdge') problems.push(`${at('rebalanceTo')} bandEdge needs bandAbs or bandRel`);
  if (p.maxOrderNotional.lt(p.minTradeNotional))
    problems.push(`${at('maxOrderNotional')} ${p.maxOrderNotional.toFixed()} is below minTradeNotional`);
  for (const a of Object.keys(p.reserves)) {
    if (!(a in p.targets)) problems.push(`${at(`reserves.${a}`)} names an asset that is not in targets`);
  }
  const symbols = new Set(assets.filter((a) => a !== p.quote).map((a) => `${a}${p.quote}`));
  for (const [symbol, bounds] of Object.entries(p.priceBounds)) {
    if (!symbols.has(symbol))
      problems.push(`${at(`priceBounds.${symbol}`)} is not a traded symbol (${[...symbols].join(', ')})`);
    if (bounds.min && bounds.max && !bounds.min.lt(bounds.max))
      problems.push(`${at(`priceBounds.${symbol}`)} min must be below max`);
  }
  if (p.periodMs <= 0) problems.push(`${at('period')} must be longer than 0`);
  // Own open orders are cancelled after orderTtl; a shorter cooldown could plan on top of a resting order.
  if (k.cooldown < k.orderTtl) problems.push(`${at('cooldown')} must be at least orderTtl`);
  return problems;
}

function toProfile(id: string, k: Knobs, raw: Record<string, unknown>): StrategyProfile {
  const bandAbsGiven = 'bandAbs' in raw;
  const bandRelGiven = 'bandRel' in raw;
  // Naming either band turns the other off unless named too; naming neither gives the default 5-point band.
  const neither = !bandAbsGiven && !bandRelGiven;
  return {
    id,
    quote: k.quote,
    targets: k.targets,
    bandAbs: neither ? new Big(DEFAULT_KNOBS.bandAbs) : (k.bandAbs ?? null),
    bandRel: neither ? null : (k.bandRel ?? null),
    mode: k.mode,
    periodMs: k.period,
    cooldownMs: k.cooldown,
    rebalanceTo: k.rebalanceTo,
    minTradeNotional: k.minTradeNotional,
    maxOrderNotional: k.maxOrderNotional,
    maxDailyTurnover: k.maxDailyTurnover,
    reserves: k.reserves,
    orderType: k.orderType,
    maxSlippageBps: k.maxSlippageBps,
    maxSpreadBps: k.maxSpreadBps,
    priceBounds: k.priceBounds,
    maxPriceMoveBps: k.maxPriceMoveBps,
    priceMoveHoldRuns: k.priceMoveHoldRuns,
    priceMoveHoldMs: k.priceMoveHold,
    orderTtlMs: k.orderTtl,
    checkDepth: k.checkDepth,
    minFeeRate: k.minFeeRate,
  };
}

function issuesToProblems(issues: readonly v.BaseIssue<unknown>[], prefix: string): string[] {
  return issues.map((issue) => {
    const path = v.getDotPath(issue);
    const key = issue.kind === 'schema' && issue.type === 'strict_object' ? ` "${String(issue.input)}"` : '';
    return `${path ? `${prefix}.${path}` : prefix}${key} ${issue.message}`;
  });
}

/** Validates one profile's knobs (an object as in STRATEGY_PROFILES) under the given id. */
export function parseProfile(id: string, input: unknown): StrategyProfile {
  const parsed = v.safeParse(knobsSchema, input, { abortEarly: false });
  if (!parsed.success) throw new ProfileError(issuesToProblems(parsed.issues, `profiles.${id}`));
  const profile = toProfile(id, parsed.output, input as Record<string, unknown>);
  const problems = crossCheck(profile, parsed.output);
  if (problems.length > 0) throw new ProfileError(problems);
  return profile;
}

/**
 * Every profile of a deployment trades the same MEXC account (one ACCOUNT_ID, one API key), so each
 * asset may belong to one profile only: two profiles holding QRL would each push the one QRL balance
 * toward their own target and undo each other's trades on every run. The quote asset counts like any
 * other: two profiles quoting in USDT both value and spend the one USDT balance, so one's buys take
 * the quote the other's plan relies on, and each sees the other's proceeds as its own drift.
 * Returns one problem per overlapping pair, in the order the profiles are given.
 */
export function profileOverlaps(profiles: Readonly<Record<string, StrategyProfile>>): string[] {
  const entries = Object.entries(profiles);
  const problems: string[] = [];
  for (const [i, [a, pa]] of entries.entries()) {
    for (const [b, pb] of entries.slice(i + 1)) {
      const shared = Object.keys(pa.targets).filter((asset) => asset in pb.targets);
      if (shared.length === 0) continue;
      problems.push(
        `profiles "${a}" and "${b}" both hold ${shared.join(', ')}: one MEXC account's balances cannot be kept at two sets of targets; give each profile its own assets or deploy them on separate accounts (ACCOUNT_ID / API keys)`,
      );
    }
  }
  return problems;
}

/** Throws a ProfileError naming both profile ids and the shared assets when any two profiles overlap. */
export function assertDisjointProfiles(profiles: Readonly<Record<string, StrategyProfile>>): void {
  const problems = profileOverlaps(profiles);
  if (problems.length > 0) throw new ProfileError(problems);
}

/**
 * STRATEGY_PROFILES (config.strategyProfilesJson) → profiles by id. Unset means the built-in `default`
 * profile (QRL/USDT 50/50 with DEFAULT_KNOBS). A JSON map replaces the built-in profile entirely.
 * Profiles whose assets overlap are refused (profileOverlaps), so every caller gets one account's rule.
 */
export function parseProfiles(json: string | undefined): Readonly<Record<string, StrategyProfile>> {
  if (json === undefined) return { [DEFAULT_PROFILE_ID]: parseProfile(DEFAULT_PROFILE_ID, {}) };
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch (error) {
    throw new ProfileError([`profiles is not valid JSON (${error instanceof Error ? error.message : 'parse error'})`]);
  }
  if (Array.isArray(input)) throw new ProfileError(['profiles must be a JSON object of profile id → strategy knobs']);
  const parsed = v.safeParse(profilesSchema, input, { abortEarly: false });
  if (!parsed.success) throw new ProfileError(issuesToProblems(parsed.issues, 'profiles'));
  const profiles: Record<string, StrategyProfile> = {};
  const problems: string[] = [];
  for (const [id, raw] of Object.entries(parsed.output)) {
    try {
      profiles[id] = parseProfile(id, raw);
    } catch (error) {
      if (!(error instanceof ProfileError)) throw error;
      problems.push(...error.problems);
    }
  }
  // Overlaps among the profiles that parsed, reported with their field problems in one error.
  problems.push(...profileOverlaps(profiles));
  if (problems.length > 0) throw new ProfileError(problems);
  return profiles;
}
