import type { Clock } from '../../clock.js';
import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isSupervisor, requireSupervisor, type Actor } from '../../auth/actor.js';
import { AgentState } from '../../domain/agent-state.js';
import { assertId, assertInputId } from '../../domain/ids.js';
import { normalisePhone } from '../../domain/phone.js';
import { normaliseSipUri } from '../../domain/sip-uri.js';
import { canonicalTimeZone, singleZoneOf } from '../../domain/time-zone.js';
import { AgentEntity, AgentGroupEntity, OrganizationEntity, UserEntity } from '../../entities/index.js';
import { badInput, conflict, notFound } from '../../domain/errors.js';
import type { Scope } from '../../auth/scope.js';
import { AgentRepository } from './agent.repository.js';
import type { CreateAgentInput, CreateAgentGroupInput, UpdateAgentGroupInput, UpdateAgentInput } from './agent.input.js';

/**
 * Agents and groups: supervisors and admins manage and list them. An agent reads only their own
 * profile (another agent's id answers NOT_FOUND, as if it did not exist).
 */
export class AgentService {
  constructor(private readonly clock: Clock) {}

  page(scope: Scope, limit: number, offset: number) {
    requireSupervisor(scope.actor, 'list agents');
    return new AgentRepository(scope.em).findPage(scope.actor.organizationId, limit, offset);
  }

  async get(scope: Scope, id: string): Promise<AgentEntity> {
    const agentId = assertId(id, 'agent');
    if (!isSupervisor(scope.actor) && scope.actor.agentId !== agentId) throw notFound('agent', id);
    const agent = await new AgentRepository(scope.em).findById(scope.actor.organizationId, agentId);
    if (!agent) throw notFound('agent', id);
    return agent;
  }

  /**
   * Edits an agent: name, phone, time zone, linked user and groups (groupIds replaces the set).
   * Group changes take effect live like changeGroupMembers; a new phone is used from the next agent leg.
   */
  async update(scope: Scope, id: string, input: UpdateAgentInput): Promise<AgentEntity> {
    requireSupervisor(scope.actor, 'change agents');
    const org = scope.actor.organizationId;
    return scope.em.transactional(async (em) => {
      const repo = new AgentRepository(em);
      const agent = await repo.findById(org, assertId(id, 'agent'));
      if (!agent) throw notFound('agent', id);
      if (input.name !== undefined) {
        const name = input.name.trim();
        if (!name) throw badInput('name is empty', 'input.name');
        agent.name = name;
      }
      if (input.phone !== undefined) {
        const phone = normalisePhone(input.phone, 'input.phone', input.defaultRegion?.toUpperCase());
        const other = await repo.findByPhone(org, phone.e164);
        if (other && other.id !== agent.id) throw conflict(`an agent with phone ${phone.e164} already exists`, { field: 'input.phone' });
        agent.phone = phone.e164;
      }
      if (input.sipUri !== undefined) agent.sipUri = input.sipUri.trim() ? normaliseSipUri(input.sipUri, 'input.sipUri') : null;
      if (input.timeZone !== undefined) agent.timeZone = canonicalTimeZone(input.timeZone, 'input.timeZone');
      if (input.userId !== undefined) {
        if (input.userId === null || input.userId === '') agent.user = null;
        else {
          const user = await em.findOne(UserEntity, { id: assertInputId(input.userId, 'input.userId'), organization: org });
          if (!user) throw notFound('user', input.userId);
          const linked = await em.findOne(AgentEntity, { user });
          if (linked && linked.id !== agent.id) throw conflict('that user already has an agent profile', { field: 'input.userId' });
          agent.user = ref(user);
        }
      }
      if (input.groupIds) {
        const groups = await this.groupsOrThrow(em, org, input.groupIds, 'input.groupIds');
        const all = await em.find(AgentGroupEntity, { organization: org }, { populate: ['members'] });
        for (const g of all) {
          const wanted = groups.some((x) => x.id === g.id);
          if (wanted && !g.members.contains(agent)) g.members.add(agent);
          if (!wanted && g.members.contains(agent)) g.members.remove(agent);
        }
      }
      await em.flush();
      return agent;
    });
  }

  async create(scope: Scope, input: CreateAgentInput): Promise<AgentEntity> {
    requireSupervisor(scope.actor, 'create agents');
    const org = scope.actor.organizationId;
    const phone = normalisePhone(input.phone, 'input.phone', input.defaultRegion?.toUpperCase());
    const name = input.name.trim();
    if (!name) throw badInput('name is empty', 'input.name');
    return scope.em.transactional(async (em) => {
      // the agent's own zone: given, else the phone's when its prefix pins it down, else the contact centre's
      const timeZone = input.timeZone
        ? canonicalTimeZone(input.timeZone, 'input.timeZone')
        : singleZoneOf(phone.e164, phone.region) ?? (await em.findOneOrFail(OrganizationEntity, { id: org })).timeZone;
      const repo = new AgentRepository(em);
      if (await repo.findByPhone(org, phone.e164)) throw conflict(`an agent with phone ${phone.e164} already exists`, { field: 'input.phone' });
      let user: UserEntity | null = null;
      if (input.userId) {
        user = await em.findOne(UserEntity, { id: assertInputId(input.userId, 'input.userId'), organization: org });
        if (!user) throw notFound('user', input.userId);
        if (await em.findOne(AgentEntity, { user })) throw conflict('that user already has an agent profile', { field: 'input.userId' });
      }
      const groups = await this.groupsOrThrow(em, org, input.groupIds ?? [], 'input.groupIds');
      const now = this.clock.now();
      const agent = em.create(AgentEntity, {
        organization: org,
        user,
        name,
        phone: phone.e164,
        sipUri: input.sipUri?.trim() ? normaliseSipUri(input.sipUri, 'input.sipUri') : null,
        timeZone,
        state: AgentState.OFFLINE,
        pauseRequested: false,
        stateChangedAt: now,
        createdAt: now,
      });
      for (const g of groups) g.members.add(agent);
      await em.flush();
      return agent;
    });
  }

  groups(scope: Scope, limit: number, offset: number) {
    requireSupervisor(scope.actor, 'list agent groups');
    return new AgentRepository(scope.em).findGroups(scope.actor.organizationId, limit, offset);
  }

  async group(scope: Scope, id: string): Promise<AgentGroupEntity> {
    requireSupervisor(scope.actor, 'read agent groups');
    const g = await new AgentRepository(scope.em).findGroup(scope.actor.organizationId, assertId(id, 'agent group'));
    if (!g) throw notFound('agent group', id);
    return g;
  }

  async createGroup(scope: Scope, input: CreateAgentGroupInput): Promise<AgentGroupEntity> {
    requireSupervisor(scope.actor, 'create agent groups');
    const org = scope.actor.organizationId;
    const name = input.name.trim();
    if (!name) throw badInput('name is empty', 'input.name');
    const repo = new AgentRepository(scope.em);
    if (await repo.findGroupByName(org, name)) throw conflict(`a group named "${name}" already exists`, { field: 'input.name' });
    const agents = await this.agentsOrThrow(scope.actor, repo, input.agentIds, 'input.agentIds');
    const group = scope.em.create(AgentGroupEntity, { organization: org, name, mayScheduleFollowups: input.mayScheduleFollowups ?? true, createdAt: this.clock.now() });
    group.members.set(agents);
    await scope.em.flush();
    return group;
  }

  /** Membership changes take effect live: the dialler reads the group each tick. */
  async changeMembers(scope: Scope, groupId: string, add: string[], remove: string[]): Promise<AgentGroupEntity> {
    requireSupervisor(scope.actor, 'change group membership');
    const group = await this.group(scope, groupId);
    const repo = new AgentRepository(scope.em);
    const toAdd = await this.agentsOrThrow(scope.actor, repo, add, 'addAgentIds');
    const removeIds = new Set(remove.map((id, i) => assertInputId(id, `removeAgentIds.${i}`)));
    for (const a of toAdd) group.members.add(a);
    for (const a of group.members.getItems()) if (removeIds.has(a.id)) group.members.remove(a);
    await scope.em.flush();
    return group;
  }

  /** Renames a group or allows / forbids its members to schedule followups (from their next request). */
  async updateGroup(scope: Scope, id: string, input: UpdateAgentGroupInput): Promise<AgentGroupEntity> {
    requireSupervisor(scope.actor, 'change agent groups');
    const group = await this.group(scope, id);
    if (input.name !== undefined) {
      const name = input.name.trim();
      if (!name) throw badInput('name is empty', 'input.name');
      const other = await new AgentRepository(scope.em).findGroupByName(scope.actor.organizationId, name);
      if (other && other.id !== group.id) throw conflict(`a group named "${name}" already exists`, { field: 'input.name' });
      group.name = name;
    }
    if (input.mayScheduleFollowups !== undefined) group.mayScheduleFollowups = input.mayScheduleFollowups;
    await scope.em.flush();
    return group;
  }

  private async groupsOrThrow(em: EntityManager, org: string, ids: string[], field: string): Promise<AgentGroupEntity[]> {
    const clean = [...new Set(ids.map((id, i) => assertInputId(id, `${field}.${i}`)))];
    const groups = clean.length ? await em.find(AgentGroupEntity, { organization: org, id: { $in: clean } }, { populate: ['members'] }) : [];
    const missing = clean.find((id) => !groups.some((g) => g.id === id));
    if (missing) throw notFound('agent group', missing);
    return groups;
  }

  private async agentsOrThrow(actor: Actor, repo: AgentRepository, ids: string[], field: string): Promise<AgentEntity[]> {
    const clean = [...new Set(ids.map((id, i) => assertInputId(id, `${field}.${i}`)))];
    if (!clean.length) return [];
    const agents = await repo.findMany(actor.organizationId, clean);
    const missing = clean.find((id) => !agents.some((a) => a.id === id));
    if (missing) throw notFound('agent', missing);
    return agents;
  }
}
