import { harnessState } from './state';

/** Jest runs it once, after every project's tests: the emulator the setups shared stops here. */
export default async function globalTeardown(): Promise<void> {
  const state = harnessState();
  if (!state.emulator) return;
  await state.emulator.stop();
  state.emulator = undefined;
  delete process.env.FIRESTORE_EMULATOR_HOST;
}
