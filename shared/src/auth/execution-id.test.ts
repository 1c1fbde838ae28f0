import { deriveExecutionId, EXECUTION_ID_PATTERN, InvalidExecutionIdError, sanitizeJobName } from './execution-id';
import { isStale } from './replay-window';
import { parseRfc3339 } from './scheduler-headers';

const claims = { sub: '112233445566778899000', iat: Date.parse('2024-05-01T10:00:07Z') / 1000 };

function scheduled(jobName: string, time: string) {
  const scheduleTime = parseRfc3339(time);
  if (!scheduleTime) throw new Error(`bad test time ${time}`);
  return { jobName, scheduleTime };
}

describe('deriveExecutionId', () => {
  it('uses an explicit id as given, before anything else', () => {
    const result = deriveExecutionId({
      explicit: 'manual_run-0001',
      scheduler: scheduled('job', '2024-05-01T10:00:00Z'),
      claims,
    });
    expect(result).toEqual({ executionId: 'manual_run-0001', source: 'explicit' });
  });

  it.each(['short', 'has space!', 'a'.repeat(65), 'semi;colon', ''])('refuses the explicit id %j', (explicit) => {
    expect(() => deriveExecutionId({ explicit, claims })).toThrow(InvalidExecutionIdError);
  });

  it.each([
    ['rebalance-every-15m', '2024-05-01T10:15:00Z', 'rebalance-every-15m-20240501T101500Z'],
    ['rebalance-every-15m', '2024-05-01T12:15:00+02:00', 'rebalance-every-15m-20240501T101500Z'],
    ['rebalance-every-15m', '2024-05-01T05:15:00.999-05:00', 'rebalance-every-15m-20240501T101500Z'],
    ['rebalance-every-15m', '2024-05-01T00:15:00+14:00', 'rebalance-every-15m-20240430T101500Z'],
    ['snapshot_hourly', '2024-12-31T23:30:00-01:00', 'snapshot_hourly-20250101T003000Z'],
  ])('scheduler job %s at %s → %s', (job, time, expected) => {
    expect(deriveExecutionId({ scheduler: scheduled(job, time), claims })).toEqual({
      executionId: expected,
      source: 'scheduler',
    });
  });

  it('gives the same trigger the same id, and different jobs or times different ids', () => {
    const a = deriveExecutionId({ scheduler: scheduled('job-a', '2024-05-01T10:00:00Z'), claims }).executionId;
    expect(deriveExecutionId({ scheduler: scheduled('job-a', '2024-05-01T11:00:00+01:00'), claims }).executionId).toBe(
      a,
    );
    expect(deriveExecutionId({ scheduler: scheduled('job-b', '2024-05-01T10:00:00Z'), claims }).executionId).not.toBe(
      a,
    );
    expect(deriveExecutionId({ scheduler: scheduled('job-a', '2024-05-01T10:01:00Z'), claims }).executionId).not.toBe(
      a,
    );
  });

  it('falls back to the token: one token, one id', () => {
    const result = deriveExecutionId({ claims });
    expect(result.source).toBe('token');
    expect(result.executionId).toMatch(/^token-20240501T100007Z-[0-9a-f]{16}$/);
    expect(deriveExecutionId({ claims: { ...claims } }).executionId).toBe(result.executionId);
    expect(deriveExecutionId({ claims: { ...claims, iat: claims.iat + 1 } }).executionId).not.toBe(result.executionId);
    expect(deriveExecutionId({ claims: { ...claims, sub: '2' } }).executionId).not.toBe(result.executionId);
    expect(result.executionId).not.toContain(claims.sub);
  });

  it('always produces an id the ledger accepts', () => {
    const names = ['a', 'x'.repeat(500), 'job.with.dots', 'jöb with spaces', '---', 'rebalance/every'];
    for (const jobName of names) {
      const { executionId } = deriveExecutionId({ scheduler: scheduled(jobName, '2024-05-01T10:00:00Z'), claims });
      expect(executionId).toMatch(EXECUTION_ID_PATTERN);
    }
  });
});

describe('sanitizeJobName', () => {
  it('keeps a Cloud Scheduler job id as it is', () => {
    expect(sanitizeJobName('rebalance_every-15m')).toBe('rebalance_every-15m');
  });

  it('replaces other characters and adds a hash of the original so cleaned names cannot collide', () => {
    const dotted = sanitizeJobName('job.a');
    expect(dotted).toMatch(/^job-a-[0-9a-f]{8}$/);
    expect(dotted).not.toBe(sanitizeJobName('job-a'));
    expect(dotted).not.toBe(sanitizeJobName('job a'));
  });

  it('cuts long names to fit 64 characters with the time, keeping them distinct', () => {
    const a = sanitizeJobName(`${'x'.repeat(60)}-a`);
    const b = sanitizeJobName(`${'x'.repeat(60)}-b`);
    expect(a.length).toBeLessThanOrEqual(47);
    expect(a).not.toBe(b);
  });
});

describe('isStale (replay window)', () => {
  const now = new Date('2024-05-01T10:15:00Z');
  it.each([
    ['2024-05-01T10:15:00Z', false, 'now'],
    ['2024-05-01T10:00:00Z', false, 'exactly the window old'],
    ['2024-05-01T09:59:59Z', true, 'one second past the window'],
    ['2024-05-01T12:14:00+02:00', false, 'a minute old, in another zone'],
    ['2024-05-01T10:20:00Z', false, 'five minutes ahead (clock skew)'],
    ['2024-05-01T10:20:01Z', true, 'further ahead than the skew'],
  ])('%s → %s (%s)', (time, stale) => {
    expect(isStale(scheduled('job', time).scheduleTime, now, 900)).toBe(stale);
  });

  it('treats an invalid date as stale', () => {
    expect(isStale(new Date(Number.NaN), now, 900)).toBe(true);
  });
});
