/**
 * Layer direction (DESIGN §2): domain imports nothing outside itself and errors; app talks to ports,
 * never to adapters; nothing in shared imports functions, scripts or the simulator; the simulator
 * shares no code with the client. A test is a composition root of the code beside it: it may wire
 * any layer of its own package, so only the package boundaries (`boundary` rules) hold for it, and
 * in shared/src they let through the stand-ins for the outside world (`testDoubles`).
 * Exits 1 and names each offending import.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const shared = join(root, 'shared', 'src');

interface Rule {
  from: string;
  forbid: string[];
  why: string;
  /** a package boundary, which tests keep too */
  boundary?: true;
}

const rules: Rule[] = [
  {
    from: 'shared/src/domain',
    forbid: [
      'shared/src/app',
      'shared/src/ports',
      'shared/src/exchange',
      'shared/src/ledger',
      'shared/src/auth',
      'shared/src/http',
      'shared/src/config',
      'shared/src/observability',
    ],
    why: 'domain is pure and depends on nothing but itself',
  },
  {
    from: 'shared/src/app',
    forbid: ['shared/src/exchange', 'shared/src/ledger', 'shared/src/auth', 'shared/src/http'],
    why: 'use cases talk to ports, not adapters',
  },
  {
    from: 'shared/src/ports',
    forbid: ['shared/src/exchange', 'shared/src/ledger', 'shared/src/app'],
    why: 'ports are interfaces only',
  },
  {
    from: 'shared/src',
    forbid: ['functions', 'scripts', 'simulator', 'test'],
    why: 'the core library stands alone',
    boundary: true,
  },
  { from: 'simulator/src', forbid: ['shared'], why: 'the simulator shares no code with the client', boundary: true },
];

const bannedPackages: Record<string, string[]> = {
  'shared/src/domain': ['@google-cloud/', 'google-auth-library', 'ky', 'node:'],
  'shared/src': ['@qrl-rebalancer/simulator'],
  'simulator/src': ['@qrl-rebalancer/shared'],
};
/** domain tests wire other layers (as above); the package bans that hold for tests are the boundaries */
const boundaryPackages = new Set(['shared/src', 'simulator/src']);

/**
 * What a test in shared/src may import although the library may not: MEXC's stand-in, the
 * simulator, by its package entry only (never its insides), and Google's, the local OIDC issuer
 * with the free-port helper it needs. Nothing else from outside shared.
 */
const testDoubles = {
  paths: ['scripts/lib/local-oidc.ts', 'scripts/lib/free-port.ts'],
  packages: ['@qrl-rebalancer/simulator'],
};

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const importPattern =
  /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
const problems: string[] = [];

for (const file of [...walk(shared), ...walk(join(root, 'simulator', 'src'))]) {
  const rel = relative(root, file);
  const isTest = rel.endsWith('.test.ts');
  const source = readFileSync(file, 'utf8');
  for (const match of source.matchAll(importPattern)) {
    const spec = match[1] ?? match[2] ?? match[3] ?? '';
    const target = spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)) : undefined;
    if (isTest && rel.startsWith('shared/src/')) {
      if (target && testDoubles.paths.includes(`${target}.ts`)) continue;
      if (testDoubles.packages.includes(spec)) continue;
    }
    for (const rule of rules) {
      if (!rel.startsWith(`${rule.from}/`) || (isTest && !rule.boundary)) continue;
      for (const forbidden of rule.forbid) {
        if (
          target &&
          (target === forbidden || target.startsWith(`${forbidden}/`)) &&
          !target.startsWith(`${rule.from}/`)
        ) {
          problems.push(`${rel} imports ${spec}: ${rule.why}`);
        }
      }
    }
    for (const [from, packages] of Object.entries(bannedPackages)) {
      if (!rel.startsWith(`${from}/`) || target || (isTest && !boundaryPackages.has(from))) continue;
      const hit = packages.find((p) => spec === p || spec.startsWith(p.endsWith('/') || p.endsWith(':') ? p : `${p}/`));
      if (hit) problems.push(`${rel} imports ${spec}: ${from} must not depend on ${hit}`);
    }
  }
}

if (problems.length > 0) {
  console.error(`layer check failed:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('layer check: ok');
