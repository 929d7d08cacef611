import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Agents of the campaign group by state in this campaign; those dialling another campaign are "elsewhere", not offline' })
export class AgentStateCounts {
  @Field(() => Int) available!: number;
  @Field(() => Int) ringing!: number;
  @Field(() => Int) onCall!: number;
  @Field(() => Int) wrapUp!: number;
  @Field(() => Int) paused!: number;
  @Field(() => Int, { description: 'Not dialling any campaign' }) offline!: number;
  @Field(() => Int, { description: 'Dialling another campaign' }) elsewhere!: number;
}

@ObjectType({ description: 'Dialable numbers a hopper filter held back' })
export class FilterCount {
  @Field(() => String, { description: 'outsideWindow, suppressed, attemptCap, notDue, ownedByOther, contactBusy, ...' })
  filter!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: "Owner pools (seed 003): owned callbacks by how late they are, and those released to the group" })
export class OwnedCallbackCounts {
  @Field(() => Int, { description: 'Owned callbacks due within the last 5 minutes' }) due!: number;
  @Field(() => Int, { description: 'Owned callbacks due more than 5 minutes ago and not yet dialled' }) overdue!: number;
  @Field(() => Int, { description: 'Callbacks released to any agent of the group because their owner was away' }) released!: number;
}

@ObjectType({ description: 'Preview followups (seed 002): waiting for their time, due now (their owner has 5 minutes to launch them), and expired' })
export class FollowupCounts {
  @Field(() => Int, { description: 'Booked followups not due yet' }) waiting!: number;
  @Field(() => Int, { description: 'Followups due now and not launched yet (each expires 5 minutes after its time)' }) due!: number;
  @Field(() => Int, { description: 'Followups nobody launched within 5 minutes of their time' }) expired!: number;
}

@ObjectType({ description: 'Live figures of one campaign for the wallboard' })
export class CampaignLive {
  @Field(() => ID) campaignId!: string;
  @Field(() => AgentStateCounts) agents!: AgentStateCounts;
  @Field(() => Int) callsRinging!: number;
  @Field(() => Int) callsConnected!: number;
  @Field(() => Int, { description: 'Predictive: answered calls waiting (at most 2 s) for an agent' }) waitingForAgent!: number;
  @Field(() => Float, { nullable: true, description: "(talk + wrap-up) / logged-in time of the campaign's agents so far in the minute of updatedAt, measured as their states change (paused time is not logged-in time); the timeline's current point. Null when no agent was logged in" })
  occupancyThisMinute!: number | null;
  @Field(() => String, { description: "The contact centre's zone: \"today\" is its local day" }) localTimeZone!: string;
  @Field(() => Int, { description: "Customer dials since local midnight (the contact centre's day)" }) dialsToday!: number;
  @Field(() => Int) liveAnswersToday!: number;
  @Field(() => Int) connectsToday!: number;
  @Field(() => Float, { nullable: true, description: 'Live answers / customer dials today' }) answerRate!: number | null;
  @Field(() => Float, { nullable: true, description: 'Talk + wrap-up seconds per handled call today' }) averageHandleTimeSec!: number | null;
  @Field(() => Float, { nullable: true, description: "Abandons / live answers since local midnight (the contact centre's day; for display)" }) abandonRateToday!: number | null;
  @Field(() => Float, { nullable: true, description: 'Abandons / live answers over the rolling 24 hours (bounds the pacer)' }) abandonRate24h!: number | null;
  @Field(() => Float, { nullable: true, description: 'Abandons / live answers over the rolling 30 days (bounds the pacer)' }) abandonRate30d!: number | null;
  @Field(() => Float) abandonRateCap!: number;
  @Field(() => Float) pacingRatio!: number;
  @Field(() => String, { description: 'Inputs and the rule that bound the last pacing decision' }) pacingReason!: string;
  @Field(() => String, { nullable: true, description: 'Predictive: the rule that bound the last decision (noAgents, readyAgents, agentForecast, maxDialRatio, trunkCps, abandonCap)' }) pacingBoundBy!: string | null;
  @Field(() => Int, { description: 'Numbers dialable right now' }) hopperDepth!: number;
  @Field(() => Int, { description: 'Of those, due callbacks/retries' }) hopperDue!: number;
  @Field(() => [FilterCount], { description: 'Why numbers are held back' }) heldBack!: FilterCount[];
  @Field(() => Int, { description: 'Numbers not yet final' }) remaining!: number;
  @Field(() => Int, { description: 'Numbers that reached a final state in the last hour' }) finishedLastHour!: number;
  @Field(() => Float, { nullable: true, description: 'Minutes to list exhaustion at the last hour\'s pace' }) etaMinutes!: number | null;
  @Field(() => OwnedCallbackCounts) ownedCallbacks!: OwnedCallbackCounts;
  @Field(() => FollowupCounts) followups!: FollowupCounts;
  @Field(() => [CampaignIntegration], { description: 'Its dial-whom and get-contacts URLs, when it has them, and its trunk when calls fail in the network' }) integrations!: CampaignIntegration[];
  @Field(() => Date) updatedAt!: Date;
}

@ObjectType({ description: "A campaign's dial-whom or get-contacts URL (how paging stands, its last failure), or its trunk (TELEPHONY): a failing one is an error on the wallboard" })
export class CampaignIntegration {
  @Field(() => String, { description: 'DIAL_WHOM, GET_CONTACTS, or TELEPHONY (calls to customers failing in the network: the trunk)' }) kind!: string;
  @Field(() => Boolean, { description: 'Dial-whom: the URL said its last page' }) done!: boolean;
  @Field(() => Int) pages!: number;
  @Field(() => Int, { description: 'Numbers added from the URL' }) fetched!: number;
  @Field(() => Int, { description: 'Items refused (bad number, zone, duplicate)' }) rejected!: number;
  @Field(() => String, { nullable: true }) lastRejection!: string | null;
  @Field(() => Int, { description: 'Failures in a row (0: working)' }) failures!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Date, { nullable: true }) errorAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When it is tried again' }) retryAt!: Date | null;
  @Field(() => Date, { nullable: true }) okAt!: Date | null;
}

@ObjectType({ description: 'One minute of a campaign for the wallboard charts' })
export class TimelinePoint {
  @Field(() => Date, { description: 'Start of the minute' }) at!: Date;
  @Field(() => Int, { description: 'Customer legs placed' }) dials!: number;
  @Field(() => Int, { description: 'Customer legs answered by a person' }) liveAnswers!: number;
  @Field(() => Int, { description: 'Live answers dropped with no free agent' }) abandons!: number;
  @Field(() => Float, { nullable: true, description: "(talk + wrap-up) / logged-in time of the campaign's agents in the minute, measured as their states change (paused time is not logged-in time); null when no agent was logged in" })
  occupancy!: number | null;
}
