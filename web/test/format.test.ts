import { describe, expect, it } from 'vitest';
import { age, capLevel, count, duration, eta, freshness, heldBackLabel, percent } from '../src/lib/format.js';

describe('format', () => {
  it.each([
    [0.0213, '2.1%'],
    [0.03, '3.0%'],
    [0.125, '13%'],
    [0, '0.0%'],
    [null, '—'],
    [Number.NaN, '—'],
  ])('percent(%s) = %s', (v, want) => expect(percent(v)).toBe(want));

  it.each([
    [0, '0:00'],
    [65, '1:05'],
    [125.4, '2:05'],
    [3725, '1:02:05'],
    [null, '—'],
    [-3, '—'],
  ])('duration(%s) = %s', (v, want) => expect(duration(v)).toBe(want));

  it.each([
    [0, 'done'],
    [0.4, '1m'],
    [59, '59m'],
    [95, '1h 35m'],
    [4000, '2d 18h'],
    [null, '—'],
  ])('eta(%s) = %s', (v, want) => expect(eta(v)).toBe(want));

  it('counts with thousands separators', () => {
    expect(count(12345)).toBe('12,345');
    expect(count(undefined)).toBe('—');
  });

  it.each([
    [null, 'ok'],
    [0.01, 'ok'],
    [0.0239, 'ok'],
    [0.024, 'near'],
    [0.03, 'near'],
    [0.0301, 'over'],
  ] as const)('capLevel(%s, 3%%) = %s', (rate, want) => expect(capLevel(rate, 0.03)).toBe(want));

  it('says how old data is', () => {
    expect(age(500)).toBe('just now');
    expect(age(12_400)).toBe('12 s ago');
    expect(age(185_000)).toBe('3 min ago');
    expect(age(7_300_000)).toBe('2 h ago');
    expect(age(Number.POSITIVE_INFINITY)).toBe('never');
    expect([freshness(1000), freshness(10_000), freshness(60_000)]).toEqual(['fresh', 'stale', 'old']);
  });

  it('names the hopper filters, and falls back to words for new ones', () => {
    expect(heldBackLabel('outsideWindow')).toBe('outside calling window');
    expect(heldBackLabel('someNewFilter')).toBe('some new filter');
  });
});
