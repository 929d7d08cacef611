import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

/** What an organisation's webhook subscription can ask to be told (the wire name is the delivery's `type`). */
export const WebhookEventType = {
  NUMBER_STATE_CHANGED: 'number.state_changed',
  CALL_LEG_ENDED: 'call.leg_ended',
  CAMPAIGN_STATUS_CHANGED: 'campaign.status_changed',
  FOLLOWUP_EXPIRED: 'followup.expired',
} as const;
export type WebhookEventType = (typeof WebhookEventType)[keyof typeof WebhookEventType];
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = Object.values(WebhookEventType);

export const WebhookDeliveryStatus = { PENDING: 'PENDING', DELIVERED: 'DELIVERED', FAILED: 'FAILED', CANCELLED: 'CANCELLED' } as const;
export type WebhookDeliveryStatus = (typeof WebhookDeliveryStatus)[keyof typeof WebhookDeliveryStatus];

registerEnumType(WebhookEventType, {
  name: 'WebhookEventType',
  description: 'Events a webhook subscription receives; each delivery names its event in `type` (e.g. "number.state_changed")',
  valuesConfig: {
    NUMBER_STATE_CHANGED: { description: 'number.state_changed: a number of a campaign moved to another state (with its reason and attempt counts)' },
    CALL_LEG_ENDED: { description: 'call.leg_ended: an agent or customer leg ended (status, cause, times, duration, attempt numbers)' },
    CAMPAIGN_STATUS_CHANGED: { description: 'campaign.status_changed: a campaign started, paused, resumed, completed or was archived' },
    FOLLOWUP_EXPIRED: { description: 'followup.expired: a preview followup was not launched within 5 minutes of its time' },
  },
});
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  valuesConfig: {
    PENDING: { description: 'Waiting to be sent, or to be retried after a failed attempt' },
    DELIVERED: { description: 'The endpoint answered 2xx' },
    FAILED: { description: 'Every attempt failed (or the target is not allowed); it can be replayed' },
    CANCELLED: { description: 'Its subscription was deleted before it was sent' },
  },
});

@ObjectType({ description: "An organisation's webhook endpoint: signed JSON POSTs of the events it subscribes to" })
export class WebhookSubscription {
  @Field(() => ID) id!: string;
  @Field(() => String) url!: string;
  @Field(() => [WebhookEventType]) eventTypes!: WebhookEventType[];
  @Field(() => String) description!: string;
  @Field(() => Boolean, { description: 'An inactive subscription gets no new events (what waits is still sent)' }) active!: boolean;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}

@ObjectType()
export class WebhookSubscriptionSecret {
  @Field(() => WebhookSubscription) subscription!: WebhookSubscription;
  @Field(() => String, { description: 'Signs every delivery (Dialer-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">). Shown only now' })
  secret!: string;
}

@ObjectType({ description: 'One attempt at sending a delivery' })
export class WebhookAttempt {
  @Field(() => Int) attempt!: number;
  @Field(() => Date) startedAt!: Date;
  @Field(() => Int) durationMs!: number;
  @Field(() => Int, { nullable: true, description: 'The HTTP status the endpoint answered; null when no answer came' }) statusCode!: number | null;
  @Field(() => String, { nullable: true, description: 'HTTP_STATUS, TIMEOUT, NETWORK, UNSAFE_URL, TOO_LARGE, TOO_MANY_REDIRECTS; null when delivered' }) errorCode!: string | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => String, { nullable: true, description: 'The first 500 characters of the answer' }) responseExcerpt!: string | null;
}

@ObjectType({ description: 'An event on its way to one endpoint (the outbox row): its attempts are logged and it can be replayed' })
export class WebhookDelivery {
  @Field(() => ID, { description: 'Also the Idempotency-Key header and the body\'s id: the same on every attempt and replay' }) id!: string;
  @Field(() => String, { description: 'number.state_changed, call.leg_ended, campaign.status_changed, followup.expired, call.completed, call.no_answer' }) eventType!: string;
  @Field(() => String) url!: string;
  @Field(() => String, { description: 'Where it goes: the subscription (its description) or the campaign URL it was sent to' }) endpoint!: string;
  @Field(() => ID, { nullable: true }) subscriptionId!: string | null;
  @Field(() => ID, { nullable: true }) campaignId!: string | null;
  @Field(() => String, { description: 'Deliveries with the same key reach an endpoint in order (a number, or a campaign for its status)' }) orderKey!: string;
  @Field(() => WebhookDeliveryStatus) status!: WebhookDeliveryStatus;
  @Field(() => Int) attempts!: number;
  @Field(() => Date, { nullable: true, description: 'When it is tried next (PENDING only)' }) nextAttemptAt!: Date | null;
  @Field(() => Int, { nullable: true }) lastStatusCode!: number | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) deliveredAt!: Date | null;
  @Field(() => Date, { nullable: true }) failedAt!: Date | null;
}

@ObjectType({ description: 'A delivery with the exact body it sends and its attempt log' })
export class WebhookDeliveryDetail extends WebhookDelivery {
  @Field(() => String, { description: 'The JSON body, byte for byte as sent' }) body!: string;
  @Field(() => [WebhookAttempt]) attemptLog!: WebhookAttempt[];
}

@ObjectType()
export class WebhookDeliveryPage {
  @Field(() => [WebhookDelivery]) items!: WebhookDelivery[];
  @Field(() => Int) totalCount!: number;
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' }) endCursor!: string | null;
  @Field(() => Boolean) hasNextPage!: boolean;
}
