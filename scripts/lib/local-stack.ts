/**
 * The local stack behind `npm start`, `npm run dev` and the e2e tests (DESIGN §9): the MEXC
 * simulator, the Firestore emulator (or the memory ledger), a local OIDC issuer whose certs the
 * functions fetch, and the dist/ bundles served by functions-framework, each in its own process
 * group on a free loopback port. Calls carry RS256 tokens signed by the local issuer, exactly as
 * Cloud Scheduler's would be, so the functions run in AUTH_MODE=verify as in the cloud.
 */
import { isoSeconds } from '@qrl-rebalancer/shared/domain';
import { type RunningSimulator, type SimulatorConfig, startSimulator } from '@qrl-rebalancer/simulator';
import { emulatorAvailable, type RunningEmulator, startFirestoreEmulator } from './firestore-emulator';
import { type KeptLedger, keepLedger } from './kept-ledger';
import { type LocalOidc, type SigningKey, startLocalOidc } from './local-oidc';
import { type ServedFunction, serveFunction } from './serve-function';

export const LOCAL_CALLER = 'scheduler@qrl-local.iam.gserviceaccount.com';
export const LOCAL_JOB = 'projects/qrl-local/locations/local/jobs/qrl-rebalance';
export const FUNCTION_NAMES = ['rebalance', 'snapshot', 'health'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** QRL worth about 500 USDT against 200 USDT: 71/29, outside the default 5-point band, so a run trades. */
export const DEMO_BALANCES = { QRL: '1000', USDT: '200' } as const;

/** A function the stack serves (the name scripts/chaos/campaign.ts imports). */

export interface LocalStackOptions {
  /** `auto` (default): the emulator when gcloud and Java are here, else memory with a warning */
  ledger?: 'auto' | 'firestore' | 'memory';
  /** use an emulator that is already running (the jest harness) instead of starting one */
  emulatorHost?: string;
  projectId?: string;
  functions?: readonly FunctionName[];
  /** extra or overriding environment for every function */
  env?: Record<string, string>;
  simulator?: SimulatorConfig;
  /** where the bundles are (default dist/) */
  distDir?: string;
  /** reuse a signing key (dev keeps one so tokens minted by `npm run call` verify) */
  key?: SigningKey;
  /** where progress and warnings go (default: stderr) */
  say?: (line: string) => void;
  /** copies every function log line here as it is written */
  onFunctionOutput?: (name: string, chunk: string) => void;
  /**
   * when the stack starts its own emulator: export its data to this folder before stopping it (the
   * previous export is replaced), so `npm run runs` / `npm run report` can read it later
   */
  keepLedgerIn?: string;
}

export interface LocalStack {
  readonly simulator: RunningSimulator;
  readonly oidc: LocalOidc;
  readonly ledger: 'firestore' | 'memory';
  readonly emulatorHost: string | undefined;
  readonly projectId: string;
  readonly functions: Readonly<Record<string, ServedFunction>>;
  /** the environment each function was started with (its own OIDC_AUDIENCE aside) */
  readonly env: Readonly<Record<string, string>>;
  /** after stop(): where the emulator's data was kept (keepLedgerIn), or null */
  readonly kept: KeptLedger | null;
  url(name: FunctionName): string;
  /** an ID token for `name`, from the allowed caller unless claims say otherwise */
  token(name: FunctionName, claims?: Record<string, unknown>): string;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stoppers: (() => Promise<void>)[] = [];
  let kept: KeptLedger | null = null;
  const stopAll = async () => {
    for (const stop of stoppers.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const simulator = await startSimulator({ config: { balances: { ...DEMO_BALANCES }, ...options.simulator } });
    stoppers.push(() => simulator.stop());
    const oidc = await startLocalOidc(options.key ? { key: options.key } : {});
    stoppers.push(() => oidc.close());

    const projectId = options.projectId ?? process.env.GOOGLE_CLOUD_PROJECT ?? 'demo-qrl-rebalancer-local';
    let ledger: 'firestore' | 'memory' = options.ledger === 'memory' ? 'memory' : 'firestore';
    let emulatorHost = options.emulatorHost;
    if (ledger === 'firestore' && !emulatorHost) {
      if (emulatorAvailable()) {
        say('starting the Firestore emulator (gcloud + Java)…');
        const emulator: RunningEmulator = await startFirestoreEmulator();
        const keepIn = options.keepLedgerIn;
        stoppers.push(async () => {
          if (keepIn)
            kept = await keepLedger(emulator.host, projectId, keepIn).catch((error: unknown) => {
              say(`WARNING: the ledger could not be kept in ${keepIn}: ${(error as Error).message}`);
              return null;
            });
          await emulator.stop();
        });
        emulatorHost = emulator.host;
      } else if (options.ledger === 'firestore') {
        throw new Error('the Firestore emulator needs gcloud and Java on PATH');
      } else {
        say('WARNING: gcloud or Java is missing, so the Firestore emulator cannot run; using the in-memory');
        say('         ledger instead (each function process keeps its own, and it is gone when it stops).');
        ledger = 'memory';
      }
    }

    const env: Record<string, string> = {
      MEXC_BASE_URL: simulator.url,
      MEXC_API_KEY: simulator.apiKey,
      MEXC_API_SECRET: simulator.apiSecret,
      LIVE_TRADING: 'true',
      AUTH_MODE: 'verify',
      OIDC_CERTS_URL: oidc.certsUrl,
      OIDC_ALLOWED_EMAILS: LOCAL_CALLER,
      LEDGER: ledger,
      GOOGLE_CLOUD_PROJECT: projectId,
      REPLAY_WINDOW_S: '900',
      LOG_LEVEL: 'info',
      ...(emulatorHost ? { FIRESTORE_EMULATOR_HOST: emulatorHost } : {}),
      ...options.env,
    };

    const functions: Record<string, ServedFunction> = {};
    await Promise.all(
      (options.functions ?? FUNCTION_NAMES).map(async (name) => {
        const fn = await serveFunction(name, {
          env: (url) => ({ OIDC_AUDIENCE: url, ...env }),
          ...(options.distDir ? { distDir: options.distDir } : {}),
          ...(options.onFunctionOutput ? { onOutput: options.onFunctionOutput } : {}),
        });
        stoppers.push(() => fn.stop());
        functions[name] = fn;
      }),
    );

    const url = (name: FunctionName) => {
      const fn = functions[name];
      if (!fn) throw new Error(`${name} is not served by this stack`);
      return fn.url;
    };
    return {
      simulator,
      oidc,
      ledger,
      emulatorHost,
      projectId,
      functions,
      env,
      get kept() {
        return kept;
      },
      url,
      token: (name, claims = {}) => oidc.signIdToken({ aud: url(name), email: LOCAL_CALLER, ...claims }),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

// --- calling the stack ---------------------------------------------------------------------------

export interface CallOptions {
  method?: string;
  /** JSON-encoded unless a string (sent as is) */
  body?: unknown;
  contentType?: string;
  token?: string | null;
  /** send as a Cloud Scheduler call of LOCAL_JOB at this schedule time */
  scheduleTime?: Date;
  headers?: Record<string, string>;
  path?: string;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> | null;
}

/** One HTTP call to a served function; `token: null` sends none. */
export async function callFunction(url: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.scheduleTime) {
    headers['X-CloudScheduler'] = 'true';
    headers['X-CloudScheduler-JobName'] = LOCAL_JOB;
    headers['X-CloudScheduler-ScheduleTime'] = isoSeconds(options.scheduleTime);
  }
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] = options.contentType ?? 'application/json';
  } else if (options.contentType) headers['Content-Type'] = options.contentType;
  const response = await fetch(`${url}${options.path ?? '/'}`, {
    method: options.method ?? 'POST',
    headers,
    ...(body !== undefined ? { body } : {}),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let json: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The current minute, as Cloud Scheduler would stamp a job firing now. */
export function scheduleTimeNow(now: Date = new Date()): Date {
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000);
}

// --- what `npm start` and `npm run call` print ---------------------------------------------------

interface ReportOrderView {
  leg?: number;
  clientOrderId?: string;
  side?: string;
  type?: string;
  symbol?: string;
  quantity?: string | null;
  price?: string | null;
  status?: string;
  executedQuantity?: string;
  executedQuote?: string;
  fees?: Record<string, string>;
}

function pct(weights: unknown): string {
  if (!weights || typeof weights !== 'object') return '—';
  return Object.entries(weights as Record<string, string>)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([asset, w]) => `${asset} ${(Number(w) * 100).toFixed(2)} %`)
    .join('  ');
}

/** `{code, message}` (a failed run's `error`) or a plain code string (a refusal's `error`) as one line. */
export function describeAnswerError(error: unknown, message?: unknown): string {
  if (error && typeof error === 'object' && !Array.isArray(error)) {
    const e = error as Record<string, unknown>;
    const code = typeof e.code === 'string' ? e.code : 'error';
    const text = typeof e.message === 'string' ? e.message : JSON.stringify(error);
    return `${code}: ${text}${e.retryable === true ? ' (retryable: the next trigger may settle it)' : ''}`;
  }
  const code = typeof error === 'string' ? error : 'error';
  return typeof message === 'string' ? `${code}: ${message}` : code;
}

/**
 * A rebalance answer as a few lines a person reads. A report is told in full whatever its HTTP status
 * (a run that failed now is a 500 that still has orders and an error); a refusal is its code, message and todo.
 */
export function formatRunAnswer(title: string, result: CallResult): string {
  const r = result.json ?? {};
  const lines = [title];
  if (typeof r.status !== 'string') {
    const detail = result.json ? describeAnswerError(r.error, r.message) : result.text.slice(0, 200);
    lines.push(`  HTTP ${result.status}  ${detail}`);
    if (typeof r.todo === 'string') lines.push(`  todo          ${r.todo}`);
    if (typeof r.executionId === 'string') lines.push(`  execution id  ${r.executionId}`);
    return lines.join('\n');
  }
  const orders = Array.isArray(r.orders) ? (r.orders as ReportOrderView[]) : [];
  lines.push(
    `  HTTP ${result.status}  status ${String(r.status)}${r.reason ? ` (${String(r.reason)})` : ''}  ` +
      `duplicate ${String(r.duplicate)}  ${r.dryRun ? 'dry run' : 'live'}  attempt ${String(r.attempt)}`,
    `  execution id  ${String(r.executionId)}`,
    `  message       ${String(r.message)}`,
  );
  if (r.error !== undefined && r.error !== null) lines.push(`  error         ${describeAnswerError(r.error)}`);
  const portfolio = r.portfolio as Record<string, unknown> | undefined;
  if (portfolio) {
    const quote = String(portfolio.quote ?? '');
    lines.push(`  before        ${pct(portfolio.weightsBefore)}   value ${String(portfolio.valueBefore)} ${quote}`);
    if (portfolio.weightsAfter)
      lines.push(`  after         ${pct(portfolio.weightsAfter)}   value ${String(portfolio.valueAfter)} ${quote}`);
  }
  lines.push(`  orders        ${orders.length}`);
  for (const o of orders) {
    const fees = Object.entries(o.fees ?? {})
      .map(([asset, fee]) => `${fee} ${asset}`)
      .join(', ');
    lines.push(
      `    #${o.leg ?? '?'} ${o.side ?? ''} ${o.quantity ?? '(quote)'} ${o.symbol ?? ''} ${o.type ?? ''}` +
        `${o.price ? ` @ ${o.price}` : ''} → ${o.status ?? '?'}, filled ${o.executedQuantity ?? '0'}` +
        ` for ${o.executedQuote ?? '0'}${fees ? `, fees ${fees}` : ''}  [${o.clientOrderId ?? ''}]`,
    );
  }
  return lines.join('\n');
}
