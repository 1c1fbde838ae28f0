import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTime, runRuns, USAGE } from './cli';

const NOW = new Date('2025-03-10T12:00:00Z');
let empty: string;
beforeAll(() => {
  empty = mkdtempSync(join(tmpdir(), 'runs-'));
});
afterAll(() => rmSync(empty, { recursive: true, force: true }));

async function runs(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRuns(argv, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: {},
    now: () => NOW,
    localDir: empty,
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('npm run runs: arguments', () => {
  it('--help prints the usage', async () => {
    expect(await runs(['--help'])).toEqual({ code: 0, stdout: USAGE, stderr: '' });
  });

  it.each([
    [['--status', 'done'], /--status "done" is not one of completed, dry_run, skipped, failed, running/],
    [['--since', 'yesterday'], /--since "yesterday" is neither an ISO date\/time/],
    [['--since', '1d', '--until', '2d'], /--since is after --until/],
    [['--limit', '0'], /--limit must be a whole number/],
    [['show'], /show takes one execution id/],
    [['delete', 'x'], /unknown command "delete"/],
    [['--verbose'], /Unknown option '--verbose'/],
  ])('%j is refused with the usage: %s', async (argv, message) => {
    const r = await runs(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(USAGE);
  });

  it('says where a ledger comes from when there is none', async () => {
    const r = await runs([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no ledger to read: run `npm start` \(or `npm run dev`\) first/);
  });

  it('refuses an emulator host that is not loopback', async () => {
    const r = await runs(['--emulator', 'firestore.example.com:8080']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/must be loopback/);
  });

  it('reads times as ISO (UTC without a zone) or as an age', () => {
    expect(parseTime('2025-01-01', NOW, '--since').toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(parseTime('2025-01-01T12:30', NOW, '--since').toISOString()).toBe('2025-01-01T12:30:00.000Z');
    expect(parseTime('2025-01-01T12:30+02:00', NOW, '--since').toISOString()).toBe('2025-01-01T10:30:00.000Z');
    expect(parseTime('90m', NOW, '--since').toISOString()).toBe('2025-03-10T10:30:00.000Z');
    expect(parseTime('7d', NOW, '--since').toISOString()).toBe('2025-03-03T12:00:00.000Z');
  });
});
