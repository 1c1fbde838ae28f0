import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { utcText } from '../../shared/src/domain/time';
import { keepLedger } from '../lib/kept-ledger';
import { runRuns } from './cli';
import { type SeededLedger, seedLedger } from './testing/seed-ledger';

/**
 * `npm run runs` over documents the product wrote: rebalanceOnce and takeSnapshot with the Firestore
 * ledger and the simulator (testing/seed-ledger.ts), plus a first-release document and a hand-edited one.
 */
const host = process.env.FIRESTORE_EMULATOR_HOST ?? '';
const project = process.env.GOOGLE_CLOUD_PROJECT ?? '';
let seeded: SeededLedger;
let db: Firestore;

beforeAll(async () => {
  seeded = await seedLedger({ projectId: project, start: new Date('2025-03-01T00:00:00Z') });
  db = new Firestore({ projectId: project });
  // as the first release wrote a finished run: no account, no summary, the answer under `report`
  await db.doc('runs/qrl-rebalance-20250228T120000Z').set({
    runId: 'qrl-rebalance-20250228T120000Z',
    profile: 'default',
    status: 'completed',
    reason: null,
    trigger: { kind: 'scheduler', jobName: 'qrl-rebalance' },
    dryRun: false,
    attempt: 1,
    startedAt: new Date('2025-02-28T12:00:00Z'),
    finishedAt: new Date('2025-02-28T12:00:02Z'),
    expireAt: new Date('2025-05-29T12:00:00Z'),
    report: {
      executionId: 'qrl-rebalance-20250228T120000Z',
      status: 'completed',
      message: 'v1: sold 10 QRL',
      orders: [
        {
          leg: 0,
          clientOrderId: 'rb-v1-0',
          symbol: 'QRLUSDT',
          side: 'SELL',
          type: 'LIMIT',
          quantity: '10',
          price: '0.5',
          status: 'filled',
          executedQuantity: '10',
          executedQuote: '5',
          fees: { USDT: '0.0025' },
        },
      ],
      portfolio: {
        quote: 'USDT',
        valueBefore: '100',
        weightsBefore: { QRL: '0.6', USDT: '0.4' },
        valueAfter: '99.99',
        weightsAfter: { QRL: '0.55', USDT: '0.45' },
      },
    },
  });
  // edited by hand into a bad shape: it must not hide the other runs
  await db.doc('runs/hand-edited-0001').set({
    runId: 'hand-edited-0001',
    status: 42,
    startedAt: new Date('2025-02-27T00:00:00Z'),
    orders: 'none',
    before: [],
  });
}, 120_000);
afterAll(() => db.terminate());

async function runs(
  argv: string[],
  env: Record<string, string> = { FIRESTORE_EMULATOR_HOST: host, GOOGLE_CLOUD_PROJECT: project },
  localDir?: string,
) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRuns(argv, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env,
    now: () => new Date('2025-03-04T00:00:00Z'),
    ...(localDir ? { localDir } : {}),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const rows = (stdout: string) => stdout.split('\n').slice(1);
const column = (stdout: string, id: string) => rows(stdout).find((r) => r.includes(id)) ?? '';

describe('npm run runs (emulator, documents written by the product)', () => {
  it('lists every run newest first: time, profile, status, reason, orders, notional, fees, weights after', async () => {
    const r = await runs([]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(
      /^time \(UTC\)\s+profile\s+status\s+reason\s+orders\s+notional\s+fees\s+weights after\s+execution id$/,
    );
    const ids = rows(r.stdout).map((row) => row.split(/\s+/).at(-1));
    expect(ids).toEqual([
      seeded.ids.settler,
      seeded.ids.failed,
      seeded.ids.second,
      seeded.ids.within,
      seeded.ids.dry,
      seeded.ids.first,
      'qrl-rebalance-20250228T120000Z',
      'hand-edited-0001',
    ]);
    const first = seeded.reports.find((x) => x.executionId === seeded.ids.first);
    const notional = Number(first?.orders[0]?.executedQuote).toFixed(2);
    expect(column(r.stdout, seeded.ids.first)).toMatch(
      new RegExp(
        `^2025-03-01 00:15\\s+default\\s+completed\\s+1 filled\\s+${notional} USDT\\s+0\\.0\\d+ USDT\\s+QRL 50\\.0 %  USDT 50\\.0 %`,
      ),
    );
    expect(column(r.stdout, seeded.ids.failed)).toMatch(
      /failed\s+run\.unsettled_orders\s+1 unknown→filled\s+0 \+ [\d.]+ later USDT\s+[\d.]+ QRL\s+—/,
    );
    expect(column(r.stdout, seeded.ids.within)).toMatch(/skipped\s+within_band\s+0\s+—?/);
    expect(column(r.stdout, seeded.ids.dry)).toMatch(/dry_run\s+1 planned/);
    expect(column(r.stdout, 'qrl-rebalance-20250228T120000Z')).toMatch(
      /completed\s+1 filled\s+5\.00 USDT\s+0\.0025 USDT\s+QRL 55\.0 % {2}USDT 45\.0 %/,
    );
    expect(column(r.stdout, 'hand-edited-0001')).toMatch(/^2025-02-27 00:00\s+\?\s+\?/);
    expect(r.stderr).toMatch(/Firestore emulator .* 8 run\(s\), newest first/);
  });

  it('filters by status, profile and time, and limits', async () => {
    expect(rows((await runs(['--status', 'failed'])).stdout)).toEqual([expect.stringContaining(seeded.ids.failed)]);
    const two = rows((await runs(['--status', 'completed,dry_run', '--limit', '2'])).stdout);
    expect(two.map((row) => row.split(/\s+/).at(-1))).toEqual([seeded.ids.second, seeded.ids.dry]);
    expect((await runs(['--profile', 'aggressive'])).stdout).toBe('no runs match');
    const window = await runs(['--since', '2025-03-01T10:00', '--until', '2025-03-02']);
    expect(rows(window.stdout).map((row) => row.split(/\s+/).at(-1))).toEqual([seeded.ids.second, seeded.ids.within]);
    // an age counts back from now (2025-03-04T00:00Z here)
    expect(rows((await runs(['--since', '3d'])).stdout)).toHaveLength(6);
  });

  it('show tells a run in words, with each order and how a later run settled it', async () => {
    const r = await runs(['show', seeded.ids.failed]);
    expect(r.code).toBe(0);
    const [intent] = (await db.collection(`runs/${seeded.ids.failed}/orders`).get()).docs.map((d) => d.data());
    expect(intent?.settledBy).toBe(seeded.ids.settler);
    expect(r.stdout).toContain(`run ${seeded.ids.failed}: failed (run.unsettled_orders)`);
    expect(r.stdout).toMatch(/started {4}2025-03-0\d \d\d:\d\d:\d\d UTC by hand by alice@example\.com/);
    expect(r.stdout).toMatch(/#0 BUY [\d.]+ QRLUSDT IMMEDIATE_OR_CANCEL @ [\d.]+ {2}\[rb-/);
    expect(r.stdout).toMatch(/at the end of its run: unknown, filled 0 for 0 USDT/);
    expect(r.stdout).toContain(
      `settled later by ${seeded.ids.settler} at ${intent ? utcText(intent.updatedAt.toDate()) : '?'} UTC: filled, executed ${intent?.executedQuantity} for ${intent?.executedQuote} USDT`,
    );
    expect(r.stdout).toMatch(/error {6}run\.unsettled_orders: .* \(retryable\)/);
    expect(r.stdout).toMatch(/cost {7}3 Firestore round trips/);

    const settler = (await runs(['show', seeded.ids.settler])).stdout;
    expect(settler).toMatch(
      new RegExp(`settled {4}1 order\\(s\\) of earlier runs:\\n  rb-\\S+ of ${seeded.ids.failed}: filled`),
    );

    const scheduled = (await runs(['show', seeded.ids.first])).stdout;
    expect(scheduled).toMatch(
      /by Cloud Scheduler job qrl-rebalance \(schedule time 2025-03-01 00:15:\d\d UTC, caller qrl-scheduler@demo\.iam\.gserviceaccount\.com\)/,
    );
    expect(scheduled).toMatch(/before {5}value 700\.00 USDT {3}QRL 71\.4 % {2}USDT 28\.6 %/);
    expect(scheduled).toMatch(/after {6}value [\d.]+ USDT {3}QRL 50\.0 %/);

    const v1 = (await runs(['show', 'qrl-rebalance-20250228T120000Z'])).stdout;
    expect(v1).toMatch(/completed {2}\[first-release document\]\n {2}v1: sold 10 QRL/);
    expect(v1).toMatch(/totals {5}notional 5\.00 USDT, fees 0\.0025 USDT/);
  });

  it('show of an unknown id says so (exit 1); --json gives the parsed documents', async () => {
    const missing = await runs(['show', 'nope-00000000']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no run nope-00000000 in Firestore emulator/);
    const json = JSON.parse((await runs(['show', seeded.ids.failed, '--json'])).stdout);
    expect(json.run.orders[0].settledLater).toMatchObject({ status: 'filled', settledBy: seeded.ids.settler });
    expect(json.intents[0]).toMatchObject({ status: 'filled', settledBy: seeded.ids.settler });
  });

  it('reads the ledger a local stack kept in .local/ledger/ by starting an emulator with it', async () => {
    const local = mkdtempSync(join(tmpdir(), 'runs-local-'));
    try {
      await keepLedger(host, project, join(local, 'ledger'));
      const r = await runs([], {}, local);
      expect(r.stderr).toMatch(/starting a Firestore emulator with the ledger kept in \.local\/ledger\//);
      expect(r.code).toBe(0);
      expect(rows(r.stdout)).toHaveLength(8);
      expect(r.stderr).toMatch(/the ledger npm start \/ npm run dev kept in \.local\/ledger\/ .*: 8 run\(s\)/);
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  }, 120_000);
});
