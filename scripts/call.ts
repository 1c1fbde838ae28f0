/**
 * `npm run call -- <rebalance|snapshot|health> [--dry-run] [--execution-id X] [--profile P] [--scheduled]`:
 * calls the running `npm run dev` stack with an ID token signed by its local issuer, the local twin
 * of `gcloud functions call` / scripts/call.sh. Prints the answer; exits 0 on 2xx. The token is never printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { signIdTokenWith, signingKeyFromPem } from './lib/local-oidc';
import { callFunction, formatRunAnswer, scheduleTimeNow } from './lib/local-stack';

const stackFile = join(resolve(__dirname, '..', '.local'), 'dev-stack.json');

interface DevStack {
  functions: Record<string, string>;
  caller: string;
  kid: string;
  privateKeyPem: string;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      'execution-id': { type: 'string' },
      profile: { type: 'string' },
      scheduled: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const name = positionals[0] ?? 'rebalance';
  if (!existsSync(stackFile)) {
    console.error(`no dev stack found (${stackFile}); start one with \`npm run dev\` in another terminal`);
    return 2;
  }
  const stack = JSON.parse(readFileSync(stackFile, 'utf8')) as DevStack;
  const url = stack.functions[name];
  if (!url) {
    console.error(`unknown function "${name}"; the dev stack serves ${Object.keys(stack.functions).join(', ')}`);
    return 2;
  }
  const key = signingKeyFromPem(stack.kid, stack.privateKeyPem);
  const token = signIdTokenWith(key, { aud: url, email: stack.caller });

  const body: Record<string, unknown> = {};
  if (values['dry-run']) body.dryRun = true;
  if (values['execution-id']) body.executionId = values['execution-id'];
  if (values.profile) body.profile = values.profile;
  const result =
    name === 'health'
      ? await callFunction(url, { method: 'GET', token, path: '/?deep=1' })
      : await callFunction(url, { token, body, ...(values.scheduled ? { scheduleTime: scheduleTimeNow() } : {}) });

  if (name === 'rebalance' && !values.json) console.log(formatRunAnswer(`POST ${url}`, result));
  else console.log(`HTTP ${result.status}\n${result.json ? JSON.stringify(result.json, null, 2) : result.text}`);
  return result.status >= 200 && result.status < 300 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
