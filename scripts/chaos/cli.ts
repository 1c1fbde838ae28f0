/**
 * `npm run chaos -- --runs 300 [--seed N] [--json] [--all-runs] [--logs FILE]`: the fault campaign
 * against the real stack (--logs keeps every function log line in FILE). Progress goes to stderr, the result to stdout; exit 1 when any invariant broke.
 * `npm run chaos -- --explore …`: the explorer instead (scripts/chaos/explore/command.ts).
 */
import { parseArgs } from 'node:util';
import { runCampaign } from './campaign';
import { exploreCommand } from './explore/command';
import { formatResult } from './report';

async function main(): Promise<number> {
  if (process.argv.includes('--explore')) return exploreCommand(process.argv.slice(2));
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '300' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      'all-runs': { type: 'boolean', default: false },
      logs: { type: 'string' },
    },
  });
  const runs = Number(values.runs);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number above 0');
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
    throw new Error('--seed must be a whole number 0 … 2^32-1');
  const say = (line: string) => process.stderr.write(`${line}\n`);
  say(`fault campaign: ${runs} runs, seed ${seed} (replay with --seed ${seed}); building the bundles…`);
  const result = await runCampaign({
    runs,
    seed,
    say,
    ...(values.logs ? { logFile: values.logs } : {}),
    ...(process.env.FIRESTORE_EMULATOR_HOST ? { emulatorHost: process.env.FIRESTORE_EMULATOR_HOST } : {}),
  });
  process.stdout.write(
    values.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatResult(result, { allRuns: values['all-runs'] })}\n`,
  );
  return result.violations.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
