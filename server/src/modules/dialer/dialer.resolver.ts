import { Arg, Args, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import type { CampaignLivePayload } from '../../pubsub/pubsub.js';
import type { LiveStatsService } from '../stats/live-stats.service.js';
import { CampaignLive, TimelinePoint } from '../stats/live-stats.type.js';
import { TimelineArgs } from '../stats/stats.input.js';
import { AddSuppressionInput, CallLegsArgs, FlowVariablesInput, ImportSuppressionsCsvInput, ScheduleFollowupInput, ScheduleManualFollowupInput, SuppressionsArgs } from './dialer.input.js';
import type { CallListService } from './call-list.service.js';
import type { ConsoleService } from './console.service.js';
import type { FollowupService } from './followup.service.js';
import type { SuppressionService } from './suppression.service.js';
import { AgentConsole, CallLegPage, Followup, FollowupContact, InterruptedCallOutcome, LiveCall, SettledNumber, Suppression, SuppressionImportResult, SuppressionPage } from './dialer.type.js';

function toCampaignLive(p: CampaignLivePayload): CampaignLive {
  const a = p.agents;
  return {
    ...p,
    agents: { available: a.available ?? 0, ringing: a.ringing ?? 0, onCall: a.onCall ?? 0, wrapUp: a.wrapUp ?? 0, paused: a.paused ?? 0, offline: a.offline ?? 0, elsewhere: a.elsewhere ?? 0 },
    integrations: (p.integrations ?? []).map((i) => ({
      ...i, errorAt: i.errorAt ? new Date(i.errorAt) : null, retryAt: i.retryAt ? new Date(i.retryAt) : null, okAt: i.okAt ? new Date(i.okAt) : null,
    })),
    occupancyThisMinute: p.occupancyThisMinute ?? null,
    updatedAt: new Date(p.updatedAt),
  };
}

@Resolver()
export class DialerResolver {
  constructor(
    private readonly consoles: ConsoleService,
    private readonly followups: FollowupService,
    private readonly dnd: SuppressionService,
    private readonly callList: CallListService,
    private readonly live: LiveStatsService,
  ) {}

  @Subscription(() => AgentConsole, {
    description: 'My agent console at once, then on every change: state, live call, campaigns, followups (supervisors may name an agent)',
    subscribe: ({ args, context }) => (context as GraphQLContext).services.consoles.subscribe(context as GraphQLContext, args.agentId as string | undefined),
  })
  agentConsoleChanged(@Arg('agentId', () => ID, { nullable: true }) _agentId: string | undefined, @Root() payload: AgentConsole): AgentConsole {
    return payload;
  }

  @Query(() => AgentConsole, { description: 'My agent console (supervisors may name an agent)' })
  agentConsole(@Arg('agentId', () => ID, { nullable: true }) agentId: string | undefined, @Ctx() ctx: GraphQLContext): Promise<AgentConsole> {
    return this.consoles.console(ctx, agentId);
  }

  @Mutation(() => AgentConsole, { description: 'Start dialling in a campaign: the agent leg is dialled first (refused before the start time or when nothing is left)' })
  startDialling(
    @Arg('campaignId', () => ID) campaignId: string,
    @Arg('agentId', () => ID, { nullable: true }) agentId: string | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AgentConsole> {
    return this.consoles.start(ctx, campaignId, agentId);
  }

  @Mutation(() => AgentConsole, { description: 'Stop dialling: the agent leg is hung up' })
  stopDialling(@Arg('agentId', () => ID, { nullable: true }) agentId: string | undefined, @Ctx() ctx: GraphQLContext): Promise<AgentConsole> {
    return this.consoles.stop(ctx, agentId);
  }

  @Mutation(() => AgentConsole, { description: 'End the call in hand and go on: the customer is hung up, wrap-up follows, the agent stays in the campaign' })
  endCurrentCall(@Arg('agentId', () => ID, { nullable: true }) agentId: string | undefined, @Ctx() ctx: GraphQLContext): Promise<AgentConsole> {
    return this.consoles.endCall(ctx, agentId);
  }

  @Mutation(() => AgentConsole, { description: 'Ready: end wrap-up now so the next call comes at once' })
  readyForNext(@Arg('agentId', () => ID, { nullable: true }) agentId: string | undefined, @Ctx() ctx: GraphQLContext): Promise<AgentConsole> {
    return this.consoles.ready(ctx, agentId);
  }

  @Mutation(() => AgentConsole, { description: 'Pause (takes effect when the agent is next free; no new calls) or resume' })
  setAgentPaused(
    @Arg('paused', () => Boolean) paused: boolean,
    @Arg('agentId', () => ID, { nullable: true }) agentId: string | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AgentConsole> {
    return this.consoles.setPaused(ctx, paused, agentId);
  }

  @Mutation(() => LiveCall, { nullable: true, description: 'Set reschedule_agent_call / reschedule_customer_call and a disposition, during or right after the call' })
  setFlowVariables(
    @Arg('numberId', () => ID) numberId: string,
    @Arg('input', () => FlowVariablesInput) input: FlowVariablesInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<LiveCall | null> {
    return this.consoles.setFlowVariables(ctx, numberId, input);
  }

  @Mutation(() => Followup, {
    description: "Schedule a followup call at a local date and time (default zone: the owning agent's), inside the campaign's calling window; during the call or after it, or (its owner) move it. " +
      'A followup is a preview call in every dial mode: when due, its owner launches it (launchFollowup) within 5 minutes, or it expires',
  })
  scheduleFollowup(@Arg('input', () => ScheduleFollowupInput) input: ScheduleFollowupInput, @Ctx() ctx: GraphQLContext): Promise<Followup> {
    return this.followups.schedule(ctx, input);
  }

  @Query(() => [FollowupContact], { description: "Customers of a campaign of my groups whose name or number matches (3+ characters; at most 10): the manual followup booking's pick list" })
  followupContacts(@Arg('campaignId', () => ID) campaignId: string, @Arg('search', () => String) search: string, @Ctx() ctx: GraphQLContext): Promise<FollowupContact[]> {
    return this.followups.lookup(ctx, campaignId, search);
  }

  @Mutation(() => Followup, { description: "Book a followup from idle (seed 002's manual scenario): a typed number or a contact, in a campaign of my groups; I own it" })
  scheduleManualFollowup(@Arg('input', () => ScheduleManualFollowupInput) input: ScheduleManualFollowupInput, @Ctx() ctx: GraphQLContext): Promise<Followup> {
    return this.followups.scheduleManual(ctx, input);
  }

  @Mutation(() => AgentConsole, {
    description: "Launch my due followup (from its time until 5 minutes after): my phone is rung first (or the line I have up in its campaign is used), then the customer. " +
      'Leaves the campaign I am dialling in, if another; refused while I am in a call',
  })
  launchFollowup(@Arg('numberId', () => ID) numberId: string, @Ctx() ctx: GraphQLContext): Promise<AgentConsole> {
    return this.consoles.launchFollowup(ctx, numberId);
  }

  @Mutation(() => SettledNumber, { description: 'Do not make this followup call (its owner or a supervisor): the number is closed as CANCELLED, reason SKIPPED' })
  skipFollowup(@Arg('numberId', () => ID) numberId: string, @Ctx() ctx: GraphQLContext): Promise<SettledNumber> {
    return this.followups.skip(ctx, numberId);
  }

  @Mutation(() => Boolean, {
    description: 'Cancel a followup (its owner or a supervisor): the number is no longer owned and keeps its retry time, so the campaign dials it as any retry; ' +
      'in a PREVIEW campaign, which dials nothing by itself, it is closed as skipped',
  })
  cancelFollowup(@Arg('numberId', () => ID) numberId: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return this.followups.cancel(ctx, numberId);
  }

  @Query(() => [Followup], { description: 'Calls of a campaign cut off by a crash or shutdown after the customer answered, waiting for a person to follow up (supervisors)' })
  interruptedCalls(@Arg('campaignId', () => ID) campaignId: string, @Ctx() ctx: GraphQLContext): Promise<Followup[]> {
    return this.followups.interruptedCalls(ctx, campaignId);
  }

  @Mutation(() => SettledNumber, { description: "Settle an interrupted call (its agent or a supervisor): COMPLETED, RETRY within its budgets, or FAILED. scheduleFollowup books a time instead" })
  resolveInterruptedCall(
    @Arg('numberId', () => ID) numberId: string,
    @Arg('outcome', () => InterruptedCallOutcome) outcome: InterruptedCallOutcome,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SettledNumber> {
    return this.followups.resolveInterrupted(ctx, numberId, outcome);
  }

  @Query(() => CallLegPage, { description: 'Call legs of a campaign: search by number, filter by status, sort by date' })
  callLegs(@Args(() => CallLegsArgs) args: CallLegsArgs, @Ctx() ctx: GraphQLContext): Promise<CallLegPage> {
    return this.callList.page(ctx, args);
  }

  @Query(() => SuppressionPage, { description: 'The suppression (DND) list, newest first; supervisors and admins' })
  suppressions(@Args(() => SuppressionsArgs) args: SuppressionsArgs, @Ctx() ctx: GraphQLContext): Promise<SuppressionPage> {
    return this.dnd.page(ctx, args);
  }

  @Mutation(() => SuppressionImportResult, { complexity: 5000, description: 'Adds every good row of a suppression CSV; bad rows are reported with their line and reason' })
  importSuppressionsCsv(@Arg('input', () => ImportSuppressionsCsvInput) input: ImportSuppressionsCsvInput, @Ctx() ctx: GraphQLContext): Promise<SuppressionImportResult> {
    return this.dnd.importCsv(ctx, input);
  }

  @Mutation(() => Suppression, { description: 'Never dial this number or client id (FAILED_DND at the pre-dial guard)' })
  addSuppression(@Arg('input', () => AddSuppressionInput) input: AddSuppressionInput, @Ctx() ctx: GraphQLContext): Promise<Suppression> {
    return this.dnd.add(ctx, input);
  }

  @Mutation(() => Boolean)
  removeSuppression(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return this.dnd.remove(ctx, id);
  }

  @Query(() => CampaignLive, { complexity: 25, description: 'Live wallboard figures of a campaign' })
  async campaignLive(@Arg('campaignId', () => ID) campaignId: string, @Ctx() ctx: GraphQLContext): Promise<CampaignLive> {
    return toCampaignLive(await this.live.get(ctx, campaignId));
  }

  @Query(() => [TimelinePoint], { complexity: 50, description: 'Per-minute dials, live answers, abandons and occupancy for the wallboard charts, oldest first, ending with the current minute' })
  campaignTimeline(@Args(() => TimelineArgs) { campaignId, minutes }: TimelineArgs, @Ctx() ctx: GraphQLContext): Promise<TimelinePoint[]> {
    return this.live.timeline(ctx, campaignId, minutes);
  }

  @Subscription(() => CampaignLive, {
    description: 'The current figures at once, then every second while the campaign is dialled',
    subscribe: ({ args, context }) => (context as GraphQLContext).services.live.subscribe(context as GraphQLContext, args.campaignId as string),
  })
  campaignLiveChanged(@Arg('campaignId', () => ID) _campaignId: string, @Root() payload: CampaignLivePayload): CampaignLive {
    return toCampaignLive(payload);
  }
}
