import { createJestConfig } from '../../jest.base.js';

export default createJestConfig();
