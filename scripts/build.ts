/**
 * Bundles each function in functions/<name>/src/index.ts into dist/<name>/index.js (CJS, Node 22)
 * with a package.json that lists only the externals. functions-framework stays external: a bundled
 * copy would register the handler in a registry the runtime never reads.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';

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
    minify: true,
    // Minified names would break libraries that test constructor.name: proto3-json-serializer
    // recognises int64 Longs that way (Firestore over REST fails without it), Firestore its
    // FieldPath and plain objects. +4.6 % on the rebalance bundle.
    keepNames: true,
    legalComments: 'linked',
    external: [...EXTERNALS],
    logLevel: 'warning',
  };
}

/**
 * How a bundle is built. The product is `{ lazy: true }`; the bench builds the other variants to
 * measure what each choice costs (docs/benchmarks.md).
 */
export interface BundleVariant {
  /**
   * Run the Google client stack's module code (Firestore, google-gax, gRPC, google-auth-library) on
   * first use instead of at module load, and never run the generated static protobuf modules that
   * only re-export message classes nobody here reads. Default true.
   */
  lazy?: boolean;
  /** bench only: the Firestore client with `preferRest: true` (HTTP/1.1 REST instead of gRPC) */
  preferRest?: boolean;
}

/** Packages the shared code imports whose module code can wait for the first request that needs them. */
const LAZY_PACKAGES = ['@google-cloud/firestore', 'google-auth-library'] as const;

/**
 * `exports.X = require(static protos)` in google-gax and @google-cloud/firestore-api: 1.5 MB of
 * generated protobufjs classes, exported for callers but never used by the clients themselves (they
 * load the JSON descriptors). Each becomes a getter that requires the module on first access.
 */
const STATIC_PROTOS: { file: RegExp; binds: { name: string; module: string; star: boolean }[] }[] = [
  {
    file: /[\\/]google-gax[\\/]build[\\/]src[\\/](index|fallback)\.js$/,
    binds: [
      { name: 'IamProtos', module: '../protos/iam_service', star: true },
      { name: 'LocationProtos', module: '../protos/locations', star: true },
      { name: 'operationsProtos', module: '../protos/operations', star: true },
    ],
  },
  {
    file: /[\\/]@google-cloud[\\/]firestore-api[\\/]build[\\/]src[\\/]index\.js$/,
    binds: [{ name: 'protos', module: '../protos/protos', star: false }],
  },
];

function lazyStaticProtosPlugin(): Plugin {
  return {
    name: 'lazy-static-protos',
    setup(b) {
      for (const { file, binds } of STATIC_PROTOS) {
        b.onLoad({ filter: file }, (args) => {
          let text = readFileSync(args.path, 'utf8');
          for (const { name, module, star } of binds) {
            const load = star ? `__importStar(require("${module}"))` : `require("${module}")`;
            const eager = `const ${name} = ${load};\nexports.${name} = ${name};`;
            if (!text.includes(eager))
              throw new Error(`lazy-static-protos: ${args.path} no longer has "${eager}"; update scripts/build.ts`);
            text = text.replace(
              eager,
              `let ${name}__lazy;\nObject.defineProperty(exports, "${name}", { enumerable: true, configurable: true, get: () => (${name}__lazy ??= ${load}) });`,
            );
          }
          return { contents: text, loader: 'js' };
        });
      }
    },
  };
}

/**
 * `import { X } from '<package>'` in shared/ becomes a small CommonJS module whose exports are getters:
 * the package's module code (and everything it requires) runs when a getter is first read, i.e. when
 * the first request builds the client, not when functions-framework loads the bundle. The export
 * names are read from the package itself at build time, so nothing can be forgotten.
 */
function lazyPackagesPlugin(): Plugin {
  const filter = new RegExp(`^(${LAZY_PACKAGES.map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})$`);
  return {
    name: 'lazy-packages',
    setup(b) {
      b.onResolve({ filter }, (args) => {
        if (!args.importer.startsWith(join(root, 'shared'))) return undefined;
        return { path: args.path, namespace: 'lazy-package', pluginData: { real: require.resolve(args.path) } };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => {
        const real = (args.pluginData as { real: string }).real;
        const names = Object.keys(require(real) as object).filter((n) => n !== 'default' && n !== '__esModule');
        return {
          contents: [
            'let real;',
            `const load = () => (real ??= require(${JSON.stringify(real)}));`,
            'Object.defineProperty(exports, "__esModule", { value: true });',
            `for (const name of ${JSON.stringify(names)})`,
            '  Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });',
          ].join('\n'),
          loader: 'js',
          resolveDir: root,
        };
      });
    },
  };
}

/** Bench only: the ledger's Firestore client with preferRest, without touching its source. */
function preferRestPlugin(): Plugin {
  const file = join(root, 'shared', 'src', 'ledger', 'firestore', 'index.ts');
  const anchor = "databaseId: options.databaseId ?? '(default)',";
  return {
    name: 'firestore-prefer-rest',
    setup(b) {
      b.onLoad({ filter: /[\\/]shared[\\/]src[\\/]ledger[\\/]firestore[\\/]index\.ts$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (args.path !== file || !text.includes(anchor))
          throw new Error(`firestore-prefer-rest: ${args.path} no longer has "${anchor}"; update scripts/build.ts`);
        return { contents: text.replace(anchor, `${anchor} preferRest: true,`), loader: 'ts' };
      });
    },
  };
}

/** The esbuild plugins of a variant. */
export function variantPlugins(variant: BundleVariant = {}): Plugin[] {
  return [
    ...(variant.lazy === false ? [] : [lazyStaticProtosPlugin(), lazyPackagesPlugin()]),
    ...(variant.preferRest ? [preferRestPlugin()] : []),
  ];
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

export async function buildFunctions(
  options: { outDir?: string; quiet?: boolean; variant?: BundleVariant; names?: readonly string[] } = {},
): Promise<BuiltBundle[]> {
  const outDir = options.outDir ?? join(root, 'dist');
  const pkg = rootPackage();
  const commit = gitCommit();
  const results: BuiltBundle[] = [];
  for (const name of options.names ?? functionNames()) {
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
        plugins: variantPlugins(options.variant),
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
