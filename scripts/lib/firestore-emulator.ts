import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, waitForHttp } from './free-port';

export interface RunningEmulator {
  /** host:port, the value for FIRESTORE_EMULATOR_HOST */
  readonly host: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** True when gcloud and Java are on this machine, so the real emulator can run. */
export function emulatorAvailable(): boolean {
  const gcloud = spawnSync('gcloud', ['--version'], { stdio: 'ignore' });
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return gcloud.status === 0 && java.status === 0;
}

/**
 * Starts the real Firestore emulator on a free loopback port.
 * gcloud is a wrapper that forks Java; killing the wrapper alone leaves Java running, so the
 * emulator gets its own process group and stop() signals the whole group.
 */
export async function startFirestoreEmulator(
  options: {
    timeoutMs?: number /** an export's `.overall_export_metadata` file to load at start */;
    importData?: string;
  } = {},
): Promise<RunningEmulator> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const logFile = join(tmpdir(), `qrl-firestore-emulator-${port}.log`);
  const log = openSync(logFile, 'w');
  const args = ['emulators', 'firestore', 'start', `--host-port=${host}`, '--quiet'];
  if (options.importData) args.push(`--import-data=${options.importData}`);
  const child = spawn('gcloud', args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, CLOUDSDK_CORE_DISABLE_PROMPTS: '1' },
  });
  closeSync(log);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  try {
    await waitForHttp(`http://${host}/`, options.timeoutMs ?? 90_000, () => !exited);
  } catch (error) {
    killGroup(child, 'SIGKILL');
    throw new Error(`the Firestore emulator did not start on ${host}: ${(error as Error).message}; see ${logFile}`);
  }

  return {
    host,
    logFile,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
      // The wrapper may exit before its Java child; make sure nothing of the group survives.
      killGroup(child, 'SIGKILL');
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Deletes every document of one project in the emulator (the emulator's own reset endpoint). */
export async function clearFirestoreEmulator(host: string, projectId: string): Promise<void> {
  const url = `http://${host}/emulator/v1/projects/${projectId}/databases/(default)/documents`;
  const response = await fetch(url, { method: 'DELETE' });
  if (!response.ok) throw new Error(`clearing emulator project ${projectId} failed: HTTP ${response.status}`);
}

/**
 * Writes what the emulator holds to `directory` (the emulator's own export endpoint; it creates a
 * `firestore_export_<n>/` folder there) and returns the `.overall_export_metadata` file that
 * `startFirestoreEmulator({ importData })` loads again.
 */
export async function exportFirestoreEmulator(host: string, projectId: string, directory: string): Promise<string> {
  const target = resolve(directory);
  mkdirSync(target, { recursive: true });
  const response = await fetch(`http://${host}/emulator/v1/projects/${projectId}:export`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ database: `projects/${projectId}/databases/(default)`, export_directory: target }),
  });
  if (!response.ok) throw new Error(`exporting emulator project ${projectId} failed: HTTP ${response.status}`);
  for (const folder of readdirSync(target)
    .filter((f) => f.startsWith('firestore_export_'))
    .sort()
    .reverse()) {
    const metadata = readdirSync(join(target, folder)).find((f) => f.endsWith('.overall_export_metadata'));
    if (metadata) return join(target, folder, metadata);
  }
  throw new Error(`the emulator wrote no export metadata under ${target}`);
}
