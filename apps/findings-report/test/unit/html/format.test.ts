import { describe, expect, it } from '@jest/globals';
import {
  formatDuration,
  formatNumber,
  formatPct,
  formatTime,
  plural,
  shortCommit,
} from '../../../src/html/format.js';
import { sparkline } from '../../../src/html/sparkline.js';

describe('format', () => {
  it('formats durations from milliseconds to minutes', () => {
    expect([null, 12.4, 1_234, 12_345, 125_000].map(formatDuration)).toEqual([
      '–',
      '12 ms',
      '1.23 s',
      '12.3 s',
      '2 min 5 s',
    ]);
  });

  it('formats percentages, numbers, times and commits', () => {
    expect([null, 100, 84.25].map(formatPct)).toEqual(['–', '100 %', '84.3 %']);
    expect([null, 1_000_000, 0.12345].map(formatNumber)).toEqual(['–', '1,000,000', '0.123']);
    expect(formatTime('2026-11-28T21:40:12.000Z')).toBe('2026-11-28 21:40 UTC');
    expect(formatTime('yesterday')).toBe('yesterday');
    expect(formatTime(null)).toBe('–');
    expect(shortCommit('6d57cab4c1d29884d869c5b2dc3d351a34b2f1d7')).toBe('6d57cab4c1d2');
    expect(shortCommit(null)).toBe('unknown');
    expect([plural(1, 'run'), plural(0, 'run'), plural(3, 'run')]).toEqual([
      '1 run',
      '0 runs',
      '3 runs',
    ]);
  });
});

describe('sparkline', () => {
  it('says so when there is no run', () => {
    expect(sparkline({ points: [], label: 'x', slots: 12 })).toContain('no runs');
  });

  it('draws one dot for one run, at the right', () => {
    const svg = sparkline({
      points: [{ ratio: 1, tone: 'tone-resolved' }],
      label: 'one',
      slots: 12,
    });
    expect(svg).not.toContain('<polyline');
    expect(svg).toContain('<circle class="dot tone-resolved" cx="115.0" cy="5.0"');
  });

  it('draws the last runs as a line with a dot per run, the ratio clamped, the label escaped', () => {
    const points = [0, 0.5, 1, 2, -1].map((ratio, i) => ({
      ratio,
      tone: i === 1 ? 'tone-regressed' : 'tone-resolved',
    }));
    const svg = sparkline({ points, label: 'a "quoted" <label>', slots: 4 });
    expect(svg.match(/<circle/g)).toHaveLength(4);
    expect(svg).toContain('<polyline points="5.0,14.0 41.7,5.0 78.3,5.0 115.0,23.0"/>');
    expect(svg).toContain('aria-label="a &quot;quoted&quot; &lt;label&gt;"');
    expect(svg).toContain('role="img"');
  });
});
