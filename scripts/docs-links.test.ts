/**
 * The README and docs/ stay navigable (issue #17): every relative Markdown link names a file that
 * exists and, with a #fragment, a heading in it (GitHub's slugs); every docs file is linked from the
 * README; the README stays short; and every docs file the code, scripts and infra name exists.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const README_MAX_LINES = 250;

/** Lines outside fenced code blocks, with inline code cut out: where links and headings are. */
function prose(markdown: string, keepInlineCode = false): string[] {
  const out: string[] = [];
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^ {0,3}(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (!inFence) out.push(keepInlineCode ? line : line.replace(/(`+)[^`]*?\1/g, ''));
  }
  return out;
}

/** GitHub's anchor for a heading: rendered text, lower case, punctuation dropped, spaces to '-'. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/\*\*|__/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a page's headings give, numbered as GitHub numbers repeats (`x`, `x-1`, …). */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(markdown, true)) {
    const m = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (!m?.[1]) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Targets of inline links and images, `[text](target)`, outside code. */
function linkTargets(markdown: string): string[] {
  return prose(markdown).flatMap((line) =>
    [...line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] ?? ''),
  );
}

const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const docs = readdirSync(join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`)
  .sort();
const pages = ['README.md', ...docs];

/** What is wrong with one link on `page`, or null. */
function problem(page: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null; // https:, mailto:: not ours to check
  const [pathPart = '', fragment] = target.split('#', 2);
  const file = pathPart === '' ? page : relative(root, resolve(root, dirname(page), decodeURI(pathPart)));
  if (file.startsWith('..')) return `${target}: points outside the repository`;
  if (!existsSync(join(root, file))) return `${target}: no file ${file}`;
  if (fragment === undefined || fragment === '') return null;
  if (!file.endsWith('.md') || statSync(join(root, file)).isDirectory()) return null;
  return anchors(read(file)).has(decodeURIComponent(fragment)) ? null : `${target}: no heading #${fragment} in ${file}`;
}

describe('docs', () => {
  it('finds headings and links as GitHub renders them', () => {
    expect(slug('Ledger (Firestore)')).toBe('ledger-firestore');
    expect(slug('With scripts/deploy.sh (no Terraform)')).toBe('with-scriptsdeploysh-no-terraform');
    expect(slug("Running a rebalance by hand without breaking the schedule's dedupe")).toBe(
      'running-a-rebalance-by-hand-without-breaking-the-schedules-dedupe',
    );
    const page = '# A\n\n## A\n\n```sh\n# not a heading [x](nowhere.md)\n```\n`[y](code.md)` [z](z.md#a-1)\n';
    expect([...anchors(page)]).toEqual(['a', 'a-1']);
    expect(linkTargets(page)).toEqual(['z.md#a-1']);
  });

  it(`keeps README.md at ${README_MAX_LINES} lines or fewer`, () => {
    const lines = read('README.md').split('\n');
    expect(lines.at(-1) === '' ? lines.length - 1 : lines.length).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('has no link in README.md or docs/*.md to a missing file or heading', () => {
    expect(docs.length).toBeGreaterThan(0);
    const broken = pages.flatMap((page) =>
      linkTargets(read(page)).flatMap((target) => {
        const p = problem(page, target);
        return p ? [`${page}: ${p}`] : [];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('links every docs file from README.md', () => {
    const linked = new Set(linkTargets(read('README.md')).map((t) => t.split('#')[0]));
    expect(docs.filter((d) => !linked.has(d))).toEqual([]);
  });

  it('names only docs files that exist, wherever code, scripts or infra name one', () => {
    const named: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) {
          if (!['node_modules', 'dist', 'fixtures'].includes(entry.name)) walk(path);
        } else
          for (const m of readFileSync(join(root, path), 'utf8').matchAll(/\bdocs\/[\w.-]+\.md\b/g))
            named.push(`${path}: ${m[0]}`);
      }
    };
    for (const dir of ['shared', 'simulator', 'functions', 'scripts', 'infra', 'test', '.ci']) walk(dir);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((n) => !existsSync(join(root, n.split(': ')[1] ?? '')))).toEqual([]);
  });
});
