import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { functionNames } from '../../scripts/build';

/**
 * The e2e project's global setup builds dist/ once, in jest's parent process, before any test file
 * runs. A test never builds it again: a build in one worker deletes dist/<fn> while another
 * worker's functions-framework loads from it ("is not a loadable module", seen as a flaky e2e
 * failure when workers built their own copy). This only checks that the setup's build is there.
 */
export function ensureBundles(): Promise<void> {
  const dist = resolve(__dirname, '..', '..', 'dist');
  const missing = functionNames().filter((name) => !existsSync(join(dist, name, 'index.js')));
  if (missing.length > 0) {
    return Promise.reject(
      new Error(
        `dist/ lacks ${missing.join(', ')}: run the e2e tests through jest (its setup builds), or npm run build`,
      ),
    );
  }
  return Promise.resolve();
}
