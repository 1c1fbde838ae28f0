import { startFirestoreEmulator } from '../../scripts/lib/firestore-emulator';
import { harnessState } from './state';

/** Starts one real Firestore emulator for every project that needs it (refcounted across projects). */
export default async function globalSetup(): Promise<void> {
  const state = harnessState();
  state.users += 1;
  if (state.emulator) return;
  const emulator = await startFirestoreEmulator();
  state.emulator = emulator;
  process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
  process.env.METADATA_SERVER_DETECTION = 'none';
}
