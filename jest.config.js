/**
 * One jest run covers everything: unit (pure domain, config, compose file),
 * workflow (real Worker on Temporal's time-skipping test server),
 * integration (real Worker + API on the Temporal dev server and FerretDB) and
 * e2e (the web app in headless Chromium on that same stack).
 * test/setup/global-setup.ts provisions and starts the shared infrastructure
 * on free ports and stops it afterwards.
 */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  // 2 cores: the Temporal servers and FerretDB need CPU too.
  maxWorkers: 2,
  testTimeout: 120_000,
  projects: [
    { displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'], transform, testEnvironment: 'node' },
    { displayName: 'workflow', testMatch: ['<rootDir>/test/workflow/**/*.test.ts'], transform, testEnvironment: 'node' },
    { displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'], transform, testEnvironment: 'node' },
    // Real headless Chromium against the real stack; needs the built web app (scripts/test.sh builds it).
    { displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'], transform, testEnvironment: 'node' },
  ],
};
