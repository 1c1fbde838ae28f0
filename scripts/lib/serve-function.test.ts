import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveFunction } from './serve-function';

/**
 * The launcher against tiny function modules written to a temp folder: served under
 * functions-framework, a start that fails, and stops that must end the whole process group —
 * including a child the function forked that ignores SIGTERM — within bounded waits.
 */

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'serve-function-'));
  const write = (name: string, source: string) => {
    const folder = join(dir, name);
    mkdirSync(folder);
    writeFileSync(join(folder, 'index.js'), source);
  };
  write(
    'probe',
    `const { spawn } = require('node:child_process');
// a grandchild in the same process group that ignores SIGTERM: only a SIGKILL of the group ends it
const straggler = spawn('sh', ['-c', 'trap "" TERM; sleep 120'], { stdio: 'ignore' });
process.stdout.write('straggler ' + straggler.pid + '\\n');
exports.probe = (req, res) => res.json({ env: process.env.PROBE_URL_SEEN, nodeEnv: process.env.NODE_ENV });`,
  );
  write(
    'broken',
    `process.stderr.write('{"severity":"ERROR","message":"config.invalid: broken did not start"}\\n'); process.exit(1);`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// a failing test must not leave its straggler behind: kill the ones this file started, by pid
const stragglers: number[] = [];
afterEach(() => {
  for (const pid of stragglers.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

/** A killed process whose parent died stays a zombie until init reaps it; that is not alive. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

async function stragglerOf(output: () => string): Promise<number> {
  for (let i = 0; i < 50 && !/straggler \d+/.test(output()); i++) await new Promise((r) => setTimeout(r, 20));
  const pid = Number(/straggler (\d+)/.exec(output())?.[1]);
  stragglers.push(pid);
  return pid;
}

describe('serveFunction', () => {
  it('serves the module with the URL in its environment, and stop() ends its whole process group', async () => {
    const fn = await serveFunction('probe', { source: join(dir, 'probe'), env: (url) => ({ PROBE_URL_SEEN: url }) });
    expect(fn.listenMs).toBeGreaterThan(0);
    const answer = (await (await fetch(fn.url)).json()) as Record<string, unknown>;
    expect(answer).toEqual({ env: fn.url, nodeEnv: 'production' });
    const straggler = await stragglerOf(fn.output);
    expect(alive(straggler)).toBe(true);

    await fn.stop({ graceMs: 500 });
    expect(fn.exited()).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(straggler)).toBe(false);
  });

  it('returns at once from stop() of a process already killed by a signal (exitCode null, signalCode set)', async () => {
    const fn = await serveFunction('probe', { source: join(dir, 'probe') });
    const straggler = await stragglerOf(fn.output);
    const gone = new Promise((r) => fn.process.once('exit', r));
    fn.process.kill('SIGKILL');
    await gone;
    expect([fn.process.exitCode, fn.process.signalCode]).toEqual([null, 'SIGKILL']);
    expect(fn.exited()).toBe(true);
    await fn.stop();
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(straggler)).toBe(false);
  });

  it('rejects a module that exits at load, with what it wrote', async () => {
    const failure = await serveFunction('broken', { source: join(dir, 'broken') }).then(
      () => new Error('it started'),
      (error: Error) => error,
    );
    expect(failure.message).toMatch(/^functions-framework did not serve broken \(it exited\):\n/);
    expect(failure.message).toContain('"config.invalid: broken did not start"');
  });
});
