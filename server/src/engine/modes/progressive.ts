import type { DialModeStrategy } from './dial-mode.js';
import { dialPerFreeAgent } from './per-agent.js';

/** Seed 004 / 003: the agent's leg is dialled first and kept up; the next customer is dialled when the last one hangs up. */
export const progressive: DialModeStrategy = {
  mode: 'PROGRESSIVE',
  nailsAgentLeg: true,
  agentLegFirst: false,
  pooled: false,
  paced: false,
  offersWhenFree: true,
  idleReason: 'one customer call per ready agent',
  dial: dialPerFreeAgent,
};
