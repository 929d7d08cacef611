import { describe, expect, it } from 'vitest';
import { TrunkBreaker } from '../src/engine/trunk-breaker.js';

describe('TrunkBreaker', () => {
  it('lets every call through while the trunk works; the first failures in a row count against their numbers', () => {
    const b = new TrunkBreaker({ threshold: 3, baseMs: 1000, capMs: 8000 });
    expect(b.allowance(0, 5)).toBe(5);
    expect(b.failed(0, 'CONGESTION')).toEqual({ counts: true, opened: false });
    expect(b.failed(0, 'CONGESTION')).toEqual({ counts: true, opened: false });
    expect(b.open).toBe(false);
    expect(b.allowance(0, 5)).toBe(5);
  });

  it('a call that reaches anyone resets the count', () => {
    const b = new TrunkBreaker({ threshold: 3 });
    b.failed(0, 'CONGESTION');
    b.failed(0, 'CONGESTION');
    expect(b.reached()).toBe(false); // it was not open
    expect(b.failed(0, 'CONGESTION').counts).toBe(true);
    expect(b.failuresInRow).toBe(1);
  });

  it('opens at the threshold: no calls until the wait is over, then one probe; a failed probe doubles the wait up to the cap', () => {
    const b = new TrunkBreaker({ threshold: 3, baseMs: 1000, capMs: 3000 });
    b.failed(0, 'UNREACHABLE');
    b.failed(0, 'UNREACHABLE');
    expect(b.failed(100, 'UNREACHABLE')).toEqual({ counts: false, opened: true, retryAt: 1100 });
    expect(b.open).toBe(true);
    expect(b.lastCause).toBe('UNREACHABLE');
    // a call in flight when it opened fails too: not counted, and the wait is not pushed back
    expect(b.failed(500, 'UNREACHABLE')).toEqual({ counts: false, opened: false, retryAt: 1100 });
    expect(b.allowance(1099, 4)).toBe(0);
    expect(b.allowance(1100, 4)).toBe(1);
    b.placed();
    expect(b.allowance(1200, 4)).toBe(0); // one probe at a time
    expect(b.failed(1300, 'UNREACHABLE')).toEqual({ counts: false, opened: true, retryAt: 3300 }); // 2 s
    expect(b.allowance(3300, 4)).toBe(1);
    b.placed();
    expect(b.failed(3400, 'CONGESTION')).toEqual({ counts: false, opened: true, retryAt: 6400 }); // 4 s, capped at 3 s
  });

  it('a probe that reaches the far end closes it: every call goes again and the count starts over', () => {
    const b = new TrunkBreaker({ threshold: 2, baseMs: 1000 });
    b.failed(0, 'CONGESTION');
    b.failed(0, 'CONGESTION');
    expect(b.allowance(1000, 3)).toBe(1);
    b.placed();
    expect(b.reached()).toBe(true);
    expect(b.open).toBe(false);
    expect(b.lastCause).toBeNull();
    expect(b.allowance(1000, 3)).toBe(3);
    expect(b.failed(1000, 'CONGESTION').counts).toBe(true);
  });
});
