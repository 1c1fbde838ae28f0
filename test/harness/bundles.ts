import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildFunctions, functionNames } from '../../scripts/build';

let built: Promise<unknown> | undefined;

/**
 * The e2e global setup builds dist/ once before any worker starts; this only builds when a test
 * runs outside that setup (it then builds once per worker, which is safe with a single worker).
 */
export function ensureBundles(): Promise<unknown> {
  if (process.env.QRL_E2E_BUNDLES_BUILT === '1') {
    const dist = resolve(__dirname, '..', '..', 'dist');
    const missing = functionNames().filter((name) => !existsSync(join(dist, name, 'index.js')));
    if (missing.length > 0) return Promise.reject(new Error(`dist/ lacks ${missing.join(', ')}; run npm run build`));
    return Promise.resolve();
  }
  built ??= buildFunctions({ quiet: true });
  return built;
}
