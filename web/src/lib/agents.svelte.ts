import type { Api } from './api/client.js';
import {
  AGENT_FORM_OPTIONS, AGENTS, CREATE_AGENT, UPDATE_AGENT,
  type AdminUser, type AgentFormOptionsResult, type AgentRow, type AgentsResult, type CreateAgentResult, type UpdateAgentResult,
} from './api/documents.js';
import { errorText, formErrors, NO_ERRORS, type FormErrors } from './form-errors.js';
import { LatestRead } from './latest.js';

/** Agents per page. */
export const AGENTS_PAGE = 50;

/** What the agent form holds. An empty `userId` means no linked user; an empty `timeZone` on create lets the server derive it from the phone. */
export interface AgentDraft {
  name: string;
  phone: string;
  /** With SIP telephony: the desk or soft phone dialled instead of the number; empty: none. */
  sipUri: string;
  timeZone: string;
  userId: string;
  groupIds: string[];
}

export const emptyAgentDraft = (): AgentDraft => ({ name: '', phone: '', sipUri: '', timeZone: '', userId: '', groupIds: [] });

/** The agent's current values as a draft. */
export function agentDraft(agent: AgentRow, groupIds: readonly string[]): AgentDraft {
  return { name: agent.name, phone: agent.phone, sipUri: agent.sipUri ?? '', timeZone: agent.timeZone, userId: agent.userId ?? '', groupIds: [...groupIds] };
}

/** The `updateAgent` input for what the draft changed (only those fields; `userId: ""` unlinks; `groupIds` is the whole new set). */
export function agentChanges(agent: AgentRow, groupIds: readonly string[], draft: AgentDraft): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (draft.name.trim() !== agent.name) out.name = draft.name.trim();
  if (draft.phone.trim() !== agent.phone) out.phone = draft.phone.trim();
  if (draft.sipUri.trim() !== (agent.sipUri ?? '')) out.sipUri = draft.sipUri.trim();
  if (draft.timeZone.trim() !== agent.timeZone) out.timeZone = draft.timeZone.trim();
  if (draft.userId !== (agent.userId ?? '')) out.userId = draft.userId;
  const before = new Set(groupIds);
  if (draft.groupIds.length !== before.size || draft.groupIds.some((id) => !before.has(id))) out.groupIds = [...draft.groupIds];
  return out;
}

/** The `createAgent` input: a blank zone or user is left out. */
export function newAgentInput(draft: AgentDraft): Record<string, unknown> {
  return {
    name: draft.name.trim(),
    phone: draft.phone.trim(),
    ...(draft.sipUri.trim() ? { sipUri: draft.sipUri.trim() } : {}),
    ...(draft.timeZone.trim() ? { timeZone: draft.timeZone.trim() } : {}),
    ...(draft.userId ? { userId: draft.userId } : {}),
    groupIds: [...draft.groupIds],
  };
}

const FORM_FIELDS = ['input.name', 'input.phone', 'input.sipUri', 'input.timeZone', 'input.userId', 'input.groupIds'];

/**
 * The agents page: a page of agents with the groups each belongs to (from the groups' members),
 * and one form that creates an agent or edits one. Groups and users are read with the page, for
 * the membership column and the form's choices.
 */
export class AgentsStore {
  agents = $state.raw<AgentRow[]>([]);
  offset = $state(0);
  /** There is a page after this one (the server was asked for one row more). */
  hasMore = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  groups = $state.raw<AgentFormOptionsResult['agentGroups']>([]);
  users = $state.raw<AdminUser[]>([]);
  notice = $state<string | null>(null);

  /** `null`: the form is closed; `'new'`: creating; otherwise the id of the agent being edited. */
  formFor = $state<string | null>(null);
  draft = $state<AgentDraft>(emptyAgentDraft());
  errors = $state.raw<FormErrors>(NO_ERRORS);
  busy = $state(false);

  /** Agent id → the groups it belongs to, by name. */
  readonly groupsOf = $derived.by(() => {
    const out = new Map<string, { id: string; name: string }[]>();
    for (const g of this.groups) {
      for (const m of g.members) {
        const list = out.get(m.id) ?? [];
        list.push({ id: g.id, name: g.name });
        out.set(m.id, list);
      }
    }
    return out;
  });
  readonly userById = $derived(new Map(this.users.map((u) => [u.id, u])));
  /** Users the form may link: those with no agent profile, and the edited agent's own user. */
  readonly linkableUsers = $derived(this.users.filter((u) => !u.agentId || (this.formFor !== null && u.agentId === this.formFor)));
  readonly editing = $derived(this.formFor && this.formFor !== 'new' ? (this.agents.find((a) => a.id === this.formFor) ?? null) : null);

  private readonly reads = new LatestRead();

  constructor(private readonly api: Api) {}

  /** Reads the page at `offset`, with the groups and users; an answer that arrives after a newer request is dropped. */
  async load(offset = this.offset): Promise<void> {
    const read = () => Promise.all([
      this.api.request<AgentsResult>(AGENTS, { limit: AGENTS_PAGE + 1, offset }),
      this.api.request<AgentFormOptionsResult>(AGENT_FORM_OPTIONS),
    ]);
    await this.reads.run(read, {
      ok: ([page, options]) => {
        this.agents = page.agents.slice(0, AGENTS_PAGE);
        this.hasMore = page.agents.length > AGENTS_PAGE;
        this.groups = options.agentGroups;
        this.users = options.users;
        this.error = null;
      },
      fail: (e) => (this.error = errorText(e)),
      busy: (b) => (this.loading = b),
    });
  }

  next(): void {
    if (this.hasMore) this.offset += AGENTS_PAGE;
  }

  previous(): void {
    this.offset = Math.max(0, this.offset - AGENTS_PAGE);
  }

  startCreate(): void {
    this.formFor = 'new';
    this.draft = emptyAgentDraft();
    this.errors = NO_ERRORS;
    this.notice = null;
  }

  startEdit(agent: AgentRow): void {
    this.formFor = agent.id;
    this.draft = agentDraft(agent, this.groupIdsOf(agent.id));
    this.errors = NO_ERRORS;
    this.notice = null;
  }

  cancel(): void {
    this.formFor = null;
    this.errors = NO_ERRORS;
  }

  toggleGroup(groupId: string): void {
    const ids = this.draft.groupIds;
    this.draft.groupIds = ids.includes(groupId) ? ids.filter((id) => id !== groupId) : [...ids, groupId];
  }

  /** Forgets a field's server message once it is edited. */
  dropError(field: string): void {
    if (!(field in this.errors.fields)) return;
    const { [field]: _gone, ...rest } = this.errors.fields;
    this.errors = { ...this.errors, fields: rest };
  }

  /** Creates the agent or saves the edit; the server's refusal stays next to the fields and nothing changes. */
  async save(): Promise<AgentRow | null> {
    const d = this.draft;
    const fields: Record<string, string> = {};
    if (!d.name.trim()) fields['input.name'] = 'Type a name';
    if (!d.phone.trim()) fields['input.phone'] = 'Type the phone the agent is dialled on, in E.164 (e.g. +919812300001)';
    if (this.formFor !== 'new' && !d.timeZone.trim()) fields['input.timeZone'] = 'Type or pick a time zone';
    if (Object.keys(fields).length) {
      this.errors = { fields, message: null };
      return null;
    }
    this.busy = true;
    this.errors = NO_ERRORS;
    try {
      let agent: AgentRow;
      if (this.formFor === 'new') {
        agent = (await this.api.request<CreateAgentResult>(CREATE_AGENT, { input: newAgentInput(d) })).createAgent;
        this.notice = `Agent ${agent.name} created (${agent.phone}, ${agent.timeZone}).`;
      } else {
        const current = this.editing;
        if (!current) return null;
        const input = agentChanges(current, this.groupIdsOf(current.id), d);
        if (!Object.keys(input).length) {
          this.cancel();
          return current;
        }
        agent = (await this.api.request<UpdateAgentResult>(UPDATE_AGENT, { id: current.id, input })).updateAgent;
        this.notice = `Agent ${agent.name} saved.`;
      }
      this.formFor = null;
      await this.load();
      return agent;
    } catch (e) {
      this.errors = formErrors(e, FORM_FIELDS);
      return null;
    } finally {
      this.busy = false;
    }
  }

  private groupIdsOf(agentId: string): string[] {
    return (this.groupsOf.get(agentId) ?? []).map((g) => g.id);
  }
}
