import { describe, expect, it } from '@jest/globals';
import { contrastRatio } from '../support/contrast.js';

// The browser test's contrast check is only as good as this arithmetic.
describe('contrastRatio', () => {
  it('spans 1:1 to 21:1 and is symmetric', () => {
    expect(contrastRatio('rgb(0, 0, 0)', 'rgb(255, 255, 255)')).toBeCloseTo(21, 5);
    expect(contrastRatio('rgb(255, 255, 255)', 'rgb(0, 0, 0)')).toBeCloseTo(21, 5);
    expect(contrastRatio('rgb(12, 34, 56)', 'rgba(12, 34, 56, 1)')).toBe(1);
  });

  it('tells a readable badge from an unreadable one', () => {
    expect(contrastRatio('rgb(20, 83, 45)', 'rgb(220, 252, 231)')).toBeGreaterThan(4.5);
    expect(contrastRatio('rgb(148, 163, 184)', 'rgb(255, 255, 255)')).toBeLessThan(4.5);
  });

  it('refuses colours it cannot judge', () => {
    expect(() => contrastRatio('rgba(0, 0, 0, 0)', 'rgb(255, 255, 255)')).toThrow('translucent');
    expect(() => contrastRatio('red', 'rgb(255, 255, 255)')).toThrow('not an rgb colour');
  });
});
