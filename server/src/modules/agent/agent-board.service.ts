import type { EntityManager } from '@mikro-orm/postgresql';
import { requireSupervisor } from '../../auth/actor.js';
import type { Scope } from '../../auth/scope.js';
import type { AgentState } from '../../domain/agent-state.js';
import { Topic, type DialerPubSub } from '../../pubsub/pubsub.js';
import type { AgentBoardEntry } from './agent.type.js';

/** At most this many agents on a wallboard's agent panel. */
const BOARD_MAX = 500;

interface BoardRow {
  id: string;
  name: string;
  state: AgentState;
  state_changed_at: Date;
  campaign_id: string | null;
  campaign_name: string | null;
}

/**
 * The wallboard's per-agent panel (issue 16): every agent of the organisation with their state, how
 * long they have been in it and the campaign they dial, longest in state first; live through
 * `agentBoardChanged`, pushed when any agent of the organisation changes (coalesced by the publisher).
 */
export class AgentBoardService {
  constructor(private readonly pubSub: DialerPubSub) {}

  async board(scope: Scope): Promise<AgentBoardEntry[]> {
    requireSupervisor(scope.actor, 'see every agent on the wallboard');
    return this.read(scope.em, scope.actor.organizationId);
  }

  async subscribe(scope: Scope): Promise<AsyncIterable<AgentBoardEntry[]>> {
    requireSupervisor(scope.actor, 'see every agent on the wallboard');
    const org = scope.actor.organizationId;
    const events = this.pubSub.subscribe(Topic.AGENT_BOARD_CHANGED, org);
    const first = await this.read(scope.em.fork(), org);
    const read = (em: EntityManager) => this.read(em, org);
    let last = JSON.stringify(first);
    return (async function* () {
      yield first;
      for await (const _hint of events) {
        const next = await read(scope.em.fork());
        const key = JSON.stringify(next);
        if (key === last) continue;
        last = key;
        yield next;
      }
    })();
  }

  private async read(em: EntityManager, organizationId: string): Promise<AgentBoardEntry[]> {
    const rows = await em.execute<BoardRow[]>(
      `select a.id, a.name, a.state, a.state_changed_at, coalesce(a.active_campaign_id, a.launch_campaign_id) as campaign_id, c.name as campaign_name
         from agent a left join campaign c on c.id = coalesce(a.active_campaign_id, a.launch_campaign_id)
        where a.organization_id = ? order by a.state_changed_at, a.name limit ?`,
      [organizationId, BOARD_MAX],
    );
    return rows.map((r) => ({
      agentId: r.id, name: r.name, state: r.state, stateChangedAt: new Date(r.state_changed_at), campaignId: r.campaign_id, campaignName: r.campaign_name,
    }));
  }
}
