/** What an agent is doing right now. */
export const AgentState = {
  OFFLINE: 'OFFLINE',
  AVAILABLE: 'AVAILABLE',
  RINGING: 'RINGING',
  ON_CALL: 'ON_CALL',
  WRAP_UP: 'WRAP_UP',
  PAUSED: 'PAUSED',
} as const;
export type AgentState = (typeof AgentState)[keyof typeof AgentState];
export const AGENT_STATES = Object.values(AgentState);
