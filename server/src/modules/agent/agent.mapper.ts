import type { AgentEntity, AgentGroupEntity } from '../../entities/index.js';
import type { Agent, AgentGroup } from './agent.type.js';

export function toAgent(e: AgentEntity): Agent {
  return { id: e.id, name: e.name, phone: e.phone, sipUri: e.sipUri ?? null, timeZone: e.timeZone, state: e.state, stateChangedAt: e.stateChangedAt, userId: e.user?.id ?? null };
}

export function toAgentGroup(e: AgentGroupEntity): AgentGroup {
  const members = e.members.getItems().map(toAgent).sort((a, b) => a.name.localeCompare(b.name));
  return { id: e.id, name: e.name, mayScheduleFollowups: e.mayScheduleFollowups, members, memberCount: members.length };
}
