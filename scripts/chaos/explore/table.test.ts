import type { CaseResult } from './lane';
import { pointsOf } from './points';
import { formatTable, replayCommand } from './table';

const points = pointsOf('one-leg', [
  { kind: 'ledger', label: 'Commit' },
  { kind: 'exchange', label: 'POST /api/v3/order' },
]);
const result = (
  point: string,
  action: CaseResult['action'],
  cell: CaseResult['cell'],
  extra: Partial<CaseResult> = {},
): CaseResult => ({
  scenario: 'one-leg',
  point,
  action,
  cell,
  note: null,
  answers: [{ phase: 'first', http: 'killed', status: 'killed', code: null }],
  violations: [],
  calls: [],
  orders: 1,
  durationMs: 10,
  ...extra,
});

describe('explorer table', () => {
  it('prints a row per point and a column per action, with ok, VIOLATION, n/a, not fitting and not run apart', () => {
    const text = formatTable({
      points,
      cases: [
        result('one-leg/ledger#1:Commit', 'kill-before', 'ok'),
        result('one-leg/ledger#1:Commit', 'ledger-contention', 'n/a', { note: 'n/a: no account document yet' }),
        result('one-leg/exchange#1:POST /api/v3/order', 'accept_then_timeout', 'VIOLATION', {
          violations: [{ check: 'invariant 2 (x)', message: 'client order id c1 was used for 2 exchange orders' }],
        }),
      ],
      violations: 1,
      missed: 0,
      durationMs: 12_000,
    });
    const [header, , commit, order] = text.split('\n');
    expect(header).toMatch(
      /^point\s+kill<\s+kill>\s+L-err\s+L-slow\s+L-cont\s+timeout\s+5xx\s+429\s+418\s+403\s+acc\+lost\s+not-vis$/,
    );
    expect(commit?.split(/\s{2,}/)).toEqual([
      'one-leg/ledger#1:Commit',
      'ok',
      '·',
      '·',
      '·',
      'n/a',
      '—',
      '—',
      '—',
      '—',
      '—',
      '—',
      '—',
    ]);
    expect(order?.split(/\s{2,}/).slice(1)).toEqual([
      '·',
      '·',
      '—',
      '—',
      '—',
      '·',
      '·',
      '·',
      '·',
      '·',
      'VIOLATION',
      '·',
    ]);
    expect(text).toContain('invariant 2 (x): client order id c1 was used for 2 exchange orders');
    expect(text).toContain(`replay: ${replayCommand('one-leg/exchange#1:POST /api/v3/order', 'accept_then_timeout')}`);
    expect(text).toContain('3 cases over 2 points: 1 ok, 1 with violations, 0 missed, 1 n/a (12 s)');
  });
});
