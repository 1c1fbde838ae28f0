/**
 * `npm run dev`: the `npm start` stack, kept up until Ctrl-C. Function logs stream here, prefixed
 * with the function name. The endpoints and the local signing key go to .local/dev-stack.json
 * (gitignored, mode 600) so `npm run call -- rebalance` can mint tokens the functions accept.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildFunctions } from './build';
import { KEPT_LEDGER_DIR } from './lib/kept-ledger';
import { DEMO_BALANCES, LOCAL_CALLER, startLocalStack } from './lib/local-stack';

const localDir = resolve(__dirname, '..', '.local');
const DEV_STACK_FILE = join(localDir, 'dev-stack.json');

async function main(): Promise<void> {
  await buildFunctions();
  const emulatorHost = process.env.FIRESTORE_EMULATOR_HOST;
  const stack = await startLocalStack({
    say: (line) => console.log(line),
    ...(emulatorHost ? { emulatorHost } : {}),
    keepLedgerIn: KEPT_LEDGER_DIR,
    onFunctionOutput: (name, chunk) => {
      for (const line of chunk.split('\n')) if (line.trim() !== '') process.stdout.write(`[${name}] ${line}\n`);
    },
  });
  mkdirSync(localDir, { recursive: true });
  writeFileSync(
    DEV_STACK_FILE,
    `${JSON.stringify(
      {
        pid: process.pid,
        functions: Object.fromEntries(Object.values(stack.functions).map((f) => [f.name, f.url])),
        simulator: stack.simulator.url,
        ledger: stack.ledger,
        emulatorHost: stack.emulatorHost ?? null,
        projectId: stack.projectId,
        certsUrl: stack.oidc.certsUrl,
        caller: LOCAL_CALLER,
        kid: stack.oidc.key.kid,
        // A throwaway key of this stack only; it signs nothing Google would accept.
        privateKeyPem: stack.oidc.key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
      null,
      2,
    )}\n`,
    { mode: 0o600 },
  );

  console.log(`
dev stack is up (Ctrl-C stops it)
  simulator  ${stack.simulator.url}   start balances QRL ${DEMO_BALANCES.QRL}, USDT ${DEMO_BALANCES.USDT}; admin API under /__sim/
  ledger     ${stack.ledger === 'firestore' ? `Firestore emulator ${stack.emulatorHost}, project ${stack.projectId}` : 'in memory'}
${Object.values(stack.functions)
  .map((f) => `  ${f.name.padEnd(10)} ${f.url}`)
  .join('\n')}
  config     ${DEV_STACK_FILE}

try
  npm run call -- rebalance --dry-run
  npm run call -- rebalance --execution-id manual-0001
  npm run call -- rebalance --scheduled      # as Cloud Scheduler, this minute
  npm run call -- snapshot
  npm run call -- health                      # ?deep=1, authenticated
  npm run runs                                # the runs so far, from the emulator; npm run report draws them
`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    await stack.stop();
    rmSync(DEV_STACK_FILE, { force: true });
    if (stack.kept) console.log('the ledger is kept in .local/ledger/ (npm run runs, npm run report)');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
