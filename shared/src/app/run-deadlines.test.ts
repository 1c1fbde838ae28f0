import { MIN_FUNCTION_TIMEOUT_S } from '../config/env';
import { httpStatus } from '../http/status';
import { createMemoryLedger, MemoryStore } from '../ledger/memory';
import type { Exchange } from '../ports/exchange';
import { LedgerUnavailableError } from '../ports/ledger';
import { rebalanceOnce } from './rebalance-once';
import {
  DEFAULT_RUN_LIMITS,
  functionBudget,
  limitsFor,
  RunDeadlineError,
  type RunLimits,
  sendTimeLeftMs,
  startBudget,
  within,
} from './run-deadlines';
import { FakeExchange } from './testing/fake-exchange';
import { ManualClock, runInput, testDeps } from './testing/run-deps';

/** Issue #18: a run always ends inside the function timeout, and never sends what it cannot record. */

const START = Date.parse('2026-03-10T12:00:00Z');
/** the deployed limits scaled down, so that a test waits a second, not two minutes */
const LIMITS: RunLimits = { finishReserveMs: 300, orderCallMs: 300, ledgerCallMs: 2_000, exchangeCallMs: 2_000 };

function world() {
  const clock = new ManualClock(START);
  const store = new MemoryStore();
  const exchange = new FakeExchange(clock);
  const ledger = () => createMemoryLedger({ retentionDays: 30, clock, store });
  return { clock, store, exchange, ledger };
}

const never = () => new Promise<never>(() => undefined);

describe('within', () => {
  it('answers what the call answered in time, and throws the deadline error once the time is up', async () => {
    await expect(
      within(
        async () => 'ok',
        1_000,
        () => new Error('late'),
      ),
    ).resolves.toBe('ok');
    await expect(within(never, 20, (ms) => new Error(`late after ${ms} ms`))).rejects.toThrow('late after 20 ms');
    // no time at all: the call is not even started
    let started = false;
    const call = async () => {
      started = true;
      return 1;
    };
    await expect(within(call, 0, () => new Error('no time'))).rejects.toThrow('no time');
    expect(started).toBe(false);
  });
});

describe('rebalanceOnce inside its budget', () => {
  it('an exchange read that hangs before the claim ends the run with run.deadline (503), nothing claimed or sent', async () => {
    const { clock, exchange, ledger } = world();
    const hanging: Exchange = Object.assign(Object.create(exchange) as Exchange, { account: never, balances: never });
    const deps = { ...testDeps(hanging, ledger(), clock), budget: startBudget(800, { limits: LIMITS }) };
    const executionId = 'rebalance-20260310T120000Z';
    const error = await rebalanceOnce(runInput(executionId), deps).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunDeadlineError);
    expect(error).toMatchObject({ code: 'run.deadline', retryable: true });
    expect(httpStatus({ error })).toBe(503);
    expect(await ledger().readRun(executionId)).toBeNull();
    expect(exchange.sent).toEqual([]);
  });

  it('a ledger call that hangs is given up as ledger.unavailable (503) before the budget is spent', async () => {
    const { clock, exchange, ledger } = world();
    const inner = ledger();
    const hanging = { ...inner, startRun: never };
    const deps = { ...testDeps(exchange, hanging, clock), budget: startBudget(800, { limits: LIMITS }) };
    const error = await rebalanceOnce(runInput('rebalance-20260310T120000Z'), deps).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LedgerUnavailableError);
    expect((error as LedgerUnavailableError).what).toMatch(/could not claim the run: no answer within \d+ ms/);
    expect(httpStatus({ error })).toBe(503);
    // the claim may or may not have landed: nothing is sent after it
    expect(exchange.sent).toEqual([]);
  });

  it('the point of no return: without time to send an order and record the run, the trading claim is not made', async () => {
    const { clock, exchange, ledger } = world();
    // time left, but not the order call plus the finish reserve
    const budget = startBudget(LIMITS.orderCallMs + LIMITS.finishReserveMs, {
      limits: LIMITS,
      elapsedMs: () => clock.ms,
    });
    const executionId = 'rebalance-20260310T120000Z';
    const error = await rebalanceOnce(runInput(executionId), { ...testDeps(exchange, ledger(), clock), budget }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'run.deadline' });
    expect((error as RunDeadlineError).what).toMatch(/claiming run .* to send 1 order\(s\): this run had no time left/);
    expect(await ledger().readRun(executionId)).toBeNull();
    expect(exchange.sent).toEqual([]);
  });

  it('an order planned after the point of no return is not sent: its intent ends absent, the run failed run.send_deadline', async () => {
    const { clock, exchange, ledger } = world();
    // a dead run's lock sends this one down the slower path: settle, read the market, write intents, send
    await ledger().acquireLock({
      accountId: 'acct-test',
      profileId: 'default',
      runId: 'dead',
      owner: 'x',
      leaseMs: 10,
    });
    clock.advance(1_000);
    const budget = startBudget(5_000, { limits: LIMITS, elapsedMs: () => clock.ms });
    // the market read of the slow path takes most of what was left
    const slow: Exchange = Object.assign(Object.create(exchange) as Exchange, {
      account: async () => {
        clock.advance(4_500);
        return exchange.account();
      },
    });
    const executionId = 'rebalance-20260310T120000Z';
    const report = await rebalanceOnce(runInput(executionId), { ...testDeps(slow, ledger(), clock), budget });
    expect(report).toMatchObject({ status: 'failed', reason: 'run.send_deadline' });
    expect(exchange.sent).toEqual([]);
    const intents = await ledger().listIntents(executionId);
    expect(intents.map((i) => i.status)).toEqual(['absent']);
    expect((await ledger().readAccount('acct-test')).lock).toBeNull();
  });
});

describe('the limits of a function timeout', () => {
  it('are the defaults for the deployed 120 s', () => {
    expect(limitsFor(120)).toEqual(DEFAULT_RUN_LIMITS);
  });

  it('shrink with a short timeout so that half the budget is left for the reads and the send', () => {
    expect(limitsFor(10)).toEqual({
      finishReserveMs: 2_000,
      orderCallMs: 2_000,
      ledgerCallMs: 4_000,
      exchangeCallMs: 4_000,
    });
  });

  it('at the shortest timeout the config accepts, still leave time to send an order and record the run', () => {
    const budget = functionBudget(MIN_FUNCTION_TIMEOUT_S);
    expect(budget.limits).toEqual(limitsFor(MIN_FUNCTION_TIMEOUT_S));
    expect(sendTimeLeftMs(budget)).toBeGreaterThanOrEqual(1_500);
  });
});
