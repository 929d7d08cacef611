import type { Api } from './api/client.js';
import {
  CHANGE_GROUP_MEMBERS, CREATE_GROUP, GROUPS, UPDATE_GROUP,
  type AgentGroupRow, type ChangeGroupMembersResult, type CreateGroupResult, type GroupsResult, type UpdateGroupResult,
} from './api/documents.js';
import { errorText, formErrors, NO_ERRORS, type FormErrors } from './form-errors.js';

/** A group action's outcome, shown on the group it concerns. */
export interface GroupMessage {
  groupId: string;
  text: string;
  ok: boolean;
}

/** Agents not in the group, by name: whom "Add member" offers. */
export function nonMembers(group: AgentGroupRow, agents: readonly { id: string; name: string }[]): { id: string; name: string }[] {
  const inGroup = new Set(group.members.map((m) => m.id));
  return agents.filter((a) => !inGroup.has(a.id));
}

/**
 * The groups page: groups with their members; create one (with members and whether they may
 * schedule followups), rename it, allow or forbid followups, add and remove members. Membership
 * changes take effect live in running campaigns.
 */
export class GroupsStore {
  groups = $state.raw<AgentGroupRow[]>([]);
  /** Every agent (up to 200), for adding members. */
  agents = $state.raw<GroupsResult['agents']>([]);
  loaded = $state(false);
  error = $state<string | null>(null);

  draft = $state({ name: '', mayScheduleFollowups: true, agentIds: [] as string[] });
  createErrors = $state.raw<FormErrors>(NO_ERRORS);
  createBusy = $state(false);
  notice = $state<string | null>(null);

  /** The group being renamed, and the name typed. */
  renamingId = $state<string | null>(null);
  renameTo = $state('');
  renameErrors = $state.raw<FormErrors>(NO_ERRORS);
  /** The agent chosen in each group's "Add member" select, by group id. */
  adding = $state<Record<string, string>>({});
  /** The group an action is running for, and what the last action said. */
  busyId = $state<string | null>(null);
  groupMessage = $state.raw<GroupMessage | null>(null);

  constructor(private readonly api: Api) {}

  async load(): Promise<void> {
    try {
      const r = await this.api.request<GroupsResult>(GROUPS);
      this.groups = r.agentGroups;
      this.agents = r.agents;
      this.loaded = true;
      this.error = null;
    } catch (e) {
      this.error = errorText(e);
    }
  }

  toggleDraftAgent(agentId: string): void {
    const ids = this.draft.agentIds;
    this.draft.agentIds = ids.includes(agentId) ? ids.filter((id) => id !== agentId) : [...ids, agentId];
  }

  async create(): Promise<AgentGroupRow | null> {
    const name = this.draft.name.trim();
    this.notice = null;
    if (!name) {
      this.createErrors = { fields: { 'input.name': 'Type a name' }, message: null };
      return null;
    }
    this.createBusy = true;
    this.createErrors = NO_ERRORS;
    try {
      const { createAgentGroup: g } = await this.api.request<CreateGroupResult>(CREATE_GROUP, {
        input: { name, mayScheduleFollowups: this.draft.mayScheduleFollowups, agentIds: [...this.draft.agentIds] },
      });
      this.groups = [...this.groups, g].sort((a, b) => a.name.localeCompare(b.name));
      this.draft = { name: '', mayScheduleFollowups: true, agentIds: [] };
      this.notice = `Group ${g.name} created with ${g.memberCount} member${g.memberCount === 1 ? '' : 's'}.`;
      return g;
    } catch (e) {
      this.createErrors = formErrors(e, ['input.name', 'input.agentIds']);
      return null;
    } finally {
      this.createBusy = false;
    }
  }

  startRename(g: AgentGroupRow): void {
    this.renamingId = g.id;
    this.renameTo = g.name;
    this.renameErrors = NO_ERRORS;
    this.groupMessage = null;
    this.notice = null;
  }

  cancelRename(): void {
    this.renamingId = null;
    this.renameErrors = NO_ERRORS;
  }

  async saveRename(): Promise<boolean> {
    const g = this.groups.find((x) => x.id === this.renamingId);
    if (!g) return false;
    const name = this.renameTo.trim();
    if (!name) {
      this.renameErrors = { fields: { 'input.name': 'Type a name' }, message: null };
      return false;
    }
    if (name === g.name) {
      this.cancelRename();
      return true;
    }
    this.busyId = g.id;
    this.renameErrors = NO_ERRORS;
    try {
      const { updateAgentGroup } = await this.api.request<UpdateGroupResult>(UPDATE_GROUP, { id: g.id, input: { name } });
      this.replace(updateAgentGroup);
      this.renamingId = null;
      this.groupMessage = { groupId: g.id, ok: true, text: `Renamed to ${updateAgentGroup.name}.` };
      return true;
    } catch (e) {
      this.renameErrors = formErrors(e, ['input.name']);
      return false;
    } finally {
      this.busyId = null;
    }
  }

  /** Allows or forbids the members to schedule followups (from their next request). */
  setFollowups(g: AgentGroupRow, allowed: boolean): Promise<boolean> {
    return this.groupAction(g, async () => {
      const { updateAgentGroup } = await this.api.request<UpdateGroupResult>(UPDATE_GROUP, { id: g.id, input: { mayScheduleFollowups: allowed } });
      this.replace(updateAgentGroup);
      return `Members of ${g.name} ${updateAgentGroup.mayScheduleFollowups ? 'may' : 'may not'} schedule followups.`;
    });
  }

  /** Adds the agent chosen in the group's select. */
  addMember(g: AgentGroupRow): Promise<boolean> {
    const agentId = this.adding[g.id];
    if (!agentId) {
      this.groupMessage = { groupId: g.id, ok: false, text: 'Choose an agent to add' };
      return Promise.resolve(false);
    }
    return this.groupAction(g, async () => {
      const { changeGroupMembers } = await this.api.request<ChangeGroupMembersResult>(CHANGE_GROUP_MEMBERS, { groupId: g.id, add: [agentId], remove: [] });
      this.replace(changeGroupMembers);
      this.adding[g.id] = '';
      return `${this.agents.find((a) => a.id === agentId)?.name ?? 'The agent'} added to ${g.name}.`;
    });
  }

  removeMember(g: AgentGroupRow, agentId: string): Promise<boolean> {
    const name = g.members.find((m) => m.id === agentId)?.name ?? 'The agent';
    return this.groupAction(g, async () => {
      const { changeGroupMembers } = await this.api.request<ChangeGroupMembersResult>(CHANGE_GROUP_MEMBERS, { groupId: g.id, add: [], remove: [agentId] });
      this.replace(changeGroupMembers);
      return `${name} removed from ${g.name}.`;
    });
  }

  private async groupAction(g: AgentGroupRow, run: () => Promise<string>): Promise<boolean> {
    this.busyId = g.id;
    this.groupMessage = null;
    this.notice = null;
    try {
      this.groupMessage = { groupId: g.id, ok: true, text: await run() };
      return true;
    } catch (e) {
      this.groupMessage = { groupId: g.id, ok: false, text: errorText(e) };
      return false;
    } finally {
      this.busyId = null;
    }
  }

  private replace(group: AgentGroupRow): void {
    this.groups = this.groups.map((x) => (x.id === group.id ? group : x)).sort((a, b) => a.name.localeCompare(b.name));
  }
}
