// Shared Jest configuration: ts-jest runs the TypeScript sources directly as ESM (Node needs
// --experimental-vm-modules, set by each package's scripts), and the `@chatbox/source` export
// condition resolves workspace packages to their `src/index.ts`, so no build is needed to test.
/** @param {Record<string, unknown>} [overrides] */
export function createJestConfig(overrides = {}) {
  return {
    testEnvironment: 'node',
    testEnvironmentOptions: {
      customExportConditions: ['@chatbox/source', 'node', 'node-addons'],
    },
    extensionsToTreatAsEsm: ['.ts'],
    moduleNameMapper: {
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    transform: {
      '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
    },
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    collectCoverageFrom: ['src/**/*.ts', '!src/**/*.d.ts'],
    coverageProvider: 'v8',
    coverageDirectory: '<rootDir>/reports/coverage',
    coverageReporters: ['json-summary', 'text-summary'],
    // The review's success criterion: 80 % of lines and branches over a package's full run.
    coverageThreshold: { global: { lines: 80, branches: 80 } },
    testTimeout: 30_000,
    maxWorkers: 1,
    ...overrides,
  };
}
