/**
 * Client-side rate limiting: one token bucket per class of request, so this client stays inside
 * MEXC's limits instead of learning them from 429s (and, after ignored 429s, a 418 ban).
 *
 * MEXC's own numbers are stricter than its docs' "500 every 10 seconds": MEXC support, quoted in
 * JKorf/Mexc.Net#42 (2026-01-07): "The order is placed 12 times per second, and the total
 * frequency of all requests does not exceed 20 times per second"; MEXC docs "Account Information":
 * GET /api/v3/account "rate limit: 2 times/s". A bucket of `burst` tokens refilled at `perSecond`
 * lets through at most burst + perSecond requests in any one second, so each class is set below
 * its limit with room for network jitter: all 8 + 10 = 18 ≤ 20, orders 5 + 5 = 10 ≤ 12, account
 * 1 + 1 = 2 ≤ 2.
 */
export interface BucketSpec {
  /** requests that may go at once after a quiet spell */
  burst: number;
  /** steady rate, requests per second */
  perSecond: number;
}

export interface ThrottleLimits {
  /** every request to MEXC */
  all: BucketSpec;
  /** POST /api/v3/order */
  order: BucketSpec;
  /** GET /api/v3/account */
  account: BucketSpec;
}

export const MEXC_THROTTLE: ThrottleLimits = {
  all: { burst: 8, perSecond: 10 },
  order: { burst: 5, perSecond: 5 },
  account: { burst: 1, perSecond: 1 },
};

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly spec: BucketSpec,
    now: number,
  ) {
    this.tokens = spec.burst;
    this.last = now;
  }

  /** ms until a token is there (0: now) */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.spec.perSecond);
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.spec.burst, this.tokens + (elapsed * this.spec.perSecond) / 1000);
    this.last = now;
  }
}

export class Throttle {
  private readonly all: TokenBucket;
  private readonly order: TokenBucket;
  private readonly account: TokenBucket;

  /**
   * `now` is a monotonic clock (not the injectable wall clock, which tests freeze); `sleep` waits
   * for real. Both are injectable for the unit tests.
   */
  constructor(
    limits: ThrottleLimits = MEXC_THROTTLE,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    const t = now();
    this.all = new TokenBucket(limits.all, t);
    this.order = new TokenBucket(limits.order, t);
    this.account = new TokenBucket(limits.account, t);
  }

  /** Waits until `endpoint` ("METHOD /path") may be sent, takes its tokens; resolves with the ms waited. */
  async acquire(endpoint: string): Promise<number> {
    const buckets = [this.all];
    if (endpoint === 'POST /api/v3/order') buckets.push(this.order);
    if (endpoint === 'GET /api/v3/account') buckets.push(this.account);
    let waited = 0;
    for (;;) {
      const t = this.now();
      const wait = Math.max(...buckets.map((b) => b.waitMs(t)));
      if (wait === 0) {
        for (const b of buckets) b.take(t);
        return waited;
      }
      await this.sleep(wait);
      waited += wait;
    }
  }
}
