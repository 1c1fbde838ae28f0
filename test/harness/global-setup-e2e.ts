import type { Config } from '@jest/types';
import { buildFunctions } from '../../scripts/build';
import globalSetup from './global-setup';
import { harnessState } from './state';

/**
 * The e2e project's own setup file: jest runs a global setup module once per path, so a module
 * shared with the emulator project ran only with that project's config, and dist/ was never built
 * here (a fresh clone then had none). This builds dist/ once, in jest's parent process, before any
 * worker starts: a build per worker would delete dist/<fn> while another worker's
 * functions-framework is starting from it.
 */
export default async function globalSetupE2e(global: unknown, project: Config.ProjectConfig): Promise<void> {
  const state = harnessState();
  if (!state.bundlesBuilt) {
    await buildFunctions({ quiet: true });
    state.bundlesBuilt = true;
  }
  await globalSetup(global, project);
}
