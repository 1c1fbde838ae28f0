// esbuild replaces these at bundle time (scripts/build.ts); unbundled code (tests, tsx) sees no value.
declare const __BUILD_VERSION__: string | undefined;
declare const __BUILD_COMMIT__: string | undefined;

export interface BuildInfo {
  version: string;
  commit: string;
}

export function buildInfo(): BuildInfo {
  return {
    version: typeof __BUILD_VERSION__ === 'string' ? __BUILD_VERSION__ : '0.0.0-dev',
    commit: typeof __BUILD_COMMIT__ === 'string' ? __BUILD_COMMIT__ : 'unknown',
  };
}
