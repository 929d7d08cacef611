import type { Scenario, SimPolicy } from './simulator.js';

const HOUR = 3600;

/**
 * Scenario S1 of the issue: 50 agents, 8 h, 1 s decisions; 15% busy/failed (1-5 s), 20% live (answer Gamma k=4,
 * mean 9 s), 15% machine detected 3 s after answer, the rest ring out at 20 s; talk lognormal mean 120 s CV 1;
 * wrap-up 15 s.
 */
export function scenarioS1(policy: SimPolicy, seed = 1): Scenario {
  return {
    name: 'S1',
    seed,
    durationSec: 8 * HOUR,
    decisionIntervalSec: 1,
    agents: [{ count: 50 }],
    outcomes: {
      busyFailed: 0.15, busyFailedSec: [1, 5], live: 0.2, answer: { shape: 4, meanSec: 9 },
      machine: 0.15, machineDetectSec: 3, ringTimeoutSec: 20,
    },
    talk: { meanSec: 120, cv: 1 },
    wrap: { meanSec: 15, cv: 0 },
    abandonGraceSec: 2,
    policy,
  };
}

/** The benchmark scenarios: S1 and its variants (agents 10/200, live rate 0.10/0.30, mid-day shift, shifts). */
export function benchmarkScenarios(policy: SimPolicy, seed = 1): Scenario[] {
  const s1 = scenarioS1(policy, seed);
  const o = s1.outcomes!;
  return [
    s1,
    { ...s1, name: 'S1-10-agents', agents: [{ count: 10 }] },
    { ...s1, name: 'S1-200-agents', agents: [{ count: 200 }] },
    { ...s1, name: 'S1-live-0.10', outcomes: { ...o, live: 0.1 } },
    { ...s1, name: 'S1-live-0.30', outcomes: { ...o, live: 0.3 } },
    { ...s1, name: 'S1-shift-0.20-0.30', outcomes: { ...o, live: [{ atSec: 0, rate: 0.2 }, { atSec: 4 * HOUR, rate: 0.3 }] } },
    {
      ...s1,
      name: 'S1-login-logout',
      agents: [
        { count: 30 },
        { count: 10, loginSec: 0, logoutSec: 4 * HOUR },
        { count: 10, loginSec: 2 * HOUR },
        { count: 10, loginSec: 1 * HOUR, logoutSec: 1.5 * HOUR },
        { count: 5, loginSec: 5 * HOUR, logoutSec: 7 * HOUR },
      ],
    },
  ];
}
