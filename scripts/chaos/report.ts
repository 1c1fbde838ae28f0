import type { CampaignResult } from './campaign';
import { INVARIANT_NAMES, type Violation } from './invariants';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

function table(title: string, rows: [string, string][]): string[] {
  if (rows.length === 0) return [title, '  (none)'];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [title, ...rows.map(([k, v]) => `  ${pad(k, width)}  ${v}`)];
}

const sorted = (m: Record<string, number>): [string, string][] =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, v]) => [k, String(v)]);

/** The human summary: runs, faults by kind, crashes, statuses, invariant violations, and how to replay. */
export function formatResult(result: CampaignResult, options: { allRuns?: boolean } = {}): string {
  const lines: string[] = [];
  const runs = result.runs;
  const interesting = options.allRuns ? runs : runs.filter((r) => r.crash || r.violations.length > 0);
  const asked = runs.filter((r) => r.trigger !== 'quiet_settle');
  lines.push(
    `fault campaign  seed ${result.seed}  runs ${asked.length} (+ the quiet settle run)  ${(result.durationMs / 1000).toFixed(1)} s`,
  );
  lines.push('');
  lines.push(options.allRuns ? 'runs' : 'runs with a crash or a violation (--all-runs lists every run)');
  lines.push(
    `  ${pad('#', 4)} ${pad('trigger', 21)} ${pad('crash (planned→hit, next)', 44)} ${pad('faults', 8)} answers`,
  );
  for (const r of interesting) {
    const crash = r.crash ? `${r.crash.planned}→${r.crash.observed}, ${r.crash.followUp}` : '';
    const bad = r.violations.length ? `  ✗ ${r.violations.length} violation(s)` : '';
    lines.push(
      `  ${pad(String(r.run), 4)} ${pad(r.trigger, 21)} ${pad(crash, 44)} ${pad(String(r.faults.length), 8)} ${r.statuses.join(' ')}${bad}`,
    );
  }
  lines.push('');
  const triggers: Record<string, number> = {};
  for (const r of runs) triggers[r.trigger] = (triggers[r.trigger] ?? 0) + 1;
  lines.push(...table('triggers', sorted(triggers)));
  lines.push(
    ...table('faults injected (by kind; each armed for its count of matching requests)', sorted(result.faultsByKind)),
  );
  lines.push(
    ...table(
      'crashes (SIGKILL; planned point → point reached)',
      Object.entries(result.crashes).map(([k, v]) => [k, `planned ${v.planned}, reached ${v.hit}`]),
    ),
  );
  const missed = runs.filter((r) => r.crash?.observed === 'missed').length;
  if (missed) lines.push(`  (${missed} planned crash(es) missed: the run ended before reaching the point)`);
  lines.push(...table('answers (status/reason, (dup) = duplicate)', sorted(result.statuses)));
  lines.push(...table('runs in the ledger at the end', sorted(result.ledgerStatuses)));
  lines.push(...table('exchange orders by type/final status', sorted(result.ordersByKind ?? {})));
  const trading = asked.filter((r) => (r.ordersPlaced ?? 0) > 0).length;
  lines.push(
    `exchange orders ${result.exchangeOrders}, fills ${result.fills}; runs that placed orders ${trading}/${asked.length} (trading share ${(100 * (result.tradingShare ?? 0)).toFixed(1)} %)`,
  );
  const kinds = (p: (r: (typeof runs)[number]) => boolean) => asked.filter(p).length;
  lines.push(
    `maker runs ${kinds((r) => r.profile === 'maker')}, dry runs ${kinds((r) => r.dryRun === true)}, takeovers of a live attempt ${kinds((r) => r.trigger === 'takeover_live')}, runs on a skewed instance ${kinds((r) => r.instance !== undefined && r.instance !== 'main')} (skews ${Object.entries(
      result.clockSkewMs ?? {},
    )
      .map(([k, v]) => `${k} ${v / 1000} s`)
      .join(', ')})`,
  );
  lines.push('');
  lines.push(...violationTable(result.violations));
  lines.push('');
  lines.push(
    result.violations.length === 0
      ? `0 invariant violations.  Replay: npm run chaos -- --runs ${asked.length} --seed ${result.seed}`
      : `${result.violations.length} INVARIANT VIOLATION(S).  Replay: npm run chaos -- --runs ${asked.length} --seed ${result.seed}`,
  );
  return lines.join('\n');
}

function violationTable(violations: (Violation & { run: number })[]): string[] {
  const lines = ['invariant violations'];
  for (const key of Object.keys(INVARIANT_NAMES)) {
    const n = Number(key) as Violation['invariant'];
    const mine = violations.filter((v) => v.invariant === n);
    lines.push(`  ${pad(String(n), 2)} ${pad(INVARIANT_NAMES[n], 52)} ${mine.length}`);
    for (const v of mine.slice(0, 10)) lines.push(`      run ${v.run === -1 ? 'end' : v.run}: ${v.message}`);
    if (mine.length > 10) lines.push(`      … ${mine.length - 10} more`);
  }
  return lines;
}
