/**
 * The one way scripts and tests run a function the way Cloud Run functions runs it: functions-framework
 * serving a bundle folder, as a child process in its own process group on a loopback port. Used by
 * the local stack (npm start, npm run dev, e2e), the bench, the chaos campaign and the health e2e test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { freePort } from './free-port';

const root = resolve(__dirname, '..', '..');
const FF_MAIN = join(root, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');

/** SIGTERM, then SIGKILL after this long */
const STOP_GRACE_MS = 3_000;
/** how long a SIGKILLed process may take to be reported gone before stop() gives up (a loaded machine) */
const KILL_WAIT_MS = 10_000;

export interface ServeOptions {
  /** the bundle folder (default `<distDir>/<name>`) */
  source?: string;
  /** where the bundles are (default dist/) */
  distDir?: string;
  /** default: a free one */
  port?: number;
  /** added to (and overriding) this process's environment; gets the function's URL (its OIDC audience) */
  env?: (url: string) => Record<string, string>;
  /** how long the framework may take to listen (default 20 s) */
  timeoutMs?: number;
  /** how often the port is tried (default 100 ms; the bench polls every 2 ms to time the listen) */
  pollMs?: number;
  /** copies everything the function writes, as it writes it */
  onOutput?: (name: string, chunk: string) => void;
}

export interface ServedFunction {
  readonly name: string;
  readonly url: string;
  readonly process: ChildProcess;
  /** performance.now() right before spawn */
  readonly spawnedAt: number;
  /** ms from spawn until the port accepted a connection: module load, then the framework listening */
  readonly listenMs: number;
  /** everything the function wrote to stdout and stderr so far */
  output(): string;
  /** true once the process is gone (exited, or killed by a signal) */
  exited(): boolean;
  /**
   * Signals the whole process group: SIGTERM, SIGKILL after `graceMs` (default 3 s; 0 kills at once,
   * as a crash would); a process already gone is left alone. Rejects if it is still there 10 s after
   * SIGKILL, so a caller never waits for ever. However the function ends, what it forked is killed
   * with it.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Ready when the port accepts a connection: functions-framework listens only after the function
 * module loaded, and a module that cannot start (a ConfigError) exits instead — then this rejects
 * with "did not serve <name> (it exited)" and what the process wrote.
 */
export async function serveFunction(name: string, options: ServeOptions = {}): Promise<ServedFunction> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const source = options.source ?? join(options.distDir ?? join(root, 'dist'), name);
  const env = { ...process.env, METADATA_SERVER_DETECTION: 'none', NODE_ENV: 'production', ...options.env?.(url) };
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [FF_MAIN, '--source', source, '--target', name, '--port', String(port)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    options.onOutput?.(name, text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // a child killed by a signal has exitCode null and signalCode set: either means it is gone
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const gone = new Promise<void>((r) =>
    child.once('exit', () => {
      // what the function forked goes with it. Now, not later: while the group has members its id
      // cannot be reused, but once it is empty the number may go to another process group
      killGroup(child, 'SIGKILL');
      r();
    }),
  );
  // 'exit' can come before the last output: 'close' is when stdout and stderr are drained
  const drained = new Promise<void>((r) => child.once('close', () => r()));
  const killOnExit = () => {
    if (!exited()) killGroup(child, 'SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async ({ graceMs = STOP_GRACE_MS }: { graceMs?: number } = {}) => {
    process.removeListener('exit', killOnExit);
    const timers: NodeJS.Timeout[] = [];
    const late = (ms: number) => new Promise<'late'>((r) => timers.push(setTimeout(() => r('late'), ms)));
    try {
      if (!exited() && graceMs > 0) {
        killGroup(child, 'SIGTERM');
        await Promise.race([gone, late(graceMs)]);
      }
      if (exited()) return;
      killGroup(child, 'SIGKILL');
      if ((await Promise.race([gone, late(KILL_WAIT_MS)])) === 'late' && !exited())
        throw new Error(`${name} (pid ${child.pid}) did not exit ${KILL_WAIT_MS} ms after SIGKILL`);
    } finally {
      for (const timer of timers) clearTimeout(timer);
    }
  };

  const timeoutMs = options.timeoutMs ?? 20_000;
  while (!(await portOpen(port))) {
    if (exited()) {
      await Promise.race([drained, new Promise((r) => setTimeout(r, 1_000).unref())]);
      await stop({ graceMs: 0 });
      throw new Error(`functions-framework did not serve ${name} (it exited):\n${output}`);
    }
    if (performance.now() - spawnedAt > timeoutMs) {
      await stop({ graceMs: 0 });
      throw new Error(`functions-framework did not serve ${name} within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
  }
  const listenMs = performance.now() - spawnedAt;
  return { name, url, process: child, spawnedAt, listenMs, output: () => output, exited, stop };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: already gone
  }
}
