import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { buildFunctions, functionBundleOptions } from '../build';

const root = resolve(__dirname, '..', '..');

export interface BundleSize {
  dir: string;
  bytes: number;
  gzipBytes: number;
}

export interface BuiltBundles {
  rebalance: BundleSize;
  ccxt: BundleSize;
}

function sizeOf(dir: string): BundleSize {
  const file = join(dir, 'index.js');
  return { dir, bytes: statSync(file).size, gzipBytes: gzipSync(readFileSync(file)).length };
}

/**
 * The product's rebalance bundle, built by scripts/build.ts exactly as `npm run build` does but into
 * the bench's work dir (so a bench never races another build of dist/), and the ccxt baseline with
 * the same esbuild settings. Both land under `workDir` (node_modules/.cache/…, ignored by git and Biome); nothing goes into dist/.
 */
export async function buildBundles(workDir: string): Promise<BuiltBundles> {
  const productDir = join(workDir, 'product');
  await buildFunctions({ outDir: productDir, quiet: true });
  const ccxtDir = join(workDir, 'ccxt', 'rebalance');
  rmSync(ccxtDir, { recursive: true, force: true });
  mkdirSync(ccxtDir, { recursive: true });
  await build({
    ...functionBundleOptions(
      join(root, 'scripts', 'bench', 'baseline', 'ccxt-rebalance.ts'),
      join(ccxtDir, 'index.js'),
    ),
    logLevel: 'error',
  });
  writeFileSync(
    join(ccxtDir, 'package.json'),
    `${JSON.stringify({ name: 'bench-ccxt-rebalance', private: true, main: 'index.js' }, null, 2)}\n`,
  );
  return { rebalance: sizeOf(join(productDir, 'rebalance')), ccxt: sizeOf(ccxtDir) };
}
