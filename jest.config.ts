import type { Config } from 'jest';

// ky and valibot ship ESM only; jest runs CommonJS, so swc transforms them too.
const esmPackages = ['ky', 'valibot'];

const common = {
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2023' } }] },
  transformIgnorePatterns: [`node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/harness/no-metadata.ts'],
} satisfies Config;

const config: Config = {
  // The emulator and e2e projects share one Firestore emulator and two cores; keep them from thrashing.
  maxWorkers: 2,
  testTimeout: 30_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{shared,simulator,functions,scripts}/**/*.test.ts',
        '<rootDir>/infra/**/*.test.ts',
        '<rootDir>/test/ledger/**/*.test.ts',
      ],
      testPathIgnorePatterns: ['/node_modules/', '\\.emulator\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'emulator',
      testMatch: ['<rootDir>/**/*.emulator.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/harness/emulator-project.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/harness/global-setup-e2e.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/harness/emulator-project.ts'],
    },
  ],
};

export default config;
