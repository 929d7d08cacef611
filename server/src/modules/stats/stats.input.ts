import { Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';

/** The longest timeline: one day of minutes. */
export const TIMELINE_MAX_MINUTES = 1440;

@ArgsType()
export class TimelineArgs {
  @Field(() => ID)
  campaignId!: string;

  /** @default 60 */
  @Field(() => Int, { defaultValue: 60, description: `Minutes up to and including the current one, 1-${TIMELINE_MAX_MINUTES}` })
  @Min(1)
  @Max(TIMELINE_MAX_MINUTES)
  minutes!: number;
}
