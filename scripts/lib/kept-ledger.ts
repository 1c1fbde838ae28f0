/**
 * The ledger a local stack leaves behind (issue #19): when `npm start` or `npm run dev` started its own
 * Firestore emulator, it exports the emulator's data to `.local/ledger/` before stopping it, replacing
 * the previous export, so `npm run runs` and `npm run report` can read the last local session later.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { exportFirestoreEmulator } from './firestore-emulator';

export const LOCAL_DIR = resolve(__dirname, '..', '..', '.local');
export const KEPT_LEDGER_DIR = join(LOCAL_DIR, 'ledger');
const META = 'kept-ledger.json';

export interface KeptLedger {
  projectId: string;
  /** the `.overall_export_metadata` file, for `--import-data` */
  importData: string;
  exportedAt: string;
}

/** Exports the emulator project to `dir` (atomically: a new export replaces the old only when complete). */
export async function keepLedger(host: string, projectId: string, dir: string = KEPT_LEDGER_DIR): Promise<KeptLedger> {
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const metadata = await exportFirestoreEmulator(host, projectId, staging);
  const inside = relative(staging, metadata);
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  const kept: KeptLedger = { projectId, importData: join(dir, inside), exportedAt: new Date().toISOString() };
  writeFileSync(join(dir, META), `${JSON.stringify({ ...kept, importData: inside }, null, 2)}\n`);
  return kept;
}

/** The export a local stack left, or null. */
export function readKeptLedger(dir: string = KEPT_LEDGER_DIR): KeptLedger | null {
  const file = join(dir, META);
  if (!existsSync(file)) return null;
  const meta = JSON.parse(readFileSync(file, 'utf8')) as KeptLedger;
  const importData = join(dir, meta.importData);
  return existsSync(importData) ? { ...meta, importData } : null;
}
