import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { freePort } from '../lib/free-port';

const root = resolve(__dirname, '..', '..');
const FF_MAIN = join(root, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');

export interface Answer {
  status: number;
  body: unknown;
  /** performance.now() when the request was sent, on the bench's clock */
  sentAt: number;
  ms: number;
}

export interface FunctionUnderTest {
  url: string;
  /** performance.now() right before spawn */
  spawnedAt: number;
  /** ms from spawn until the port accepted a connection: module load, the framework listening */
  listenMs: number;
  post(body: unknown, headers?: Record<string, string>): Promise<Answer>;
  output(): string;
  stop(): Promise<void>;
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

/**
 * functions-framework serving `<dir>` (a bundle folder) as Cloud Run does, in its own process group.
 * `env` gets the URL (the function's OIDC audience). The clock starts right before spawn; the port
 * is polled every 2 ms, so `listenMs` is the time a platform waits before it can route a request.
 */
export async function startFunction(
  dir: string,
  target: string,
  env: (url: string) => Record<string, string>,
  timeoutMs = 30_000,
): Promise<FunctionUnderTest> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const childEnv = { ...process.env, METADATA_SERVER_DETECTION: 'none', NODE_ENV: 'production', ...env(url) };
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [FF_MAIN, '--source', dir, '--target', target, '--port', String(port)], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  let exited = false;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.once('exit', () => {
    exited = true;
  });
  const killGroup = (signal: NodeJS.Signals) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 3_000);
    await gone;
    clearTimeout(timer);
  };

  while (!(await portOpen(port))) {
    if (exited) throw new Error(`functions-framework exited before listening:\n${output}`);
    if (performance.now() - spawnedAt > timeoutMs) {
      await stop();
      throw new Error(`functions-framework did not listen within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const listenMs = performance.now() - spawnedAt;
  return {
    url,
    spawnedAt,
    listenMs,
    async post(body, headers = {}) {
      const sentAt = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      const ms = performance.now() - sentAt;
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed, sentAt, ms };
    },
    output: () => output,
    stop,
  };
}
