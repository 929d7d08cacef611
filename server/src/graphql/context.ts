import type { Scope } from '../auth/scope.js';
import type { ConsoleService } from '../modules/dialer/console.service.js';
import type { LiveStatsService } from '../modules/stats/live-stats.service.js';
import type { StatsService } from '../modules/stats/stats.service.js';
import type { AgentBoardService } from '../modules/agent/agent-board.service.js';

export type { Scope } from '../auth/scope.js';

/** Services reachable from the context, for subscribe functions that run without a resolver instance. */
export interface ContextServices {
  stats: StatsService;
  live: LiveStatsService;
  consoles: ConsoleService;
  agentBoard: AgentBoardService;
}

/** GraphQL context: built per HTTP request and per graphql-ws operation. */
export interface GraphQLContext extends Scope {
  services: ContextServices;
  /** The client's address (sign-in limits) and this request's id (in error answers and the log). */
  request?: { ip: string; id: string };
  /**
   * A WebSocket operation's unit of work is made when first used; a subscription lets it go once its source stream
   * exists (thousands of wallboard subscriptions would otherwise each hold one for their lifetime).
   */
  releaseEm?(): void;
  /**
   * graphql-ws only: sends this operation's `next` message with a payload already serialised (a result shared by many
   * subscribers is serialised once, `shared-subscribe.ts`).
   */
  sendNext?(payloadJson: Buffer): void;
}
