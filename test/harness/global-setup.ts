import type { Config } from '@jest/types';
import { buildFunctions } from '../../scripts/build';
import { startFirestoreEmulator } from '../../scripts/lib/firestore-emulator';
import { harnessState } from './state';

/**
 * Starts one real Firestore emulator for every project that needs it (refcounted across projects),
 * and for the e2e project builds dist/ once, here in jest's parent process: a build per worker
 * would delete dist/<fn> while another worker's functions-framework is starting from it.
 */
export default async function globalSetup(_global: unknown, project: Config.ProjectConfig): Promise<void> {
  const state = harnessState();
  state.users += 1;
  if (project.displayName && JSON.stringify(project.displayName).includes('e2e') && !state.bundlesBuilt) {
    await buildFunctions({ quiet: true });
    state.bundlesBuilt = true;
  }
  if (state.emulator) return;
  const emulator = await startFirestoreEmulator();
  state.emulator = emulator;
  process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
  process.env.METADATA_SERVER_DETECTION = 'none';
}
