import { runView, snapshotView } from '../runs/ledger-read';
import { renderReport, valueAt } from './html';
import { buildReportModel, chooseProfile } from './model';

const t = (hhmm: string) => new Date(`2025-03-01T${hhmm}:00Z`);

/** Documents shaped as the product writes them (docs/ledger.md), reduced to the fields the report reads. */
const snapshot = (at: string, price: string, qrl: string, usdt: string, profile = 'default') => {
  const value = Number(qrl) * Number(price) + Number(usdt);
  return snapshotView(`s-${at}`, {
    at: t(at),
    profile,
    quote: 'USDT',
    value: String(value),
    prices: { QRLUSDT: price },
    weights: { QRL: String((Number(qrl) * Number(price)) / value), USDT: String(Number(usdt) / value) },
    balances: [
      { asset: 'QRL', free: qrl, locked: '0' },
      { asset: 'USDT', free: usdt, locked: '0' },
    ],
    valuation: {
      holdings: [
        { asset: 'QRL', target: '0.5', band: '0.05' },
        { asset: 'USDT', target: '0.5', band: '0.05' },
      ],
    },
  });
};

const sell = runView('run-1', {
  profile: 'default',
  status: 'completed',
  summary: 'sold',
  dryRun: false,
  quote: 'USDT',
  startedAt: t('01:00'),
  finishedAt: t('01:01'),
  before: {
    value: '700',
    weights: { QRL: '0.7143', USDT: '0.2857' },
    prices: { QRLUSDT: '0.5' },
    balances: { QRL: { free: '1000', locked: '0' }, USDT: { free: '200', locked: '0' } },
  },
  orders: [
    {
      leg: 0,
      clientOrderId: 'rb-1-0',
      symbol: 'QRLUSDT',
      side: 'SELL',
      type: 'IMMEDIATE_OR_CANCEL',
      quantity: '300',
      status: 'filled',
      executedQuantity: '300',
      executedQuote: '150',
      fees: { USDT: '0.075' },
    },
  ],
  after: { value: '699.925', weights: { QRL: '0.5', USDT: '0.5' } },
  totals: { notional: '150', fees: { USDT: '0.075' } },
});

// its answer was lost; the next run found it filled, with the fee in QRL
const lost = runView('run-2', {
  profile: 'default',
  status: 'failed',
  reason: 'run.unsettled_orders',
  quote: 'USDT',
  startedAt: t('03:00'),
  finishedAt: t('03:00'),
  before: { value: '600', weights: { QRL: '0.4', USDT: '0.6' }, prices: { QRLUSDT: '0.4' }, balances: {} },
  orders: [
    {
      leg: 0,
      clientOrderId: 'rb-2-0',
      symbol: 'QRLUSDT',
      side: 'BUY',
      type: 'IMMEDIATE_OR_CANCEL',
      quantity: '100',
      status: 'unknown',
      executedQuantity: '0',
      executedQuote: '0',
      fees: {},
    },
  ],
  totals: { notional: '0', fees: {} },
  settledLater: {
    'rb-2-0': {
      status: 'filled',
      executedQuantity: '100',
      executedQuote: '40',
      fees: { QRL: '0.1' },
      settledBy: 'run-3',
      at: t('04:00'),
    },
  },
});

const skipped = runView('run-3', {
  profile: 'default',
  status: 'skipped',
  reason: 'within_band',
  quote: 'USDT',
  startedAt: t('04:00'),
  finishedAt: t('04:00'),
  before: { value: '640', weights: { QRL: '0.5', USDT: '0.5' }, prices: { QRLUSDT: '0.4' }, balances: {} },
  orders: [],
});

const snapshots = [snapshot('00:00', '0.5', '1000', '200'), snapshot('02:00', '0.45', '700', '349.925')].flatMap((s) =>
  s ? [s] : [],
);

describe('the report model', () => {
  const model = buildReportModel({ runs: [skipped, sell, lost], snapshots });

  it('draws value from snapshots and from each run before and after, in time order', () => {
    expect(model.value).toEqual([
      [t('00:00').getTime(), 700],
      [t('01:00').getTime(), 700],
      [t('01:01').getTime(), 699.925],
      [t('02:00').getTime(), 664.925],
      [t('03:00').getTime(), 600],
      [t('04:00').getTime(), 640],
    ]);
  });

  it('holds the first balances unchanged for buy-and-hold, valued at each later price', () => {
    expect(model.startBalances).toEqual({ QRL: 1000, USDT: 200 });
    // 1000 QRL + 200 USDT at 0.5, 0.5 (run-1 before and, with its prices, after), 0.45, 0.4, 0.4
    expect(model.buyAndHold.map(([, v]) => v)).toEqual([700, 700, 700, 650, 600, 600]);
  });

  it('counts every order that traded once, a later settlement included, fees valued in the quote', () => {
    expect(model.trades.map((x) => [x.runId, x.side, x.notional, x.fee, x.settledLater])).toEqual([
      ['run-1', 'SELL', 150, 0.075, false],
      ['run-2', 'BUY', 40, 0.1 * 0.4, true],
    ]);
    expect(model.trades[1]?.time).toBe(t('04:00').getTime());
    expect(model.cumulativeTurnover.map(([, v]) => v)).toEqual([0, 150, 190]);
    expect(model.cumulativeFees.at(-1)?.[1]).toBeCloseTo(0.115, 10);
  });

  it('takes weights and bands from the ledger, and the last runs newest first', () => {
    expect(model.weights.QRL?.[0]).toEqual([t('00:00').getTime(), 500 / 700]);
    expect(model.bands).toEqual({ QRL: { target: 0.5, band: 0.05 }, USDT: { target: 0.5, band: 0.05 } });
    expect(model.bandSource).toBe('snapshot');
    expect(model.runs.map((r) => r.id)).toEqual(['run-3', 'run-2', 'run-1']);
    expect(model.statusCounts).toEqual({ completed: 1, failed: 1, skipped: 1 });
  });

  it('falls back to the configured bands without snapshots, and says so', () => {
    const m = buildReportModel({
      runs: [sell],
      snapshots: [],
      configuredBands: () => ({ QRL: { target: 0.6, band: 0.1 } }),
    });
    expect(m).toMatchObject({ bandSource: 'profile', bands: { QRL: { target: 0.6, band: 0.1 } } });
    expect(m.notes.join(' ')).toMatch(/no snapshot records the targets/);
  });

  it('picks the only profile, else default, else asks', () => {
    expect(chooseProfile([sell], [])).toBe('default');
    const other = runView('x', { ...{ profile: 'aggressive', status: 'completed', startedAt: t('05:00') } });
    expect(chooseProfile([other], [])).toBe('aggressive');
    expect(chooseProfile([sell, other], [])).toBe('default');
    const third = runView('y', { profile: 'calm', status: 'completed', startedAt: t('05:00') });
    expect(() => chooseProfile([other, third], [])).toThrow(
      /several profiles \(aggressive, calm\); pick one with --profile/,
    );
  });

  it('renders one self-contained page: no script, nothing fetched, every chart inline', () => {
    const html = renderReport(model, { source: 'test', generatedAt: t('05:00') });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html.match(/<svg /g)).toHaveLength(5); // value, 2 weights, turnover, fees
    expect(html.match(/<title>2025-03-01 0\d:0\d (SELL|BUY)/g)).toHaveLength(6); // 2 trades on 3 charts
    expect(html).toContain('700.00 → 640.00 USDT (-8.57 %)');
    expect(html).toContain('700.00 → 600.00 USDT (-14.29 %), holding 1000 QRL + 200 USDT from 2025-03-01 00:00');
    expect(html).toContain('+40.00 USDT');
    expect(html).toMatch(
      /<tr class="failed"><td>2025-03-01 03:00<\/td><td>default<\/td><td>failed<\/td><td>run.unsettled_orders<\/td><td>1 unknown→filled<\/td>/,
    );
  });

  it('reads a series at a time as its last point at or before it', () => {
    const s: [number, number][] = [
      [10, 1],
      [20, 2],
    ];
    expect([valueAt(s, 5), valueAt(s, 10), valueAt(s, 15), valueAt(s, 25)]).toEqual([1, 1, 1, 2]);
  });
});
