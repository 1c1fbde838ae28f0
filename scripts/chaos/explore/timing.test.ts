import { exploreTiming, retriesOutliveLease } from './timing';

describe('explorer timing', () => {
  it('scales Scheduler’s 10/20/40/80/120 s waits by FUNCTION_TIMEOUT_S / 120', () => {
    expect(exploreTiming(6).backoffMs).toEqual([500, 1000, 2000, 4000, 6000]);
    expect(exploreTiming(120).backoffMs).toEqual([10_000, 20_000, 40_000, 80_000, 120_000]);
  });

  it('keeps the last retry past the lease of a killed attempt, as in production (270 s after, lease 125 s)', () => {
    expect(retriesOutliveLease(exploreTiming(120))).toBe(true);
    expect(retriesOutliveLease(exploreTiming(6))).toBe(true);
    expect(retriesOutliveLease({ ...exploreTiming(6), backoffMs: [500, 1000, 2000, 4000, 1000] })).toBe(false);
    expect(() => exploreTiming(5)).toThrow(/from 6 to 120/);
  });
});
