import type { DialModeStrategy } from './dial-mode.js';
import { dialPerFreeAgent } from './per-agent.js';

/** Seed 000: each record calls the agent, then the customer, with separate agent and customer attempt budgets. */
export const agentFirstFlow: DialModeStrategy = {
  mode: 'AGENT_FIRST_FLOW',
  nailsAgentLeg: false,
  agentLegFirst: true,
  pooled: false,
  paced: false,
  offersWhenFree: true,
  idleReason: 'one customer call per ready agent',
  dial: dialPerFreeAgent,
};
