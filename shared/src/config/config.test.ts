import { apiKeyFingerprint } from './account-id';
import { loadConfig } from './config';
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
    // the deployed rebalance timeout
    expect(config.functionTimeoutS).toBe(120);
    expect(loadConfig({ ...verified, FUNCTION_TIMEOUT_S: '300' }).functionTimeoutS).toBe(300);
  });

  it.each([
    [{ MEXC_RECV_WINDOW_MS: '90000' }, /MEXC_RECV_WINDOW_MS must be at most 60000/],
    [{ MEXC_RECV_WINDOW_MS: 'abc' }, /MEXC_RECV_WINDOW_MS must be a whole number/],
    [{ LIVE_TRADING: 'yes' }, /LIVE_TRADING must be "true" or "false"/],
    [{ AUTH_MODE: 'off' }, /AUTH_MODE must be verify/],
    [{ MEXC_BASE_URL: 'not a url' }, /MEXC_BASE_URL must be an absolute URL/],
    [{ OIDC_ALLOWED_EMAILS: 'a@b.c, nope' }, /OIDC_ALLOWED_EMAILS/],
    [{ LIVE_TRADING: 'true' }, /MEXC_API_KEY and MEXC_API_SECRET are required/],
    [{ FUNCTION_TIMEOUT_S: '120s' }, /FUNCTION_TIMEOUT_S must be a whole number/],
    [{ FUNCTION_TIMEOUT_S: '0' }, /FUNCTION_TIMEOUT_S must be at least 1/],
    [{ FUNCTION_TIMEOUT_S: '5' }, /FUNCTION_TIMEOUT_S must be at least 6: a shorter run has no time to send an order/],
    [{ FUNCTION_TIMEOUT_S: '3601' }, /FUNCTION_TIMEOUT_S must be at most 3600/],
    [{ ACCOUNT_ID: '-leading-dash' }, /ACCOUNT_ID must be 1 to 150 of/],
    [{ ACCOUNT_ID: 'has/slash' }, /ACCOUNT_ID must be 1 to 150 of/],
    [{ ACCOUNT_ID: '__reserved__' }, /ACCOUNT_ID must be 1 to 150 of/],
    [{ ACCOUNT_ID: `a${'b'.repeat(150)}` }, /ACCOUNT_ID must be 1 to 150 of/],
    [
      { OIDC_GCLOUD_USER_EMAILS: 'alice@example.com' },
      /OIDC_GCLOUD_USER_EMAILS lists alice@example.com, which is not in OIDC_ALLOWED_EMAILS/,
    ],
    [
      { OIDC_GCLOUD_USER_EMAILS: 'scheduler@demo.iam.gserviceaccount.com' },
      /OIDC_GCLOUD_USER_EMAILS is for people: scheduler@demo\.iam\.gserviceaccount\.com is a service account/,
    ],
  ])('names the variable for %j', (env, message) => {
    expect(problemsOf({ ...verified, ...env }).join('\n')).toMatch(message);
  });

  it('takes the people who may call with gcloud’s audience, each of them also allowed', () => {
    const config = loadConfig({
      ...verified,
      OIDC_ALLOWED_EMAILS: `${verified.OIDC_ALLOWED_EMAILS},Alice@Example.com`,
      OIDC_GCLOUD_USER_EMAILS: 'alice@example.com',
    });
    expect(config.auth.gcloudUserEmails).toEqual(['alice@example.com']);
    expect(loadConfig(verified).auth.gcloudUserEmails).toEqual([]);
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

  describe('accountId', () => {
    const keys = { MEXC_API_KEY: 'mx0-key-value', MEXC_API_SECRET: 'secret-value' };

    it('is ACCOUNT_ID when set, even with a key', () => {
      expect(loadConfig({ ...verified, ...keys, ACCOUNT_ID: 'main.account_1-a' }).accountId).toBe('main.account_1-a');
      expect(loadConfig({ ...verified, ACCOUNT_ID: `a${'b'.repeat(149)}` }).accountId).toHaveLength(150);
    });

    it('is the fingerprint of MEXC_API_KEY otherwise, and never the key itself', () => {
      const config = loadConfig({ ...verified, ...keys });
      expect(config.accountId).toBe(apiKeyFingerprint('mx0-key-value'));
      expect(config.accountId).toMatch(/^key-[0-9a-f]{16}$/);
      expect(config.accountId).not.toContain('mx0-key-value');
    });

    it('is unkeyed without a key and without ACCOUNT_ID (an empty ACCOUNT_ID is unset)', () => {
      expect(loadConfig(verified).accountId).toBe('unkeyed');
      expect(loadConfig({ ...verified, ACCOUNT_ID: '' }).accountId).toBe('unkeyed');
    });
  });

  describe('LEDGER=memory with LIVE_TRADING=true', () => {
    const live = { ...verified, LIVE_TRADING: 'true', MEXC_API_KEY: 'k', MEXC_API_SECRET: 's', LEDGER: 'memory' };

    it('is refused against a non-loopback exchange, naming all three variables and why', () => {
      const problems = problemsOf(live).join('\n');
      expect(problems).toMatch(/LEDGER=memory/);
      expect(problems).toMatch(/LIVE_TRADING=true/);
      expect(problems).toMatch(/MEXC_BASE_URL is not a loopback address/);
      expect(problems).toMatch(/per instance.*trade again.*cool-down.*turnover cap/);
    });

    it('is reported together with the other problems', () => {
      const problems = problemsOf({ ...live, OIDC_AUDIENCE: '', MEXC_API_SECRET: '' });
      expect(problems).toHaveLength(3);
    });

    it('starts against a loopback exchange, and with a memory ledger in dry runs anywhere', () => {
      const local = loadConfig({ ...live, MEXC_BASE_URL: 'http://127.0.0.1:9090' });
      expect(local).toMatchObject({ ledger: 'memory', liveTrading: true });
      expect(loadConfig({ ...live, MEXC_BASE_URL: 'http://localhost:9090' }).ledger).toBe('memory');
      expect(loadConfig({ ...live, LIVE_TRADING: 'false' }).ledger).toBe('memory');
      expect(loadConfig({ ...live, LEDGER: 'firestore' }).liveTrading).toBe(true);
    });
  });
});
