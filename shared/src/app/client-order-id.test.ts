import { CLIENT_ORDER_ID_PATTERN, clientOrderIdFor } from './client-order-id';

describe('clientOrderIdFor', () => {
  const longest = `sched-${'x'.repeat(58)}`;

  it.each([
    ['a-short-1', 0],
    [longest, 0],
    [longest, 9999],
    ['qrl-rebalance-20250101T001500Z', 3],
  ])('fits MEXC newClientOrderId for %s leg %i', (executionId, leg) => {
    expect(longest).toHaveLength(64);
    expect(clientOrderIdFor(executionId, leg)).toMatch(CLIENT_ORDER_ID_PATTERN);
  });

  it('is the same for the same run and leg (a taken-over attempt finds its predecessor’s orders)', () => {
    expect(clientOrderIdFor('run-abcdef12', 1)).toBe(clientOrderIdFor('run-abcdef12', 1));
  });

  it('differs across legs and across runs, also for ids that share a 32-character prefix', () => {
    const a = `${'p'.repeat(40)}-a`;
    const b = `${'p'.repeat(40)}-b`;
    const ids = new Set([
      clientOrderIdFor(a, 0),
      clientOrderIdFor(a, 1),
      clientOrderIdFor(b, 0),
      clientOrderIdFor(b, 1),
    ]);
    expect(ids.size).toBe(4);
  });

  it.each([-1, 1.5, 10_000, Number.NaN])('refuses leg %p', (leg) => {
    expect(() => clientOrderIdFor('run-abcdef12', leg)).toThrow(/leg/);
  });
});
