import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../logger.js';
import { Broadcast, firstThen } from '../../pubsub/fanout.js';
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
  /** Per organisation: one read per hint for all of this process's wallboards, pushed only when it changed. */
  private readonly boards: Broadcast<string, AgentBoardEntry[]>;
  /** The last board each organisation's shared stream read (a new wallboard starts from it). */
  private readonly latest = new Map<string, AgentBoardEntry[]>();

  constructor(
    private readonly orm: MikroORM,
    private readonly pubSub: DialerPubSub,
    log: Logger,
  ) {
    this.boards = new Broadcast((org) => this.changes(org), { conflate: true, onError: (err) => log.error({ err }, 'the agent board stream failed') });
  }

  async board(scope: Scope): Promise<AgentBoardEntry[]> {
    requireSupervisor(scope.actor, 'see every agent on the wallboard');
    return this.read(scope.em, scope.actor.organizationId);
  }

  /** The board at once, then whenever it changes (read once per change for every wallboard of the organisation here). */
  async subscribe(scope: Scope): Promise<AsyncIterable<AgentBoardEntry[]>> {
    requireSupervisor(scope.actor, 'see every agent on the wallboard');
    const org = scope.actor.organizationId;
    const boards = this.boards.subscribe(org);
    // a stream that has read already starts the newcomer from its board; a new one pushes its first read to all
    const known = this.latest.get(org);
    return known ? firstThen(known, boards, (board) => board) : boards;
  }

  /** An organisation's board now and after every hint that changed it; `return()` stops listening. */
  private changes(org: string): AsyncIterable<AgentBoardEntry[]> {
    const hints = this.pubSub.subscribe(Topic.AGENT_BOARD_CHANGED, org);
    let last: string | undefined;
    let started = false;
    const next = async (): Promise<IteratorResult<AgentBoardEntry[]>> => {
      for (;;) {
        if (started) {
          const hint = await hints.next();
          if (hint.done) return { value: undefined, done: true };
        }
        started = true;
        const board = await this.read(this.orm.em.fork(), org);
        const key = JSON.stringify(board);
        if (key === last) continue;
        last = key;
        this.latest.set(org, board);
        return { value: board, done: false };
      }
    };
    const stream: AsyncIterableIterator<AgentBoardEntry[]> = {
      next,
      return: async () => {
        this.latest.delete(org);
        await hints.return();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => stream,
    };
    return stream;
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
