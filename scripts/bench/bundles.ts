import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { type BundleVariant, buildFunctions, functionBundleOptions } from '../build';

const root = resolve(__dirname, '..', '..');

export interface BundleSize {
  dir: string;
  /** index.js: what functions-framework loads at start */
  bytes: number;
  gzipBytes: number;
  /** every .js file of the deployed folder (index.js and the parts it requires later) */
  totalJsBytes: number;
}

/** The bundles a bench compares: the product, its variants, and the ccxt baseline. */
export interface BuiltBundles {
  rebalance: BundleSize;
  ccxt: BundleSize;
  /** the product built without lazy loading (module code of the Google stack at load) */
  eager: BundleSize;
  /** the product with Firestore's `preferRest: true` */
  preferRest: BundleSize;
}

function sizeOf(dir: string): BundleSize {
  const file = join(dir, 'index.js');
  const totalJsBytes = readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .reduce((s, f) => s + statSync(join(dir, f)).size, 0);
  return { dir, bytes: statSync(file).size, gzipBytes: gzipSync(readFileSync(file)).length, totalJsBytes };
}

async function product(workDir: string, name: string, variant: BundleVariant): Promise<BundleSize> {
  const outDir = join(workDir, name);
  await buildFunctions({ outDir, quiet: true, variant, names: ['rebalance'] });
  return sizeOf(join(outDir, 'rebalance'));
}

/**
 * The product's rebalance bundle, built by scripts/build.ts exactly as `npm run build` does but into
 * the bench's work dir (so a bench never races another build of dist/), its variants, and the ccxt
 * baseline with the same esbuild settings (minified; none of our plugins: the ordinary way). All
 * land under `workDir` (node_modules/.cache/…, ignored by git and Biome); nothing goes into dist/.
 */
export async function buildBundles(workDir: string): Promise<BuiltBundles> {
  const rebalance = await product(workDir, 'product', {});
  const eager = await product(workDir, 'eager', { lazy: false });
  const preferRest = await product(workDir, 'prefer-rest', { preferRest: true });
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
  return { rebalance, ccxt: sizeOf(ccxtDir), eager, preferRest };
}
