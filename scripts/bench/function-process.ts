import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort } from '../lib/free-port';

const root = resolve(__dirname, '..', '..');
const FF_MAIN = join(root, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');

export interface FunctionUnderTest {
  url: string;
  /** ms from spawn to the first HTTP answer of `firstCall`, and that answer */
  firstAnswerMs: number;
  firstStatus: number;
  firstBody: unknown;
  post(body: unknown): Promise<{ status: number; body: unknown; ms: number }>;
  output(): string;
  stop(): Promise<void>;
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}

/**
 * functions-framework serving `<dir>` (a bundle folder) as Cloud Run does, in its own process group.
 * The clock starts right before spawn and stops at the first HTTP answer to `firstCall` (a POST
 * that does a real run), polled every 2 ms while the port refuses connections: the cold start a
 * caller sees, module load and first-request work included.
 */
export async function startFunctionTimed(
  dir: string,
  target: string,
  env: Record<string, string>,
  firstCall: unknown,
  timeoutMs = 30_000,
): Promise<FunctionUnderTest> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [FF_MAIN, '--source', dir, '--target', target, '--port', String(port)], {
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none', NODE_ENV: 'production', ...env },
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

  let first: { status: number; body: unknown } | null = null;
  while (first === null) {
    if (exited) throw new Error(`functions-framework exited before answering:\n${output}`);
    if (performance.now() - started > timeoutMs) {
      await stop();
      throw new Error(`functions-framework did not answer within ${timeoutMs} ms:\n${output}`);
    }
    try {
      first = await postJson(url, firstCall);
    } catch {
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  const firstAnswerMs = performance.now() - started;
  return {
    url,
    firstAnswerMs,
    firstStatus: first.status,
    firstBody: first.body,
    async post(body) {
      const t = performance.now();
      const answer = await postJson(url, body);
      return { ...answer, ms: performance.now() - t };
    },
    output: () => output,
    stop,
  };
}
