import { randomUUID } from 'node:crypto';
import { requireSupervisor } from '../../auth/actor.js';
import { newSigningSecret } from '../../auth/hook-signature.js';
import type { Scope } from '../../auth/scope.js';
import type { Clock } from '../../clock.js';
import { assertId, assertInputId } from '../../domain/ids.js';
import { badInput, notFound } from '../../domain/errors.js';
import { checkOutboundUrl, OutboundError, type OutboundPolicy } from '../../http/safe-fetch.js';
import { WebhookRepository, type AttemptRow, type DeliveryFilter, type DeliveryRow, type SubscriptionRow } from './webhook.repository.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook.type.js';

/** Most subscriptions an organisation may have. */
export const MAX_SUBSCRIPTIONS = 50;

/**
 * Webhooks for admins, supervisors and integrators (scope webhooks:write): an organisation's
 * subscriptions by event type, each with its own signing secret (shown when created or rotated),
 * a campaign's own signing secret, and the outbox: deliveries listed, inspected and replayed.
 */
export class WebhookService {
  constructor(
    private readonly clock: Clock,
    private readonly outbound: Pick<OutboundPolicy, 'allowAddresses'>,
  ) {}

  async create(scope: Scope, input: { url: string; eventTypes: WebhookEventType[]; description: string }): Promise<{ row: SubscriptionRow; secret: string }> {
    requireSupervisor(scope.actor, 'manage webhooks');
    const url = this.checkUrl(input.url);
    const eventTypes = this.checkTypes(input.eventTypes);
    const repo = new WebhookRepository(scope.em);
    if ((await repo.countSubscriptions(scope.actor.organizationId)) >= MAX_SUBSCRIPTIONS) {
      throw badInput(`an organisation has at most ${MAX_SUBSCRIPTIONS} webhook subscriptions`, 'input');
    }
    const secret = newSigningSecret();
    const row = await repo.insertSubscription({
      id: randomUUID(), organizationId: scope.actor.organizationId, url, eventTypes, description: input.description.trim(), secret, now: this.clock.now(),
    });
    return { row, secret };
  }

  list(scope: Scope): Promise<SubscriptionRow[]> {
    requireSupervisor(scope.actor, 'manage webhooks');
    return new WebhookRepository(scope.em).listSubscriptions(scope.actor.organizationId);
  }

  async update(scope: Scope, id: string, input: { url?: string; eventTypes?: WebhookEventType[]; description?: string; active?: boolean }): Promise<SubscriptionRow> {
    requireSupervisor(scope.actor, 'manage webhooks');
    const patch = {
      url: input.url === undefined ? undefined : this.checkUrl(input.url),
      eventTypes: input.eventTypes === undefined ? undefined : this.checkTypes(input.eventTypes),
      description: input.description?.trim(),
      active: input.active,
    };
    const row = await new WebhookRepository(scope.em).updateSubscription(scope.actor.organizationId, assertId(id, 'webhook subscription'), patch, this.clock.now());
    if (!row) throw notFound('webhook subscription', id);
    return row;
  }

  /** A new secret; the old one stops signing at once (a receiver may accept both for a while: several v1 are not sent). */
  async rotateSecret(scope: Scope, id: string): Promise<{ row: SubscriptionRow; secret: string }> {
    requireSupervisor(scope.actor, 'manage webhooks');
    const secret = newSigningSecret();
    const row = await new WebhookRepository(scope.em).updateSubscription(scope.actor.organizationId, assertId(id, 'webhook subscription'), { secret }, this.clock.now());
    if (!row) throw notFound('webhook subscription', id);
    return { row, secret };
  }

  async remove(scope: Scope, id: string): Promise<boolean> {
    requireSupervisor(scope.actor, 'manage webhooks');
    const key = assertId(id, 'webhook subscription');
    const deleted = await scope.em.transactional((em) => new WebhookRepository(em).deleteSubscription(scope.actor.organizationId, key));
    if (!deleted) throw notFound('webhook subscription', id);
    return true;
  }

  async deliveries(scope: Scope, filter: DeliveryFilter, first: number, after: string | undefined): Promise<{ rows: DeliveryRow[]; hasNextPage: boolean; totalCount: number }> {
    requireSupervisor(scope.actor, 'read webhook deliveries');
    const clean: DeliveryFilter = {
      ...filter,
      subscriptionId: filter.subscriptionId ? assertInputId(filter.subscriptionId, 'subscriptionId') : undefined,
      campaignId: filter.campaignId ? assertInputId(filter.campaignId, 'campaignId') : undefined,
    };
    return new WebhookRepository(scope.em).deliveries(scope.actor.organizationId, clean, first, after ? decodeCursor(after) : null);
  }

  async delivery(scope: Scope, id: string): Promise<{ row: DeliveryRow; attempts: AttemptRow[] }> {
    requireSupervisor(scope.actor, 'read webhook deliveries');
    const repo = new WebhookRepository(scope.em);
    const row = await repo.delivery(scope.actor.organizationId, assertId(id, 'webhook delivery'));
    if (!row) throw notFound('webhook delivery', id);
    return { row, attempts: await repo.attempts(row.id) };
  }

  /** Sends a delivery again now (failed, cancelled, delivered or waiting), with the same body and idempotency key. */
  async replay(scope: Scope, id: string): Promise<DeliveryRow> {
    requireSupervisor(scope.actor, 'replay webhook deliveries');
    const key = assertId(id, 'webhook delivery');
    const found = await scope.em.transactional((em) => new WebhookRepository(em).replay(scope.actor.organizationId, key));
    if (!found) throw notFound('webhook delivery', id);
    return (await new WebhookRepository(scope.em).delivery(scope.actor.organizationId, key))!;
  }

  /** The secret a campaign's own URLs (call completed, no answer, status callback) are signed with. */
  async campaignSecret(scope: Scope, campaignId: string): Promise<string> {
    requireSupervisor(scope.actor, 'read a campaign\'s webhook secret');
    const secret = await new WebhookRepository(scope.em).campaignSecret(scope.actor.organizationId, assertId(campaignId, 'campaign'));
    if (!secret) throw notFound('campaign', campaignId);
    return secret;
  }

  async rotateCampaignSecret(scope: Scope, campaignId: string): Promise<string> {
    requireSupervisor(scope.actor, 'rotate a campaign\'s webhook secret');
    const secret = newSigningSecret();
    const ok = await new WebhookRepository(scope.em).setCampaignSecret(scope.actor.organizationId, assertId(campaignId, 'campaign'), secret);
    if (!ok) throw notFound('campaign', campaignId);
    return secret;
  }

  private checkUrl(raw: string): string {
    try {
      return checkOutboundUrl(raw.trim(), this.outbound).toString();
    } catch (err) {
      if (err instanceof OutboundError) throw badInput(`unsafe URL: ${err.message}`, 'input.url', { reason: err.code });
      throw err;
    }
  }

  private checkTypes(types: WebhookEventType[]): WebhookEventType[] {
    const unique = [...new Set(types)];
    const bad = unique.find((t) => !WEBHOOK_EVENT_TYPES.includes(t));
    if (bad) throw badInput(`"${bad}" is not a webhook event type`, 'input.eventTypes');
    if (!unique.length) throw badInput('choose at least one event type', 'input.eventTypes');
    return unique;
  }
}

function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^d:(\d{1,19})$/.exec(text);
  if (!m) throw badInput('after is not a cursor of this list', 'after');
  return m[1]!;
}
