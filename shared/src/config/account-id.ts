import { createHash } from 'node:crypto';

/**
 * The id of the MEXC account a deployment trades, which names its ledger document `accounts/{id}`:
 * the lock, cool-down, daily turnover, open intents and price reference every profile shares.
 *
 * ACCOUNT_ID wins when set. Otherwise the id is a fingerprint of MEXC_API_KEY: the API key alone
 * is not a secret (MEXC needs the secret to sign), but it is a credential's half and ends up in
 * Firestore documents, logs and run records through the id, so the id is a one-way hash that cannot
 * be turned back into the key. The API secret is never used. The versioned prefix keeps the hash
 * from matching a plain sha256 of the key that some other tool might store.
 *
 * A rotated key gets a new fingerprint, hence a fresh, empty safety state; an operator who rotates
 * keys sets ACCOUNT_ID (for instance to the old fingerprint) to keep it.
 */

const FINGERPRINT_DOMAIN = 'qrl-rebalancer account v1\n';

/** Without a key nothing can be signed, so nothing can trade: every such deployment may share one id. */
export const UNKEYED_ACCOUNT_ID = 'unkeyed';

/** `key-` + the first 16 hex characters of sha256(domain + apiKey). */
export function apiKeyFingerprint(apiKey: string): string {
  const digest = createHash('sha256')
    .update(FINGERPRINT_DOMAIN + apiKey, 'utf8')
    .digest('hex');
  return `key-${digest.slice(0, 16)}`;
}

/** ACCOUNT_ID when set, else the API key's fingerprint, else `unkeyed`. */
export function deriveAccountId(accountId: string | undefined, apiKey: string | undefined): string {
  if (accountId !== undefined) return accountId;
  if (apiKey !== undefined) return apiKeyFingerprint(apiKey);
  return UNKEYED_ACCOUNT_ID;
}
