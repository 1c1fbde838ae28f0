/**
 * Bundles each function in functions/<name>/src/index.ts into dist/<name>/index.js (CJS, Node 22)
 * with a package.json that lists only the externals. functions-framework stays external: a bundled
 * copy would register the handler in a registry the runtime never reads.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';

const root = resolve(__dirname, '..');
export const EXTERNALS = ['@google-cloud/functions-framework'] as const;

function rootPackage(): { version: string; dependencies: Record<string, string> } {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
}

function gitCommit(): string {
  if (process.env.BUILD_COMMIT) return process.env.BUILD_COMMIT;
  try {
    return execSync('git rev-parse --short HEAD', { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

/** The esbuild settings of a Cloud Run function bundle; the bench builds its baseline with the same. */
export function functionBundleOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    sourcemap: true,
    minifySyntax: true,
    legalComments: 'linked',
    external: [...EXTERNALS],
    logLevel: 'warning',
  };
}

export function functionNames(): string[] {
  return readdirSync(join(root, 'functions')).filter((name) => {
    try {
      return statSync(join(root, 'functions', name, 'src', 'index.ts')).isFile();
    } catch {
      return false;
    }
  });
}

export interface BuiltBundle {
  name: string;
  dir: string;
  /** size of index.js, what a cold start parses */
  bytes: number;
  /** files index.js requires only when a path needs them */
  lazyParts: { file: string; bytes: number }[];
}

export async function buildFunctions(options: { outDir?: string; quiet?: boolean } = {}): Promise<BuiltBundle[]> {
  const outDir = options.outDir ?? join(root, 'dist');
  const pkg = rootPackage();
  const commit = gitCommit();
  const results: BuiltBundle[] = [];
  for (const name of functionNames()) {
    const dir = join(outDir, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // index.ts is the entry; every other file in src/ is a lazily loaded part of the function,
    // bundled on its own and left as a relative require in index.js, so what it pulls in is only
    // parsed when that path runs (esbuild splits code only for ESM output).
    const srcDir = join(root, 'functions', name, 'src');
    const lazyParts = readdirSync(srcDir)
      .filter((file) => file.endsWith('.ts') && file !== 'index.ts' && !file.endsWith('.test.ts'))
      .map((file) => file.replace(/\.ts$/, ''));
    for (const entry of ['index', ...lazyParts]) {
      await build({
        ...functionBundleOptions(join(srcDir, `${entry}.ts`), join(dir, `${entry}.js`)),
        external: [...EXTERNALS, ...lazyParts.map((part) => `./${part}.js`)],
        define: {
          __BUILD_VERSION__: JSON.stringify(pkg.version),
          __BUILD_COMMIT__: JSON.stringify(commit),
        },
      });
    }
    const dependencies = Object.fromEntries(EXTERNALS.map((dep) => [dep, pkg.dependencies[dep] ?? '*']));
    writeFileSync(
      join(dir, 'package.json'),
      `${JSON.stringify(
        {
          name: `qrl-rebalancer-${name}`,
          version: pkg.version,
          private: true,
          main: 'index.js',
          engines: { node: '22' },
          dependencies,
        },
        null,
        2,
      )}\n`,
    );
    results.push({
      name,
      dir,
      bytes: statSync(join(dir, 'index.js')).size,
      lazyParts: lazyParts.map((part) => ({ file: `${part}.js`, bytes: statSync(join(dir, `${part}.js`)).size })),
    });
  }
  if (!options.quiet) {
    for (const b of results) {
      const parts = b.lazyParts.map((p) => `, lazy ${p.file} ${(p.bytes / 1024).toFixed(1)} KiB`).join('');
      console.log(`dist/${b.name}/index.js  ${(b.bytes / 1024).toFixed(1)} KiB${parts}`);
    }
  }
  return results;
}

if (require.main === module) {
  buildFunctions().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
