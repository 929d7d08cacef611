import type { DialModeStrategy } from './dial-mode.js';

/** Seed 002: agents see the record and launch the call themselves; the dialler launches nothing. */
export const preview: DialModeStrategy = {
  mode: 'PREVIEW',
  nailsAgentLeg: false,
  agentLegFirst: false,
  pooled: false,
  paced: false,
  offersWhenFree: false,
  idleReason: 'preview: agents launch calls',
  dial: async () => undefined,
};
