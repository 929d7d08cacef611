import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { CreateWebhookSubscriptionInput, UpdateWebhookSubscriptionInput, WebhookDeliveriesArgs } from './webhook.input.js';
import { encodeCursor, toWebhookDelivery, toWebhookDeliveryDetail, toWebhookSubscription } from './webhook.mapper.js';
import type { WebhookService } from './webhook.service.js';
import { WebhookDelivery, WebhookDeliveryDetail, WebhookDeliveryPage, WebhookSubscription, WebhookSubscriptionSecret } from './webhook.type.js';

@Resolver()
export class WebhookResolver {
  constructor(private readonly webhooks: WebhookService) {}

  @Query(() => [WebhookSubscription], { description: "The organisation's webhook subscriptions (admins, supervisors, keys with webhooks:write)" })
  async webhookSubscriptions(@Ctx() ctx: GraphQLContext): Promise<WebhookSubscription[]> {
    return (await this.webhooks.list(ctx)).map(toWebhookSubscription);
  }

  @Mutation(() => WebhookSubscriptionSecret, { description: 'Subscribes a URL to event types; the signing secret is in the answer and shown only now' })
  async createWebhookSubscription(@Arg('input', () => CreateWebhookSubscriptionInput) input: CreateWebhookSubscriptionInput, @Ctx() ctx: GraphQLContext): Promise<WebhookSubscriptionSecret> {
    const { row, secret } = await this.webhooks.create(ctx, input);
    return { subscription: toWebhookSubscription(row), secret };
  }

  @Mutation(() => WebhookSubscription, { description: 'Changes a subscription (URL, event types, description, active)' })
  async updateWebhookSubscription(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateWebhookSubscriptionInput) input: UpdateWebhookSubscriptionInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WebhookSubscription> {
    return toWebhookSubscription(await this.webhooks.update(ctx, id, input));
  }

  @Mutation(() => WebhookSubscriptionSecret, { description: 'A new signing secret for a subscription (the old one stops at once)' })
  async rotateWebhookSubscriptionSecret(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<WebhookSubscriptionSecret> {
    const { row, secret } = await this.webhooks.rotateSecret(ctx, id);
    return { subscription: toWebhookSubscription(row), secret };
  }

  @Mutation(() => Boolean, { description: 'Deletes a subscription; its deliveries still waiting are cancelled (the log stays)' })
  deleteWebhookSubscription(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return this.webhooks.remove(ctx, id);
  }

  @Query(() => WebhookDeliveryPage, { description: 'The outbox, newest first, by cursor: every delivery with its status and last error' })
  async webhookDeliveries(@Args(() => WebhookDeliveriesArgs) args: WebhookDeliveriesArgs, @Ctx() ctx: GraphQLContext): Promise<WebhookDeliveryPage> {
    const { rows, hasNextPage, totalCount } = await this.webhooks.deliveries(ctx, args, args.first, args.after);
    return { items: rows.map(toWebhookDelivery), totalCount, hasNextPage, endCursor: rows.length ? encodeCursor(rows[rows.length - 1]!.seq) : null };
  }

  @Query(() => WebhookDeliveryDetail, { description: 'One delivery with its exact body and every attempt' })
  async webhookDelivery(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<WebhookDeliveryDetail> {
    const { row, attempts } = await this.webhooks.delivery(ctx, id);
    return toWebhookDeliveryDetail(row, attempts);
  }

  @Mutation(() => WebhookDelivery, { description: 'Sends a delivery again now, with the same body and idempotency key' })
  async replayWebhookDelivery(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<WebhookDelivery> {
    return toWebhookDelivery(await this.webhooks.replay(ctx, id));
  }

  @Query(() => String, { description: "The secret a campaign's own URLs (call completed, no answer, status callback) are signed with" })
  campaignWebhookSecret(@Arg('campaignId', () => ID) campaignId: string, @Ctx() ctx: GraphQLContext): Promise<string> {
    return this.webhooks.campaignSecret(ctx, campaignId);
  }

  @Mutation(() => String, { description: "A new signing secret for a campaign's own URLs (the old one stops at once)" })
  rotateCampaignWebhookSecret(@Arg('campaignId', () => ID) campaignId: string, @Ctx() ctx: GraphQLContext): Promise<string> {
    return this.webhooks.rotateCampaignSecret(ctx, campaignId);
  }
}
