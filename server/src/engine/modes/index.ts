import type { DialMode } from '../../domain/campaign-options.js';
import { agentFirstFlow } from './agent-first.js';
import type { DialModeStrategy } from './dial-mode.js';
import { predictive } from './predictive.js';
import { preview } from './preview.js';
import { progressive } from './progressive.js';

export type { DialModeStrategy, DialingView, FreeAgent } from './dial-mode.js';
export { PredictivePacer, type PaceDecision, type PaceRequest, type PacingSituation } from './predictive.js';

/** Each dial mode's strategy, in its own file. */
const STRATEGIES: Record<DialMode, DialModeStrategy> = {
  PROGRESSIVE: progressive,
  AGENT_FIRST_FLOW: agentFirstFlow,
  PREDICTIVE: predictive,
  PREVIEW: preview,
};

export function strategyFor(mode: DialMode): DialModeStrategy {
  return STRATEGIES[mode];
}
