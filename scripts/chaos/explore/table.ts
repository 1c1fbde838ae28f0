/** The explorer's result as text: the table of points × actions, then every violation with the line that replays it. */
import type { CaseResult } from './lane';
import { ACTIONS, type Action, fits, type Point } from './points';

const HEADERS: Record<Action, string> = {
  'kill-before': 'kill<',
  'kill-after': 'kill>',
  'ledger-error': 'L-err',
  'ledger-slow': 'L-slow',
  'ledger-contention': 'L-cont',
  timeout: 'timeout',
  '5xx': '5xx',
  '429': '429',
  '418': '418',
  '403': '403',
  accept_then_timeout: 'acc+lost',
  visibility_lag: 'not-vis',
};

const CELL: Record<CaseResult['cell'], string> = { ok: 'ok', VIOLATION: 'VIOLATION', 'n/a': 'n/a', missed: 'MISSED' };

export interface TableInput {
  points: readonly Point[];
  cases: readonly CaseResult[];
  violations: number;
  missed: number;
  durationMs: number;
}

export function replayCommand(point: string, action: string): string {
  return `npm run chaos -- --explore --point '${point}' --action ${action}`;
}

export function formatTable(result: TableInput): string {
  const byKey = new Map(result.cases.map((c) => [`${c.point} ${c.action}`, c]));
  const shown = result.points.filter((p) => result.cases.some((c) => c.point === p.name));
  const rows = shown.map((p) => [
    p.name,
    ...ACTIONS.map((a) => {
      const c = byKey.get(`${p.name} ${a}`);
      if (c) return CELL[c.cell];
      return fits(p, a) === true ? '·' : '—';
    }),
  ]);
  const header = ['point', ...ACTIONS.map((a) => HEADERS[a])];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  out.push(
    '',
    'kill< SIGKILL before the call · kill> SIGKILL after it completed · L-err UNAVAILABLE · L-slow held past the run deadline ·',
    'L-cont the account document written from outside first · acc+lost order accepted, answer lost · not-vis order not visible yet',
    '— the action does not fit the call · · fits, not in this selection · n/a: it could not apply in the run (see the note)',
  );
  const notes = result.cases.filter((c) => c.cell === 'n/a' && c.note);
  for (const c of notes) out.push(`n/a ${c.point} ${c.action}: ${c.note}`);
  const bad = result.cases.filter((c) => c.cell === 'VIOLATION' || c.cell === 'missed');
  if (bad.length > 0) out.push('');
  for (const c of bad) {
    out.push(`${c.cell === 'missed' ? 'MISSED' : 'VIOLATION'} ${c.point} ${c.action}`);
    out.push(`  answers: ${c.answers.map((a) => `${a.phase} ${a.http} ${a.status}`).join('; ')}`);
    for (const v of c.violations) out.push(`  ${v.check}: ${v.message}`);
    if (c.note) out.push(`  ${c.note}`);
    out.push(`  replay: ${replayCommand(c.point, c.action)}`);
  }
  const ok = result.cases.filter((c) => c.cell === 'ok').length;
  out.push(
    '',
    `${result.cases.length} cases over ${shown.length} points: ${ok} ok, ${result.violations} with violations, ${result.missed} missed, ${notes.length} n/a (${Math.round(result.durationMs / 1000)} s)`,
  );
  return out.join('\n');
}
