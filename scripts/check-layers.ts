/**
 * Layer direction (DESIGN §2): domain imports nothing outside itself and errors; app talks to ports,
 * never to adapters; nothing in shared imports functions, scripts or the simulator; the simulator
 * shares no code with the client. Exits 1 and names each offending import.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const shared = join(root, 'shared', 'src');

interface Rule {
  from: string;
  forbid: string[];
  why: string;
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
  { from: 'shared/src', forbid: ['functions', 'scripts', 'simulator', 'test'], why: 'the core library stands alone' },
  { from: 'simulator/src', forbid: ['shared'], why: 'the simulator shares no code with the client' },
];

const bannedPackages: Record<string, string[]> = {
  'shared/src/domain': ['@google-cloud/', 'google-auth-library', 'ky', 'node:'],
  'simulator/src': ['@qrl-rebalancer/shared'],
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
  if (rel.endsWith('.test.ts')) continue;
  const source = readFileSync(file, 'utf8');
  for (const match of source.matchAll(importPattern)) {
    const spec = match[1] ?? match[2] ?? match[3] ?? '';
    const target = spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)) : undefined;
    for (const rule of rules) {
      if (!rel.startsWith(`${rule.from}/`)) continue;
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
      if (!rel.startsWith(`${from}/`) || target) continue;
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
