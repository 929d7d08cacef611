import { describe, expect, it } from 'vitest';
import {
  addCampaign, batchDecision, createPacingBatch, decidePacing, initialControllerState, paceMany, PacingCoreError,
  readState, resetBatch, type PacingInput,
} from '../src/index.js';

const NOW = 1_000_000;
const base = (over: Partial<PacingInput> = {}): PacingInput => ({ mode: 'PREDICTIVE', now: NOW, readyAgents: 0, ...over });

describe('decidePacing: PROGRESSIVE, AGENT_FIRST_FLOW, PREVIEW', () => {
  const cases: { name: string; input: PacingInput; launch: number; boundBy: string }[] = [
    { name: 'progressive: one call per ready agent', input: base({ mode: 'PROGRESSIVE', readyAgents: 3 }), launch: 3, boundBy: 'readyAgents' },
    { name: 'progressive: nobody ready', input: base({ mode: 'PROGRESSIVE', readyAgents: 0, ringingElapsedSec: [1, 2] }), launch: 0, boundBy: 'noAgents' },
    { name: 'agent-first flow: one call per ready agent', input: base({ mode: 'AGENT_FIRST_FLOW', readyAgents: 2 }), launch: 2, boundBy: 'readyAgents' },
    { name: 'progressive: trunk budget binds', input: base({ mode: 'PROGRESSIVE', readyAgents: 9, trunkBudget: 4 }), launch: 4, boundBy: 'trunkCps' },
    { name: 'progressive: CPS cap binds', input: base({ mode: 'PROGRESSIVE', readyAgents: 9, config: { maxCallsPerSecond: 2 } }), launch: 2, boundBy: 'trunkCps' },
    { name: 'preview: never launches', input: base({ mode: 'PREVIEW', readyAgents: 10 }), launch: 0, boundBy: 'preview' },
  ];
  it.each(cases)('$name', ({ input, launch, boundBy }) => {
    const d = decidePacing(input);
    expect(d.launch).toBe(launch);
    expect(d.boundBy).toBe(boundBy);
    expect(d.reason).toContain(input.mode);
  });
});

describe('decidePacing: PREDICTIVE', () => {
  it('over-dials for ready agents at the expected answer rate', () => {
    const d = decidePacing(base({ readyAgents: 5 }));
    // 5 agents at a 20% answer rate: well above 5 calls, at most 8 per agent
    expect(d.launch).toBeGreaterThan(5);
    expect(d.launch).toBeLessThanOrEqual(40);
    expect(d.boundBy).toBe('agentForecast');
    expect(d.reason).toMatch(/5 ready.*launch \d+.*bound by agent forecast/);
  });

  it('launches nothing when calls already ringing cover the agents', () => {
    const d = decidePacing(base({ readyAgents: 1, ringingElapsedSec: Array.from({ length: 40 }, (_, i) => (i % 8) * 0.5) }));
    expect(d.launch).toBe(0);
  });

  it('expects no answer from a ringing call after its ring timeout', () => {
    // expected live answers over the horizon from one call, by how long it has rung (ring timeout 20 s)
    const expected = (ringing: number): number => {
      const batch = createPacingBatch(1, 1, 1, false);
      resetBatch(batch, NOW);
      addCampaign(batch, { mode: 'PREDICTIVE', readyAgents: 1, ringingElapsedSec: [ringing] });
      paceMany(batch);
      return batch.out.expectedAnswers[0];
    };
    // 2 s in, most of a live answer's chance is still ahead
    expect(expected(2)).toBeGreaterThan(0.1);
    // 19.9 s in, only the last 0.1 s before the timeout counts (counting past the timeout gave about 0.2)
    expect(expected(19.9)).toBeGreaterThan(0);
    expect(expected(19.9)).toBeLessThan(0.02);
  });

  it('never leaves a ready agent with nothing ringing: at least one call per ready agent beyond those ringing (it cannot be abandoned)', () => {
    // a high margin (after abandons) made the forecast launch 0 for a one-agent team, forever
    const cautious = { ...initialControllerState(), margin: 2 };
    const one = decidePacing(base({ readyAgents: 1 }), cautious);
    expect(one.launch).toBe(1);
    expect(one.boundBy).toBe('readyAgents');
    expect(decidePacing(base({ readyAgents: 3, ringingElapsedSec: [1] }), cautious).launch).toBeGreaterThanOrEqual(2);
    // the floor counts calls already ringing
    expect(decidePacing(base({ readyAgents: 1, ringingElapsedSec: [1] }), cautious).launch).toBe(0);
  });

  it('launches nothing with no agent and none expected', () => {
    const d = decidePacing(base({ readyAgents: 0, talkingElapsedSec: [1, 2] }));
    expect(d.launch).toBe(0);
    expect(d.boundBy).toBe('noAgents');
  });

  it('counts agents in wrap-up about to free, and talking agents by elapsed time', () => {
    const none = decidePacing(base({ readyAgents: 1 })).launch;
    const wrap = decidePacing(base({ readyAgents: 1, wrapElapsedSec: [12, 13, 14] })).launch;
    const talkLong = decidePacing(base({ readyAgents: 1, talkingElapsedSec: [400, 500, 600] })).launch;
    expect(wrap).toBeGreaterThan(none);
    expect(talkLong).toBeGreaterThanOrEqual(none);
  });

  it('never exceeds maxDialRatio calls in flight per forecast agent', () => {
    const d = decidePacing(base({ readyAgents: 4, ringingElapsedSec: [1, 1], config: { maxDialRatio: 1.5 } }));
    expect(d.boundBy).toBe('maxDialRatio');
    expect(d.launch).toBe(4);
    expect(d.ratio).toBeCloseTo(1.5);
  });

  it('never exceeds the trunk calls-per-second cap', () => {
    const d = decidePacing(base({ readyAgents: 10, config: { maxCallsPerSecond: 3 } }));
    expect(d.launch).toBe(3);
    expect(d.boundBy).toBe('trunkCps');
  });

  it('falls back to ready agents only when a rolling window reached the abandon cap', () => {
    const free = decidePacing(base({ readyAgents: 2, wrapElapsedSec: [10, 11, 12, 13] }));
    const capped = decidePacing(base({ readyAgents: 2, wrapElapsedSec: [10, 11, 12, 13], window30d: { live: 1000, abandons: 31 } }));
    expect(capped.boundBy).toBe('abandonCap');
    expect(capped.launch).toBeLessThan(free.launch);
    expect(capped.launch).toBeLessThanOrEqual(Math.floor(2 / 0.2));
  });

  it('raises its safety margin on abandons and lowers it on clean live answers', () => {
    const s0 = initialControllerState();
    const up = decidePacing(base({ readyAgents: 1, observed: { resolved: 10, live: 3, liveAnswerSecSum: 27, abandons: 2 } }), s0);
    const down = decidePacing(base({ readyAgents: 1, observed: { resolved: 10, live: 3, liveAnswerSecSum: 27, abandons: 0 } }), s0);
    expect(up.nextState.margin).toBeGreaterThan(s0.margin);
    expect(down.nextState.margin).toBeLessThan(s0.margin);
  });

  it('steers to a lower target when a window is already near its cap', () => {
    const s0 = initialControllerState();
    const obs = { resolved: 100, live: 20, liveAnswerSecSum: 180, abandons: 0 };
    const clean = decidePacing(base({ readyAgents: 1, observed: obs }), s0);
    const near = decidePacing(base({ readyAgents: 1, observed: obs, window24h: { live: 1000, abandons: 29 } }), s0);
    expect(near.nextState.margin).toBeGreaterThan(clean.nextState.margin);
  });

  it('holds (uses the higher answer rate, keeps its margin) when the answer rate shifts', () => {
    let state = initialControllerState();
    let now = NOW;
    // one hour at 20%
    for (let i = 0; i < 3600; i++) {
      now += 1000;
      state = decidePacing(base({ now, readyAgents: 1, observed: { resolved: 2, live: i % 5 === 0 ? 2 : 0, liveAnswerSecSum: 0, abandons: 0 } }), state).nextState;
    }
    expect(decidePacing(base({ now: now + 1000, readyAgents: 1 }), state).holding).toBe(false);
    // then 40% for ten minutes
    let d = decidePacing(base({ now, readyAgents: 1 }), state);
    for (let i = 0; i < 600 && !d.holding; i++) {
      now += 1000;
      d = decidePacing(base({ now, readyAgents: 1, observed: { resolved: 2, live: i % 5 < 2 ? 2 : 0, liveAnswerSecSum: 0, abandons: 0 } }), state);
      state = d.nextState;
    }
    expect(d.holding).toBe(true);
    expect(d.answerRate).toBeGreaterThan(0.25);
    expect(d.reason).toContain('holding');
  });

  it('estimates the answer rate from observations', () => {
    let state = initialControllerState();
    for (let i = 0; i < 200; i++) {
      state = decidePacing(base({ now: NOW + i * 1000, readyAgents: 0, observed: { resolved: 10, live: 1, liveAnswerSecSum: 9, abandons: 0 } }), state).nextState;
    }
    const d = decidePacing(base({ now: NOW + 200_000, readyAgents: 0 }), state);
    expect(d.answerRate).toBeGreaterThan(0.09);
    expect(d.answerRate).toBeLessThan(0.12);
  });
});

describe('paceMany', () => {
  it('gives every campaign the same decision as decidePacing, and shares trunk budgets in order', () => {
    const batch = createPacingBatch(3, 100, 1, false);
    resetBatch(batch, NOW);
    batch.trunkBudget[0] = 5;
    const inputs = [
      { mode: 'PREDICTIVE' as const, readyAgents: 2, wrapElapsedSec: [14], ringingElapsedSec: [1, 5] },
      { mode: 'PROGRESSIVE' as const, readyAgents: 4, trunk: 0 },
      { mode: 'PROGRESSIVE' as const, readyAgents: 4, trunk: 0 },
    ];
    for (const c of inputs) addCampaign(batch, c);
    const r = paceMany(batch);
    const single = decidePacing({ ...inputs[0], now: NOW });
    expect(batch.out.launch[0]).toBe(single.launch);
    expect(batchDecision(batch, 0).reason).toBe(single.reason);
    expect(readState(batch.state, 0).margin).toBeCloseTo(single.nextState.margin);
    expect(Array.from(batch.out.launch.subarray(1))).toEqual([4, 1]);
    expect(batchDecision(batch, 2).boundBy).toBe('trunkCps');
    expect(r.launched).toBe(single.launch + 5);
  });
});

describe('decidePacing: option checks (BAD_PACING_INPUT)', () => {
  const cases: { name: string; input: PacingInput; message: RegExp }[] = [
    { name: 'unknown mode', input: base({ mode: 'TURBO' as never }), message: /mode must be one of PROGRESSIVE, AGENT_FIRST_FLOW, PREDICTIVE, PREVIEW, got TURBO/ },
    { name: 'now not finite', input: base({ now: Infinity }), message: /now must be finite/ },
    { name: 'readyAgents negative', input: base({ readyAgents: -1 }), message: /readyAgents must be an integer in \[0, 1000000\], got -1/ },
    { name: 'readyAgents fractional', input: base({ readyAgents: 1.5 }), message: /readyAgents must be an integer/ },
    { name: 'elapsed not an array', input: base({ ringingElapsedSec: 3 as never }), message: /ringingElapsedSec must be an array of seconds/ },
    { name: 'elapsed negative', input: base({ talkingElapsedSec: [1, -2] }), message: /talkingElapsedSec\[1\] must be a finite number >= 0, got -2/ },
    { name: 'talk mean zero', input: base({ handleTime: { talkMeanSec: 0, talkCv: 1, wrapMeanSec: 15 } }), message: /handleTime.talkMeanSec must be a number in \[0.1, 86400\]/ },
    { name: 'more live than resolved', input: base({ observed: { resolved: 1, live: 2, liveAnswerSecSum: 0, abandons: 0 } }), message: /observed.live must be an integer in \[0, 1\], got 2/ },
    { name: 'more abandons than live in a window', input: base({ window24h: { live: 3, abandons: 4 } }), message: /window24h.abandons must be an integer in \[0, 3\], got 4/ },
    { name: 'trunk budget negative', input: base({ trunkBudget: -1 }), message: /trunkBudget must be a number in \[0, Infinity\]/ },
    { name: 'abandon cap above 1', input: base({ config: { abandonCap: 1.5 } }), message: /config.abandonCap must be a number in \[0, 1\], got 1.5/ },
    { name: 'abandon target above the cap', input: base({ config: { abandonCap: 0.03, abandonTarget: 0.05 } }), message: /config.abandonTarget must be a number in \[0, 0.03\], got 0.05/ },
    { name: 'max dial ratio below 1', input: base({ config: { maxDialRatio: 0.5 } }), message: /config.maxDialRatio must be a number in \[1, 100\], got 0.5/ },
    { name: 'CPS cap negative', input: base({ config: { maxCallsPerSecond: -3 } }), message: /config.maxCallsPerSecond must be a number in \[0, Infinity\], got -3/ },
    { name: 'answer shape fractional', input: base({ config: { answerShape: 2.5 } }), message: /config.answerShape must be an integer in \[1, 20\], got 2.5/ },
    { name: 'initial answer rate zero', input: base({ config: { initialAnswerRate: 0 } }), message: /config.initialAnswerRate must be a number in \[0.001, 1\], got 0/ },
  ];
  it.each(cases)('$name', ({ input, message }) => {
    let err: unknown;
    try {
      decidePacing(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PacingCoreError);
    expect((err as PacingCoreError).code).toBe('BAD_PACING_INPUT');
    expect((err as Error).message).toMatch(message);
  });
});

describe('addCampaign: option checks (BAD_PACING_INPUT)', () => {
  const cases: { name: string; input: Parameters<typeof addCampaign>[1]; message: RegExp }[] = [
    { name: 'unknown mode', input: { mode: 'TURBO' as never, readyAgents: 1 }, message: /mode must be one of/ },
    { name: 'readyAgents negative', input: { mode: 'PREDICTIVE', readyAgents: -1 }, message: /campaign 0: readyAgents must be a non-negative integer, got -1/ },
    { name: 'elapsed not finite', input: { mode: 'PREDICTIVE', readyAgents: 1, ringingElapsedSec: [1, Number.NaN] }, message: /campaign 0: ringingElapsedSec\[1\] must be a finite number >= 0/ },
    { name: 'trunk out of range', input: { mode: 'PREDICTIVE', readyAgents: 1, trunk: 3 }, message: /campaign 0: trunk 3 is not -1 or a trunk index below 1/ },
    { name: 'config out of range', input: { mode: 'PREDICTIVE', readyAgents: 1, configIndex: 2 }, message: /campaign 0: configIndex 2 is not below 1/ },
    { name: 'elapsed capacity', input: { mode: 'PREDICTIVE', readyAgents: 1, talkingElapsedSec: new Array(20).fill(1) }, message: /batch elapsed capacity 10 exceeded/ },
  ];
  it.each(cases)('$name', ({ input, message }) => {
    const batch = createPacingBatch(2, 10, 1, false);
    let err: unknown;
    try {
      addCampaign(batch, input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PacingCoreError);
    expect((err as PacingCoreError).code).toBe('BAD_PACING_INPUT');
    expect((err as Error).message).toMatch(message);
  });
});
