import { callFunction, type LocalStack, scheduleTimeNow } from '../../scripts/lib/local-stack';
import { leakedSecrets, orderCount, secretsOf, startE2eStack } from './support/e2e-stack';

describe('snapshot and deep health over HTTP', () => {
  let stack: LocalStack;
  const sent = new Set<string>();
  const token = (name: 'snapshot' | 'health' | 'rebalance') => {
    const t = stack.token(name);
    sent.add(t);
    return t;
  };

  beforeAll(async () => {
    stack = await startE2eStack(['rebalance', 'snapshot', 'health']);
  }, 90_000);
  afterAll(() => stack?.stop());

  it('snapshot records value and weights and trades nothing', async () => {
    const result = await callFunction(stack.url('snapshot'), { token: token('snapshot') });
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ outcome: 'recorded', profile: 'default', quote: 'USDT' });
    expect(Object.keys(result.json?.weights as object).sort()).toEqual(['QRL', 'USDT']);
    expect(await orderCount(stack)).toBe(0);
  });

  it.each([
    ['no token', 401, 'auth.missing_token', { token: null }],
    ['a token for another function', 401, 'auth.wrong_audience', { tokenFor: 'rebalance' }],
    ['GET', 405, 'request.method_not_allowed', { method: 'GET' }],
    ['a rebalance-only field', 400, 'request.unknown_field', { body: { dryRun: true } }],
    ['unknown profile', 400, 'request.unknown_profile', { body: { profile: 'nope' } }],
  ] as const)('snapshot refuses %s → %i %s', async (_name, status, code, call) => {
    const t = 'token' in call ? null : token('tokenFor' in call ? call.tokenFor : 'snapshot');
    const result = await callFunction(stack.url('snapshot'), {
      token: t,
      ...('method' in call ? { method: call.method } : {}),
      ...('body' in call ? { body: call.body } : {}),
    });
    expect(result.status).toBe(status);
    expect(result.json?.error).toBe(code);
  });

  it('shallow health needs no token; deep health does', async () => {
    const shallow = await callFunction(stack.url('health'), { method: 'GET', token: null });
    expect(shallow.status).toBe(200);
    expect(shallow.json?.status).toBe('ok');
    const deepAnonymous = await callFunction(stack.url('health'), { method: 'GET', token: null, path: '/?deep=1' });
    expect(deepAnonymous.status).toBe(401);
    expect(deepAnonymous.json?.error).toBe('auth.missing_token');
  });

  it('deep health is 503 while no run has finished (a dead scheduler), 200 once one has', async () => {
    const before = await callFunction(stack.url('health'), { method: 'GET', token: token('health'), path: '/?deep=1' });
    expect(before.status).toBe(503);
    const checks = before.json?.checks as { name: string; ok: boolean }[];
    expect(checks.find((c) => c.name === 'runs.fresh')?.ok).toBe(false);
    expect(checks.filter((c) => c.name !== 'runs.fresh').every((c) => c.ok)).toBe(true);

    const run = await callFunction(stack.url('rebalance'), {
      token: token('rebalance'),
      scheduleTime: scheduleTimeNow(),
    });
    expect(run.json?.status).toBe('completed');

    const after = await callFunction(stack.url('health'), { method: 'GET', token: token('health'), path: '/?deep=1' });
    expect(after.json).toMatchObject({ status: 'ok' });
    expect(after.status).toBe(200);
  });

  it('no log line of any function contains a token or the API credentials', () => {
    for (const fn of Object.values(stack.functions))
      expect({ fn: fn.name, leaked: leakedSecrets(fn.output(), secretsOf(stack, sent)) }).toEqual({
        fn: fn.name,
        leaked: [],
      });
  });
});
