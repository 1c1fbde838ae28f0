import type { RunningEmulator } from '../../scripts/lib/firestore-emulator';

interface HarnessState {
  emulator: RunningEmulator | undefined;
  bundlesBuilt: boolean;
}

const key = Symbol.for('qrl-rebalancer.test-harness');

/** Global setup and teardown run in jest's parent process; this is the state they share there. */
export function harnessState(): HarnessState {
  const holder = globalThis as unknown as Record<symbol, HarnessState | undefined>;
  holder[key] ??= { emulator: undefined, bundlesBuilt: false };
  return holder[key];
}
