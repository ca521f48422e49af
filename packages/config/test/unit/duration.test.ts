import { describe, expect, it } from '@jest/globals';
import { formatDuration, parseDuration } from '../../src/duration.js';

describe('parseDuration', () => {
  it.each([
    ['250', 250],
    ['250ms', 250],
    ['30s', 30_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    [' 2S ', 2_000],
    ['0', 0],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['15 min', '-5s', '1.5s', '', 'ms', '10d', '5s3', '99999999999999999999'])(
    'refuses %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [1_500, '1s500ms'],
    [900_000, '15m'],
    [5_400_000, '1h30m'],
  ])('renders %d as %s and reads it back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});
