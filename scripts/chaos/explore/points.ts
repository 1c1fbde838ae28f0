/**
 * The explorer's vocabulary: a point is one call a clean run makes (a ledger RPC or an exchange
 * request), named stably from the reference run of its scenario; an action is what the explorer
 * does at it. Pure: the driver records calls, this names them and says which actions fit.
 */

export const SCENARIO_NAMES = ['one-leg', 'two-legs', 'three-assets'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export type CallKind = 'ledger' | 'exchange';

/** One call as the proxies saw it: the RPC name (`Commit`) or the endpoint (`POST /api/v3/order`). */
export interface RecordedCall {
  kind: CallKind;
  label: string;
}

export interface Point {
  scenario: ScenarioName;
  kind: CallKind;
  /** 1-based position among the reference run's calls of this kind */
  index: number;
  label: string;
  /** 1-based: this is the n-th call with this label and kind (how a case finds the point again) */
  occurrence: number;
  /** `one-leg/ledger#2:Commit`, `two-legs/exchange#7:POST /api/v3/order` */
  name: string;
}

export const KILLS = ['kill-before', 'kill-after'] as const;
export const LEDGER_FAULTS = ['ledger-error', 'ledger-slow', 'ledger-contention'] as const;
export const EXCHANGE_FAULTS = [
  'timeout',
  '5xx',
  '429',
  '418',
  '403',
  'accept_then_timeout',
  'visibility_lag',
] as const;
export const ACTIONS = [...KILLS, ...LEDGER_FAULTS, ...EXCHANGE_FAULTS] as const;
export type Action = (typeof ACTIONS)[number];
export type LedgerFault = (typeof LEDGER_FAULTS)[number];
export type ExchangeFault = (typeof EXCHANGE_FAULTS)[number];

/** Faults that only mean something for an order placement: the answer lost after MEXC accepted, the order not visible yet. */
const ORDER_ONLY: ReadonlySet<Action> = new Set(['accept_then_timeout', 'visibility_lag']);
const ORDER_ENDPOINT = 'POST /api/v3/order';

export function isAction(value: string): value is Action {
  return (ACTIONS as readonly string[]).includes(value);
}

export function pointName(scenario: ScenarioName, kind: CallKind, index: number, label: string): string {
  return `${scenario}/${kind}#${index}:${label}`;
}

/** The points of a reference run, in call order (ledger and exchange calls interleaved as they happened). */
export function pointsOf(scenario: ScenarioName, calls: readonly RecordedCall[]): Point[] {
  const index: Record<CallKind, number> = { ledger: 0, exchange: 0 };
  const seen = new Map<string, number>();
  return calls.map((call) => {
    index[call.kind] += 1;
    const key = `${call.kind} ${call.label}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    return {
      scenario,
      kind: call.kind,
      index: index[call.kind],
      label: call.label,
      occurrence,
      name: pointName(scenario, call.kind, index[call.kind], call.label),
    };
  });
}

/** True when the action applies at the point; otherwise why not (the table's `n/a`). */
export function fits(point: Pick<Point, 'kind' | 'label'>, action: Action): true | string {
  if ((KILLS as readonly string[]).includes(action)) return true;
  if ((LEDGER_FAULTS as readonly string[]).includes(action))
    return point.kind === 'ledger' ? true : 'a ledger fault at an exchange call';
  if (point.kind !== 'exchange') return 'an exchange fault at a ledger call';
  if (ORDER_ONLY.has(action) && point.label !== ORDER_ENDPOINT) return `only for ${ORDER_ENDPOINT}`;
  return true;
}

export interface CasePlan {
  point: Point;
  action: Action;
}

/** Every (point, action) that fits, point by point in call order. */
export function allCases(points: readonly Point[]): CasePlan[] {
  return points.flatMap((point) => ACTIONS.filter((a) => fits(point, a) === true).map((action) => ({ point, action })));
}

/**
 * The reduced set `npm test` runs: in the one-leg scenario the claim (the first Commit), the order
 * placement and the final Commit, each with both kills and one fault that fits it.
 */
export function reducedCases(points: readonly Point[]): CasePlan[] {
  const oneLeg = points.filter((p) => p.scenario === 'one-leg');
  const commits = oneLeg.filter((p) => p.kind === 'ledger' && p.label === 'Commit');
  const order = oneLeg.find((p) => p.kind === 'exchange' && p.label === ORDER_ENDPOINT);
  const claim = commits[0];
  const final = commits[commits.length - 1];
  if (!claim || !final || !order || claim === final)
    throw new Error(
      'the one-leg reference run has no claim commit, order placement and final commit: the reduced explorer has nothing to stand on',
    );
  const picks: [Point, Action][] = [
    [claim, 'ledger-error'],
    [order, 'accept_then_timeout'],
    [final, 'ledger-contention'],
  ];
  return picks.flatMap(([point, fault]) => [
    { point, action: 'kill-before' as const },
    { point, action: 'kill-after' as const },
    { point, action: fault },
  ]);
}

/** Selects cases by `--point` (exact name) and `--action`; an unknown name is an error that lists what exists. */
export function selectCases(cases: readonly CasePlan[], point?: string, action?: string): CasePlan[] {
  if (action !== undefined && !isAction(action))
    throw new Error(`--action ${action} is not one of ${ACTIONS.join(', ')}`);
  let out = [...cases];
  if (point !== undefined) {
    out = out.filter((c) => c.point.name === point);
    if (out.length === 0) {
      const names = [...new Set(cases.map((c) => c.point.name))];
      throw new Error(
        `--point ${point} is not a point of the reference runs; the points are:\n  ${names.join('\n  ')}`,
      );
    }
  }
  if (action !== undefined) {
    out = out.filter((c) => c.action === action);
    if (out.length === 0) throw new Error(`--action ${action} does not fit ${point ?? 'any selected point'}`);
  }
  return out;
}

/** A point name's scenario, or null when it does not start with one. */
export function scenarioOfPointName(name: string): ScenarioName | null {
  const head = name.slice(0, name.indexOf('/'));
  return (SCENARIO_NAMES as readonly string[]).includes(head) ? (head as ScenarioName) : null;
}
