import { createHash, randomBytes } from 'node:crypto';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** What an integrator's API key may do. A key acts only within its scopes and its organisation. */
export const ApiKeyScope = {
  CAMPAIGNS_READ: 'campaigns:read',
  CAMPAIGNS_WRITE: 'campaigns:write',
  CONTACTS_READ: 'contacts:read',
  CONTACTS_WRITE: 'contacts:write',
  SUPPRESSIONS_WRITE: 'suppressions:write',
  STATS_SUBSCRIBE: 'stats:subscribe',
  REPORTS_READ: 'reports:read',
  /** Report inbound call events (missed calls, seed 001). */
  INBOUND_WRITE: 'inbound:write',
  /** Webhook subscriptions, campaign signing secrets, the delivery log and replays. */
  WEBHOOKS_WRITE: 'webhooks:write',
} as const;
export type ApiKeyScope = (typeof ApiKeyScope)[keyof typeof ApiKeyScope];
export const API_KEY_SCOPES: readonly ApiKeyScope[] = Object.values(ApiKeyScope);

const S = ApiKeyScope;
/**
 * The scope each root field needs when called with an API key. A field not listed is for people only
 * (sign-in, users, keys, agents' consoles, organisation settings): a key gets FORBIDDEN. The
 * authorization matrix test fails until every root field of `schema.graphql` is classified here or
 * listed in {@link PEOPLE_ONLY}.
 */
export const FIELD_SCOPE: Readonly<Record<string, ApiKeyScope>> = {
  // Query
  campaigns: S.CAMPAIGNS_READ, campaign: S.CAMPAIGNS_READ, campaignStats: S.CAMPAIGNS_READ, campaignLive: S.CAMPAIGNS_READ,
  campaignTimeline: S.CAMPAIGNS_READ, campaignNumbers: S.CAMPAIGNS_READ, campaignOwners: S.CAMPAIGNS_READ, callLegs: S.CAMPAIGNS_READ, interruptedCalls: S.CAMPAIGNS_READ,
  agents: S.CAMPAIGNS_READ, agent: S.CAMPAIGNS_READ, agentGroups: S.CAMPAIGNS_READ, agentGroup: S.CAMPAIGNS_READ,
  contacts: S.CONTACTS_READ, contact: S.CONTACTS_READ, contactLists: S.CONTACTS_READ, contactList: S.CONTACTS_READ, timeZones: S.CONTACTS_READ,
  suppressions: S.SUPPRESSIONS_WRITE,
  campaignReport: S.REPORTS_READ, callReport: S.REPORTS_READ, numberReport: S.REPORTS_READ,
  // Mutation
  createCampaign: S.CAMPAIGNS_WRITE, pauseCampaign: S.CAMPAIGNS_WRITE, resumeCampaign: S.CAMPAIGNS_WRITE, completeCampaign: S.CAMPAIGNS_WRITE,
  archiveCampaign: S.CAMPAIGNS_WRITE, resolveInterruptedCall: S.CAMPAIGNS_WRITE, setCampaignRules: S.CAMPAIGNS_WRITE,
  reportInboundCall: S.INBOUND_WRITE, assignNumbers: S.CAMPAIGNS_WRITE, assignNumbersCsv: S.CAMPAIGNS_WRITE, autoAssignNumbers: S.CAMPAIGNS_WRITE,
  createContact: S.CONTACTS_WRITE, updateContact: S.CONTACTS_WRITE, setContactsTimeZone: S.CONTACTS_WRITE, importContactsCsv: S.CONTACTS_WRITE,
  createContactList: S.CONTACTS_WRITE, addContactsToList: S.CONTACTS_WRITE, removeContactsFromList: S.CONTACTS_WRITE,
  addSuppression: S.SUPPRESSIONS_WRITE, removeSuppression: S.SUPPRESSIONS_WRITE, importSuppressionsCsv: S.SUPPRESSIONS_WRITE,
  // Subscription
  agentBoard: S.CAMPAIGNS_READ, agentBoardChanged: S.STATS_SUBSCRIBE,
  webhookSubscriptions: S.WEBHOOKS_WRITE, createWebhookSubscription: S.WEBHOOKS_WRITE, updateWebhookSubscription: S.WEBHOOKS_WRITE,
  rotateWebhookSubscriptionSecret: S.WEBHOOKS_WRITE, deleteWebhookSubscription: S.WEBHOOKS_WRITE, webhookDeliveries: S.WEBHOOKS_WRITE,
  webhookDelivery: S.WEBHOOKS_WRITE, replayWebhookDelivery: S.WEBHOOKS_WRITE, campaignWebhookSecret: S.WEBHOOKS_WRITE, rotateCampaignWebhookSecret: S.WEBHOOKS_WRITE,
  campaignUpdated: S.STATS_SUBSCRIBE, campaignStatsChanged: S.STATS_SUBSCRIBE, campaignLiveChanged: S.STATS_SUBSCRIBE,
};

/** Root fields no API key may call, whatever its scopes (people's own actions and administration). */
export const PEOPLE_ONLY: readonly string[] = [
  'me', 'users', 'createUser', 'setPassword', 'signIn', 'signOut', 'signOutEverywhere', 'setUserDisabled', 'setOrganizationTimeZone',
  'apiKeys', 'createApiKey', 'revokeApiKey', 'rotateInboundHookSecret',
  'agentConsole', 'agentConsoleChanged', 'startDialling', 'stopDialling', 'setAgentPaused', 'setFlowVariables', 'scheduleFollowup', 'cancelFollowup', 'getCustomers', 'endCurrentCall', 'readyForNext',
  'scheduleManualFollowup', 'launchFollowup', 'skipFollowup', 'followupContacts',
  'createAgent', 'createAgentGroup', 'changeGroupMembers', 'updateAgent', 'updateAgentGroup', 'updateUser',
];

/** Keys start with this, so a bearer credential tells a key from a session token at a glance (and secret scanners can find leaked ones). */
export const API_KEY_PREFIX = 'dk_';

/** A new key: the secret shown once, and what is stored (its SHA-256, and a short prefix to recognise it by). */
export function newApiKey(): { key: string; hash: string; displayPrefix: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), displayPrefix: key.slice(0, 10) };
}

/** Keys are 256 random bits, so a plain SHA-256 is enough to store them (no password stretching needed). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * The root fields an operation selects, through inline fragments and fragment spreads on the root
 * type; `undefined` when the operation cannot be found (the executor reports that itself).
 */
export function rootFields(document: DocumentNode, operationName?: string | null): string[] | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  if (!op) return undefined;
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (!s.name.value.startsWith('__')) out.add(s.name.value);
      } else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const f = fragments.get(s.name.value);
        if (f) walk(f.selectionSet);
      }
    }
  };
  walk(op.selectionSet);
  return [...out];
}

/** The first root field an API key with `scopes` may not call, and the scope it would need (null: none would do). */
export function missingScope(fields: readonly string[], scopes: readonly string[]): { field: string; needs: ApiKeyScope | null } | undefined {
  for (const field of fields) {
    const needs = FIELD_SCOPE[field];
    if (!needs) return { field, needs: null };
    if (!scopes.includes(needs)) return { field, needs };
  }
  return undefined;
}
