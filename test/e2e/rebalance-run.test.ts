import { callFunction, type LocalStack, scheduleTimeNow } from '../../scripts/lib/local-stack';
import { jsonLines, leakedSecrets, orderCount, secretsOf, startE2eStack } from './support/e2e-stack';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

describe('rebalance over HTTP: one run per trigger, replay window, bad input', () => {
  let stack: LocalStack;
  let url: string;
  const sent = new Set<string>();
  const token = () => {
    const t = stack.token('rebalance');
    sent.add(t);
    return t;
  };

  beforeAll(async () => {
    stack = await startE2eStack(['rebalance']);
    url = stack.url('rebalance');
  }, 90_000);
  afterAll(() => stack?.stop());

  it('the same Scheduler request twice places one order set; the second answer is the stored report, duplicate: true', async () => {
    const scheduleTime = scheduleTimeNow();
    const scheduled = { scheduleTime, body: '', contentType: 'application/octet-stream' };
    const first = await callFunction(url, {
      ...scheduled,
      token: token(),
      headers: { 'X-Cloud-Trace-Context': `${TRACE_ID}/7;o=1` },
    });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ status: 'completed', duplicate: false, dryRun: false });
    expect(first.json?.executionId).toMatch(/^qrl-rebalance-\d{8}T\d{6}Z$/);
    const placed = await orderCount(stack);
    expect(placed).toBeGreaterThan(0);
    expect(first.json?.orders).toHaveLength(placed);

    const second = await callFunction(url, { ...scheduled, token: token() });
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ executionId: first.json?.executionId, status: 'completed', duplicate: true });
    expect(await orderCount(stack)).toBe(placed);

    // the handler logs invocation.finished after the answer has gone out: wait for the line (≤ 5 s)
    const finishedLines = () =>
      jsonLines(stack.functions.rebalance?.output() ?? '').filter(
        (l) => l.message === 'invocation.finished' && l.executionId === first.json?.executionId,
      );
    for (let waited = 0; finishedLines().length < 2 && waited < 5_000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const finished = finishedLines();
    expect(finished).toEqual([
      expect.objectContaining({
        severity: 'INFO',
        function: 'rebalance',
        status: 200,
        duplicate: false,
        ordersPlaced: placed,
      }),
      expect.objectContaining({ status: 200, duplicate: true, ordersPlaced: 0 }),
    ]);
    expect(finished[0]).toHaveProperty('durationMs');
    expect(finished[0]?.['logging.googleapis.com/trace']).toBe(`projects/${stack.projectId}/traces/${TRACE_ID}`);
  });

  it('a schedule time older than REPLAY_WINDOW_S answers 200 skipped:stale and trades nothing', async () => {
    const before = await orderCount(stack);
    const result = await callFunction(url, { token: token(), scheduleTime: new Date(Date.now() - 3_600_000) });
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ status: 'skipped', reason: 'stale', duplicate: false, orders: [] });
    expect(String(result.json?.message)).toMatch(/REPLAY_WINDOW_S=900/);
    expect(await orderCount(stack)).toBe(before);
  });

  type Row = [
    name: string,
    status: number,
    code: string | null,
    names: RegExp | null,
    call: () => Parameters<typeof callFunction>[1],
  ];
  const rows: Row[] = [
    [
      'non-JSON body (text/plain)',
      400,
      'request.bad_json',
      /not valid JSON/,
      () => ({ token: token(), body: 'dry run please', contentType: 'text/plain' }),
    ],
    // functions-framework's JSON parser sees this one before our handler; bad-json.ts gives it the same answer
    [
      'non-JSON body (application/json)',
      400,
      'request.bad_json',
      /not valid JSON/,
      () => ({ token: token(), body: '{"dryRun":', contentType: 'application/json' }),
    ],
    ['a JSON array', 400, 'request.bad_body', /JSON object/, () => ({ token: token(), body: [] })],
    [
      'unknown key',
      400,
      'request.unknown_field',
      /unknown field "force"/,
      () => ({ token: token(), body: { force: true } }),
    ],
    [
      'bad execution id',
      400,
      'request.bad_execution_id',
      /executionId must match/,
      () => ({ token: token(), body: { executionId: 'a/b' } }),
    ],
    [
      'dryRun not a boolean',
      400,
      'request.bad_field',
      /dryRun must be true or false/,
      () => ({ token: token(), body: { dryRun: 'yes' } }),
    ],
    [
      'unknown profile',
      400,
      'request.unknown_profile',
      /profile "nope"/,
      () => ({ token: token(), body: { profile: 'nope' } }),
    ],
    [
      'bad Scheduler schedule time',
      400,
      'request.bad_scheduler_header',
      /X-CloudScheduler-ScheduleTime/,
      () => ({
        token: token(),
        headers: {
          'X-CloudScheduler': 'true',
          'X-CloudScheduler-JobName': 'j',
          'X-CloudScheduler-ScheduleTime': 'yesterday',
        },
      }),
    ],
    ['GET', 405, 'request.method_not_allowed', /POST only/, () => ({ token: token(), method: 'GET' })],
    ['PUT', 405, 'request.method_not_allowed', /POST only/, () => ({ token: token(), method: 'PUT', body: {} })],
  ];
  it.each(rows)('%s → %i %s, nothing traded', async (_name, status, code, names, call) => {
    const before = await orderCount(stack);
    const result = await callFunction(url, call());
    expect(result.status).toBe(status);
    if (code) expect(result.json?.error).toBe(code);
    if (names) expect(String(result.json?.message)).toMatch(names);
    if (status === 405) expect(result.headers.get('allow')).toBe('POST');
    expect(await orderCount(stack)).toBe(before);
  });

  it('an explicit execution id is its own run, and a dry run sends nothing', async () => {
    const before = await orderCount(stack);
    const result = await callFunction(url, { token: token(), body: { executionId: 'manual-dry-0001', dryRun: true } });
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ executionId: 'manual-dry-0001', dryRun: true, duplicate: false });
    expect(['dry_run', 'skipped']).toContain(result.json?.status);
    expect(await orderCount(stack)).toBe(before);
  });

  it('no log line contains the API key, the API secret or any token sent', () => {
    const output = stack.functions.rebalance?.output() ?? '';
    expect(output.length).toBeGreaterThan(0);
    expect(leakedSecrets(output, secretsOf(stack, sent))).toEqual([]);
  });
});
