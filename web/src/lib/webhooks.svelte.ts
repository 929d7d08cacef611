import type { Api } from './api/client.js';
import {
  CREATE_WEBHOOK_SUBSCRIPTION, DELETE_WEBHOOK_SUBSCRIPTION, REPLAY_WEBHOOK_DELIVERY, ROTATE_WEBHOOK_SECRET, UPDATE_WEBHOOK_SUBSCRIPTION,
  WEBHOOK_DELIVERIES, WEBHOOK_DELIVERY, WEBHOOK_SUBSCRIPTIONS,
  type CreateWebhookSubscriptionResult, type ReplayWebhookDeliveryResult, type RotateWebhookSecretResult, type UpdateWebhookSubscriptionResult,
  type WebhookDeliveriesResult, type WebhookDelivery, type WebhookDeliveryDetail, type WebhookDeliveryStatus, type WebhookEventType,
  type WebhookSubscription, type WebhookSubscriptionsResult,
} from './api/documents.js';
import { errorText, formErrors, NO_ERRORS, type FormErrors } from './form-errors.js';

/** Every event type a subscription can ask for, with its wire name and what it tells. */
export const WEBHOOK_EVENTS: readonly { type: WebhookEventType; name: string; help: string }[] = [
  { type: 'NUMBER_STATE_CHANGED', name: 'number.state_changed', help: 'A number moved to another state (reason, attempt counts)' },
  { type: 'CALL_LEG_ENDED', name: 'call.leg_ended', help: 'An agent or customer leg ended (status, cause, times, duration)' },
  { type: 'CAMPAIGN_STATUS_CHANGED', name: 'campaign.status_changed', help: 'A campaign started, paused, resumed, completed or was archived' },
  { type: 'FOLLOWUP_EXPIRED', name: 'followup.expired', help: 'A preview followup was not launched within 5 minutes' },
];

export function eventName(type: WebhookEventType): string {
  return WEBHOOK_EVENTS.find((e) => e.type === type)?.name ?? type.toLowerCase();
}

export const DELIVERY_FILTERS: readonly { status: WebhookDeliveryStatus | null; label: string }[] = [
  { status: null, label: 'All' },
  { status: 'FAILED', label: 'Failed' },
  { status: 'PENDING', label: 'Waiting' },
  { status: 'DELIVERED', label: 'Delivered' },
  { status: 'CANCELLED', label: 'Cancelled' },
];

const PAGE = 50;
/** The largest page the API gives (webhookDeliveries' first). */
const MAX_PAGE = 200;

/**
 * The webhooks page: the organisation's subscriptions (create with a secret shown once, pause,
 * rotate the secret, delete after a confirm step) and the outbox (deliveries newest first by cursor,
 * filtered by status, one opened with its body and attempt log, replayed).
 */
export class WebhooksStore {
  subscriptions = $state.raw<WebhookSubscription[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);

  draft = $state({ url: '', description: '', eventTypes: [] as WebhookEventType[] });
  createErrors = $state.raw<FormErrors>(NO_ERRORS);
  createBusy = $state(false);
  /** A secret just made (a new subscription or a rotation): shown once, until dismissed. */
  secret = $state.raw<{ subscription: WebhookSubscription; secret: string; rotated: boolean } | null>(null);
  confirmingDelete = $state<string | null>(null);
  busyId = $state<string | null>(null);

  filter = $state<WebhookDeliveryStatus | null>(null);
  deliveries = $state.raw<WebhookDelivery[]>([]);
  totalCount = $state(0);
  endCursor = $state<string | null>(null);
  hasNextPage = $state(false);
  deliveriesError = $state<string | null>(null);
  opened = $state.raw<WebhookDeliveryDetail | null>(null);
  /** What the last replay from the opened delivery's card did (shown in the card). */
  openedNotice = $state<string | null>(null);
  replaying = $state<string | null>(null);
  /** Answers of older list requests are dropped (a refresh in flight when the filter changes). */
  private listRequest = 0;

  constructor(private readonly api: Api) {}

  async load(): Promise<void> {
    try {
      this.subscriptions = (await this.api.request<WebhookSubscriptionsResult>(WEBHOOK_SUBSCRIPTIONS)).webhookSubscriptions;
      this.loaded = true;
      this.error = null;
    } catch (e) {
      this.error = errorText(e);
    }
  }

  toggleType(type: WebhookEventType): void {
    const t = this.draft.eventTypes;
    this.draft.eventTypes = t.includes(type) ? t.filter((x) => x !== type) : [...t, type];
  }

  async create(): Promise<boolean> {
    const fields: Record<string, string> = {};
    const url = this.draft.url.trim();
    if (!url) fields['input.url'] = 'The URL that receives the events, e.g. https://crm.example.com/dialer-events';
    if (!this.draft.eventTypes.length) fields['input.eventTypes'] = 'Choose at least one event';
    this.notice = null;
    if (Object.keys(fields).length) {
      this.createErrors = { fields, message: null };
      return false;
    }
    this.createBusy = true;
    this.createErrors = NO_ERRORS;
    try {
      const eventTypes = WEBHOOK_EVENTS.map((e) => e.type).filter((t) => this.draft.eventTypes.includes(t));
      const { createWebhookSubscription: r } = await this.api.request<CreateWebhookSubscriptionResult>(CREATE_WEBHOOK_SUBSCRIPTION, {
        input: { url, eventTypes, description: this.draft.description.trim() },
      });
      this.secret = { ...r, rotated: false };
      this.draft = { url: '', description: '', eventTypes: [] };
      await this.load();
      return true;
    } catch (e) {
      this.createErrors = formErrors(e, ['input.url', 'input.eventTypes', 'input.description']);
      return false;
    } finally {
      this.createBusy = false;
    }
  }

  async setActive(s: WebhookSubscription, active: boolean): Promise<void> {
    await this.act(s.id, async () => {
      const { updateWebhookSubscription: u } = await this.api.request<UpdateWebhookSubscriptionResult>(UPDATE_WEBHOOK_SUBSCRIPTION, { id: s.id, input: { active } });
      this.subscriptions = this.subscriptions.map((x) => (x.id === u.id ? u : x));
      this.notice = active ? `${u.url} receives events again.` : `${u.url} is paused: it gets no new events (what waits is still sent).`;
    });
  }

  async rotate(s: WebhookSubscription): Promise<void> {
    await this.act(s.id, async () => {
      const { rotateWebhookSubscriptionSecret: r } = await this.api.request<RotateWebhookSecretResult>(ROTATE_WEBHOOK_SECRET, { id: s.id });
      this.secret = { ...r, rotated: true };
    });
  }

  askDelete(id: string): void {
    this.confirmingDelete = id;
    this.notice = null;
  }

  cancelDelete(): void {
    this.confirmingDelete = null;
  }

  async confirmDelete(): Promise<void> {
    const id = this.confirmingDelete;
    if (!id) return;
    const s = this.subscriptions.find((x) => x.id === id);
    await this.act(id, async () => {
      await this.api.request(DELETE_WEBHOOK_SUBSCRIPTION, { id });
      this.subscriptions = this.subscriptions.filter((x) => x.id !== id);
      this.confirmingDelete = null;
      if (this.secret?.subscription.id === id) this.secret = null;
      this.notice = `Subscription ${s?.url ?? ''} deleted; its deliveries still waiting are cancelled.`;
      await this.loadDeliveries();
    });
  }

  dismissSecret(): void {
    this.secret = null;
  }

  setFilter(status: WebhookDeliveryStatus | null): void {
    this.filter = status;
    void this.loadDeliveries();
  }

  /** The newest `first` deliveries again (newest first). */
  async loadDeliveries(first = PAGE): Promise<void> {
    const ask = ++this.listRequest;
    try {
      const r = (await this.api.request<WebhookDeliveriesResult>(WEBHOOK_DELIVERIES, { first, status: this.filter })).webhookDeliveries;
      if (ask !== this.listRequest) return;
      this.deliveries = r.items;
      this.totalCount = r.totalCount;
      this.endCursor = r.endCursor;
      this.hasNextPage = r.hasNextPage;
      this.deliveriesError = null;
    } catch (e) {
      this.deliveriesError = errorText(e);
    }
  }

  /**
   * The periodic refresh: the rows already shown are read again (as many as are loaded, up to the
   * largest page), so older pages stay; the opened delivery is read again too.
   */
  async refresh(): Promise<void> {
    if (this.opened) void this.open(this.opened.id, false);
    if (this.deliveries.length > MAX_PAGE) return; // a long history being read: left as it is
    await this.loadDeliveries(Math.max(PAGE, this.deliveries.length));
  }

  async more(): Promise<void> {
    if (!this.hasNextPage) return;
    const ask = ++this.listRequest;
    try {
      const r = (await this.api.request<WebhookDeliveriesResult>(WEBHOOK_DELIVERIES, { first: PAGE, after: this.endCursor, status: this.filter })).webhookDeliveries;
      if (ask !== this.listRequest) return;
      this.deliveries = [...this.deliveries, ...r.items];
      this.totalCount = r.totalCount;
      this.endCursor = r.endCursor;
      this.hasNextPage = r.hasNextPage;
    } catch (e) {
      this.deliveriesError = errorText(e);
    }
  }

  /** Opens a delivery's card (`fresh`: a new card, its notice cleared). */
  async open(id: string, fresh = true): Promise<void> {
    try {
      const d = (await this.api.request<{ webhookDelivery: WebhookDeliveryDetail }>(WEBHOOK_DELIVERY, { id })).webhookDelivery;
      if (!fresh && this.opened?.id !== id) return; // closed or another opened meanwhile
      if (fresh) this.openedNotice = null;
      this.opened = d;
    } catch (e) {
      this.deliveriesError = errorText(e);
    }
  }

  close(): void {
    this.opened = null;
    this.openedNotice = null;
  }

  async replay(id: string): Promise<void> {
    this.replaying = id;
    try {
      const { replayWebhookDelivery: d } = await this.api.request<ReplayWebhookDeliveryResult>(REPLAY_WEBHOOK_DELIVERY, { id });
      this.deliveries = this.deliveries.map((x) => (x.id === d.id ? d : x));
      const text = `Delivery ${d.id.slice(0, 8)}… queued again: it is sent now with the same body and idempotency key.`;
      if (this.opened?.id === id) {
        this.openedNotice = text;
        await this.open(id, false);
        // its attempt lands within a moment: read the card again shortly
        setTimeout(() => void (this.opened?.id === id && this.open(id, false)), 1_500);
      } else this.notice = text;
    } catch (e) {
      this.deliveriesError = errorText(e);
    } finally {
      this.replaying = null;
    }
  }

  private async act(id: string, fn: () => Promise<void>): Promise<void> {
    this.busyId = id;
    this.error = null;
    try {
      await fn();
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busyId = null;
    }
  }
}
