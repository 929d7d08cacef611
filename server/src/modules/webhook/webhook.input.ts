import { ArrayMaxSize, ArrayMinSize, IsOptional, IsUrl, Length, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { WebhookDeliveryStatus, WebhookEventType } from './webhook.type.js';

const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

@InputType()
export class CreateWebhookSubscriptionInput {
  @Field(() => String, { description: 'http(s) URL that receives the POSTs (a public address unless the deployment allows others)' })
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  url!: string;

  @Field(() => [WebhookEventType])
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  eventTypes!: WebhookEventType[];

  @Field(() => String, { defaultValue: '', description: 'What it is for (at most 200 characters)' })
  @Length(0, 200)
  description!: string;
}

@InputType()
export class UpdateWebhookSubscriptionInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  url?: string;

  @Field(() => [WebhookEventType], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  eventTypes?: WebhookEventType[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 200)
  description?: string;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  active?: boolean;
}

@ArgsType()
export class WebhookDeliveriesArgs {
  @Field(() => Int, { defaultValue: 50, description: 'Page size, 1-200' })
  @Min(1)
  @Max(200)
  first!: number;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page' })
  @IsOptional()
  @MaxLength(40)
  after?: string;

  @Field(() => WebhookDeliveryStatus, { nullable: true })
  @IsOptional()
  status?: WebhookDeliveryStatus;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  subscriptionId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  campaignId?: string;

  @Field(() => String, { nullable: true, description: 'e.g. number.state_changed, call.completed' })
  @IsOptional()
  @MaxLength(40)
  eventType?: string;
}
