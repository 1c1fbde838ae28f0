import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort, waitForHttp } from './free-port';

const root = resolve(__dirname, '..', '..');

export interface ServedFunction {
  readonly name: string;
  readonly url: string;
  readonly process: ChildProcess;
  /** everything the function wrote to stdout and stderr so far */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Serves dist/<name> with functions-framework as a child process on a free loopback port, the way
 * Cloud Run functions runs it. `readyPath` must answer 2xx when the function is up.
 */
export async function serveFunction(
  name: string,
  options: { env?: Record<string, string>; readyPath?: string; distDir?: string; port?: number } = {},
): Promise<ServedFunction> {
  const port = options.port ?? (await freePort());
  const source = join(options.distDir ?? join(root, 'dist'), name);
  const bin = join(root, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');
  const child = spawn(process.execPath, [bin, '--source', source, '--target', name, '--port', String(port)], {
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}${options.readyPath ?? '/'}`, 20_000, () => !exited);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`functions-framework did not serve ${name}: ${(error as Error).message}\n${output}`);
  }
  return {
    name,
    url,
    process: child,
    output: () => output,
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
