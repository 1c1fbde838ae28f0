import { harnessState } from './state';

export default async function globalTeardown(): Promise<void> {
  const state = harnessState();
  state.users -= 1;
  if (state.users > 0 || !state.emulator) return;
  await state.emulator.stop();
  state.emulator = undefined;
  delete process.env.FIRESTORE_EMULATOR_HOST;
}
