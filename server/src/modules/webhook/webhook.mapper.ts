import { deliveryBody } from './webhook-dispatcher.js';
import type { AttemptRow, DeliveryRow, SubscriptionRow } from './webhook.repository.js';
import type { WebhookAttempt, WebhookDelivery, WebhookDeliveryDetail, WebhookEventType, WebhookSubscription } from './webhook.type.js';

export function toWebhookSubscription(r: SubscriptionRow): WebhookSubscription {
  return {
    id: r.id, url: r.url, eventTypes: r.event_types as WebhookEventType[], description: r.description, active: r.active,
    createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
  };
}

const CAMPAIGN_URL: Record<string, string> = { completed: 'call completed URL', no_answer: 'call no-answer URL', status: 'status callback URL' };

/** Where a delivery goes, in words: "Subscription: CRM sync" or "Campaign Renewals: call completed URL". */
function endpointOf(r: DeliveryRow): string {
  if (r.target.startsWith('sub:')) return `Subscription${r.subscription_description ? `: ${r.subscription_description}` : r.subscription_id ? '' : ' (deleted)'}`;
  const kind = r.target.split(':')[2] ?? '';
  return `Campaign ${r.campaign_name ?? '(deleted)'}: ${CAMPAIGN_URL[kind] ?? kind}`;
}

export function toWebhookDelivery(r: DeliveryRow): WebhookDelivery {
  return {
    id: r.id, eventType: r.event_type, url: r.url, endpoint: endpointOf(r), subscriptionId: r.subscription_id, campaignId: r.campaign_id,
    orderKey: r.order_key, status: r.status, attempts: r.attempts, nextAttemptAt: r.status === 'PENDING' ? new Date(r.next_attempt_at) : null,
    lastStatusCode: r.last_status_code, lastError: r.last_error, createdAt: new Date(r.created_at),
    deliveredAt: r.delivered_at ? new Date(r.delivered_at) : null, failedAt: r.failed_at ? new Date(r.failed_at) : null,
  };
}

function toAttempt(a: AttemptRow): WebhookAttempt {
  return {
    attempt: a.attempt, startedAt: new Date(a.started_at), durationMs: a.duration_ms, statusCode: a.status_code, errorCode: a.error_code,
    error: a.error, responseExcerpt: a.response_excerpt,
  };
}

export function toWebhookDeliveryDetail(r: DeliveryRow, attempts: AttemptRow[]): WebhookDeliveryDetail {
  return { ...toWebhookDelivery(r), body: deliveryBody(r), attemptLog: attempts.map(toAttempt) };
}

/** Page cursors are opaque: the base64url of the last row's sequence number. */
export function encodeCursor(seq: string): string {
  return Buffer.from(`d:${seq}`).toString('base64url');
}
