import { createPubSub, type PubSub as YogaPubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { Broadcast, type Subscription } from './fanout.js';
import type { Campaign } from '../modules/campaign/campaign.type.js';

/** JSON-safe snapshot of one campaign's number counters (ISO strings, no Dates). */
export interface CampaignStatsPayload {
  campaignId: string;
  organizationId: string;
  counts: Record<string, number>;
  reasons: { state: string; reason: string; count: number }[];
  total: number;
  updatedAt: string;
  /** When the earliest change in this push was committed (freshness; event-to-screen latency). */
  changedAt: string;
}

/** JSON-safe live figures of one campaign for the wallboard (computed by the owning instance). */
export interface CampaignLivePayload {
  campaignId: string;
  organizationId: string;
  agents: Record<string, number>;
  callsRinging: number;
  callsConnected: number;
  waitingForAgent: number;
  /** (talk + wrap-up) / logged-in time of the campaign's agents so far in the minute of `updatedAt`; null when none was logged in. */
  occupancyThisMinute?: number | null;
  localTimeZone: string;
  dialsToday: number;
  liveAnswersToday: number;
  connectsToday: number;
  answerRate: number | null;
  averageHandleTimeSec: number | null;
  abandonRateToday: number | null;
  abandonRate24h: number | null;
  abandonRate30d: number | null;
  abandonRateCap: number;
  pacingRatio: number;
  pacingReason: string;
  pacingBoundBy: string | null;
  hopperDepth: number;
  hopperDue: number;
  heldBack: { filter: string; count: number }[];
  remaining: number;
  finishedLastHour: number;
  etaMinutes: number | null;
  /** Owner pools: owned callbacks due, overdue (5+ min late) and released to the group. */
  ownedCallbacks: { due: number; overdue: number; released: number };
  /** Preview followups waiting for their time, due now (not launched) and expired. */
  followups: { waiting: number; due: number; expired: number };
  /** The campaign's dial-whom and get-contacts URLs: paging and their last failure (ISO times). */
  integrations: IntegrationJson[];
  updatedAt: string;
}

export interface IntegrationJson {
  kind: 'DIAL_WHOM' | 'GET_CONTACTS' | 'TELEPHONY';
  done: boolean;
  pages: number;
  fetched: number;
  rejected: number;
  lastRejection: string | null;
  failures: number;
  lastError: string | null;
  errorAt: string | null;
  retryAt: string | null;
  okAt: string | null;
}

/** The `Campaign` wire object with its dates as ISO strings (what crosses Redis). */
export type CampaignJson = Omit<Campaign, 'startsAt' | 'endsAt' | 'createdAt' | 'updatedAt' | 'completedAt'> & {
  startsAt: string;
  endsAt: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
};

/** A campaign was created or changed status (by a user or by the clock). JSON-safe. */
export interface CampaignUpdatedPayload {
  campaignId: string;
  organizationId: string;
  /** The campaign as the `campaign` query returns it, at the time of the change. */
  campaign: CampaignJson;
  /** When the event was published. */
  publishedAt: string;
}

/** Every topic and the arguments published on it; the second element is the payload. */
export interface TopicPayloads {
  /** Keyed by campaign id. */
  CAMPAIGN_STATS_CHANGED: [campaignId: string, payload: CampaignStatsPayload];
  /** Keyed by campaign id. */
  CAMPAIGN_LIVE_CHANGED: [campaignId: string, payload: CampaignLivePayload];
  /** Every campaign's live figures on one topic, for each instance's cache. */
  CAMPAIGN_LIVE_ALL: [payload: CampaignLivePayload];
  /** Keyed by organisation id: creations and status moves of its campaigns. */
  CAMPAIGN_UPDATED: [organizationId: string, payload: CampaignUpdatedPayload];
  /** Keyed by agent id: something on the agent's console changed (state, call, queue); the payload is a hint. */
  AGENT_CONSOLE_CHANGED: [agentId: string, payload: { agentId: string; at: string }];
  /** Keyed by organisation id: some agent of it changed (the wallboard's agent panel re-reads); the payload is a hint. */
  AGENT_BOARD_CHANGED: [organizationId: string, payload: { at: string }];
  [key: string]: [string, unknown] | [unknown];
}
export const Topic = {
  CAMPAIGN_STATS_CHANGED: 'CAMPAIGN_STATS_CHANGED',
  CAMPAIGN_LIVE_CHANGED: 'CAMPAIGN_LIVE_CHANGED',
  CAMPAIGN_LIVE_ALL: 'CAMPAIGN_LIVE_ALL',
  CAMPAIGN_UPDATED: 'CAMPAIGN_UPDATED',
  AGENT_CONSOLE_CHANGED: 'AGENT_CONSOLE_CHANGED',
  AGENT_BOARD_CHANGED: 'AGENT_BOARD_CHANGED',
} as const;

export type TopicName = (typeof Topic)[keyof typeof Topic];
/** The arguments of `subscribe` for a topic: the topic, and its key when it is keyed. */
export type SubscribeArgs<K extends TopicName> = TopicPayloads[K] extends [unknown] ? [topic: K] : [topic: K, key: TopicPayloads[K][0]];
/** What a topic's subscribers receive. */
export type PayloadOf<K extends TopicName> = TopicPayloads[K] extends [infer P] ? P : TopicPayloads[K] extends [unknown, infer P] ? P : never;

/**
 * The dialler's pubsub: the yoga pubsub's `publish`, and a `subscribe` that fans each topic and key out locally
 * (one upstream per key, however many subscribers: `fanout.ts`).
 */
export interface DialerPubSub {
  publish: YogaPubSub<TopicPayloads>['publish'];
  subscribe<K extends TopicName>(...args: SubscribeArgs<K>): Subscription<PayloadOf<K>>;
}

/**
 * Topics whose every value is the whole current state or a hint to re-read: a subscriber that falls behind gets only
 * the newest. Campaign updates (one campaign each) and the all-campaigns live topic keep every value.
 */
const CONFLATED: ReadonlySet<TopicName> = new Set([Topic.CAMPAIGN_STATS_CHANGED, Topic.CAMPAIGN_LIVE_CHANGED, Topic.AGENT_CONSOLE_CHANGED, Topic.AGENT_BOARD_CHANGED]);

/** Wraps a yoga pubsub so that each topic and key is subscribed once in this process and fanned out locally. */
export function withLocalFanout(pubSub: YogaPubSub<TopicPayloads>, log: Logger): DialerPubSub {
  const byTopic = new Map<TopicName, Broadcast<unknown, unknown>>();
  const upstream = pubSub.subscribe as (topic: string, key?: unknown) => AsyncIterable<unknown>;
  return {
    publish: (...args) => pubSub.publish(...args),
    subscribe<K extends TopicName>(...[topic, key]: SubscribeArgs<K>): Subscription<PayloadOf<K>> {
      let b = byTopic.get(topic);
      if (!b) {
        b = new Broadcast((k) => (k === undefined ? upstream(topic) : upstream(topic, k)), {
          conflate: CONFLATED.has(topic),
          onError: (err) => log.error({ err, topic }, 'a pubsub stream failed'),
        });
        byTopic.set(topic, b);
      }
      return b.subscribe(key) as Subscription<PayloadOf<K>>;
    },
  };
}

export interface PubSubHandle {
  pubSub: DialerPubSub;
  /** "redis" when events cross instances through Redis, "memory" when in-process. */
  kind: 'redis' | 'memory';
  close(): Promise<void>;
}

/**
 * In-process pubsub without a URL; with one, Redis with separate publish and subscribe
 * connections (a subscribed ioredis connection cannot publish).
 */
export async function createDialerPubSub(redisUrl: string | undefined, log: Logger): Promise<PubSubHandle> {
  if (!redisUrl) return { pubSub: withLocalFanout(createPubSub<TopicPayloads>(), log), kind: 'memory', close: async () => undefined };
  const options = { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true };
  const publishClient = new Redis(redisUrl, options);
  const subscribeClient = new Redis(redisUrl, options);
  for (const [name, c] of [['publish', publishClient], ['subscribe', subscribeClient]] as const) {
    c.on('error', (err) => log.warn({ err: err.message, connection: name }, 'redis error'));
  }
  await Promise.all([publishClient.connect(), subscribeClient.connect()]);
  // The yoga event target fires subscribe/unsubscribe/publish without handling rejection: a
  // Redis outage or a subscription ending after shutdown must be logged, not crash the process.
  guard(subscribeClient, 'subscribe', log);
  guard(subscribeClient, 'unsubscribe', log);
  guard(publishClient, 'publish', log);
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubSub: withLocalFanout(createPubSub<TopicPayloads>({ eventTarget }), log),
    kind: 'redis',
    close: async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

function guard(client: Redis, method: 'subscribe' | 'unsubscribe' | 'publish', log: Logger): void {
  const original = (client[method] as (...args: unknown[]) => Promise<unknown>).bind(client);
  (client as unknown as Record<string, unknown>)[method] = (...args: unknown[]) =>
    original(...args).catch((err: Error) => {
      log.warn({ err: err.message, command: method }, 'redis command failed');
    });
}
