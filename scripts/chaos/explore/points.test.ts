import { allCases, fits, pointsOf, type RecordedCall, reducedCases, selectCases } from './points';

const calls: RecordedCall[] = [
  { kind: 'ledger', label: 'BatchGetDocuments' },
  { kind: 'ledger', label: 'Commit' },
  { kind: 'exchange', label: 'GET /api/v3/account' },
  { kind: 'ledger', label: 'Commit' },
  { kind: 'exchange', label: 'POST /api/v3/order' },
  { kind: 'exchange', label: 'GET /api/v3/account' },
  { kind: 'ledger', label: 'Commit' },
];

describe('explorer points', () => {
  it('names each call by scenario, kind, position among its kind and label, and counts repeats of a label', () => {
    const points = pointsOf('one-leg', calls);
    expect(points.map((p) => p.name)).toEqual([
      'one-leg/ledger#1:BatchGetDocuments',
      'one-leg/ledger#2:Commit',
      'one-leg/exchange#1:GET /api/v3/account',
      'one-leg/ledger#3:Commit',
      'one-leg/exchange#2:POST /api/v3/order',
      'one-leg/exchange#3:GET /api/v3/account',
      'one-leg/ledger#4:Commit',
    ]);
    expect(points.map((p) => p.occurrence)).toEqual([1, 1, 1, 2, 1, 2, 3]);
  });

  it('fits ledger faults to ledger calls, exchange faults to exchange calls, order-only faults to the order POST', () => {
    const [get, commit] = [
      { kind: 'exchange' as const, label: 'GET /api/v3/account' },
      { kind: 'ledger' as const, label: 'Commit' },
    ];
    expect(fits(commit, 'kill-before')).toBe(true);
    expect(fits(commit, 'ledger-contention')).toBe(true);
    expect(fits(commit, '429')).toBe('an exchange fault at a ledger call');
    expect(fits(get, 'ledger-slow')).toBe('a ledger fault at an exchange call');
    expect(fits(get, '418')).toBe(true);
    expect(fits(get, 'accept_then_timeout')).toBe('only for POST /api/v3/order');
    expect(fits({ kind: 'exchange', label: 'POST /api/v3/order' }, 'visibility_lag')).toBe(true);
  });

  it('plans every fitting action at every point: 5 per ledger call, 7 per exchange read, 9 at the order', () => {
    expect(allCases(pointsOf('one-leg', calls))).toHaveLength(4 * 5 + 2 * 7 + 9);
  });

  it('reduces to the claim, the order and the final commit with both kills and one fault each', () => {
    const reduced = reducedCases(pointsOf('one-leg', calls));
    expect(reduced.map((c) => `${c.point.name} ${c.action}`)).toEqual([
      'one-leg/ledger#2:Commit kill-before',
      'one-leg/ledger#2:Commit kill-after',
      'one-leg/ledger#2:Commit ledger-error',
      'one-leg/exchange#2:POST /api/v3/order kill-before',
      'one-leg/exchange#2:POST /api/v3/order kill-after',
      'one-leg/exchange#2:POST /api/v3/order accept_then_timeout',
      'one-leg/ledger#4:Commit kill-before',
      'one-leg/ledger#4:Commit kill-after',
      'one-leg/ledger#4:Commit ledger-contention',
    ]);
    expect(() => reducedCases(pointsOf('one-leg', calls.slice(0, 3)))).toThrow(/nothing to stand on/);
  });

  it('selects one case for replay by point name and action, and names what exists when the name is wrong', () => {
    const cases = allCases(pointsOf('one-leg', calls));
    expect(selectCases(cases, 'one-leg/ledger#3:Commit', 'kill-after')).toHaveLength(1);
    expect(selectCases(cases, 'one-leg/exchange#2:POST /api/v3/order')).toHaveLength(9);
    expect(() => selectCases(cases, 'one-leg/ledger#9:Commit')).toThrow(/one-leg\/ledger#1:BatchGetDocuments/);
    expect(() => selectCases(cases, undefined, 'nuke')).toThrow(/not one of kill-before/);
    expect(() => selectCases(cases, 'one-leg/ledger#2:Commit', '429')).toThrow(/does not fit/);
  });
});
