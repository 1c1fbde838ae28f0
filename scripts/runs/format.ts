/** What `npm run runs` prints: the table of runs, and one run told in words. */
import { utcText } from '@qrl-rebalancer/shared/domain';
import type { IntentView, OrderView, RunView } from './ledger-read';

/** A time a person reads (UTC), or — for none. */
export function utc(d: Date | null, seconds = false): string {
  return d ? utcText(d, seconds) : '—';
}

/** A decimal string shortened for reading: `dp` decimals, or 3 significant digits for small amounts. */
export function amount(value: string | null | undefined, dp = 2): string {
  if (value === null || value === undefined) return '—';
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  if (n === 0) return '0';
  if (Math.abs(n) < 10 ** -dp * 10) return Number(n.toPrecision(3)).toString();
  return n.toFixed(dp);
}

export function weightsText(weights: Record<string, string> | undefined | null): string {
  if (!weights || Object.keys(weights).length === 0) return '—';
  return Object.entries(weights)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([asset, w]) => `${asset} ${(Number(w) * 100).toFixed(1)} %`)
    .join('  ');
}

export function feesText(fees: Record<string, string>): string {
  const entries = Object.entries(fees).filter(([, f]) => Number(f) !== 0);
  if (entries.length === 0) return '—';
  return entries.map(([asset, f]) => `${amount(f, 4)} ${asset}`).join(' + ');
}

/** The order as it finally ended: settled later by another run, or as its own run left it. */
export function finalOf(o: OrderView): {
  status: string;
  executedQuantity: string;
  executedQuote: string;
  fees: Record<string, string>;
} {
  return o.settledLater ?? o;
}

function traded(run: RunView): boolean {
  return run.orders.some((o) => Number(finalOf(o).executedQuantity) > 0);
}

/** Weights after the run: measured after trading, or — when nothing traded — the weights it found. */
export function weightsAfter(run: RunView): string {
  if (run.after) return weightsText(run.after.weights);
  if (!traded(run) && run.before) return weightsText(run.before.weights);
  return '—';
}

function ordersCell(run: RunView): string {
  if (run.orders.length === 0) return '0';
  const counts = new Map<string, number>();
  for (const o of run.orders) {
    const label = o.settledLater ? `${o.status}→${o.settledLater.status}` : o.status;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, n]) => `${n} ${label}`).join(', ');
}

function notionalCell(run: RunView): string {
  const later = run.orders.reduce((sum, o) => sum + (o.settledLater ? Number(o.settledLater.executedQuote) : 0), 0);
  const unit = run.quote ? ` ${run.quote}` : '';
  const own = run.totals.notional === null ? (run.orders.length === 0 ? '—' : '?') : amount(run.totals.notional);
  if (later > 0) return `${own === '—' ? '0' : own} + ${amount(String(later))} later${unit}`;
  return own === '—' || own === '0' ? own : `${own}${unit}`;
}

function feesCell(run: RunView): string {
  const fees: Record<string, number> = {};
  for (const [a, f] of Object.entries(run.totals.fees)) fees[a] = (fees[a] ?? 0) + Number(f);
  for (const o of run.orders)
    if (o.settledLater) for (const [a, f] of Object.entries(o.settledLater.fees)) fees[a] = (fees[a] ?? 0) + Number(f);
  return feesText(Object.fromEntries(Object.entries(fees).map(([a, f]) => [a, String(f)])));
}

function statusCell(run: RunView): string {
  return run.dryRun && run.status !== 'dry_run' ? `${run.status} (dry)` : run.status;
}

export const TABLE_HEADER = [
  'time (UTC)',
  'profile',
  'status',
  'reason',
  'orders',
  'notional',
  'fees',
  'weights after',
  'execution id',
];

export function runRow(run: RunView): string[] {
  return [
    utc(run.startedAt),
    run.profile,
    statusCell(run),
    run.reason ?? '',
    ordersCell(run),
    notionalCell(run),
    feesCell(run),
    weightsAfter(run),
    run.id,
  ];
}

export function table(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function runsTable(runs: readonly RunView[]): string {
  return table(TABLE_HEADER, runs.map(runRow));
}

function triggerText(run: RunView): string {
  const t = run.trigger;
  const who = t.caller ? `, caller ${t.caller}` : '';
  if (t.kind === 'scheduler')
    return `by Cloud Scheduler job ${t.jobName ?? '?'} (schedule time ${utc(t.scheduleTime, true)} UTC${who})`;
  if (t.kind === 'manual') return `by hand${t.caller ? ` by ${t.caller}` : ''}`;
  return t.kind ? `by ${t.kind}${who}` : `(no trigger recorded${who})`;
}

function duration(run: RunView): string {
  const ms =
    run.metrics.durationMs ??
    (run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null);
  return ms === null || ms === undefined ? '' : ` after ${(ms / 1000).toFixed(2)} s`;
}

function orderLines(o: OrderView, quote: string, intent: IntentView | undefined): string[] {
  const lines = [
    `  #${o.leg ?? '?'} ${o.side} ${o.quantity ?? '(by quote)'} ${o.symbol} ${o.type}${o.price ? ` @ ${o.price}` : ''}  [${o.clientOrderId}]`,
    `     at the end of its run: ${o.status}, filled ${o.executedQuantity} for ${o.executedQuote} ${quote}` +
      `${Object.keys(o.fees).length ? `, fees ${feesText(o.fees)}` : ''}${o.orderId ? `, exchange order ${o.orderId}` : ''}`,
  ];
  const later = o.settledLater;
  if (later)
    lines.push(
      `     settled later by ${later.settledBy ?? 'a later run'} at ${utc(later.at)} UTC: ${later.status}, executed ` +
        `${later.executedQuantity} for ${later.executedQuote} ${quote}${Object.keys(later.fees).length ? `, fees ${feesText(later.fees)}` : ''}`,
    );
  if (intent && !later && (intent.status !== o.status || intent.settledBy))
    lines.push(
      `     its intent now: ${intent.status}, filled ${intent.executedQuantity} for ${intent.executedQuote} ${quote}` +
        `${intent.settledBy ? `, settled by ${intent.settledBy}` : ''}`,
    );
  if (intent?.error && finalOf(o).status !== 'filled')
    lines.push(`     ${intent.error.code}: ${intent.error.message ?? ''}`);
  return lines;
}

/** One run in words, with its orders and how each was settled. */
export function describeRun(run: RunView, intents: readonly IntentView[]): string {
  const quote = run.quote ?? '';
  const lines = [
    `run ${run.id}: ${run.status}${run.reason ? ` (${run.reason})` : ''}${run.version === 1 ? '  [first-release document]' : ''}`,
    `  ${run.summary ?? '(no summary)'}`,
    '',
    `profile    ${run.profile}${run.account ? ` on account ${run.account}` : ''}, ${run.dryRun ? 'dry run' : 'live'}${run.attempt ? `, attempt ${run.attempt}` : ''}`,
    `started    ${utc(run.startedAt, true)} UTC ${triggerText(run)}`,
    `finished   ${run.finishedAt ? `${utc(run.finishedAt, true)} UTC${duration(run)}` : 'not yet (still running, or the process died: the next call with this id takes it over)'}`,
  ];
  if (run.before) {
    const prices = Object.entries(run.before.prices)
      .map(([s, p]) => `${s} ${p}`)
      .join(', ');
    lines.push(
      `before     value ${amount(run.before.value)} ${quote}   ${weightsText(run.before.weights)}` +
        `${run.before.drift ? `   drift ${amount(run.before.drift, 4)}` : ''}${prices ? `   price ${prices}` : ''}`,
    );
  }
  if (run.planReason) lines.push(`plan       ${run.planReason}`);
  const held = run.guards.filter((g) => g.verdict !== 'pass');
  if (held.length > 0) lines.push(...held.map((g) => `guard      ${g.guard} ${g.verdict}: ${g.reason}`));
  lines.push(`orders     ${run.orders.length === 0 ? 'none' : run.orders.length}`);
  const byId = new Map(intents.map((i) => [i.clientOrderId, i]));
  for (const o of run.orders) lines.push(...orderLines(o, quote, byId.get(o.clientOrderId)));
  // intents the run document does not list (a run still running, or one that died before its end)
  for (const i of intents.filter((x) => !run.orders.some((o) => o.clientOrderId === x.clientOrderId)))
    lines.push(
      `  ${i.side} ${i.quantity ?? ''} ${i.symbol}  [${i.clientOrderId}]  intent ${i.status}, filled ${i.executedQuantity} for ${i.executedQuote} ${quote}${i.settledBy ? `, settled by ${i.settledBy}` : ''}`,
    );
  if (run.after) lines.push(`after      value ${amount(run.after.value)} ${quote}   ${weightsText(run.after.weights)}`);
  lines.push(`totals     notional ${amount(run.totals.notional)} ${quote}, fees ${feesText(run.totals.fees)}`);
  if (run.reconciled.length > 0) {
    lines.push(`settled    ${run.reconciled.length} order(s) of earlier runs:`);
    for (const r of run.reconciled)
      lines.push(`  ${r.clientOrderId} of ${r.runId}: ${r.status}, ${r.executedQuote} ${quote}`);
    if (run.discoveredNotional && Number(run.discoveredNotional) > 0)
      lines.push(`  traded since their runs recorded them: ${amount(run.discoveredNotional)} ${quote}`);
  }
  if (run.error) {
    lines.push(`error      ${run.error.code}: ${run.error.message ?? ''}${run.error.retryable ? ' (retryable)' : ''}`);
    if (run.error.todo) lines.push(`to do      ${run.error.todo}`);
  }
  const m = run.metrics;
  const cost = [
    m.firestoreCalls !== undefined ? `${m.firestoreCalls} Firestore round trips` : null,
    m.exchangeCalls !== undefined ? `${m.exchangeCalls} exchange calls` : null,
  ].filter(Boolean);
  if (cost.length > 0) lines.push(`cost       ${cost.join(', ')}`);
  return lines.join('\n');
}
