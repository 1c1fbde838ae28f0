import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface BridgeError {
  name: string;
  message: string;
  lineage: string[];
}

export class CcxtCallError extends Error {
  constructor(readonly ccxt: BridgeError) {
    super(`${ccxt.name}: ${ccxt.message}`);
  }
}

/** A ccxt mexc instance living in a child process (see ccxt-bridge.ts); `call` awaits one method. */
export interface CcxtMexc {
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

export function startCcxtMexc(url: string, apiKey: string, secret: string): CcxtMexc {
  const bridge = join(__dirname, 'ccxt-bridge.ts');
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--import', 'tsx', bridge, url, apiKey, secret],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`ccxt bridge exited (${code}): ${stderr}`));
    pending.clear();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as { id: number; result?: unknown; error?: BridgeError };
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiter?.reject(new CcxtCallError(message.error));
    else waiter?.resolve(message.result);
  });
  let nextId = 0;
  return {
    call<T>(method: string, ...args: unknown[]): Promise<T> {
      const id = ++nextId;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.stdin.write(`${JSON.stringify({ id, method, args })}\n`);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end();
        child.kill('SIGTERM');
      }),
  };
}
