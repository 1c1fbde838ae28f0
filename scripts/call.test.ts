import { spawnSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCall, USAGE } from './call';
import { generateSigningKey } from './lib/local-oidc';

const root = resolve(__dirname, '..');
let dir: string;
let stackFile: string;
const key = generateSigningKey('dev-kid');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'call-'));
  stackFile = join(dir, 'dev-stack.json');
  writeFileSync(
    stackFile,
    JSON.stringify({
      functions: { rebalance: 'http://127.0.0.1:9', health: 'http://127.0.0.1:10' },
      caller: 'scheduler@qrl-local.iam.gserviceaccount.com',
      kid: key.kid,
      privateKeyPem: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function call(argv: string[], file = stackFile) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCall(argv, { out: (t) => out.push(t), err: (t) => err.push(t), stackFile: file });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('npm run call', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = await call(['--help']);
    expect(r).toMatchObject({ code: 0, stdout: USAGE, stderr: '' });
    expect(USAGE).toMatch(/--print-token/);
    expect((await call(['-h'])).stdout).toBe(USAGE);
  });

  it('an unknown option names it and prints the usage, exit 2, no stack trace', async () => {
    const r = await call(['--dryrun']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^call: Unknown option '--dryrun'/);
    expect(r.stderr).toContain(USAGE);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('says how to start the dev stack when there is none', async () => {
    const r = await call(['rebalance'], join(dir, 'missing.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no dev stack found .*npm run dev/);
  });

  it('--print-token prints only a token for the function URL, signed with the dev stack key', async () => {
    const r = await call(['--print-token', 'health']);
    expect(r.code).toBe(0);
    const [header, payload, signature] = r.stdout.split('.');
    expect(r.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    expect(claims).toMatchObject({ aud: 'http://127.0.0.1:10', email: 'scheduler@qrl-local.iam.gserviceaccount.com' });
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toMatchObject({ alg: 'RS256', kid: key.kid });
    const ok = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey(key.publicKeyPem),
      Buffer.from(signature ?? '', 'base64url'),
    );
    expect(ok).toBe(true);
    expect(r.stderr).toMatch(/curl -H "Authorization: Bearer \$TOKEN" 'http:\/\/127\.0\.0\.1:10\/\?deep=1'/);
  });

  it('refuses an unknown function, naming the ones served', async () => {
    const r = await call(['rebalanse']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown function "rebalanse"; the dev stack serves rebalance, health/);
  });

  it('prints the usage from the real command line too (npm run call -- --help)', () => {
    const r = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/call.ts', '--help'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(USAGE);
    expect(r.status).toBe(0);
  });
});
