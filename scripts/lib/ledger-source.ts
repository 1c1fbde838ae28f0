/**
 * Where `npm run runs` and `npm run report` read the ledger from, in this order:
 * 1. `--emulator host:port` or FIRESTORE_EMULATOR_HOST: that emulator (loopback only), project from
 *    `--project` / GOOGLE_CLOUD_PROJECT, else the dev stack's;
 * 2. `--project` or GOOGLE_CLOUD_PROJECT: the real Firestore of that project, through Application
 *    Default Credentials (`gcloud auth application-default login`), database `--database` /
 *    FIRESTORE_DATABASE or `(default)`; read only;
 * 3. otherwise the local ledger: the emulator of a running `npm run dev`, else the data the last
 *    `npm start` / `npm run dev` kept in `.local/ledger/`, loaded into an emulator started for the
 *    command and stopped after it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { emulatorAvailable, startFirestoreEmulator } from './firestore-emulator';
import { KEPT_LEDGER_DIR, LOCAL_DIR, readKeptLedger } from './kept-ledger';

export interface LedgerSourceOptions {
  emulator?: string | undefined;
  project?: string | undefined;
  database?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  /** progress lines (starting an emulator takes a few seconds) */
  say?: (line: string) => void;
  /** where a dev stack and a kept ledger are looked for (tests) */
  localDir?: string;
}

export interface LedgerSource {
  readonly db: Firestore;
  /** one line saying what is read, for the output's header */
  readonly where: string;
  close(): Promise<void>;
}

export class LedgerSourceError extends Error {
  override name = 'LedgerSourceError';
}

const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\]):\d+$/;

function emulatorDb(host: string, projectId: string): Firestore {
  if (!LOOPBACK.test(host)) throw new LedgerSourceError(`the emulator host must be loopback host:port, got ${host}`);
  // the client reads the variable when it is built (then talks plain HTTP to the emulator, without
  // credentials); it is put back at once, so nothing else in this process is pointed at this emulator
  const previous = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = host;
  // no Google credentials are involved: keep the auth library from probing the GCE metadata server (it
  // does so lazily, so this one stays set)
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  try {
    return new Firestore({ projectId });
  } finally {
    restore('FIRESTORE_EMULATOR_HOST', previous);
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

interface DevStackFile {
  pid?: number;
  emulatorHost?: string | null;
  projectId?: string;
}

function runningDevStack(localDir: string): DevStackFile | null {
  const file = join(localDir, 'dev-stack.json');
  if (!existsSync(file)) return null;
  try {
    const stack = JSON.parse(readFileSync(file, 'utf8')) as DevStackFile;
    if (typeof stack.pid === 'number') process.kill(stack.pid, 0); // throws when that process is gone
    return stack;
  } catch {
    return null;
  }
}

export async function openLedgerSource(options: LedgerSourceOptions = {}): Promise<LedgerSource> {
  const env = options.env ?? process.env;
  const say = options.say ?? (() => undefined);
  const localDir = options.localDir ?? LOCAL_DIR;
  const dev = runningDevStack(localDir);
  const project = options.project ?? (env.GOOGLE_CLOUD_PROJECT || undefined);
  const emulator = options.emulator ?? (env.FIRESTORE_EMULATOR_HOST || undefined);

  if (emulator) {
    const projectId = project ?? dev?.projectId ?? 'demo-qrl-rebalancer-local';
    const db = emulatorDb(emulator, projectId);
    return { db, where: `Firestore emulator ${emulator}, project ${projectId}`, close: () => db.terminate() };
  }
  if (project) {
    const databaseId = options.database ?? (env.FIRESTORE_DATABASE || '(default)');
    const db = new Firestore({ projectId: project, databaseId });
    return {
      db,
      where: `Firestore of project ${project}, database ${databaseId} (Application Default Credentials)`,
      close: () => db.terminate(),
    };
  }
  if (dev?.emulatorHost && dev.projectId) {
    const db = emulatorDb(dev.emulatorHost, dev.projectId);
    return {
      db,
      where: `the running dev stack's emulator ${dev.emulatorHost}, project ${dev.projectId}`,
      close: () => db.terminate(),
    };
  }
  const kept = readKeptLedger(localDir === LOCAL_DIR ? KEPT_LEDGER_DIR : join(localDir, 'ledger'));
  if (!kept)
    throw new LedgerSourceError(
      'no ledger to read: run `npm start` (or `npm run dev`) first, which keeps its ledger in .local/ledger/; ' +
        'or point FIRESTORE_EMULATOR_HOST (+ GOOGLE_CLOUD_PROJECT) at an emulator, or give --project <id> for a real project',
    );
  if (!emulatorAvailable())
    throw new LedgerSourceError('reading .local/ledger/ needs the Firestore emulator (gcloud and Java on PATH)');
  say(`starting a Firestore emulator with the ledger kept in .local/ledger/ (${kept.exportedAt})…`);
  const running = await startFirestoreEmulator({ importData: kept.importData });
  const db = emulatorDb(running.host, kept.projectId);
  return {
    db,
    where: `the ledger npm start / npm run dev kept in .local/ledger/ at ${kept.exportedAt} (project ${kept.projectId})`,
    close: async () => {
      await db.terminate();
      await running.stop();
    },
  };
}
