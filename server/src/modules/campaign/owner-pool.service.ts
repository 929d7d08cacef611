import { isSupervisor, requireSupervisor } from '../../auth/actor.js';
import type { Scope } from '../../auth/scope.js';
import type { Clock } from '../../clock.js';
import { readCsvTable } from '../../domain/csv-table.js';
import { badInput, conflict, forbidden, notFound } from '../../domain/errors.js';
import { assertId, assertInputId } from '../../domain/ids.js';
import { balanceAssignment, claimAllowance, type OwnerPool } from '../../domain/owner-pool.js';
import { normalisePhone } from '../../domain/phone.js';
import type { StatsService } from '../stats/stats.service.js';
import { AssignmentRepository, type PoolCampaignRow } from './assignment.repository.js';
import type { AssignNumbersCsvInput, AssignNumbersInput, CampaignNumbersArgs } from './owner-pool.input.js';
import type { AgentOwnership, AssignCsvError, AssignCsvResult, AssignResult, CampaignNumberPage, GetCustomersResult } from './owner-pool.type.js';

const OPEN = ['SCHEDULED', 'RUNNING', 'PAUSED'];
const MAX_CSV_ROWS = 100_000;

/**
 * Agent-owned customer pools (seed 003). Agents take customers with "Get customers" within the
 * campaign's limits; supervisors assign by hand, by CSV or balanced across the group. The engine
 * dials each agent's own customers only (engine/hopper.ts) and releases stalled callbacks.
 */
export class OwnerPoolService {
  constructor(
    private readonly clock: Clock,
    private readonly stats: StatsService,
  ) {}

  /** "Get customers": the agent (or a supervisor for an agent of the group) takes unassigned new customers. */
  async getCustomers(scope: Scope, campaignId: string, agentId?: string | null): Promise<GetCustomersResult> {
    const id = assertId(campaignId, 'campaign');
    const agent = agentId ? assertInputId(agentId, 'agentId') : scope.actor.agentId;
    if (!agent) throw badInput('you have no agent profile; name the agent (agentId)', 'agentId');
    if (agent !== scope.actor.agentId) requireSupervisor(scope.actor, 'get customers for another agent');
    const result = await scope.em.transactional(async (em) => {
      const repo = new AssignmentRepository(em);
      const c = await this.poolCampaign(repo, scope, id);
      if (!(await repo.members(c.id, c.group_id)).some((m) => m.id === agent)) {
        throw isSupervisor(scope.actor) ? badInput('the agent is not in the campaign group', 'agentId') : forbidden('get customers of a campaign outside your groups');
      }
      await repo.lockAgent(c.id, agent);
      const owned = await repo.ownedCustomers(c.id, agent);
      const allowance = claimAllowance(c.owner_pool!, owned);
      const claimed = await repo.claimNew(c.id, agent, allowance.take, this.clock.now());
      return {
        claimed,
        owned: owned + claimed,
        perClickMax: c.owner_pool!.perClickMax,
        maxUnprocessed: c.owner_pool!.maxUnprocessed,
        limitedBy: claimed < allowance.take ? 'NONE_LEFT' : allowance.boundBy,
        organizationId: c.organization_id,
      } as const;
    });
    const { organizationId, ...out } = result;
    if (out.claimed) this.stats.publish(organizationId, id);
    this.stats.publishAgents([agent]);
    return out;
  }

  /** Gives numbers (with their customers' other waiting numbers) to an agent of the group, or back to the pool. */
  async assign(scope: Scope, input: AssignNumbersInput): Promise<AssignResult> {
    requireSupervisor(scope.actor, 'assign customers');
    const id = assertInputId(input.campaignId, 'input.campaignId');
    const numberIds = input.numberIds.map((n, i) => assertInputId(n, `input.numberIds.${i}`));
    if (!numberIds.length) throw badInput('name at least one number', 'input.numberIds');
    const agent = input.agentId ? assertInputId(input.agentId, 'input.agentId') : null;
    return this.change(scope, id, async (repo, c, members) => {
      if (agent && !members.some((m) => m.id === agent)) throw badInput('the agent is not in the campaign group', 'input.agentId');
      const found = await repo.customersOfNumbers(c.id, numberIds);
      const missing = numberIds.find((n) => !found.some((f) => f.id === n));
      if (missing) throw notFound('campaign number', missing);
      const done = found.find((f) => f.state !== 'SCHEDULED' && f.state !== 'RETRY');
      if (done) throw conflict(`number ${done.id} is ${done.state.toLowerCase()}: only waiting numbers change hands`, { numberId: done.id, state: done.state });
      return repo.assignCustomers(c.id, [...new Set(found.map((f) => f.customer))], agent, this.clock.now());
    });
  }

  /** Balanced: unassigned customers go one at a time to the agent owning fewest, within the campaign's maximum. */
  async autoAssign(scope: Scope, campaignId: string): Promise<AssignResult> {
    requireSupervisor(scope.actor, 'assign customers');
    const id = assertId(campaignId, 'campaign');
    return this.change(scope, id, async (repo, c, members) => {
      if (!members.length) throw conflict('the campaign group has no agents to assign to');
      const customers = await repo.unassignedCustomers(c.id);
      const give = balanceAssignment(members.map((m) => Number(m.owned)), customers.length, c.owner_pool!.maxUnprocessed);
      const now = this.clock.now();
      let at = 0;
      let changed = 0;
      for (const [i, m] of members.entries()) {
        changed += await repo.assignCustomers(c.id, customers.slice(at, at + give[i]!), m.id, now);
        at += give[i]!;
      }
      return changed;
    });
  }

  /** CSV: a `phone` (or `number`) and an `agent` column (id, name or phone); bad rows are reported by line, the rest assigned. */
  async assignCsv(scope: Scope, input: AssignNumbersCsvInput): Promise<AssignCsvResult> {
    requireSupervisor(scope.actor, 'assign customers');
    const id = assertInputId(input.campaignId, 'input.campaignId');
    const { header, rows } = readCsvTable(input.csv);
    const phoneIdx = header.findIndex((h) => h === 'phone' || h === 'number' || h === 'phone_number');
    const agentIdx = header.findIndex((h) => h === 'agent' || h === 'agent_id' || h === 'owner');
    if (phoneIdx < 0 || agentIdx < 0) throw badInput('CSV header needs a "phone" and an "agent" column', 'input.csv');
    if (rows.length > MAX_CSV_ROWS) throw badInput(`CSV has ${rows.length} rows; at most ${MAX_CSV_ROWS} at once`, 'input.csv');
    const errors: AssignCsvError[] = [];
    let total = 0;
    const result = await this.change(scope, id, async (repo, c, members) => {
      const byKey = new Map<string, string[]>();
      for (const m of members) for (const k of [m.id, m.name.trim().toLowerCase(), m.phone]) byKey.set(k, [...(byKey.get(k) ?? []), m.id]);
      const wanted: { line: number; e164: string; agent: string }[] = [];
      for (const { record, line } of rows) {
        const phone = (record[phoneIdx] ?? '').trim();
        const who = (record[agentIdx] ?? '').trim();
        if (!phone || !who) {
          errors.push({ line, code: 'EMPTY_ROW', reason: 'a phone and an agent are both needed' });
          continue;
        }
        let e164: string;
        try {
          e164 = normalisePhone(phone, 'phone').e164;
        } catch (e) {
          errors.push({ line, code: 'INVALID_PHONE', reason: (e as Error).message });
          continue;
        }
        let key = who.toLowerCase();
        try {
          key = normalisePhone(who, 'agent').e164;
        } catch {
          // not a phone: an id or a name
        }
        const agents = [...new Set(byKey.get(key) ?? byKey.get(who) ?? [])];
        if (agents.length !== 1) {
          errors.push({ line, code: agents.length ? 'AMBIGUOUS_AGENT' : 'UNKNOWN_AGENT', reason: agents.length ? `"${who}" names ${agents.length} agents of the group: use the id` : `no agent of the campaign group is "${who}"` });
          continue;
        }
        wanted.push({ line, e164, agent: agents[0]! });
      }
      const customers = await repo.customersByNumber(c.id, [...new Set(wanted.map((w) => w.e164))]);
      const byAgent = new Map<string, string[]>();
      for (const w of wanted) {
        const customer = customers.get(w.e164);
        if (!customer) {
          errors.push({ line: w.line, code: 'UNKNOWN_NUMBER', reason: `${w.e164} is not a waiting number of this campaign` });
          continue;
        }
        byAgent.set(w.agent, [...(byAgent.get(w.agent) ?? []), customer]);
      }
      const now = this.clock.now();
      for (const [agent, list] of byAgent) total += await repo.assignCustomers(c.id, [...new Set(list)], agent, now);
      return total;
    });
    errors.sort((a, b) => a.line - b.line);
    return { rows: rows.length, numbersAssigned: result.numbersAssigned, errors, agents: result.agents };
  }

  /** Every agent of an owner-pool campaign's group and the unprocessed customers each owns. */
  async owners(scope: Scope, campaignId: string): Promise<AgentOwnership[]> {
    requireSupervisor(scope.actor, "read who owns a campaign's customers");
    const repo = new AssignmentRepository(scope.em);
    const c = await repo.campaign(scope.actor.organizationId, assertId(campaignId, 'campaign'));
    if (!c) throw notFound('campaign', campaignId);
    return (await repo.members(c.id, c.group_id)).map((m) => ({ agentId: m.id, name: m.name, owned: Number(m.owned) }));
  }

  /** A page of a campaign's numbers with their owners (supervisors, and keys with campaigns:read). */
  async numbers(scope: Scope, args: CampaignNumbersArgs): Promise<CampaignNumberPage> {
    requireSupervisor(scope.actor, "read a campaign's numbers");
    const id = assertInputId(args.campaignId, 'campaignId');
    const repo = new AssignmentRepository(scope.em);
    if (!(await repo.campaign(scope.actor.organizationId, id))) throw notFound('campaign', id);
    const owner = args.ownerAgentId ? assertInputId(args.ownerAgentId, 'ownerAgentId') : null;
    const rows = await repo.page(id, { states: args.states, ownerId: owner, unassigned: args.unassigned, search: args.search?.trim() || undefined }, args.limit, args.offset);
    return {
      totalCount: Number(rows[0]?.total ?? 0),
      items: rows.map((r) => ({
        id: r.id, contactName: r.contact_name, number: r.e164, state: r.state, reason: r.reason, ownerAgentId: r.owner_agent_id, ownerName: r.owner_name,
        nextAttemptAt: r.next_attempt_at ? new Date(r.next_attempt_at) : null, dialCount: r.dial_count, releasedAt: r.released_at ? new Date(r.released_at) : null,
      })),
    };
  }

  /** One assignment change in a transaction, then the group's ownership and a live push. */
  private async change(scope: Scope, id: string, work: (repo: AssignmentRepository, c: PoolCampaignRow, members: { id: string; name: string; phone: string; owned: string }[]) => Promise<number>): Promise<AssignResult> {
    const { c, changed, agents } = await scope.em.transactional(async (em) => {
      const repo = new AssignmentRepository(em);
      const c = await this.poolCampaign(repo, scope, id);
      const changed = await work(repo, c, await repo.members(c.id, c.group_id));
      const agents: AgentOwnership[] = (await repo.members(c.id, c.group_id)).map((m) => ({ agentId: m.id, name: m.name, owned: Number(m.owned) }));
      return { c, changed, agents };
    });
    if (changed) this.stats.publish(c.organization_id, c.id);
    this.stats.publishAgents(agents.map((a) => a.agentId));
    return { numbersAssigned: changed, agents };
  }

  private async poolCampaign(repo: AssignmentRepository, scope: Scope, id: string): Promise<PoolCampaignRow & { owner_pool: OwnerPool }> {
    const c = await repo.campaign(scope.actor.organizationId, id);
    if (!c) throw notFound('campaign', id);
    if (!c.owner_pool) throw conflict('the campaign has no owner pool: any agent dials any customer', { campaignId: id });
    if (!OPEN.includes(c.status)) throw conflict(`the campaign is ${c.status.toLowerCase()}: its customers no longer change hands`, { status: c.status });
    return c as PoolCampaignRow & { owner_pool: OwnerPool };
  }
}
