/**
 * A small seeded PRNG (mulberry32) for the scripts: the fault campaign draws every decision from it
 * and the backtest's synthetic series too, so a seed replays the same run. Not for anything secret.
 * The simulator and the domain's golden test keep their own copies on purpose: neither may depend
 * on the scripts.
 */
export interface Prng {
  /** uniform in [0, 1) */
  next(): number;
  /** whole number in [min, max] */
  int(min: number, max: number): number;
  /** uniform in [min, max) */
  between(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** a child stream, so adding a draw in one place does not shift every later scenario */
  fork(label: number): Prng;
}

/** mulberry32: uniform numbers in [0, 1) from a 32-bit seed, the same on every machine. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createPrng(seed: number): Prng {
  const next = mulberry32(seed);
  const prng: Prng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    fork: (label) => createPrng((Math.imul(seed ^ 0x9e3779b9, 31) + Math.imul(label + 1, 0x85ebca6b)) >>> 0),
  };
  return prng;
}
