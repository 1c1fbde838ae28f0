import { describeConfig, loadConfig } from './config';
import { ConfigError } from './config-error';

const verified = {
  OIDC_AUDIENCE: 'https://rebalance-abc-ew.a.run.app',
  OIDC_ALLOWED_EMAILS: 'scheduler@demo.iam.gserviceaccount.com',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(verified);
    expect(config.mexc).toMatchObject({ baseUrl: 'https://api.mexc.com', recvWindowMs: 5000 });
    expect(config.liveTrading).toBe(false);
    expect(config.auth.mode).toBe('verify');
    expect(config.replayWindowS).toBe(900);
    expect(config.ledger).toBe('firestore');
    expect(config.runRetentionDays).toBe(90);
  });

  it.each([
    [{ MEXC_RECV_WINDOW_MS: '90000' }, /MEXC_RECV_WINDOW_MS must be at most 60000/],
    [{ MEXC_RECV_WINDOW_MS: 'abc' }, /MEXC_RECV_WINDOW_MS must be a whole number/],
    [{ LIVE_TRADING: 'yes' }, /LIVE_TRADING must be "true" or "false"/],
    [{ AUTH_MODE: 'off' }, /AUTH_MODE must be verify/],
    [{ MEXC_BASE_URL: 'not a url' }, /MEXC_BASE_URL must be an absolute URL/],
    [{ OIDC_ALLOWED_EMAILS: 'a@b.c, nope' }, /OIDC_ALLOWED_EMAILS/],
    [{ LIVE_TRADING: 'true' }, /MEXC_API_KEY and MEXC_API_SECRET are required/],
  ])('names the variable for %j', (env, message) => {
    expect(problemsOf({ ...verified, ...env }).join('\n')).toMatch(message);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ MEXC_RECV_WINDOW_MS: '0', LOG_LEVEL: 'loud' })).toHaveLength(2);
  });

  it('requires an audience and allowed callers when verifying tokens', () => {
    expect(problemsOf({}).join('\n')).toMatch(/OIDC_AUDIENCE is required.*\n.*OIDC_ALLOWED_EMAILS is required/);
  });

  it('refuses AUTH_MODE=none unless the exchange is on loopback', () => {
    expect(problemsOf({ AUTH_MODE: 'none' }).join()).toMatch(/AUTH_MODE=none is refused/);
    expect(loadConfig({ AUTH_MODE: 'none', MEXC_BASE_URL: 'http://127.0.0.1:9090' }).auth.mode).toBe('none');
  });

  it('never shows the key or secret in its description', () => {
    const config = loadConfig({ ...verified, MEXC_API_KEY: 'mx0-key-value', MEXC_API_SECRET: 'secret-value' });
    expect(JSON.stringify(describeConfig(config))).not.toMatch(/mx0-key-value|secret-value/);
  });
});
