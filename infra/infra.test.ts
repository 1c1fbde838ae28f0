/**
 * Static checks of the deployment (no cloud access here): the Terraform parses, it and deploy.sh set
 * every variable the config needs, no role is broader than needed, the runtime is nodejs22, live
 * trading is off by default, the scheduler waits longer than the function runs, and shellcheck passes
 * (where it is installed; see "shell scripts" below).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { leaseMsFor } from '@qrl-rebalancer/shared/app';
import { ENV_VARS, loadConfig } from '@qrl-rebalancer/shared/config';

const root = resolve(__dirname, '..');
const tfDir = join(root, 'infra', 'terraform');
const deploySh = readFileSync(join(root, 'scripts', 'deploy.sh'), 'utf8');
/** deploy.sh's settings and their defaults (`"NAME=default"` entries), shared with kill-switch.sh */
const deployConfigSh = readFileSync(join(root, 'scripts', 'lib', 'deploy-config.sh'), 'utf8');

/** Terraform's `${...}` interpolation as hcl2json renders it. */
const hcl = (expr: string): string => `\${${expr}}`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: Json | undefined, what: string): Obj => {
  if (!isObj(v)) throw new Error(`${what} is not an object`);
  return v;
};
/** hcl2json wraps each block in an array; the blocks here are single. */
const block = (v: Json | undefined, what: string): Obj => obj(Array.isArray(v) ? v[0] : v, what);
const str = (v: Json | undefined, what: string): string => {
  if (typeof v !== 'string') throw new Error(`${what} is not a string`);
  return v;
};

/** Every `key = value` pair anywhere under a value, so nested blocks are searched too. */
function pairs(v: Json, out: Array<[string, Json]> = []): Array<[string, Json]> {
  if (Array.isArray(v)) for (const item of v) pairs(item, out);
  else if (isObj(v))
    for (const [k, child] of Object.entries(v)) {
      out.push([k, child]);
      pairs(child, out);
    }
  return out;
}

let tf: { resource: Obj; variable: Obj; locals: Obj; files: string[] };

beforeAll(async () => {
  const files = readdirSync(tfDir).filter((f) => f.endsWith('.tf'));
  const resource: Obj = {};
  const variable: Obj = {};
  const locals: Obj = {};
  for (const file of files) {
    const parsed = (await parse(file, readFileSync(join(tfDir, file), 'utf8'))) as Obj;
    for (const [type, byName] of Object.entries(obj(parsed.resource ?? {}, 'resource')))
      resource[type] = { ...(isObj(resource[type]) ? resource[type] : {}), ...obj(byName, type) };
    Object.assign(variable, obj(parsed.variable ?? {}, 'variable'));
    const localBlocks = parsed.locals;
    if (Array.isArray(localBlocks)) for (const l of localBlocks) Object.assign(locals, obj(l, 'locals'));
  }
  tf = { resource, variable, locals, files };
});

const resources = (type: string): Obj => obj(tf.resource[type] ?? {}, type);
const varDefault = (name: string): Json => block(tf.variable[name], `variable ${name}`).default ?? null;

/** The env a deployed function gets per Terraform, with variable references resolved to their defaults. */
function terraformEnv(): Record<string, string> {
  const fn = block(resources('google_cloudfunctions2_function').fn, 'function');
  const service = block(fn.service_config, 'service_config');
  expect(service.environment_variables).toBe(hcl('merge(local.common_env, local.function_env[each.key])'));
  // local.function_env (a for expression, which hcl2json leaves as text): the per-function auth
  // variables, here resolved for callers = {} (the default: only the scheduler's e-mail)
  const perFunction = str(tf.locals.function_env, 'function_env').replace(/\s+/g, ' ');
  for (const line of [
    'OIDC_AUDIENCE = local.function_urls[key]',
    'OIDC_ALLOWED_EMAILS = join(",", concat([google_service_account.scheduler.email], local.caller_emails[key]))',
    'OIDC_GCLOUD_USER_EMAILS = join(",", local.gcloud_user_emails[key])',
    'FUNCTION_TIMEOUT_S = tostring(local.functions[key].timeout)',
  ])
    expect(perFunction).toContain(line);
  expect([...perFunction.matchAll(/([A-Z_]+) =/g)].map((m) => m[1])).toEqual([
    'OIDC_AUDIENCE',
    'OIDC_ALLOWED_EMAILS',
    'OIDC_GCLOUD_USER_EMAILS',
    'FUNCTION_TIMEOUT_S',
  ]);
  const env: Record<string, string> = {
    OIDC_AUDIENCE: 'https://qrl-rebalance-123456789012.asia-northeast1.run.app',
    OIDC_ALLOWED_EMAILS: 'qrl-scheduler@demo.iam.gserviceaccount.com',
    OIDC_GCLOUD_USER_EMAILS: '',
    // the rebalance function's: local.functions.rebalance.timeout
    FUNCTION_TIMEOUT_S: String(varDefault('rebalance_timeout_seconds')),
  };
  for (const [name, raw] of Object.entries(obj(tf.locals.common_env, 'common_env'))) {
    const value = str(raw, name);
    const ref = /^\$\{(?:tostring\()?var\.([a-z_]+)\)?\}$/.exec(value);
    if (ref?.[1]) env[name] = String(varDefault(ref[1]));
    else if (value === hcl('var.live_trading ? "true" : "false"')) env[name] = String(varDefault('live_trading'));
    else if (value === hcl('google_service_account.scheduler.email'))
      env[name] = 'qrl-scheduler@demo.iam.gserviceaccount.com';
    else if (value === hcl('google_firestore_database.ledger.name')) env[name] = '(default)';
    else if (!value.includes(hcl('').slice(0, 2))) env[name] = value;
    else throw new Error(`test cannot resolve ${name} = ${value}`);
  }
  for (const content of pairs(service.dynamic ?? null).filter(([k]) => k === 'secret_environment_variables')) {
    expect(str(block(content[1], 'secret env').for_each, 'for_each')).toBe(hcl('local.secret_env'));
  }
  for (const name of Object.keys(obj(tf.locals.secret_env, 'secret_env'))) env[name] = `value-of-${name}`;
  return env;
}

/** Names deploy.sh writes into the functions' env file, plus the secrets it mounts. */
function deployShEnvNames(): string[] {
  const names = [...deploySh.matchAll(/^\s+echo "([A-Z_]+): /gm)].map((m) => m[1] ?? '');
  const secrets = /--set-secrets="([^"]+)"/.exec(deploySh);
  if (!secrets?.[1]) throw new Error('deploy.sh has no --set-secrets');
  names.push(...secrets[1].split(',').map((s) => s.split('=')[0] ?? ''));
  return names;
}

/** Variables whose absence makes the config refuse to start in verify mode, from the schema itself. */
function requiredVars(base: Record<string, string>): string[] {
  const full = { ...base, AUTH_MODE: 'verify', LIVE_TRADING: 'true' };
  loadConfig(full);
  return ENV_VARS.filter((name) => {
    const without: Record<string, string> = { ...full };
    delete without[name];
    try {
      loadConfig(without);
      return false;
    } catch {
      return true;
    }
  });
}

describe('terraform', () => {
  it('parses every file and defines the resources the issue lists', () => {
    expect(tf.files.length).toBeGreaterThan(5);
    for (const type of [
      'google_project_service',
      'google_service_account',
      'google_secret_manager_secret',
      'google_secret_manager_secret_iam_member',
      'google_firestore_database',
      'google_firestore_field',
      'google_cloudfunctions2_function',
      'google_cloud_run_v2_service_iam_member',
      'google_cloud_scheduler_job',
      'google_logging_metric',
      'google_monitoring_alert_policy',
      'google_monitoring_dashboard',
      'google_compute_router_nat',
      'google_compute_address',
    ])
      expect(Object.keys(resources(type)).length).toBeGreaterThan(0);
  });

  it('sets every variable the config requires, and accounts for every variable it reads', () => {
    const env = terraformEnv();
    const required = requiredVars(env);
    expect(required).toEqual(expect.arrayContaining(['OIDC_AUDIENCE', 'OIDC_ALLOWED_EMAILS', 'MEXC_API_KEY']));
    for (const name of required) expect(Object.keys(env)).toContain(name);
    // Every variable is either set by the deployment or deliberately left to its default / forbidden.
    const leftToDefault = ['OIDC_CERTS_URL', 'FIRESTORE_EMULATOR_HOST'];
    expect([...Object.keys(env), ...leftToDefault].sort()).toEqual([...ENV_VARS].sort());
    expect(loadConfig(env).auth.audience).toBe(env.OIDC_AUDIENCE);
  });

  it('keeps live trading off and never disables token checks by default', () => {
    expect(varDefault('live_trading')).toBe(false);
    expect(loadConfig(terraformEnv()).liveTrading).toBe(false);
    expect(varDefault('auth_mode')).not.toBe('none');
    const validation = block(block(tf.variable.auth_mode, 'auth_mode').validation, 'auth_mode validation');
    expect(validation.condition).toBe(hcl('contains(["verify", "platform-verified"], var.auth_mode)'));
  });

  it('leaves ACCOUNT_ID empty by default, so the account id is the API key fingerprint', () => {
    expect(varDefault('account_id')).toBe('');
    expect(loadConfig(terraformEnv()).accountId).toMatch(/^key-[0-9a-f]{16}$/);
    expect(deployConfigSh).toMatch(/^ {2}"ACCOUNT_ID="$/m);
  });

  it('never takes a secret value as a variable or writes one into state', () => {
    expect(Object.keys(resources('google_secret_manager_secret_version'))).toHaveLength(0);
    for (const name of Object.keys(tf.variable)) expect(name).not.toMatch(/key|secret|password|token/i);
    const example = readFileSync(join(tfDir, 'terraform.tfvars.example'), 'utf8');
    expect(example).toMatch(/^live_trading\s*=\s*false$/m);
    expect(example).not.toMatch(/^\s*mexc_api/im);
  });

  it('grants no role broader than needed', () => {
    const all = pairs(tf.resource).filter(([k]) => k === 'role');
    expect(all.length).toBeGreaterThan(0);
    for (const [, role] of all) expect(role).not.toMatch(/^roles\/(owner|editor|viewer)$|admin/i);
    for (const type of ['google_project_iam_binding', 'google_project_iam_policy'])
      expect(Object.keys(resources(type))).toHaveLength(0);
    const projectRoles = pairs(resources('google_project_iam_member'))
      .filter(([k]) => k === 'role')
      .map(([, r]) => r);
    expect(projectRoles).toEqual(['roles/datastore.user']);
    const roleHolders = (role: string) =>
      Object.entries(tf.resource)
        .filter(([, byName]) => pairs(byName).some(([k, v]) => k === 'role' && v === role))
        .map(([type]) => type);
    expect(roleHolders('roles/run.invoker')).toEqual(['google_cloud_run_v2_service_iam_member']);
    expect(roleHolders('roles/secretmanager.secretAccessor')).toEqual(['google_secret_manager_secret_iam_member']);
    expect(roleHolders('roles/iam.serviceAccountOpenIdTokenCreator')).toEqual(['google_service_account_iam_member']);
    for (const [, member] of pairs(tf.resource).filter(([k]) => k === 'member'))
      expect(member).not.toMatch(/allUsers|allAuthenticatedUsers/);
  });

  it('lets the scheduler invoke all three functions, and each caller only the functions listed for it', () => {
    const scheduler = block(resources('google_cloud_run_v2_service_iam_member').scheduler_invokes, 'scheduler_invokes');
    expect(scheduler.for_each).toBe(hcl('toset(["rebalance", "snapshot", "health"])'));
    const callers = block(resources('google_cloud_run_v2_service_iam_member').callers_invoke, 'callers_invoke');
    const key = ['fn', 'member'].map((f) => hcl(`p.${f}`)).join(' ');
    expect(callers.for_each).toBe(hcl(`{ for p in local.caller_pairs : "${key}" => p }`));
    expect(callers).toMatchObject({
      role: 'roles/run.invoker',
      member: hcl('each.value.member'),
      name: hcl('google_cloudfunctions2_function.fn[each.value.fn].name'),
    });
    expect(varDefault('callers')).toEqual({});
    // only people and service accounts: a token names a person, so group membership cannot be checked
    const validation = block(block(tf.variable.callers, 'callers').validation, 'callers validation');
    expect(String(validation.condition)).toContain('^(user|serviceAccount):');
  });

  it('runs every function on nodejs22 and rebalance alone', () => {
    const runtimes = pairs(resources('google_cloudfunctions2_function')).filter(([k]) => k === 'runtime');
    expect(runtimes.map(([, v]) => v)).toEqual(['nodejs22']);
    const rebalance = obj(obj(tf.locals.functions, 'functions').rebalance, 'rebalance');
    expect(rebalance.max_instances).toBe(1);
    expect(rebalance.concurrency).toBe(1);
  });

  it('gives the scheduler an attempt deadline above the function timeout, within 30 minutes', () => {
    const job = block(resources('google_cloud_scheduler_job').job, 'job');
    expect(job.attempt_deadline).toBe(
      `${hcl('local.functions[each.key].timeout + var.scheduler_deadline_margin_seconds')}s`,
    );
    const margin = Number(varDefault('scheduler_deadline_margin_seconds'));
    expect(margin).toBeGreaterThan(0);
    for (const timeoutVar of ['rebalance_timeout_seconds', 'snapshot_timeout_seconds']) {
      const deadline = Number(varDefault(timeoutVar)) + margin;
      expect(deadline).toBeGreaterThan(Number(varDefault(timeoutVar)));
      expect(deadline).toBeLessThanOrEqual(1800);
      expect(deadline).toBeGreaterThanOrEqual(15);
    }
    const http = block(job.http_target, 'http_target');
    const oidc = block(http.oidc_token, 'oidc_token');
    expect(oidc.audience).toBe(hcl('local.function_urls[each.key]'));
    expect(http.uri).toBe(oidc.audience);
    expect(block(job.retry_config, 'retry_config').retry_count).toBe(hcl('var.scheduler_retry_count'));
  });

  it('passes each function its own timeout as FUNCTION_TIMEOUT_S', () => {
    const functions = obj(tf.locals.functions, 'functions');
    expect(obj(functions.rebalance, 'rebalance').timeout).toBe(hcl('var.rebalance_timeout_seconds'));
    expect(loadConfig(terraformEnv()).functionTimeoutS).toBe(Number(varDefault('rebalance_timeout_seconds')));
  });

  it('retries a failed attempt until after the run lease ended, so a killed attempt is resumed under its own id', () => {
    const retry = block(block(resources('google_cloud_scheduler_job').job, 'job').retry_config, 'retry_config');
    const seconds = (raw: Json | undefined) => Number(/^(\d+)s$/.exec(str(raw, 'duration'))?.[1] ?? Number.NaN);
    const times = retryTimes(
      Number(varDefault('scheduler_retry_count')),
      seconds(retry.min_backoff_duration),
      seconds(retry.max_backoff_duration),
      Number(retry.max_doublings),
    );
    // the contract of issue #18: +10, +30, +70, +150, +270 s after the failed attempt
    expect(times).toEqual([10, 30, 70, 150, 270]);
    expect(retryTimes(8, 10, 300, 3)).toEqual([10, 30, 70, 150, 310, 550, 850, 1150]);
    const leaseS = leaseMsFor(Number(varDefault('rebalance_timeout_seconds'))) / 1000;
    // a retry that meets a live lease answers 409 and Scheduler tries again; at least one retry comes
    // after a lease taken at the very start of an attempt that failed at once, and one after a lease
    // taken by an attempt killed at the timeout (its failure starts the back-off)
    expect(times.some((t) => t > leaseS)).toBe(true);
    expect(Math.max(...times)).toBeGreaterThan(leaseS + 60);
    // deploy.sh schedules the same back-off
    expect(deploySh).toContain('--min-backoff=10s --max-backoff=120s --max-doublings=3');
  });

  it('puts a TTL on expireAt of runs, order intents and snapshots', () => {
    const field = block(resources('google_firestore_field').ttl, 'ttl');
    expect(field.for_each).toBe(hcl('toset(["runs", "orders", "snapshots"])'));
    expect(field.field).toBe('expireAt');
    expect(field.ttl_config).toBeDefined();
  });
});

describe('the monitoring dashboard', () => {
  /** dashboard.json.tftpl rendered as Terraform would, with name_prefix = "qrl" and the default period. */
  function renderDashboard(): { json: Obj; metrics: Obj; policies: Record<string, string> } {
    const tfText = readFileSync(join(tfDir, 'dashboard.tf'), 'utf8');
    const call = /templatefile\("\$\{path\.module\}\/([\w.]+)", \{([\s\S]*?)\n\s*\}\)/.exec(tfText);
    if (!call?.[1] || call[2] === undefined) throw new Error('dashboard.tf renders no template');
    const metrics = resources('google_logging_metric');
    const metricName = (key: string) =>
      str(block(metrics[key], `metric ${key}`).name, `metric ${key} name`).replace(hcl('local.metric_prefix'), 'qrl');
    const policies: Record<string, string> = {};
    const vars: Record<string, string> = {};
    for (const [, name = '', expr = ''] of call[2].matchAll(/^\s*(\w+)\s*=\s*(.+?)\s*$/gm)) {
      const metric = /^google_logging_metric\.(\w+)\.name$/.exec(expr);
      const policy = /^google_monitoring_alert_policy\.(\w+)\.name$/.exec(expr);
      if (metric?.[1]) vars[name] = metricName(metric[1]);
      else if (policy?.[1]) {
        expect(Object.keys(resources('google_monitoring_alert_policy'))).toContain(policy[1]);
        vars[name] = `projects/demo/alertPolicies/${policy[1]}`;
        policies[policy[1]] = vars[name];
      } else if (name === 'title') vars[name] = 'qrl-rebalancer (qrl)';
      else if (name === 'expected_runs_per_hour') {
        expect(expr).toBe('max(1, floor(60 / var.rebalance_period_minutes))');
        vars[name] = String(Math.max(1, Math.floor(60 / Number(varDefault('rebalance_period_minutes')))));
      } else throw new Error(`test cannot resolve template variable ${name} = ${expr}`);
    }
    const template = readFileSync(join(tfDir, call[1]), 'utf8');
    const rendered = template.replace(/\$\{(\w+)\}/g, (_m, name: string) => {
      const value = vars[name];
      if (value === undefined) throw new Error(`the template uses \${${name}}, which dashboard.tf does not pass`);
      return value;
    });
    expect(rendered).not.toContain('${');
    return { json: JSON.parse(rendered) as Obj, metrics, policies };
  }

  it('renders to valid dashboard JSON with every variable passed', () => {
    const { json } = renderDashboard();
    expect(json.displayName).toBe('qrl-rebalancer (qrl)');
    const tiles = obj(json.mosaicLayout, 'mosaicLayout').tiles;
    expect(Array.isArray(tiles) && tiles.length).toBeGreaterThanOrEqual(10);
  });

  it('uses only metrics monitoring.tf defines, and only their declared labels', () => {
    const { json, metrics } = renderDashboard();
    const byName = new Map<string, string[]>(
      Object.keys(metrics).map((key) => {
        const m = block(metrics[key], key);
        const name = str(m.name, 'name').replace(hcl('local.metric_prefix'), 'qrl');
        const descriptor = block(m.metric_descriptor, `${key} metric_descriptor`);
        const labels = (
          Array.isArray(descriptor.labels) ? descriptor.labels : descriptor.labels ? [descriptor.labels] : []
        ).map((l) => str(obj(l, 'label').key, 'label key'));
        return [`logging.googleapis.com/user/${name}`, labels];
      }),
    );
    const filters = pairs(json)
      .filter(([k]) => k === 'filter')
      .map(([, f]) => str(f, 'filter'));
    expect(filters.length).toBeGreaterThanOrEqual(9);
    const used = new Set<string>();
    for (const filter of filters) {
      const type = /metric\.type="([^"]+)"/.exec(filter)?.[1];
      if (!type) throw new Error(`a dashboard filter names no metric: ${filter}`);
      expect([...byName.keys()]).toContain(type);
      used.add(type);
      for (const [, label] of filter.matchAll(/metric\.label\.(\w+)/g)) expect(byName.get(type)).toContain(label);
    }
    for (const [, group] of pairs(json).filter(([k]) => k === 'groupByFields'))
      for (const field of group as string[]) expect(field).toMatch(/^metric\.label\.(status|side|profile)$/);
    // every metric monitoring.tf defines is on the dashboard
    expect([...used].sort()).toEqual([...byName.keys()].sort());
  });

  it('covers runs by status, failed and missing runs, orders, notional, drift, latency and fees', () => {
    const { json, policies } = renderDashboard();
    const titles = pairs(json)
      .filter(([k]) => k === 'title')
      .map(([, t]) => String(t));
    for (const topic of [
      /Runs by status/,
      /Failed runs/,
      /missing/i,
      /Orders placed by side/,
      /Notional/,
      /Drift/,
      /latency/,
      /Fees/,
    ])
      expect(titles.some((t) => topic.test(t))).toBe(true);
    const alertCharts = pairs(json)
      .filter(([k]) => k === 'alertChart')
      .map(([, chart]) => obj(chart, 'alertChart').name);
    expect(alertCharts.sort()).toEqual([policies.failed_run, policies.no_successful_run].sort());
  });
});

describe('scripts/deploy.sh', () => {
  it('creates the same log-based metrics as Terraform', () => {
    const terraform = Object.values(resources('google_logging_metric'))
      .map((m) => str(block(m, 'metric').name, 'name').replace(hcl('local.metric_prefix'), hcl('metric_prefix')))
      .sort();
    const shell = [...deploySh.matchAll(/^apply_metric "([^"]+)"$/gm)].map((m) => m[1]).sort();
    expect(shell).toEqual(terraform);
  });

  it('sets the same variables as Terraform', () => {
    expect(deployShEnvNames().sort()).toEqual(Object.keys(terraformEnv()).sort());
  });

  it('uses nodejs22, keeps live trading off by default and refuses AUTH_MODE=none', () => {
    const runtimes = [...deploySh.matchAll(/--runtime=(\S+)/g)].map((m) => m[1]);
    expect(runtimes).toEqual(['nodejs22']);
    expect(deployConfigSh).toMatch(/^ {2}"LIVE_TRADING=false"$/m);
    expect(deployConfigSh).toMatch(/^ {2}"AUTH_MODE=platform-verified"$/m);
    expect(deploySh).toMatch(/^set -euo pipefail$/m);
  });

  it('grants no role broader than needed', () => {
    const roles = [...new Set([...deploySh.matchAll(/--role=(\S+)/g)].map((m) => m[1]))];
    expect(roles.sort()).toEqual(
      [
        'roles/datastore.user',
        'roles/iam.serviceAccountOpenIdTokenCreator',
        'roles/run.invoker',
        'roles/secretmanager.secretAccessor',
      ].sort(),
    );
    // run.invoker only on the function's service, secretAccessor only on the secret, project level only Firestore.
    expect(deploySh).toMatch(/run services add-iam-policy-binding[^\n]*\n[^\n]*--role=roles\/run\.invoker/);
    expect(deploySh).toMatch(/secrets add-iam-policy-binding[^\n]*\n[^\n]*--role=roles\/secretmanager\.secretAccessor/);
    const projectBindings = [...deploySh.matchAll(/projects add-iam-policy-binding[^\n]*\n[^\n]*--role=(\S+)/g)];
    expect(projectBindings.map((m) => m[1])).toEqual(['roles/datastore.user']);
    expect(deploySh).not.toMatch(/(?<!no-)allow-unauthenticated|allUsers/);
  });

  it('waits longer than the function runs', () => {
    expect(deploySh).toMatch(/local deadline=\$\(\(timeout \+ DEADLINE_MARGIN\)\)/);
    expect(Number(/"DEADLINE_MARGIN=(\d+)"/.exec(deployConfigSh)?.[1])).toBeGreaterThan(0);
  });
});

/**
 * shellcheck is a system tool, not an npm package: `npm test` on a machine without it still passes, and
 * says so with a skipped test named for what was not done. CI (.ci/run) installs it and sets
 * REQUIRE_SHELLCHECK=1, so there a missing shellcheck fails instead.
 */
const shellcheckError: NodeJS.ErrnoException | undefined = spawnSync('shellcheck', ['--version']).error;
const shellcheckMissing = shellcheckError?.code === 'ENOENT';
const requireShellcheck = process.env.REQUIRE_SHELLCHECK === '1';
const SHELLCHECK_MISSING = 'shellcheck not installed: scripts/*.sh were not linted (apt-get install shellcheck)';

describe('shell scripts', () => {
  if (shellcheckMissing && !requireShellcheck) {
    // One line outside jest's console capture, so the gap shows in any reporter, verbose or not.
    process.stderr.write(`infra/infra.test.ts: ${SHELLCHECK_MISSING}\n`);
    // biome-ignore lint/suspicious/noSkippedTests: reported, not hidden: the skipped test's name says what was not checked.
    it.skip(SHELLCHECK_MISSING, () => {});
    return;
  }

  it('pass shellcheck', () => {
    const scripts = ['scripts', 'scripts/lib'].flatMap((d) =>
      readdirSync(join(root, d))
        .filter((f) => f.endsWith('.sh'))
        .map((f) => join(root, d, f)),
    );
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    const result = spawnSync('shellcheck', scripts, { encoding: 'utf8' });
    if (result.error)
      throw new Error(
        `shellcheck could not run (REQUIRE_SHELLCHECK=1 needs it; apt-get install shellcheck): ${result.error.message}`,
      );
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

/**
 * When Cloud Scheduler retries, s after the failed attempt: the interval starts at min, doubles
 * max_doublings times, then grows linearly by min·2^doublings, capped at max
 * (https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs#retryconfig:
 * 10s/300s/3 → intervals 10, 20, 40, 80, 160, 240, 300).
 */
function retryTimes(count: number, minS: number, maxS: number, doublings: number): number[] {
  const times: number[] = [];
  let at = 0;
  for (let i = 0; i < count; i += 1) {
    const interval = i <= doublings ? minS * 2 ** i : minS * 2 ** doublings * (i - doublings + 1);
    at += Math.min(interval, maxS);
    times.push(at);
  }
  return times;
}
