/**
 * MEXC's request limits as MEXC enforces them, stricter than the docs' "500 every 10 seconds":
 * MEXC support, quoted in JKorf/Mexc.Net#42 (2026-01-07): "The order is placed 12 times per second,
 * and the total frequency of all requests does not exceed 20 times per second"; MEXC docs "Account
 * Information": GET /api/v3/account "rate limit: 2 times/s". Counted over the last 1000 ms; a
 * request over a limit is answered 429 (with Retry-After) and is not counted.
 */
export interface RateLimits {
  requestsPerSecond: number;
  ordersPerSecond: number;
  accountPerSecond: number;
}

export const mexcRateLimits: RateLimits = { requestsPerSecond: 20, ordersPerSecond: 12, accountPerSecond: 2 };

type LimitClass = 'all' | 'order' | 'account';

const WINDOW_MS = 1000;

export class RateLimiter {
  private hits: Record<LimitClass, number[]> = { all: [], order: [], account: [] };

  /** `limits` null: nothing is limited */
  constructor(
    private readonly limits: RateLimits | null,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts the request and returns null, or names the class it would exceed (then it is not counted). */
  admit(endpoint: string): LimitClass | null {
    if (!this.limits) return null;
    const t = this.now();
    const classes: [LimitClass, number][] = [['all', this.limits.requestsPerSecond]];
    if (endpoint === 'POST /api/v3/order') classes.push(['order', this.limits.ordersPerSecond]);
    if (endpoint === 'GET /api/v3/account') classes.push(['account', this.limits.accountPerSecond]);
    for (const [name, limit] of classes) {
      const recent = this.hits[name].filter((at) => t - at < WINDOW_MS);
      this.hits[name] = recent;
      if (recent.length >= limit) return name;
    }
    for (const [name] of classes) this.hits[name].push(t);
    return null;
  }

  reset(): void {
    this.hits = { all: [], order: [], account: [] };
  }
}
