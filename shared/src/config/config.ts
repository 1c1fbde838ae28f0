import type { LogLevel } from '../observability/logger';
import { deriveAccountId } from './account-id';
import { ConfigError } from './config-error';
import { parseEnv } from './env';

export type AuthMode = 'verify' | 'platform-verified' | 'none';

export interface Config {
  mexc: { baseUrl: string; apiKey: string | undefined; apiSecret: string | undefined; recvWindowMs: number };
  /**
   * the MEXC account's ledger id (`accounts/{accountId}`), shared by every profile: ACCOUNT_ID, else a
   * fingerprint of MEXC_API_KEY (`key-<16 hex>`), else `unkeyed`; never secret (see account-id.ts)
   */
  accountId: string;
  liveTrading: boolean;
  /** raw JSON of STRATEGY_PROFILES, validated by the strategy profile schema */
  strategyProfilesJson: string | undefined;
  auth: {
    mode: AuthMode;
    audience: string | undefined;
    allowedEmails: string[];
    /** people (user accounts) whose token may carry gcloud's audience (claims.ts, GCLOUD_CLIENT_ID) */
    gcloudUserEmails?: string[];
    certsUrl: string;
  };
  replayWindowS: number;
  ledger: 'firestore' | 'memory';
  firestore: { projectId: string | undefined; databaseId: string; emulatorHost: string | undefined };
  runRetentionDays: number;
  /** the platform's timeout of this function, s: a run ends inside it, and its lease outlives it by a margin */
  functionTimeoutS: number;
  logLevel: LogLevel;
}

/** True for URLs that can only reach this machine; `AUTH_MODE=none` is allowed only then. */
export function isLoopbackUrl(raw: string): boolean {
  const host = new URL(raw).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}

/** env → typed config. Pure: pass any object; every problem is reported together, each with its variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const e = parseEnv(env);
  const problems: string[] = [];
  if (e.AUTH_MODE !== 'none' && !e.OIDC_AUDIENCE)
    problems.push('OIDC_AUDIENCE is required unless AUTH_MODE=none (set it to the function URL)');
  if (e.AUTH_MODE !== 'none' && e.OIDC_ALLOWED_EMAILS.length === 0)
    problems.push(
      'OIDC_ALLOWED_EMAILS is required unless AUTH_MODE=none (the scheduler service account and the callers you allow)',
    );
  const allowed = new Set(e.OIDC_ALLOWED_EMAILS.map((x) => x.toLowerCase()));
  for (const email of e.OIDC_GCLOUD_USER_EMAILS) {
    if (email.toLowerCase().endsWith('.gserviceaccount.com'))
      problems.push(
        `OIDC_GCLOUD_USER_EMAILS is for people: ${email} is a service account, which can mint a token for the function URL itself (gcloud auth print-identity-token --impersonate-service-account=… --audiences=<url> --include-email)`,
      );
    else if (!allowed.has(email.toLowerCase()))
      problems.push(
        `OIDC_GCLOUD_USER_EMAILS lists ${email}, which is not in OIDC_ALLOWED_EMAILS (allow the caller there too)`,
      );
  }
  if (e.AUTH_MODE === 'none' && !isLoopbackUrl(e.MEXC_BASE_URL))
    problems.push('AUTH_MODE=none is refused because MEXC_BASE_URL is not a loopback address');
  // A memory ledger lives in one instance: a Scheduler retry or a parallel trigger that lands on a fresh
  // instance finds no lock, cool-down or turnover there and trades again. Only a local exchange may see that.
  if (e.LEDGER === 'memory' && e.LIVE_TRADING && !isLoopbackUrl(e.MEXC_BASE_URL))
    problems.push(
      'LEDGER=memory with LIVE_TRADING=true is refused because MEXC_BASE_URL is not a loopback address: a memory ledger is per instance, so a retried or parallel trigger on a fresh instance would trade again, ignoring the cool-down and the daily turnover cap (use LEDGER=firestore, or LIVE_TRADING=false)',
    );
  if (e.LIVE_TRADING && (!e.MEXC_API_KEY || !e.MEXC_API_SECRET))
    problems.push('MEXC_API_KEY and MEXC_API_SECRET are required when LIVE_TRADING=true');
  if (e.FIRESTORE_EMULATOR_HOST && !/^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(e.FIRESTORE_EMULATOR_HOST))
    problems.push('FIRESTORE_EMULATOR_HOST must be a loopback host:port');
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    mexc: {
      baseUrl: e.MEXC_BASE_URL.replace(/\/+$/, ''),
      apiKey: e.MEXC_API_KEY,
      apiSecret: e.MEXC_API_SECRET,
      recvWindowMs: e.MEXC_RECV_WINDOW_MS,
    },
    accountId: deriveAccountId(e.ACCOUNT_ID, e.MEXC_API_KEY),
    liveTrading: e.LIVE_TRADING,
    strategyProfilesJson: e.STRATEGY_PROFILES,
    auth: {
      mode: e.AUTH_MODE,
      audience: e.OIDC_AUDIENCE,
      allowedEmails: e.OIDC_ALLOWED_EMAILS,
      gcloudUserEmails: e.OIDC_GCLOUD_USER_EMAILS,
      certsUrl: e.OIDC_CERTS_URL,
    },
    replayWindowS: e.REPLAY_WINDOW_S,
    ledger: e.LEDGER,
    firestore: {
      projectId: e.GOOGLE_CLOUD_PROJECT,
      databaseId: e.FIRESTORE_DATABASE,
      emulatorHost: e.FIRESTORE_EMULATOR_HOST,
    },
    runRetentionDays: e.RUN_RETENTION_DAYS,
    functionTimeoutS: e.FUNCTION_TIMEOUT_S,
    logLevel: e.LOG_LEVEL,
  };
}
