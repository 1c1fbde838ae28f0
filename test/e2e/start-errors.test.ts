import { freePort } from '../../scripts/lib/free-port';
import { serveFunction } from '../../scripts/lib/serve-function';
import { ensureBundles } from '../harness/bundles';
import { jsonLines } from './support/e2e-stack';

/**
 * A function whose configuration is bad must not start, and must say so in one line naming the
 * variables — not functions-framework's "Is there a syntax error in your code?" with a stack trace.
 */
describe('a configuration error at start (the dist/ bundles under functions-framework)', () => {
  beforeAll(() => ensureBundles());

  it.each([
    ['rebalance', { LIVE_TRADING: 'maybe' }, ['LIVE_TRADING']],
    ['snapshot', { AUTH_MODE: 'verify' }, ['OIDC_AUDIENCE', 'OIDC_ALLOWED_EMAILS']],
    [
      'rebalance',
      {
        AUTH_MODE: 'none',
        MEXC_BASE_URL: 'http://127.0.0.1:9',
        LEDGER: 'memory',
        STRATEGY_PROFILES: '{"default":{"bandAbs":"wide"}}',
      },
      ['STRATEGY_PROFILES'],
    ],
  ] as const)('%s with %j exits, printing one line naming %j', async (name, env, variables) => {
    const failure = await serveFunction(name, { port: await freePort(), env: () => ({ ...env }) }).then(
      () => new Error('it started'),
      (error: Error) => error,
    );
    expect(failure.message).toMatch(/did not serve .* \(it exited\)/);
    const output = failure.message.slice(failure.message.indexOf('\n') + 1);
    expect(output).not.toMatch(/syntax error|Detailed stack trace|Provided module can't be loaded|\n\s+at /);
    const lines = output.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    const [line] = jsonLines(output);
    expect(line).toMatchObject({ severity: 'ERROR', function: name });
    expect(String(line?.message)).toMatch(new RegExp(`^config\\.\\w+: ${name} did not start: `));
    expect(line?.variables).toEqual(expect.arrayContaining([...variables]));
  });
});
