import * as v from 'valibot';
import { ConfigError } from './config-error';

/** Environment variables as DESIGN §3 lists them; each one is validated on its own so every problem is named. */
const boolString = v.pipe(
  v.picklist(['true', 'false'], 'must be "true" or "false"'),
  v.transform((s) => s === 'true'),
);
const intString = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, 'must be a whole number'),
    v.transform(Number),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );
const url = v.pipe(v.string(), v.url('must be an absolute URL'));
const emailList = v.pipe(
  v.string(),
  v.transform((s) =>
    s
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e.length > 0),
  ),
  v.array(v.pipe(v.string(), v.email('must be a comma-separated list of e-mail addresses'))),
);

/**
 * ACCOUNT_ID names the ledger document `accounts/{ACCOUNT_ID}`: a Firestore document id that is safe
 * in a path and in logs. Firestore reserves `__…__` ids; the leading letter or digit already excludes
 * them, the check says so in case the pattern is ever widened.
 */
const accountId = v.pipe(
  v.string(),
  v.regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,149}$/,
    'must be 1 to 150 of A-Z, a-z, 0-9, "_", "." and "-", starting with a letter or digit',
  ),
  v.check((s) => !/^__.*__$/.test(s), 'must not have the form __name__ (Firestore reserves it)'),
);

/**
 * The shortest function timeout in which a run can still trade: after the answer reserve, a quarter
 * of the budget each for the order call and the final commit, half for the reads and the send
 * (shared/src/app/run-deadlines.ts limitsFor; a test there ties the two). Short timeouts are for
 * the fault campaign; a deployment keeps the 120 s default.
 */
export const MIN_FUNCTION_TIMEOUT_S = 6;

const fields = {
  MEXC_BASE_URL: v.optional(url, 'https://api.mexc.com'),
  MEXC_API_KEY: v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'))),
  MEXC_API_SECRET: v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'))),
  ACCOUNT_ID: v.optional(accountId),
  MEXC_RECV_WINDOW_MS: v.optional(intString(1, 60_000), '5000'),
  LIVE_TRADING: v.optional(boolString, 'false'),
  STRATEGY_PROFILES: v.optional(v.string()),
  OIDC_AUDIENCE: v.optional(url),
  OIDC_ALLOWED_EMAILS: v.optional(emailList, ''),
  OIDC_GCLOUD_USER_EMAILS: v.optional(emailList, ''),
  AUTH_MODE: v.optional(
    v.picklist(['verify', 'platform-verified', 'none'], 'must be verify, platform-verified or none'),
    'verify',
  ),
  OIDC_CERTS_URL: v.optional(url, 'https://www.googleapis.com/oauth2/v1/certs'),
  REPLAY_WINDOW_S: v.optional(intString(1, 86_400), '900'),
  LEDGER: v.optional(v.picklist(['firestore', 'memory'], 'must be firestore or memory'), 'firestore'),
  GOOGLE_CLOUD_PROJECT: v.optional(v.string()),
  FIRESTORE_DATABASE: v.optional(v.string(), '(default)'),
  FIRESTORE_EMULATOR_HOST: v.optional(v.string()),
  RUN_RETENTION_DAYS: v.optional(intString(1, 3650), '90'),
  // the function's timeout as deployed (Cloud Run functions allow up to 3600 s for HTTP functions);
  // a run's budget and its lease are sized to it
  FUNCTION_TIMEOUT_S: v.optional(
    v.pipe(
      intString(1, 3600),
      v.minValue(
        MIN_FUNCTION_TIMEOUT_S,
        `must be at least ${MIN_FUNCTION_TIMEOUT_S}: a shorter run has no time to send an order and still record it before the platform ends it`,
      ),
    ),
    '120',
  ),
  LOG_LEVEL: v.optional(v.picklist(['debug', 'info', 'warn', 'error'], 'must be debug, info, warn or error'), 'info'),
} as const;

const envSchema = v.object(fields);
export type EnvInput = v.InferOutput<typeof envSchema>;

/** Names of the variables the project reads; infra checks compare Terraform and deploy.sh against it. */
export const ENV_VARS = Object.keys(fields) as (keyof typeof fields)[];

export function parseEnv(env: Record<string, string | undefined>): EnvInput {
  const picked: Record<string, string> = {};
  for (const name of ENV_VARS) {
    const value = env[name];
    // An empty variable means "not set": deploy tools often write NAME= for unset values.
    if (value !== undefined && value !== '') picked[name] = value;
  }
  const result = v.safeParse(envSchema, picked);
  if (result.success) return result.output;
  throw new ConfigError(
    result.issues.map((issue) => {
      const name = v.getDotPath(issue) ?? 'environment';
      return `${name} ${issue.message}`;
    }),
  );
}
