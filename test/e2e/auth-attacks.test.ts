import { freePort } from '../../scripts/lib/free-port';
import { forgeAlgNone, forgeHs256WithPublicKey, signWithUnknownKid, tamperPayload } from '../../scripts/lib/local-oidc';
import { callFunction, LOCAL_CALLER, type LocalStack, scheduleTimeNow } from '../../scripts/lib/local-stack';
import { serveFunction } from '../../scripts/lib/serve-function';
import { leakedSecrets, orderCount, secretsOf, startE2eStack } from './support/e2e-stack';

const INTRUDER = 'intruder@qrl-local.iam.gserviceaccount.com';

describe('rebalance refuses every forged, stolen or misdirected token (over HTTP, bundle under functions-framework)', () => {
  let stack: LocalStack;
  let url: string;
  const sent = new Set<string>();
  const nowS = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    stack = await startE2eStack(['rebalance']);
    url = stack.url('rebalance');
  }, 90_000);
  afterAll(() => stack?.stop());

  type Row = [name: string, status: 401 | 403, code: string, header: () => string | null];
  const claims = () => ({ aud: url, email: LOCAL_CALLER });
  const rows: Row[] = [
    ['no token', 401, 'auth.missing_token', () => null],
    ['malformed token', 401, 'auth.malformed_token', () => 'Bearer not-a-jwt'],
    ['not a Bearer scheme', 401, 'auth.malformed_token', () => `Basic ${stack.token('rebalance')}`],
    ['alg: none', 401, 'auth.bad_algorithm', () => `Bearer ${forgeAlgNone(claims(), stack.oidc.key.kid)}`],
    [
      'HS256 keyed with the public key',
      401,
      'auth.bad_algorithm',
      () => `Bearer ${forgeHs256WithPublicKey(claims(), stack.oidc.key)}`,
    ],
    [
      'tampered payload (intruder token edited to the allowed e-mail)',
      401,
      'auth.bad_signature',
      () => `Bearer ${tamperPayload(stack.token('rebalance', { email: INTRUDER }), { email: LOCAL_CALLER })}`,
    ],
    [
      'wrong audience',
      401,
      'auth.wrong_audience',
      () => `Bearer ${stack.token('rebalance', { aud: 'https://snapshot.example.run.app' })}`,
    ],
    [
      'audience with an extra path',
      401,
      'auth.wrong_audience',
      () => `Bearer ${stack.token('rebalance', { aud: `${url}/rebalance` })}`,
    ],
    [
      'wrong issuer',
      401,
      'auth.wrong_issuer',
      () => `Bearer ${stack.token('rebalance', { iss: 'https://accounts.evil.example' })}`,
    ],
    [
      'expired',
      401,
      'auth.expired',
      () => `Bearer ${stack.token('rebalance', { iat: nowS() - 7200, exp: nowS() - 3600 })}`,
    ],
    [
      'not yet valid',
      401,
      'auth.not_yet_valid',
      () => `Bearer ${stack.token('rebalance', { iat: nowS() + 3600, exp: nowS() + 7200 })}`,
    ],
    ['unknown kid', 401, 'auth.unknown_kid', () => `Bearer ${signWithUnknownKid(claims())}`],
    [
      'e-mail not allowed',
      403,
      'auth.email_not_allowed',
      () => `Bearer ${stack.token('rebalance', { email: INTRUDER })}`,
    ],
    [
      'email_verified false',
      403,
      'auth.email_unverified',
      () => `Bearer ${stack.token('rebalance', { email_verified: false })}`,
    ],
  ];

  it.each(rows)('%s → %i %s, no order', async (_name, status, code, header) => {
    const authorization = header();
    if (authorization) sent.add(authorization.replace(/^\S+\s+/, ''));
    const result = await callFunction(url, {
      token: null,
      scheduleTime: scheduleTimeNow(),
      body: {},
      headers: authorization ? { Authorization: authorization } : {},
    });
    expect(result.status).toBe(status);
    expect(result.json?.error).toBe(code);
    expect(String(result.json?.message)).toContain(code);
    expect(result.json).not.toHaveProperty('executionId');
    expect(await orderCount(stack)).toBe(0);
  });

  it('reads the token Cloud Run checked: a forged X-Serverless-Authorization beside a valid Authorization → 401', async () => {
    const good = stack.token('rebalance');
    const forged = forgeAlgNone(claims(), stack.oidc.key.kid);
    sent.add(good).add(forged);
    const result = await callFunction(url, {
      token: good,
      scheduleTime: scheduleTimeNow(),
      headers: { 'X-Serverless-Authorization': `Bearer ${forged}` },
    });
    expect(result.status).toBe(401);
    expect(await orderCount(stack)).toBe(0);
  });

  it('a valid token does not help when AUTH_MODE=none points at a non-loopback exchange: the function refuses to start', async () => {
    const port = await freePort();
    const env = { ...stack.env, AUTH_MODE: 'none', MEXC_BASE_URL: 'https://api.mexc.com' };
    await expect(serveFunction('rebalance', { port, env: () => env })).rejects.toThrow(/AUTH_MODE=none is refused/);
    const token = stack.token('rebalance');
    sent.add(token);
    await expect(
      fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } }),
    ).rejects.toThrow();
    expect(await orderCount(stack)).toBe(0);
  });

  it('logs each refusal with its reason and never a token or the API secret', () => {
    const output = stack.functions.rebalance?.output() ?? '';
    expect(output).toContain('"message":"auth.refused"');
    for (const [, , code] of rows) expect(output).toContain(`"code":"${code}"`);
    expect(leakedSecrets(output, secretsOf(stack, sent))).toEqual([]);
  });
});
