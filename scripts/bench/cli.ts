/** `npm run bench [-- --bars N --runs N --rtt-ms N --out file]`: prints the table, writes bench/results.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { resultsTable } from './results-table';
import { runBench } from './run-bench';

const root = resolve(__dirname, '..', '..');
const whole = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, 'must be a whole number'),
    v.transform(Number),
    v.check((n) => n >= min && n <= max, `must be from ${min} to ${max}`),
  );
const schema = v.object({
  bars: v.optional(whole(1, 50_000_000), '1000000'),
  runs: v.optional(whole(1, 100), '5'),
  'rtt-ms': v.optional(whole(1, 10_000), '50'),
  out: v.optional(v.string(), join(root, 'bench', 'results.json')),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      bars: { type: 'string' },
      runs: { type: 'string' },
      'rtt-ms': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const parsed = v.safeParse(schema, values);
  if (!parsed.success) {
    console.error(`bench: ${parsed.issues.map((i) => `--${v.getDotPath(i)} ${i.message}`).join('; ')}`);
    process.exit(2);
  }
  const o = parsed.output;
  const results = await runBench({
    bars: o.bars,
    runs: o.runs,
    rttMs: o['rtt-ms'],
    // node_modules/.cache: ignored by git and Biome, and the bundles still resolve functions-framework.
    workDir: join(root, 'node_modules', '.cache', 'qrl-rebalancer-bench'),
  });
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(resultsTable(results));
  console.log(`\nwritten: ${o.out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
