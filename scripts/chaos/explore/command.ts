/**
 * `npm run chaos -- --explore [--reduced] [--point NAME] [--action ACTION] [--lanes N] [--timeout-s S] [--json]`:
 * the explorer. Progress per case goes to stderr, the table (or the JSON) to stdout; the exit code
 * is 1 when any case broke an invariant or never reached its point.
 */
import { parseArgs } from 'node:util';
import { runExplorer } from './explorer';
import { formatTable } from './table';
import { EXPLORE_TIMEOUT_S } from './timing';

export async function exploreCommand(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      explore: { type: 'boolean' },
      reduced: { type: 'boolean', default: false },
      point: { type: 'string' },
      action: { type: 'string' },
      lanes: { type: 'string', default: '3' },
      'timeout-s': { type: 'string', default: String(EXPLORE_TIMEOUT_S) },
      json: { type: 'boolean', default: false },
    },
  });
  const lanes = Number(values.lanes);
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > 4) throw new Error('--lanes must be a whole number 1 … 4');
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const result = await runExplorer({
    reduced: values.reduced,
    lanes,
    timeoutS: Number(values['timeout-s']),
    say,
    ...(values.point !== undefined ? { point: values.point } : {}),
    ...(values.action !== undefined ? { action: values.action } : {}),
    ...(process.env.FIRESTORE_EMULATOR_HOST ? { emulatorHost: process.env.FIRESTORE_EMULATOR_HOST } : {}),
  });
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatTable(result)}\n`);
  return result.violations === 0 && result.missed === 0 ? 0 : 1;
}
