import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { ReportInboundCallInput } from './inbound.input.js';
import type { InboundService } from './inbound.service.js';
import { InboundCallResult } from './inbound.type.js';

@Resolver()
export class InboundResolver {
  constructor(private readonly inbound: InboundService) {}

  @Mutation(() => InboundCallResult, { description: 'Reports an inbound call; dropped sessions feed missed-call campaigns, answered calls cancel pending ones (seed 001)' })
  reportInboundCall(@Arg('input', () => ReportInboundCallInput) input: ReportInboundCallInput, @Ctx() ctx: GraphQLContext): Promise<InboundCallResult> {
    return this.inbound.report(ctx, input);
  }

  @Mutation(() => String, { description: 'Creates or replaces the secret that signs POST /hooks/inbound (admins; shown once)' })
  rotateInboundHookSecret(@Ctx() ctx: GraphQLContext): Promise<string> {
    return this.inbound.rotateHookSecret(ctx);
  }
}
