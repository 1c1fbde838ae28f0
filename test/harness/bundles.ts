import { buildFunctions } from '../../scripts/build';

let built: Promise<unknown> | undefined;

/** Builds dist/ once per jest worker so e2e tests always serve the code under test. */
export function ensureBundles(): Promise<unknown> {
  built ??= buildFunctions({ quiet: true });
  return built;
}
