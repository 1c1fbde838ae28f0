/**
 * Bundles each function in functions/<name>/src/index.ts into dist/<name>/index.js (CJS, Node 22)
 * with a package.json that lists only the externals. functions-framework stays external: a bundled
 * copy would register the handler in a registry the runtime never reads.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

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
  bytes: number;
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
    await build({
      entryPoints: [join(root, 'functions', name, 'src', 'index.ts')],
      outfile: join(dir, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      sourcemap: true,
      minifySyntax: true,
      legalComments: 'linked',
      external: [...EXTERNALS],
      define: {
        __BUILD_VERSION__: JSON.stringify(pkg.version),
        __BUILD_COMMIT__: JSON.stringify(commit),
      },
      logLevel: 'warning',
    });
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
    results.push({ name, dir, bytes: statSync(join(dir, 'index.js')).size });
  }
  if (!options.quiet) {
    for (const b of results) console.log(`dist/${b.name}/index.js  ${(b.bytes / 1024).toFixed(1)} KiB`);
  }
  return results;
}

if (require.main === module) {
  buildFunctions().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
