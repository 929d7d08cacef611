import { describe, expect, it } from 'vitest';
import { PacingCoreError, scenarioS1, simulate, type Scenario } from '../src/index.js';

const HOUR = 3600;

/** The controller's own scenario: different from S1 in every distribution, with a tighter cap. */
function controllerScenario(seed: number, cap: number): Scenario {
  return {
    name: 'controller',
    seed,
    durationSec: 5 * HOUR,
    agents: [{ count: 25 }, { count: 10, loginSec: HOUR, logoutSec: 4 * HOUR }],
    outcomes: {
      busyFailed: 0.2, busyFailedSec: [2, 6], live: [{ atSec: 0, rate: 0.25 }, { atSec: 2.5 * HOUR, rate: 0.15 }],
      answer: { shape: 3, meanSec: 11 }, machine: 0.1, machineDetectSec: 4, ringTimeoutSec: 25,
    },
    talk: { meanSec: 90, cv: 0.8 },
    wrap: { meanSec: 10, cv: 0.3 },
    policy: { mode: 'PREDICTIVE', config: { abandonCap: cap } },
  };
}

describe('simulate', () => {
  it('is deterministic for a seed', () => {
    const s = { ...scenarioS1({ mode: 'PREDICTIVE' }, 7), durationSec: HOUR };
    const a = simulate(s), b = simulate(s);
    expect(a).toEqual(b);
    const c = simulate({ ...s, seed: 8 });
    expect(c.dials).not.toBe(a.dials);
  });

  it('progressive never abandons (each call has its agent)', () => {
    const r = simulate({ ...scenarioS1({ mode: 'PROGRESSIVE' }), durationSec: HOUR });
    expect(r.abandons).toBe(0);
    expect(r.connects).toBe(r.liveAnswers);
    expect(r.occupancy).toBeGreaterThan(0.4);
  });

  it('preview launches nothing; logged-in time follows the shifts', () => {
    const r = simulate({ durationSec: 100, agents: [{ count: 1 }, { count: 2, loginSec: 50 }, { count: 1, loginSec: 10, logoutSec: 30 }], policy: { mode: 'PREVIEW' } });
    expect(r.dials).toBe(0);
    expect(r.loggedInSec).toBeCloseTo(100 + 2 * 50 + 20);
    expect(r.occupancy).toBe(0);
  });

  it.each([
    [1, 0.03],
    [2, 0.03],
    [3, 0.015],
  ])('the abandon-rate controller stays under its cap on its own scenario (seed %i, cap %f)', (seed, cap) => {
    const r = simulate(controllerScenario(seed, cap));
    expect(r.abandonRate).toBeLessThanOrEqual(cap);
    expect(r.worst24hAbandonRate).toBeLessThanOrEqual(cap);
    expect(r.occupancy).toBeGreaterThan(0.8);
  });

  it('over-dialling with a fixed ratio does break the cap (the scenario is not trivially safe)', () => {
    const r = simulate({ ...controllerScenario(1, 0.03), policy: { mode: 'FIXED_RATIO', ratio: 8 } });
    expect(r.abandonRate).toBeGreaterThan(0.03);
  });

  const bad: { name: string; mutate: (s: Scenario) => void; message: RegExp }[] = [
    { name: 'duration', mutate: (s) => { s.durationSec = 0; }, message: /durationSec must be a number/ },
    { name: 'no agents', mutate: (s) => { s.agents = []; }, message: /agents must be a non-empty array/ },
    { name: 'shift order', mutate: (s) => { s.agents = [{ count: 1, loginSec: 50, logoutSec: 10 }]; }, message: /agents\[0\] needs 0 <= loginSec < logoutSec/ },
    { name: 'outcome shares above 1', mutate: (s) => { s.outcomes = { live: 0.8, machine: 0.2, busyFailed: 0.1 }; }, message: /busyFailed \+ machine \+ live \(0.1 \+ 0.2 \+ 0.8\) exceeds 1/ },
    { name: 'policy mode', mutate: (s) => { s.policy = { mode: 'TURBO' as never }; }, message: /policy.mode must be one of/ },
    { name: 'fixed ratio without ratio', mutate: (s) => { s.policy = { mode: 'FIXED_RATIO' }; }, message: /policy.ratio must be a number/ },
    { name: 'policy config', mutate: (s) => { s.policy = { mode: 'PREDICTIVE', config: { abandonCap: 2 } }; }, message: /policy.config: config.abandonCap must be/ },
  ];
  it.each(bad)('rejects a bad scenario: $name', ({ mutate, message }) => {
    const s = scenarioS1({ mode: 'PREDICTIVE' });
    mutate(s);
    let err: unknown;
    try {
      simulate(s);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PacingCoreError);
    expect((err as PacingCoreError).code).toBe('BAD_SCENARIO');
    expect((err as Error).message).toMatch(message);
  });
});
