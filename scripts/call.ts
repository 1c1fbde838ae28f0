/**
 * `npm run call -- <rebalance|snapshot|health> [options]`: calls the running `npm run dev` stack with
 * an ID token signed by its local issuer, the local twin of `gcloud functions call` / scripts/call.sh.
 * Prints the answer; exits 0 on 2xx. `--print-token <function>` prints only a token (for curl).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { argumentProblem } from './lib/cli-io';
import { signIdTokenWith, signingKeyFromPem } from './lib/local-oidc';
import { callFunction, formatRunAnswer, scheduleTimeNow } from './lib/local-stack';

export const DEV_STACK_FILE = join(resolve(__dirname, '..', '.local'), 'dev-stack.json');

export const USAGE = `usage: npm run call -- [rebalance|snapshot|health] [options]

Calls the functions of the running \`npm run dev\` stack with an ID token its local issuer signs
(the stack's key is in .local/dev-stack.json). Exits 0 when the answer is 2xx.

  rebalance (default)       POST a run; prints the report in words
  snapshot                  POST; records value and weights
  health                    GET ?deep=1 with a token

options
  --dry-run                 rebalance: plan only, send nothing
  --execution-id <id>       rebalance: the run's id (8-64 of A-Z a-z 0-9 _ -); the same id answers duplicate
  --profile <id>            a profile of STRATEGY_PROFILES (default: "default")
  --scheduled               call as Cloud Scheduler would, with this minute as the schedule time
  --json                    print the raw JSON answer
  --print-token             print only a token for the function's URL (valid 1 h) and exit, e.g.
                              TOKEN=$(npm run --silent call -- --print-token rebalance)
                              curl -X POST -H "Authorization: Bearer $TOKEN" <url>
  -h, --help                this text`;

interface DevStack {
  functions: Record<string, string>;
  caller: string;
  kid: string;
  privateKeyPem: string;
}

export interface CallIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** where the dev stack wrote its endpoints and key (tests point it elsewhere) */
  stackFile?: string;
}

const console_: CallIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** The whole command; returns the exit code (0 on 2xx, 1 otherwise, 2 for a usage mistake). */
export async function runCall(argv: readonly string[], io: CallIo = console_): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`call: ${argumentProblem(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    io.err(`call: one function at a time (got ${positionals.join(', ')})\n\n${USAGE}`);
    return 2;
  }
  const name = positionals[0] ?? 'rebalance';
  const stackFile = io.stackFile ?? DEV_STACK_FILE;
  if (!existsSync(stackFile)) {
    io.err(`call: no dev stack found (${stackFile}); start one with \`npm run dev\` in another terminal`);
    return 2;
  }
  const stack = JSON.parse(readFileSync(stackFile, 'utf8')) as DevStack;
  const url = stack.functions[name];
  if (!url) {
    io.err(`call: unknown function "${name}"; the dev stack serves ${Object.keys(stack.functions).join(', ')}`);
    return 2;
  }
  const key = signingKeyFromPem(stack.kid, stack.privateKeyPem);
  const token = signIdTokenWith(key, { aud: url, email: stack.caller });
  if (values['print-token']) {
    io.out(token);
    const example =
      name === 'health'
        ? `curl -H "Authorization: Bearer $TOKEN" '${url}/?deep=1'`
        : `curl -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"dryRun":true}' ${url}`;
    io.err(`(a token for ${url} as ${stack.caller}, valid for 1 h, signed by the dev stack's local key)\n  ${example}`);
    return 0;
  }

  const body: Record<string, unknown> = {};
  if (values['dry-run']) body.dryRun = true;
  if (values['execution-id']) body.executionId = values['execution-id'];
  if (values.profile) body.profile = values.profile;
  const result =
    name === 'health'
      ? await callFunction(url, { method: 'GET', token, path: '/?deep=1' })
      : await callFunction(url, { token, body, ...(values.scheduled ? { scheduleTime: scheduleTimeNow() } : {}) });

  if (name === 'rebalance' && !values.json) io.out(formatRunAnswer(`POST ${url}`, result));
  else io.out(`HTTP ${result.status}\n${result.json ? JSON.stringify(result.json, null, 2) : result.text}`);
  return result.status >= 200 && result.status < 300 ? 0 : 1;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      'execution-id': { type: 'string' },
      profile: { type: 'string' },
      scheduled: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'print-token': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

if (require.main === module) {
  runCall(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`call: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
