/**
 * `npm start`: the whole job on this machine with no cloud account (DESIGN §9). Builds the bundles,
 * starts the local stack (simulator, Firestore emulator or memory ledger, local OIDC issuer, the
 * three functions with LIVE_TRADING=true against the simulator), fires one Cloud Scheduler call and
 * a duplicate of it, prints what happened, stops everything it started and exits 0.
 */
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SimulatorAdmin } from '@qrl-rebalancer/simulator';
import { buildFunctions } from './build';
import { KEPT_LEDGER_DIR } from './lib/kept-ledger';
import {
  callFunction,
  DEMO_BALANCES,
  formatRunAnswer,
  LOCAL_CALLER,
  LOCAL_JOB,
  type LocalStack,
  scheduleTimeNow,
  startLocalStack,
} from './lib/local-stack';

const logDir = resolve(__dirname, '..', '.local', 'logs');

async function main(): Promise<number> {
  // --dist builds and serves a private copy (the e2e test uses it so it never rewrites dist/ under other tests).
  const { values } = parseArgs({ options: { dist: { type: 'string' } } });
  const distDir = values.dist ? resolve(values.dist) : undefined;
  console.log('building the functions…');
  await buildFunctions(distDir ? { outDir: distDir } : {});
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  // An emulator that is already running (FIRESTORE_EMULATOR_HOST, loopback only) is reused.
  const emulatorHost = process.env.FIRESTORE_EMULATOR_HOST;
  const stack = await startLocalStack({
    say: (line) => console.log(line),
    ...(distDir ? { distDir } : {}),
    ...(emulatorHost ? { emulatorHost } : {}),
    onFunctionOutput: (name, chunk) => appendFileSync(join(logDir, `${name}.log`), chunk),
    keepLedgerIn: KEPT_LEDGER_DIR,
  });
  try {
    return await demo(stack);
  } finally {
    await stack.stop();
    console.log('\nstopped the functions, the issuer, the simulator and the emulator; logs are in .local/logs/');
    if (stack.kept)
      console.log('the ledger is kept in .local/ledger/: `npm run runs` lists its runs, `npm run report` draws them');
    else if (emulatorHost)
      console.log(
        `the ledger stays in the emulator at ${emulatorHost} (project ${stack.projectId}): FIRESTORE_EMULATOR_HOST=${emulatorHost} GOOGLE_CLOUD_PROJECT=${stack.projectId} npm run runs`,
      );
  }
}

async function demo(stack: LocalStack): Promise<number> {
  console.log(`
local stack
  exchange   MEXC simulator ${stack.simulator.url}  (start balances QRL ${DEMO_BALANCES.QRL}, USDT ${DEMO_BALANCES.USDT})
  ledger     ${stack.ledger === 'firestore' ? `Firestore emulator ${stack.emulatorHost} (project ${stack.projectId})` : 'in memory (no emulator)'}
  auth       AUTH_MODE=verify, RS256 tokens from a local issuer (${stack.oidc.certsUrl}), caller ${LOCAL_CALLER}
  functions  ${Object.values(stack.functions)
    .map((f) => `${f.name} ${f.url}`)
    .join('   ')}
  trading    LIVE_TRADING=true against the simulator`);

  const scheduleTime = scheduleTimeNow();
  const scheduled = { scheduleTime, body: '', contentType: 'application/octet-stream' };
  const first = await callFunction(stack.url('rebalance'), { ...scheduled, token: stack.token('rebalance') });
  console.log(
    `\n${formatRunAnswer(`scheduled run (job ${LOCAL_JOB.split('/').at(-1)}, ${scheduleTime.toISOString()})`, first)}`,
  );
  const simulator = new SimulatorAdmin(stack.simulator.url);
  const fills = await simulator.trades();
  console.log(`  fills on the simulator  ${fills.length}`);

  // Scheduler mints a new token for a retry; the execution id comes from job + schedule time, so it is the same run.
  const duplicate = await callFunction(stack.url('rebalance'), { ...scheduled, token: stack.token('rebalance') });
  console.log(`\n${formatRunAnswer('the same trigger again (what a Scheduler retry sends)', duplicate)}`);
  const fillsAfter = await simulator.trades();
  console.log(
    `  fills on the simulator  ${fillsAfter.length} (${fillsAfter.length === fills.length ? 'no new order' : 'NEW ORDERS'})`,
  );

  const snapshot = await callFunction(stack.url('snapshot'), { token: stack.token('snapshot') });
  const s = snapshot.json ?? {};
  console.log(
    `\nsnapshot      HTTP ${snapshot.status}  ${String(s.outcome ?? s.error)} ${String(s.id ?? '')}  value ${String(s.value ?? '—')} ${String(s.quote ?? '')}`,
  );
  const health = await callFunction(stack.url('health'), {
    method: 'GET',
    token: stack.token('health'),
    path: '/?deep=1',
  });
  const checks = Array.isArray(health.json?.checks) ? (health.json.checks as { name: string; ok: boolean }[]) : [];
  console.log(
    `health ?deep=1  HTTP ${health.status}  ${String(health.json?.status ?? health.json?.error)}  ${checks.map((c) => `${c.name} ${c.ok ? 'ok' : 'FAILED'}`).join(', ')}`,
  );

  if (stack.ledger === 'memory')
    console.log('  (memory ledger: health cannot see the run rebalance recorded in its own process; runs.fresh fails)');
  const ok =
    first.status === 200 &&
    duplicate.status === 200 &&
    duplicate.json?.duplicate === true &&
    duplicate.json.executionId === first.json?.executionId &&
    fillsAfter.length === fills.length &&
    snapshot.status === 200 &&
    // with the memory ledger each function has its own memory, so health never sees rebalance's run
    (health.status === 200 || stack.ledger === 'memory');
  if (!ok) console.error('\nthe local run did not go as expected; see the answers above and .local/logs/');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
