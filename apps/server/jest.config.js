import { createJestConfig } from '../../jest.base.js';

export default createJestConfig({
  // main.ts is the process boundary, exercised by the spawned production tests (which v8 coverage
  // of the Jest process cannot see); its logic lives in app.ts and dev-tokens.ts.
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.d.ts', '!src/main.ts'],
});
