/**
 * scripts/deploy.sh and scripts/kill-switch.sh against a stand-in `gcloud` on PATH: a small node script
 * in the test's temp dir that records every call (argv, and the env file a function deploy passes) and
 * answers the describe calls. Nothing reaches Google; what is checked is what the scripts would run.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
let dir: string;
let bin: string;
let dist: string;

interface Call {
  argv: string[];
  /** curl's stdin (the Authorization header) */
  stdin?: string;
  /** the --env-vars-file's content, as deploy.sh wrote it */
  envFile?: Record<string, string>;
}

const STAND_IN = `#!${process.execPath}
const fs = require('node:fs');
const argv = process.argv.slice(2);
const call = { argv };
const envArg = argv.find((a) => a.startsWith('--env-vars-file='));
if (envArg) {
  call.envFile = {};
  for (const line of fs.readFileSync(envArg.slice('--env-vars-file='.length), 'utf8').split('\\n')) {
    const m = /^([A-Z_]+): '(.*)'$/.exec(line);
    if (m) call.envFile[m[1]] = m[2].replace(/''/g, "'");
  }
}
fs.appendFileSync(process.env.GCLOUD_LOG, JSON.stringify(call) + '\\n');
const words = argv.filter((a) => !a.startsWith('-')).join(' ');
if (words.startsWith('projects describe')) process.stdout.write('123456789012\\n');
else if (words.startsWith('functions describe')) process.exit(process.env.GCLOUD_FUNCTIONS_EXIST === '1' ? 0 : 1);
else if (words.startsWith('secrets versions list')) process.stdout.write('projects/p/secrets/s/versions/1\\n');
else if (words.startsWith('compute addresses describe')) process.stdout.write('203.0.113.7\\n');
else if (words.startsWith('config get-value account')) process.stdout.write((process.env.GCLOUD_ACCOUNT || '') + '\\n');
else if (words.startsWith('auth print-identity-token')) process.stdout.write('header.payload.signature\\n');
process.exit(0);
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'deploy-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'gcloud'), STAND_IN);
  chmodSync(join(bin, 'gcloud'), 0o755);
  // curl for scripts/call.sh: records its argv and the header it reads from stdin, answers a report
  writeFileSync(
    join(bin, 'curl'),
    `#!${process.execPath}\nconst fs = require('node:fs');\nconst stdin = fs.readFileSync(0, 'utf8');\nfs.appendFileSync(process.env.GCLOUD_LOG, JSON.stringify({ argv: ['curl', ...process.argv.slice(2)], stdin }) + '\\n');\nprocess.stdout.write('{"status":"dry_run"}');\n`,
  );
  chmodSync(join(bin, 'curl'), 0o755);
  dist = join(dir, 'dist');
  for (const fn of ['rebalance', 'snapshot', 'health']) {
    mkdirSync(join(dist, fn), { recursive: true });
    for (const file of ['index.js', 'index.js.map', 'package.json']) writeFileSync(join(dist, fn, file), '{}');
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runNo = 0;
function run(script: 'deploy.sh' | 'kill-switch.sh' | 'call.sh', env: Record<string, string>, args: string[] = []) {
  runNo += 1;
  const log = join(dir, `calls-${runNo}.jsonl`);
  writeFileSync(log, '');
  const result = spawnSync('bash', [join(root, 'scripts', script), ...args], {
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: dir,
      GCLOUD_LOG: log,
      SKIP_BUILD: '1',
      DIST_DIR: dist,
      ...env,
    },
  });
  const calls: Call[] = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

/** Calls that change something (everything but describe / list). */
const mutating = (calls: Call[]) =>
  calls.filter((c) => !c.argv.some((a) => a === 'describe' || a === 'list' || a.startsWith('--format=value(name)')));

/** argv with the per-run temp dirs replaced, so two runs compare. */
const normalized = (calls: Call[]) =>
  calls.map((c) => ({ ...c, argv: c.argv.map((a) => a.replace(/\/tmp\/[^/]+\/(src-|)/g, '<tmp>/$1')) }));

const settings = (file: string) => parse(readFileSync(file, 'utf8'));

const PROFILES = '{"main":{"targets":{"QRL":"0.6","USDT":"0.4"},"bandAbs":"0.03"}}';

describe('scripts/deploy.sh: a re-run changes only what it names', () => {
  let config: string;
  let first: ReturnType<typeof run>;

  beforeAll(() => {
    config = join(dir, 'deploy.env');
    first = run('deploy.sh', {
      DEPLOY_CONFIG: config,
      PROJECT_ID: 'demo-project',
      REGION: 'europe-west1',
      STRATEGY_PROFILES: PROFILES,
      REBALANCE_SCHEDULE: '*/30 * * * *',
    });
  });

  it('first deploy: the defaults plus what was named, then writes every setting to the one file', () => {
    expect({ status: first.status, stderr: first.stderr }).toMatchObject({ status: 0 });
    expect(first.stdout).toMatch(/settings: no .*deploy\.env yet; the defaults with 4 change\(s\)/);
    const deployed = first.calls.filter((c) => c.argv.includes('functions') && c.argv.includes('deploy'));
    expect(deployed).toHaveLength(3);
    for (const c of deployed) {
      expect(c.envFile?.STRATEGY_PROFILES).toBe(PROFILES);
      expect(c.envFile?.LIVE_TRADING).toBe('false');
      expect(c.argv).toContain('--region=europe-west1');
    }
    const file = settings(config);
    expect(file).toMatchObject({
      PROJECT_ID: "'demo-project'",
      REGION: "'europe-west1'",
      STRATEGY_PROFILES: `'${PROFILES}'`,
      REBALANCE_SCHEDULE: "'*/30 * * * *'",
      LIVE_TRADING: "'false'",
      FUNCTION_MEMORY: "'512Mi'",
    });
    expect(readFileSync(config, 'utf8')).not.toMatch(/MEXC_API_KEY|MEXC_API_SECRET/);
  });

  it('LIVE_TRADING=true alone changes LIVE_TRADING alone: every other call and setting is as deployed', () => {
    const before = readFileSync(config, 'utf8');
    const second = run('deploy.sh', { DEPLOY_CONFIG: config, LIVE_TRADING: 'true', GCLOUD_FUNCTIONS_EXIST: '1' });
    expect({ status: second.status, stderr: second.stderr }).toMatchObject({ status: 0 });
    expect(second.stdout).toMatch(/1 change\(s\) named in the environment\n {2}LIVE_TRADING: 'false' -> 'true'\n/);
    // the same gcloud calls, argument for argument; in the env files only LIVE_TRADING differs
    // (only a run without a settings file asks whether the functions exist)
    const existenceCheck = (c: Call) => c.argv.includes('--format=value(name)');
    const a = normalized(first.calls.filter((c) => !existenceCheck(c)));
    const b = normalized(second.calls.filter((c) => !existenceCheck(c)));
    expect(b.length).toBeGreaterThanOrEqual(30);
    expect(b.map((c) => c.argv)).toEqual(a.map((c) => c.argv));
    b.forEach((call, i) => {
      if (!call.envFile) return;
      expect(call.envFile).toEqual({ ...a[i]?.envFile, LIVE_TRADING: 'true' });
      expect(call.envFile.STRATEGY_PROFILES).toBe(PROFILES);
    });
    const after = settings(config);
    expect(after).toEqual({ ...parse(before), LIVE_TRADING: "'true'" });
  });

  it('--plan prints what would change and runs nothing that changes anything', () => {
    const plan = run('deploy.sh', { DEPLOY_CONFIG: config, LOG_LEVEL: 'debug' }, ['--plan']);
    expect(plan.status).toBe(0);
    expect(plan.stdout).toMatch(/LOG_LEVEL: 'info' -> 'debug'/);
    expect(plan.stdout).toContain('(--plan: nothing was deployed)');
    expect(mutating(plan.calls)).toEqual([]);
    expect(settings(config).LOG_LEVEL).toBe("'info'");
  });

  it('reads infra/deploy.env.example as a settings file', () => {
    const example = run('deploy.sh', { DEPLOY_CONFIG: join(root, 'infra', 'deploy.env.example') }, ['--plan']);
    expect({ status: example.status, stderr: example.stderr }).toEqual({ status: 0, stderr: '' });
    expect(example.stdout).toMatch(/settings: .*deploy\.env\.example with 0 change\(s\)/);
    expect(mutating(example.calls)).toEqual([]);
  });

  it('refuses to redeploy an existing installation without its settings file', () => {
    const lost = run('deploy.sh', {
      DEPLOY_CONFIG: join(dir, 'missing.env'),
      PROJECT_ID: 'demo-project',
      LIVE_TRADING: 'true',
      GCLOUD_FUNCTIONS_EXIST: '1',
    });
    expect(lost.status).toBe(1);
    expect(lost.stderr).toMatch(
      /qrl-rebalance is already deployed in demo-project, but .*missing\.env is missing: every setting you do not name would go back to its default/,
    );
    expect(mutating(lost.calls)).toEqual([]);
  });

  it.each([
    ['FAVOURITE_COLOUR=blue\n', /line 1: unknown setting FAVOURITE_COLOUR/],
    ["PROJECT_ID='p'\nMEXC_API_SECRET='x'\n", /line 2: MEXC_API_SECRET is a secret; it belongs in Secret Manager/],
    ['STRATEGY_PROFILES=\'{"a":1}\n', /line 1: the quoted value of STRATEGY_PROFILES is not closed/],
    ["REGION='a'\nREGION='b'\n", /line 2: REGION is set twice/],
    ['$(rm -rf /)\n', /line 1 is not NAME=value/],
  ])('a settings file %j is refused naming the line: %s', (content, message) => {
    const file = join(dir, `bad-${runNo}.env`);
    writeFileSync(file, content);
    const r = run('deploy.sh', { DEPLOY_CONFIG: file, PROJECT_ID: 'demo-project' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.calls).toEqual([]);
  });

  it('keeps a value with quotes, spaces and $ exactly (the file is parsed, never sourced)', () => {
    const file = join(dir, 'quoted.env');
    const odd = `{"it's":"$HOME and \`x\`"}`;
    const r1 = run('deploy.sh', { DEPLOY_CONFIG: file, PROJECT_ID: 'demo-project', STRATEGY_PROFILES: odd });
    expect(r1.status).toBe(0);
    expect(settings(file).STRATEGY_PROFILES).toBe(`'{"it''s":"$HOME and \`x\`"}'`);
    const r2 = run('deploy.sh', { DEPLOY_CONFIG: file, GCLOUD_FUNCTIONS_EXIST: '1' });
    expect(r2.stdout).toMatch(/with 0 change\(s\)/);
    expect(r2.calls.find((c) => c.envFile)?.envFile?.STRATEGY_PROFILES).toBe(odd);
  });
});

describe('scripts/deploy.sh: CALLERS', () => {
  const config = () => join(dir, 'callers.env');
  const invokerCalls = (calls: Call[]) =>
    calls
      .filter((c) => c.argv.includes('run') && c.argv.some((a) => a.endsWith('-iam-policy-binding')))
      .map(
        (c) =>
          `${c.argv.find((a) => a.endsWith('-iam-policy-binding'))} ${c.argv[5]} ${c.argv.find((a) => a.startsWith('--member='))}`,
      );

  it('gives each caller run.invoker on its functions, its e-mail in OIDC_ALLOWED_EMAILS, a person also OIDC_GCLOUD_USER_EMAILS', () => {
    const r = run('deploy.sh', {
      DEPLOY_CONFIG: config(),
      PROJECT_ID: 'demo-project',
      CALLERS: 'user:alice@example.com=all serviceAccount:uptime@demo-project.iam.gserviceaccount.com=health',
    });
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    expect(invokerCalls(r.calls)).toEqual([
      'add-iam-policy-binding qrl-rebalance --member=serviceAccount:qrl-scheduler@demo-project.iam.gserviceaccount.com',
      'add-iam-policy-binding qrl-snapshot --member=serviceAccount:qrl-scheduler@demo-project.iam.gserviceaccount.com',
      'add-iam-policy-binding qrl-health --member=serviceAccount:qrl-scheduler@demo-project.iam.gserviceaccount.com',
      'add-iam-policy-binding qrl-rebalance --member=user:alice@example.com',
      'add-iam-policy-binding qrl-snapshot --member=user:alice@example.com',
      'add-iam-policy-binding qrl-health --member=user:alice@example.com',
      'add-iam-policy-binding qrl-health --member=serviceAccount:uptime@demo-project.iam.gserviceaccount.com',
    ]);
    const env = Object.fromEntries(
      r.calls
        .filter((c) => c.envFile)
        .map((c) => [
          c.argv[4],
          { allowed: c.envFile?.OIDC_ALLOWED_EMAILS, people: c.envFile?.OIDC_GCLOUD_USER_EMAILS },
        ]),
    );
    expect(env).toEqual({
      'qrl-rebalance': {
        allowed: 'qrl-scheduler@demo-project.iam.gserviceaccount.com,alice@example.com',
        people: 'alice@example.com',
      },
      'qrl-snapshot': {
        allowed: 'qrl-scheduler@demo-project.iam.gserviceaccount.com,alice@example.com',
        people: 'alice@example.com',
      },
      'qrl-health': {
        allowed:
          'qrl-scheduler@demo-project.iam.gserviceaccount.com,alice@example.com,uptime@demo-project.iam.gserviceaccount.com',
        people: 'alice@example.com',
      },
    });
  });

  it('removes the invoker binding of a caller no longer named', () => {
    const r = run('deploy.sh', {
      DEPLOY_CONFIG: config(),
      CALLERS: 'user:alice@example.com=rebalance',
      GCLOUD_FUNCTIONS_EXIST: '1',
    });
    expect(r.status).toBe(0);
    expect(invokerCalls(r.calls).filter((c) => !c.includes('qrl-scheduler'))).toEqual([
      'add-iam-policy-binding qrl-rebalance --member=user:alice@example.com',
      'remove-iam-policy-binding qrl-snapshot --member=user:alice@example.com',
      'remove-iam-policy-binding qrl-health --member=user:alice@example.com',
      'remove-iam-policy-binding qrl-health --member=serviceAccount:uptime@demo-project.iam.gserviceaccount.com',
    ]);
  });

  it.each([
    ['group:ops@example.com=health', /a group cannot be checked: a token names a person/],
    ['user:alice@example.com', /has no =functions/],
    ['user:alice@example.com=rebalance+deploy', /deploy is not rebalance, snapshot or health/],
  ])('refuses CALLERS=%j before calling gcloud: %s', (callers, message) => {
    const r = run('deploy.sh', { DEPLOY_CONFIG: join(dir, 'never.env'), PROJECT_ID: 'demo-project', CALLERS: callers });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.calls).toEqual([]);
  });
});

describe('scripts/kill-switch.sh: turns trading off and nothing else', () => {
  it('sets LIVE_TRADING=false on the rebalance service only, and records it alone in the settings file', () => {
    const config = join(dir, 'live.env');
    writeFileSync(
      config,
      `PROJECT_ID='demo-project'\nREGION='europe-west1'\nLIVE_TRADING='true'\nSTRATEGY_PROFILES='${PROFILES}'\n`,
    );
    const before = settings(config);
    const r = run('kill-switch.sh', { DEPLOY_CONFIG: config, LOG_LEVEL: 'debug' });
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    expect(r.calls.map((c) => c.argv)).toEqual([
      [
        '--project=demo-project',
        '--quiet',
        'run',
        'services',
        'update',
        'qrl-rebalance',
        '--region=europe-west1',
        '--update-env-vars=LIVE_TRADING=false',
      ],
    ]);
    const after = settings(config);
    expect(after.LIVE_TRADING).toBe("'false'");
    // LOG_LEVEL named in the environment is not written: the kill switch changes one thing
    for (const [name, value] of Object.entries(before)) if (name !== 'LIVE_TRADING') expect(after[name]).toBe(value);
    expect(after.LOG_LEVEL).toBe("'info'");
  });
});

describe('scripts/call.sh: who calls', () => {
  const call = (caller: string[], account = 'alice@example.com') =>
    run('call.sh', { GCLOUD_ACCOUNT: account }, [
      '--project',
      'demo-project',
      '--execution-id',
      'manual-0001',
      '--dry-run',
      ...caller,
    ]);
  const tokenCall = (calls: Call[]) => calls.find((c) => c.argv.includes('print-identity-token'))?.argv ?? [];
  const URL = 'https://qrl-rebalance-123456789012.asia-northeast1.run.app';

  it('as yourself by default: a person sends the token gcloud mints for them (gcloud’s audience)', () => {
    const r = call([]);
    expect(r.status).toBe(0);
    expect(tokenCall(r.calls)).toEqual(['auth', 'print-identity-token']);
    expect(r.stderr).toContain(`POST ${URL}  executionId=manual-0001 dryRun=true as alice@example.com`);
    const curl = r.calls.find((c) => c.argv[0] === 'curl');
    expect(curl?.argv).toContain('{"executionId":"manual-0001","dryRun":true}');
    expect(curl?.stdin).toBe('Authorization: Bearer header.payload.signature\n');
  });

  it('a service account active in gcloud mints a token for the function URL', () => {
    expect(tokenCall(call([], 'ci@demo-project.iam.gserviceaccount.com').calls)).toEqual([
      'auth',
      'print-identity-token',
      `--audiences=${URL}`,
    ]);
  });

  it('--caller <sa> and --caller scheduler impersonate, with the URL as audience and the e-mail included', () => {
    expect(tokenCall(call(['--caller', 'ops@demo-project.iam.gserviceaccount.com']).calls)).toEqual([
      'auth',
      'print-identity-token',
      '--impersonate-service-account=ops@demo-project.iam.gserviceaccount.com',
      `--audiences=${URL}`,
      '--include-email',
    ]);
    expect(tokenCall(call(['--caller', 'scheduler']).calls)).toContain(
      '--impersonate-service-account=qrl-scheduler@demo-project.iam.gserviceaccount.com',
    );
  });
});

function parse(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => /^[A-Z]/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}
