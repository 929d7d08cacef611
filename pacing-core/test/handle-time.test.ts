import { describe, expect, it } from 'vitest';
import { handleTimeOf, initialTalkTime, observeTalk, PacingCoreError, Rng } from '../src/index.js';

describe('talk-time estimate (handleTime fed to predictive pacing)', () => {
  it('starts from the prior: 120 s, CV 1', () => {
    expect(handleTimeOf(initialTalkTime(), 15)).toEqual({ talkMeanSec: 120, talkCv: 1, wrapMeanSec: 15 });
  });

  it('moves one call at a time, weighted against the prior', () => {
    const e = observeTalk(initialTalkTime(), 15);
    expect(e.weight).toBe(21);
    expect(e.mean).toBeCloseTo(120 - 105 / 21, 9);
  });

  it('converges on the calls it sees (lognormal mean 24 s, CV 0.5)', () => {
    const rng = new Rng(4);
    let e = initialTalkTime();
    for (let i = 0; i < 2000; i++) e = observeTalk(e, rng.lognormal(24, 0.5));
    const h = handleTimeOf(e, 10);
    expect(h.talkMeanSec).toBeGreaterThan(21);
    expect(h.talkMeanSec).toBeLessThan(27);
    expect(h.talkCv).toBeGreaterThan(0.35);
    expect(h.talkCv).toBeLessThan(0.65);
  });

  it('follows a change in talk time: the old level fades as exp(-calls / 300)', () => {
    let e = initialTalkTime();
    for (let i = 0; i < 600; i++) e = observeTalk(e, 60);
    for (let i = 0; i < 300; i++) e = observeTalk(e, 180);
    // 120 s of difference, e^-1 of it left after 300 calls
    expect(handleTimeOf(e, 0).talkMeanSec).toBeGreaterThan(180 - 120 * 0.37 - 1);
    expect(handleTimeOf(e, 0).talkMeanSec).toBeLessThan(180 - 120 * 0.36 + 1);
    for (let i = 0; i < 1200; i++) e = observeTalk(e, 180);
    expect(handleTimeOf(e, 0).talkMeanSec).toBeGreaterThan(177);
  });

  it.each([-1, Number.NaN, Infinity])('refuses %s seconds (BAD_PACING_INPUT)', (s) => {
    expect(() => observeTalk(initialTalkTime(), s)).toThrow(PacingCoreError);
    expect(() => observeTalk(initialTalkTime(), s)).toThrow(/seconds must be a finite number >= 0/);
  });
});
