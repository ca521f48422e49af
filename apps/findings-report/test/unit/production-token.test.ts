import { describe, expect, it } from '@jest/globals';
import { findingOfTestName, productionTokens } from '../../src/production-token.js';

describe('production tokens', () => {
  it('finds every distinct token in a test name, with its finding', () => {
    expect(
      productionTokens('ProductionIssue04_SessionIDDataRace binds atomically', 'binds atomically'),
    ).toEqual([{ name: 'ProductionIssue04_SessionIDDataRace', finding: '04' }]);
    expect(
      productionTokens('ProductionIssue01_A and ProductionIssue12_B', 'ProductionIssue01_A'),
    ).toEqual([
      { name: 'ProductionIssue01_A', finding: '01' },
      { name: 'ProductionIssue12_B', finding: '12' },
    ]);
  });

  it('ignores names without a well-formed token', () => {
    expect(
      productionTokens(
        'ProductionIssue1_Short',
        'productionissue01_lower',
        'ProductionIssue01_ trailing',
      ),
    ).toEqual([]);
  });

  it('reads the finding of a catalogued test name', () => {
    expect(findingOfTestName('ProductionIssue09_MongoDBRetry')).toBe('09');
    expect(findingOfTestName('ProductionIssue09_MongoDBRetry extra')).toBeNull();
  });
});
