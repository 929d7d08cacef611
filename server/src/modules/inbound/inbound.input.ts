import { IsOptional, MaxLength } from 'class-validator';
import { Field, InputType, registerEnumType } from 'type-graphql';
import { InboundOutcome } from '../../domain/missed-calls.js';

registerEnumType(InboundOutcome, {
  name: 'InboundOutcome',
  valuesConfig: {
    ANSWERED: { description: 'An operator answered the call' },
    DROPPED_IN_QUEUE: { description: 'The caller hung up while waiting in the queue' },
    DROPPED_IN_IVR: { description: 'The caller hung up in the voice menu (IVR)' },
  },
});

@InputType({ description: 'An inbound call event (seed 001). Idempotent on sessionId.' })
export class ReportInboundCallInput {
  @Field(() => String, { description: "The caller's number (any format; normalised to E.164)" })
  @MaxLength(32)
  caller!: string;

  @Field(() => String, { nullable: true, description: 'The number the caller dialled (matched against the rules)' })
  @IsOptional()
  @MaxLength(32)
  dialled?: string | null;

  @Field(() => InboundOutcome)
  outcome!: InboundOutcome;

  @Field(() => Date, { nullable: true, description: 'When the session ended; defaults to now, at most 7 days ago' })
  @IsOptional()
  at?: Date | null;

  @Field(() => String, { nullable: true, description: "The telephony's session id: an event with a session id already recorded changes nothing" })
  @IsOptional()
  @MaxLength(128)
  sessionId?: string | null;
}
