import { createHash } from 'node:crypto';
import { apiKeyFingerprint, deriveAccountId, UNKEYED_ACCOUNT_ID } from './account-id';

const KEY = 'mx0vglTestApiKey0123456789abcdef';

describe('apiKeyFingerprint', () => {
  it('is key- and the first 16 hex characters of the versioned sha256', () => {
    const expected = createHash('sha256').update(`qrl-rebalancer account v1\n${KEY}`).digest('hex').slice(0, 16);
    expect(apiKeyFingerprint(KEY)).toBe(`key-${expected}`);
    expect(apiKeyFingerprint(KEY)).toMatch(/^key-[0-9a-f]{16}$/);
  });

  it('is deterministic and differs for different keys', () => {
    expect(apiKeyFingerprint(KEY)).toBe(apiKeyFingerprint(KEY));
    expect(apiKeyFingerprint(`${KEY}x`)).not.toBe(apiKeyFingerprint(KEY));
    expect(apiKeyFingerprint('a')).not.toBe(apiKeyFingerprint('b'));
  });

  it('never contains the key, nor a plain sha256 of it', () => {
    const id = apiKeyFingerprint(KEY);
    expect(id).not.toContain(KEY);
    expect(id).not.toContain(KEY.slice(0, 8));
    expect(createHash('sha256').update(KEY).digest('hex')).not.toContain(id.slice(4));
  });
});

describe('deriveAccountId', () => {
  it('takes ACCOUNT_ID over the key', () => {
    expect(deriveAccountId('main-account', KEY)).toBe('main-account');
    expect(deriveAccountId('main-account', undefined)).toBe('main-account');
  });

  it('falls back to the key fingerprint, then to unkeyed', () => {
    expect(deriveAccountId(undefined, KEY)).toBe(apiKeyFingerprint(KEY));
    expect(deriveAccountId(undefined, undefined)).toBe(UNKEYED_ACCOUNT_ID);
    expect(UNKEYED_ACCOUNT_ID).toBe('unkeyed');
  });
});
