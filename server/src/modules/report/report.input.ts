import { IsOptional, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';

@ArgsType()
export class ReportPageArgs {
  @Field(() => ID)
  campaignId!: string;

  @Field(() => String, { defaultValue: 'Etc/UTC', description: 'IANA zone the times are written in, e.g. "Asia/Kolkata"' })
  @MaxLength(64)
  timeZone!: string;

  @Field(() => Int, { defaultValue: 100, description: 'Page size, 1-500' })
  @Min(1)
  @Max(500)
  first!: number;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page' })
  @IsOptional()
  @MaxLength(400)
  after?: string;
}
