import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AgentState } from '../../domain/agent-state.js';
import { CampaignStatus } from '../../domain/campaign-lifecycle.js';
import { DialMode } from '../../domain/campaign-options.js';
import '../campaign/campaign.type.js'; // registers the DialMode enum
import { NumberState } from '../../domain/number-state.js';
import '../stats/stats.type.js'; // registers the NumberState enum
import { ContactField } from '../contact/contact.type.js';

export const LegStatusEnum = { QUEUED: 'QUEUED', RINGING: 'RINGING', ANSWERED: 'ANSWERED', COMPLETED: 'COMPLETED', NO_ANSWER: 'NO_ANSWER', BUSY: 'BUSY', FAILED: 'FAILED', CANCELLED: 'CANCELLED' } as const;
registerEnumType(LegStatusEnum, { name: 'CallStatus', description: 'QUEUED (row written, not yet placed), RINGING, ANSWERED, then COMPLETED / NO_ANSWER / BUSY / FAILED / CANCELLED' });
export const LegKindEnum = { AGENT: 'AGENT', CUSTOMER: 'CUSTOMER' } as const;
registerEnumType(LegKindEnum, { name: 'CallLegKind' });
export const SuppressionKindEnum = { NUMBER: 'NUMBER', CLIENT_ID: 'CLIENT_ID' } as const;
registerEnumType(SuppressionKindEnum, { name: 'SuppressionKind' });

@ObjectType({ description: 'One leg of a call (seed 004 "call details")' })
export class CallLeg {
  @Field(() => ID) id!: string;
  @Field(() => ID) campaignId!: string;
  @Field(() => ID, { nullable: true }) numberId!: string | null;
  @Field(() => ID, { nullable: true }) agentId!: string | null;
  @Field(() => LegKindEnum) kind!: 'AGENT' | 'CUSTOMER';
  @Field(() => String, { nullable: true, description: 'Provider call id' }) sid!: string | null;
  @Field(() => String) number!: string;
  @Field(() => String, { nullable: true }) contactName!: string | null;
  @Field(() => LegStatusEnum) status!: string;
  @Field(() => String, { nullable: true }) cause!: string | null;
  @Field(() => Boolean) abandoned!: boolean;
  @Field(() => Boolean, { description: 'Answering machine detected' }) machine!: boolean;
  @Field(() => Int) agentAttempt!: number;
  @Field(() => Int) customerAttempt!: number;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) answeredAt!: Date | null;
  @Field(() => Date, { nullable: true }) endedAt!: Date | null;
  @Field(() => Int, { nullable: true }) durationSec!: number | null;
  @Field(() => String, { nullable: true }) recordingUrl!: string | null;
  @Field(() => String, { nullable: true, description: 'The agent of the call' }) agentName!: string | null;
  @Field(() => String, { description: 'OUTBOUND: the dialler placed the leg (inbound sessions are reported with reportInboundCall)' }) direction!: 'OUTBOUND';
}

@ObjectType()
export class CallLegPage {
  @Field(() => [CallLeg]) items!: CallLeg[];
  @Field(() => Int) totalCount!: number;
}

@ObjectType({ description: "What the campaign's get-contacts URL said about the callee (looked up in the background when the call rings)" })
export class CallerDetails {
  @Field(() => String, { description: 'LOADING (asked, no answer yet), OK, ERROR (failed or timed out: the call goes on without)' }) status!: string;
  @Field(() => [ContactField]) fields!: ContactField[];
  @Field(() => String, { nullable: true }) error!: string | null;
}

@ObjectType({ description: 'The customer on the agent\'s line, from the address book' })
export class LiveCall {
  @Field(() => ID) legId!: string;
  @Field(() => ID) numberId!: string;
  @Field(() => ID) campaignId!: string;
  @Field(() => DialMode, { description: 'The campaign\'s mode: rescheduleAgentCall exists only in AGENT_FIRST_FLOW' }) dialMode!: DialMode;
  @Field(() => LegStatusEnum) status!: string;
  @Field(() => String) number!: string;
  @Field(() => String) contactName!: string;
  @Field(() => [ContactField]) fields!: ContactField[];
  @Field(() => String, { nullable: true, description: 'Campaign popup URL with the call filled in' }) popupUrl!: string | null;
  @Field(() => Int) customerAttempt!: number;
  @Field(() => Date) startedAt!: Date;
  @Field(() => Date, { nullable: true }) answeredAt!: Date | null;
  @Field(() => Boolean) rescheduleAgentCall!: boolean;
  @Field(() => Boolean) rescheduleCustomerCall!: boolean;
  @Field(() => String, { nullable: true }) disposition!: string | null;
  @Field(() => CallerDetails, { nullable: true, description: "The callee's details from the campaign's get-contacts URL (null: the campaign has none)" })
  crm!: CallerDetails | null;
}

@ObjectType({ description: 'A campaign the agent is assigned to (through its group)' })
export class AgentCampaign {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => CampaignStatus) status!: CampaignStatus;
  @Field(() => Date) startsAt!: Date;
  @Field(() => Int, { description: 'New and retry numbers left' }) remaining!: number;
  @Field(() => Boolean) canStart!: boolean;
  @Field(() => String, { nullable: true, description: 'Why Start is disabled' }) cannotStartReason!: string | null;
  @Field(() => Boolean, { description: 'Seed 003: the agent dials only customers they own, and takes more with "Get customers"' }) ownerPool!: boolean;
  @Field(() => Int, { description: 'Owner pools: unprocessed customers the agent owns' }) ownedCustomers!: number;
}

@ObjectType({ description: "A scheduled followup in its owner's queue (seed 002): the number is dialled for its owner only, when due" })
export class Followup {
  @Field(() => ID) numberId!: string;
  @Field(() => ID) campaignId!: string;
  @Field(() => String) campaignName!: string;
  @Field(() => String) contactName!: string;
  @Field(() => String, { description: 'E.164' }) number!: string;
  @Field(() => Date, { nullable: true, description: 'When it is due; null while the number is being dialled' }) dueAt!: Date | null;
  @Field(() => String, { description: 'The IANA zone it was scheduled in' }) timeZone!: string;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => NumberState) state!: NumberState;
  @Field(() => Boolean, { description: 'A booked followup: a preview call its owner launches (launchFollowup) in every dial mode; false for callbacks the dialler dials itself and for interrupted calls' })
  preview!: boolean;
  @Field(() => Boolean, { description: 'Its owner launched it and the dialler is about to place it' }) launching!: boolean;
  @Field(() => Date, { nullable: true, description: 'A waiting followup not launched by then (5 minutes after it is due) expires' }) expiresAt!: Date | null;
  @Field(() => [ContactField], { description: "The contact's custom fields (the preview record)" }) fields!: ContactField[];
  @Field(() => Int, { description: 'Customer attempts so far' }) customerAttempts!: number;
}

@ObjectType({ description: "A customer of a campaign, as a followup booking's pick list shows it" })
export class FollowupContact {
  @Field(() => ID, { description: 'Its number in the campaign' }) numberId!: string;
  @Field(() => ID, { nullable: true }) contactId!: string | null;
  @Field(() => String) contactName!: string;
  @Field(() => String, { description: 'E.164' }) number!: string;
  @Field(() => NumberState) state!: NumberState;
}

export const InterruptedCallOutcome = { COMPLETED: 'COMPLETED', RETRY: 'RETRY', FAILED: 'FAILED' } as const;
export type InterruptedCallOutcome = (typeof InterruptedCallOutcome)[keyof typeof InterruptedCallOutcome];
registerEnumType(InterruptedCallOutcome, {
  name: 'InterruptedCallOutcome',
  description: 'How a person settles a call cut off by a crash or shutdown',
  valuesConfig: {
    COMPLETED: { description: 'The conversation had done its job' },
    RETRY: { description: 'Dial it again now, within its attempt budgets (for its agent, except in predictive campaigns)' },
    FAILED: { description: 'Do not call again' },
  },
});

@ObjectType({ description: 'A number after a person settled its interrupted call' })
export class SettledNumber {
  @Field(() => ID) numberId!: string;
  @Field(() => NumberState) state!: NumberState;
}

@ObjectType()
export class AgentConsole {
  @Field(() => ID) agentId!: string;
  @Field(() => String) name!: string;
  @Field(() => AgentState) state!: AgentState;
  @Field(() => ID, { nullable: true, description: 'The campaign the agent is dialling in' }) activeCampaignId!: string | null;
  @Field(() => Date, { nullable: true, description: 'During wrap-up: when it ends and the next call comes (readyForNext ends it now)' }) wrapUpEndsAt!: Date | null;
  @Field(() => String, { nullable: true, description: "Why the agent's last session ended when they did not end it (their phone did not answer, the campaign was completed, ...)" }) stopReason!: string | null;
  @Field(() => String, { nullable: true, description: 'Why the last followup launched did not reach the customer (your phone did not answer, the calling window closed, ...)' }) launchNotice!: string | null;
  @Field(() => LiveCall, { nullable: true, description: 'The current (or last, during wrap-up) call' }) currentCall!: LiveCall | null;
  @Field(() => [AgentCampaign]) campaigns!: AgentCampaign[];
  @Field(() => [Followup], { description: 'My followups: numbers I own that are not final, soonest first, and calls of mine cut off by a crash or shutdown (INTERRUPTED) to follow up' }) followups!: Followup[];
}

@ObjectType()
export class Suppression {
  @Field(() => ID) id!: string;
  @Field(() => SuppressionKindEnum) kind!: 'NUMBER' | 'CLIENT_ID';
  @Field(() => String) value!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => ID, { nullable: true, description: 'The one campaign the entry applies to; null: every campaign' }) campaignId!: string | null;
  @Field(() => String, { nullable: true }) campaignName!: string | null;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType()
export class SuppressionPage {
  @Field(() => [Suppression]) items!: Suppression[];
  @Field(() => Int, { description: 'Entries matching the search' }) totalCount!: number;
}

@ObjectType()
export class SuppressionCsvError {
  @Field(() => Int, { description: 'Line number in the file (the header is line 1)' }) line!: number;
  @Field(() => String) code!: string;
  @Field(() => String) reason!: string;
}

@ObjectType()
export class SuppressionImportResult {
  @Field(() => Int, { description: 'Data rows read' }) rows!: number;
  @Field(() => Int, { description: 'Numbers and client ids newly suppressed' }) added!: number;
  @Field(() => Int, { description: 'Entries that were already on the list (left as they were)' }) alreadyListed!: number;
  @Field(() => [SuppressionCsvError], { description: 'Rows not imported, with their line and reason' }) errors!: SuppressionCsvError[];
}
