import { Ctx, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import type { AgentBoardService } from './agent-board.service.js';
import { AgentBoardEntry } from './agent.type.js';

@Resolver()
export class AgentBoardResolver {
  constructor(private readonly board: AgentBoardService) {}

  @Query(() => [AgentBoardEntry], { complexity: 500, description: 'Every agent with state, time in state and campaign, longest in state first (supervisors; the wallboard)' })
  agentBoard(@Ctx() ctx: GraphQLContext): Promise<AgentBoardEntry[]> {
    return this.board.board(ctx);
  }

  @Subscription(() => [AgentBoardEntry], {
    complexity: 500,
    description: 'The agent board at once, then whenever an agent changes (supervisors)',
    // type-graphql calls `subscribe` without the resolver instance, so the service comes from the context.
    subscribe: ({ context }) => (context as GraphQLContext).services.agentBoard.subscribe(context as GraphQLContext),
  })
  agentBoardChanged(@Root() payload: AgentBoardEntry[]): AgentBoardEntry[] {
    return payload;
  }
}
