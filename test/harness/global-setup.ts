import type { Config } from '@jest/types';
import { startFirestoreEmulator } from '../../scripts/lib/firestore-emulator';
import { harnessState } from './state';

/**
 * Starts one real Firestore emulator for every project that needs it (refcounted across projects).
 * The e2e project builds dist/ first (global-setup-e2e.ts).
 */
export default async function globalSetup(_global: unknown, _project: Config.ProjectConfig): Promise<void> {
  const state = harnessState();
  if (state.emulator) return;
  const emulator = await startFirestoreEmulator();
  state.emulator = emulator;
  process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
  process.env.METADATA_SERVER_DETECTION = 'none';
}
