/**
 * `npm run bench [-- --bars N --pairs N --warm-runs N --rtt-ms N --no-variants --out file]`: prints the
 * tables and writes the same run's figures to bench/results.json.
 */
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
  pairs: v.optional(whole(1, 100), '9'),
  'warm-runs': v.optional(whole(1, 100), '9'),
  'rtt-ms': v.optional(whole(1, 10_000), '50'),
  'no-variants': v.optional(v.boolean()),
  out: v.optional(v.string(), join(root, 'bench', 'results.json')),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      bars: { type: 'string' },
      pairs: { type: 'string' },
      'warm-runs': { type: 'string' },
      'no-variants': { type: 'boolean' },
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
    pairs: o.pairs,
    warmRuns: o['warm-runs'],
    variants: values['no-variants'] !== true,
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
