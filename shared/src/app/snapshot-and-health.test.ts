import { type RunningSimulator, SimulatorAdmin, startSimulator } from '@qrl-rebalancer/simulator';
import Big from 'big.js';
import { parseProfile } from '../domain/profile';
import { createMexcClient } from '../exchange/mexc';
import { createMemoryLedger } from '../ledger/memory';
import { silentLogger } from '../observability/logger';
import type { Clock } from '../ports/clock';
import { checkHealth } from './check-health';
import { takeSnapshot } from './take-snapshot';
import { ManualClock } from './testing/run-deps';

/** takeSnapshot and checkHealth against the simulator over loopback HTTP, with the memory ledger. */

const API_KEY = 'mx0-snap-test-key-0001';
const API_SECRET = 'snap-test-secret-0123456789abcdef';
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 5,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    config: {
      symbols: [
        { symbol: 'QRLUSDT', price: '0.5' },
        { symbol: 'NOAPIUSDT', price: '2', inDefaultSymbols: false },
      ],
      balances: { QRL: '1000', USDT: '300', NOAPI: '10' },
    },
  });
});

afterAll(async () => {
  await sim.stop();
});

const qrl = parseProfile('qrl', {});
const noapi = parseProfile('noapi', { targets: { NOAPI: '0.5', USDT: '0.5' } });
const profiles = { [qrl.id]: qrl, [noapi.id]: noapi };

function setup(clock: Clock = { now: () => new Date() }) {
  const exchange = createMexcClient({ baseUrl: sim.url, apiKey: API_KEY, apiSecret: API_SECRET, recvWindowMs: 5000 });
  const ledger = createMemoryLedger({ retentionDays: 30, clock });
  return { exchange, ledger, clock, logger: silentLogger, profiles, accountId: 'acct-qrl' };
}

async function midOf(symbol: string): Promise<Big> {
  const response = await fetch(`${sim.url}/api/v3/ticker/bookTicker?symbol=${symbol}`);
  const book = (await response.json()) as { bidPrice: string; askPrice: string };
  return new Big(book.bidPrice).plus(book.askPrice).div(2);
}

describe('takeSnapshot', () => {
  it('records value, weights and drift from the exchange, and leaves the price reference to the runs', async () => {
    const deps = setup();
    const result = await takeSnapshot({ profileId: 'qrl' }, deps);
    const mid = await midOf('QRLUSDT');
    const qrlValue = new Big(1000).times(mid);
    const total = qrlValue.plus(300);
    expect(result).toMatchObject({ outcome: 'recorded', profile: 'qrl', quote: 'USDT', value: total.toFixed() });
    expect(result.prices.QRLUSDT).toBe(mid.toFixed());
    expect(new Big(result.weights.QRL ?? '0').minus(qrlValue.div(total)).abs().lt('1e-15')).toBe(true);
    // the price-move guard's reference belongs to the runs: a snapshot leaves the account alone
    expect((await deps.ledger.readAccount('acct-qrl')).priceReference).toEqual({});
  });

  it('refuses an unknown profile', async () => {
    await expect(takeSnapshot({ profileId: 'nope' }, setup())).rejects.toMatchObject({
      code: 'request.unknown_profile',
    });
  });
});

describe('checkHealth', () => {
  it('is degraded (not down) when everything answers but no run has finished yet', async () => {
    const report = await checkHealth({ profileId: 'qrl' }, setup());
    expect(report.status).toBe('degraded');
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['exchange.time', true],
      ['exchange.key', true],
      ['exchange.symbols', true],
      ['exchange.rules', true],
      ['ledger.read', true],
      ['runs.fresh', false],
    ]);
    expect(report.checks.find((c) => c.name === 'exchange.key')?.detail).toBe('canTrade true, permissions [SPOT]');
    expect(report.checks.find((c) => c.name === 'exchange.rules')?.detail).toMatch(
      /QRLUSDT \(profile qrl\): tick 0\.0001/,
    );
  });

  it('is down when the key cannot trade or the profile cannot meet the rules; a withdrawal right is a risk, not down', async () => {
    await new SimulatorAdmin(sim.url).setKey({ canTrade: false });
    try {
      const report = await checkHealth({ profileId: 'qrl' }, setup());
      expect(report.status).toBe('down');
      expect(report.checks.find((c) => c.name === 'exchange.key')).toMatchObject({
        ok: false,
        detail: expect.stringMatching(/canTrade is false/),
      });
    } finally {
      await new SimulatorAdmin(sim.url).setKey({ canTrade: true, canWithdraw: true });
    }
    const risky = await checkHealth({ profileId: 'qrl' }, setup());
    expect(risky.checks.find((c) => c.name === 'exchange.key')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/risk: .*remove the withdrawal permission/),
    });
    await new SimulatorAdmin(sim.url).setKey({ canWithdraw: false });
    const tiny = parseProfile('tiny', { maxOrderNotional: '0.5', minTradeNotional: '0.5' });
    const rules = await checkHealth({ profileId: 'tiny' }, { ...setup(), profiles: { tiny } });
    expect(rules.status).toBe('down');
    expect(rules.checks.find((c) => c.name === 'exchange.rules')?.detail).toMatch(/no order can be placed/);
  });

  it('is ok after a recent run, and stale once it is older than the threshold', async () => {
    // the run finished 20 minutes ago by the ledger's clock, which health judges it by (the
    // instance clock of `setup()` plays no part: on Firestore the ledger's clock is server time)
    const past = new ManualClock(Date.now() - 20 * 60_000);
    const deps = { ...setup(), ledger: createMemoryLedger({ retentionDays: 30, clock: past }) };
    const opened = await deps.ledger.openRun({ runId: 'run-health-1', accountId: 'acct-qrl' });
    await deps.ledger.startRun({
      token: opened.token,
      as: 'ended',
      runId: 'run-health-1',
      profileId: 'qrl',
      accountId: 'acct-qrl',
      trigger: { kind: 'manual' },
      dryRun: true,
      end: { status: 'skipped', reason: 'within_band', summary: 'within band', details: {} },
    });
    past.advance(20 * 60_000);
    expect((await checkHealth({ profileId: 'qrl', staleAfterMs: 3_600_000 }, deps)).status).toBe('ok');
    const stale = await checkHealth({ profileId: 'qrl', staleAfterMs: 600_000 }, deps);
    expect(stale.status).toBe('degraded');
    expect(stale.checks.find((c) => c.name === 'runs.fresh')?.detail).toMatch(
      /run-health-1 ended skipped 1[12]\d\d s ago/,
    );
  });

  it('is down when the profile trades a symbol the API may not trade, or the exchange clock is off', async () => {
    const symbols = await checkHealth({ profileId: 'noapi' }, setup());
    expect(symbols.status).toBe('down');
    expect(symbols.checks.find((c) => c.name === 'exchange.symbols')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^NOAPIUSDT is not open to API trading for this API key \(MEXC selfSymbols/),
    });

    const skewed = await checkHealth({ profileId: 'qrl' }, setup({ now: () => new Date(Date.now() - 60_000) }));
    expect(skewed.status).toBe('down');
    expect(skewed.checks.find((c) => c.name === 'exchange.time')?.detail).toMatch(/ahead by \d+ ms/);
  });
});
