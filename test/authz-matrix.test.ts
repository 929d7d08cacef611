/**
 * The authorization matrix (issue 13). Every query, mutation and subscription of schema.graphql is
 * called as each kind of caller: nobody, an agent, a supervisor, an admin, another organisation's
 * admin, an API key with the scope the field needs and a key with every scope but that one. Each
 * call is allowed or refused as the table says; a refused mutation changes no row of the
 * database; nothing another organisation owns (ids, names) reaches a caller, nor a campaign of
 * another group an agent. A new root field fails the first test until it has a row here.
 */
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_SCOPE, PEOPLE_ONLY } from '../server/src/auth/api-key.js';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, subscribe, type As, type GqlResult, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { handledNumber } from './helpers/fixtures.js';

const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
const ROOTS = {
  query: Object.keys(schema.getQueryType()!.getFields()),
  mutation: Object.keys(schema.getMutationType()!.getFields()),
  subscription: Object.keys(schema.getSubscriptionType()!.getFields()),
};

const WHO = ['anonymous', 'agent', 'supervisor', 'admin', 'otherAdmin', 'key', 'keyWithout'] as const;
type Who = (typeof WHO)[number];
const PEOPLE: Who[] = ['agent', 'supervisor', 'admin', 'otherAdmin'];
const MANAGERS: Who[] = ['supervisor', 'admin'];

/** Scope names as the GraphQL enum spells them. */
const SCOPE_ENUM: Record<string, string> = {
  'campaigns:read': 'CAMPAIGNS_READ', 'campaigns:write': 'CAMPAIGNS_WRITE', 'contacts:read': 'CONTACTS_READ', 'contacts:write': 'CONTACTS_WRITE',
  'suppressions:write': 'SUPPRESSIONS_WRITE', 'stats:subscribe': 'STATS_SUBSCRIBE', 'reports:read': 'REPORTS_READ', 'inbound:write': 'INBOUND_WRITE',
  'webhooks:write': 'WEBHOOKS_WRITE',
};
const PASSWORD = 'matrix-password-1';

interface Fx {
  orgA: string;
  supervisorId: string;
  agentUserId: string;
  agentId: string;
  otherAgentId: string;
  groupId: string;
  hiddenGroupId: string;
  listId: string;
  contactId: string;
  campaignId: string;
  hiddenCampaignId: string;
  suppressionId: string;
  orgBAdminId: string;
  /** Keys by scope: `with[s]` has exactly s, `without[s]` every scope but s. */
  keys: { with: Record<string, string>; without: Record<string, string>; all: string };
  /** What another organisation must never see: org A's ids and unique names. */
  orgASecrets: string[];
  /** What the agent must never see: the campaign of a group they are not in. */
  hiddenSecrets: string[];
}

interface Row {
  field: string;
  label?: string;
  doc: string;
  /** Who gets an answer. API keys: 'key' is the key holding the field's scope (FIELD_SCOPE); 'keyWithout' is never allowed. */
  allow: Who[];
  /** Variables for one call by `who`; may create a fresh target first (as the admin). */
  vars?: (who: Who) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Puts back what `vars` set up, once the row has run (the other rows see the fixture as it was). */
  after?: () => Promise<unknown>;
}

let app: TestApp;
let fx: Fx;
const clock = new ManualClock('2026-11-30T06:00:00Z'); // 11:30 in Kolkata: frozen, so the engine never moves and only our calls change data
let seq = 0;
const uniq = (p: string) => `${p} ${++seq}`;
const phone = () => `+9198${String(20_000_000 + (++seq * 7919) % 79_999_999).padStart(8, '0')}`;

async function admin<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await app.gql<T>(query, variables);
  if (r.errors) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(r.errors)}`);
  return r.data!;
}

function asOf(who: Who, field: string): As {
  switch (who) {
    case 'anonymous': return null;
    case 'agent': return fx.agentUserId;
    case 'supervisor': return fx.supervisorId;
    case 'admin': return undefined as unknown as As;
    case 'otherAdmin': return fx.orgBAdminId;
    case 'key': return { token: FIELD_SCOPE[field] ? fx.keys.with[FIELD_SCOPE[field]!]! : fx.keys.all };
    case 'keyWithout': return { token: FIELD_SCOPE[field] ? fx.keys.without[FIELD_SCOPE[field]!]! : fx.keys.with['campaigns:read']! };
  }
}

const gqlAs = (who: Who, field: string, doc: string, vars: Record<string, unknown>): Promise<GqlResult<any>> =>
  who === 'admin' ? app.gql(doc, vars) : app.gql(doc, vars, asOf(who, field));

/** A digest of every row a caller could change (sessions and a key's last-used time aside). */
async function fingerprint(): Promise<string> {
  const tables = ['organization', 'app_user', 'agent', 'agent_group', 'agent_group_member', 'contact', 'phone_number', 'contact_list', 'contact_list_member',
    'campaign', 'campaign_number', 'call_leg', 'suppression', 'webhook_subscription'];
  const parts = tables.map((t) => `(select coalesce(md5(string_agg(x::text, '|' order by x::text)), '-') from "${t}" x)`);
  parts.push(`(select coalesce(md5(string_agg(concat_ws(',', id, name, scopes::text, revoked_at), '|' order by id)), '-') from api_key)`);
  const [row] = await sql<{ fp: string }>(app.databaseUrl, `select concat_ws(':', ${parts.join(', ')}) as fp`);
  return row!.fp;
}

async function quietFingerprint(): Promise<string> {
  let a = await fingerprint();
  for (;;) {
    await new Promise((r) => setTimeout(r, 30));
    const b = await fingerprint();
    if (a === b) return a;
    a = b;
  }
}

// ---- fresh targets for calls that use one up ----

async function newCampaign(groupId = fx.groupId, listId = fx.listId): Promise<string> {
  const r = await admin(`mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`, {
    i: { name: uniq('Matrix campaign'), groupId, listId, callerId: '+912240001234' },
  });
  await app.scheduler.tick(); // starts now: RUNNING
  return r.createCampaign.id;
}
/** A running campaign with an owner pool (seed 003) on the fixture's group and list. */
async function newPoolCampaign(): Promise<string> {
  const r = await admin(`mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`, {
    i: { name: uniq('Matrix pool'), groupId: fx.groupId, listId: fx.listId, callerId: '+912240001234', ownerPool: { perClickMax: 2 } },
  });
  await app.scheduler.tick();
  return r.createCampaign.id;
}
async function aNumberOf(campaignId: string): Promise<string> {
  const [n] = await sql<{ id: string }>(app.databaseUrl, `select id from campaign_number where campaign_id = $1 and state = 'SCHEDULED' order by id limit 1`, [campaignId]);
  return n!.id;
}
const lifecycle = async (id: string, ...steps: string[]) => {
  for (const s of steps) await admin(`mutation($id: ID!) { ${s}(id: $id) { id } }`, { id });
};
async function newUser(role = 'AGENT'): Promise<string> {
  const r = await admin(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: { name: uniq('Target user'), email: `t${++seq}@matrix.test`, role, password: PASSWORD } });
  return r.createUser.id;
}
async function newKey(): Promise<string> {
  const r = await admin(`mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id } } }`, { i: { name: uniq('target key'), scopes: ['CAMPAIGNS_READ'] } });
  return r.createApiKey.apiKey.id;
}
async function newWebhook(): Promise<string> {
  const r = await admin(`mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { subscription { id } } }`, { i: { url: 'https://hooks.example.com/matrix', eventTypes: ['CALL_LEG_ENDED'] } });
  return r.createWebhookSubscription.subscription.id;
}
/** A delivered delivery in organisation A's outbox (written as a trigger would). */
async function newDelivery(): Promise<string> {
  const [row] = await sql<{ id: string }>(app.databaseUrl, `insert into webhook_delivery (organization_id, target, url, event_type, order_key, payload, status, attempts, delivered_at)
    values ($1, 'sub:' || gen_random_uuid(), 'https://hooks.example.com/matrix', 'call.leg_ended', gen_random_uuid()::text, '{}', 'DELIVERED', 1, now()) returning id`, [fx.orgA]);
  return row!.id;
}
async function newGroup(): Promise<string> {
  const r = await admin(`mutation($i: CreateAgentGroupInput!) { createAgentGroup(input: $i) { id } }`, { i: { name: uniq('Target group') } });
  return r.createAgentGroup.id;
}
async function newSuppression(): Promise<string> {
  const r = await admin(`mutation($i: AddSuppressionInput!) { addSuppression(input: $i) { id } }`, { i: { kind: 'CLIENT_ID', value: uniq('cid') } });
  return r.addSuppression.id;
}
const handled = (agentId: string, state: 'COMPLETED' | 'INTERRUPTED' = 'COMPLETED') => handledNumber(app, fx.campaignId, agentId, clock.now(), state);
async function followupOf(agentId: string): Promise<string> {
  const id = await handled(agentId);
  await admin(`mutation($i: ScheduleFollowupInput!) { scheduleFollowup(input: $i) { numberId } }`, { i: { numberId: id, date: '2026-12-01', time: '10:00' } });
  return id;
}

/** A followup of the agent's, due now (booked for tomorrow, then moved to now: the frozen clock never lets one come due). */
async function dueFollowupOf(agentId: string): Promise<string> {
  const id = await followupOf(agentId);
  await sql(app.databaseUrl, `update campaign_number set next_attempt_at = $2 where id = $1`, [id, clock.now()]);
  return id;
}
const clearLaunch = () => sql(app.databaseUrl, `update agent set launch_number_id = null, launch_campaign_id = null, launch_requested_at = null where id = $1`, [fx.agentId]);

const TOMORROW = { date: '2026-12-01', time: '10:00' };
/** The agent acts for themselves; anybody else names the agent. */
const agentArg = (who: Who) => (who === 'agent' ? {} : { agentId: fx.agentId });
/** The fixture's agent shown in a campaign and in `state` (the frozen clock keeps any engine from moving it). */
const inState = (state: string) => async (who: Who) => {
  await sql(app.databaseUrl, `update agent set state = $2, active_campaign_id = $3, end_call_requested = false, ready_requested = false where id = $1`, [fx.agentId, state, fx.campaignId]);
  return agentArg(who);
};
const offline = () => sql(app.databaseUrl, `update agent set state = 'OFFLINE', active_campaign_id = null, end_call_requested = false, ready_requested = false where id = $1`, [fx.agentId]);

const ROWS = (): Row[] => [
  // ---- queries ----
  { field: 'me', doc: `query { me { organizationId user { id } } }`, allow: PEOPLE },
  { field: 'users', doc: `query { users { id email role } }`, allow: [...MANAGERS, 'otherAdmin'] },
  { field: 'agents', doc: `query { agents(limit: 50) { id name phone } }`, allow: [...MANAGERS, 'otherAdmin', 'key'] },
  { field: 'agent', label: 'own profile', doc: `query($id: ID!) { agent(id: $id) { id } }`, vars: () => ({ id: fx.agentId }), allow: ['agent', ...MANAGERS, 'key'] },
  { field: 'agent', label: "another agent's profile", doc: `query($id: ID!) { agent(id: $id) { id } }`, vars: () => ({ id: fx.otherAgentId }), allow: [...MANAGERS, 'key'] },
  { field: 'agentGroups', doc: `query { agentGroups(limit: 50) { id name members { id } } }`, allow: [...MANAGERS, 'otherAdmin', 'key'] },
  { field: 'agentGroup', doc: `query($id: ID!) { agentGroup(id: $id) { id } }`, vars: () => ({ id: fx.groupId }), allow: [...MANAGERS, 'key'] },
  { field: 'campaigns', doc: `query { campaigns(limit: 50) { totalCount items { id name } } }`, allow: [...PEOPLE, 'key'] },
  { field: 'campaign', label: "the agent's group", doc: `query($id: ID!) { campaign(id: $id) { id } }`, vars: () => ({ id: fx.campaignId }), allow: ['agent', ...MANAGERS, 'key'] },
  { field: 'campaign', label: 'another group', doc: `query($id: ID!) { campaign(id: $id) { id } }`, vars: () => ({ id: fx.hiddenCampaignId }), allow: [...MANAGERS, 'key'] },
  { field: 'campaignReport', doc: `query($id: ID!) { campaignReport(campaignId: $id) { rows } }`, vars: () => ({ id: fx.campaignId }), allow: [...MANAGERS, 'key'] },
  { field: 'callReport', doc: `query($id: ID!) { callReport(campaignId: $id, first: 5) { hasNextPage } }`, vars: () => ({ id: fx.campaignId }), allow: [...MANAGERS, 'key'] },
  { field: 'numberReport', doc: `query($id: ID!) { numberReport(campaignId: $id, first: 5) { hasNextPage } }`, vars: () => ({ id: fx.campaignId }), allow: [...MANAGERS, 'key'] },
  { field: 'campaignStats', doc: `query($id: ID!) { campaignStats(campaignId: $id) { campaignId } }`, vars: () => ({ id: fx.campaignId }), allow: ['agent', ...MANAGERS, 'key'] },
  { field: 'campaignStats', label: 'another group', doc: `query($id: ID!) { campaignStats(campaignId: $id) { campaignId } }`, vars: () => ({ id: fx.hiddenCampaignId }), allow: [...MANAGERS, 'key'] },
  { field: 'campaignLive', doc: `query($id: ID!) { campaignLive(campaignId: $id) { campaignId } }`, vars: () => ({ id: fx.campaignId }), allow: ['agent', ...MANAGERS, 'key'] },
  { field: 'campaignTimeline', doc: `query($id: ID!) { campaignTimeline(campaignId: $id, minutes: 5) { at } }`, vars: () => ({ id: fx.campaignId }), allow: ['agent', ...MANAGERS, 'key'] },
  { field: 'callLegs', doc: `query($id: ID!) { callLegs(campaignId: $id, limit: 10) { totalCount } }`, vars: () => ({ id: fx.campaignId }), allow: ['agent', ...MANAGERS, 'key'] },
  { field: 'callLegs', label: 'another group', doc: `query($id: ID!) { callLegs(campaignId: $id, limit: 10) { totalCount } }`, vars: () => ({ id: fx.hiddenCampaignId }), allow: [...MANAGERS, 'key'] },
  { field: 'interruptedCalls', doc: `query($id: ID!) { interruptedCalls(campaignId: $id) { numberId } }`, vars: () => ({ id: fx.campaignId }), allow: [...MANAGERS, 'key'] },
  { field: 'contacts', doc: `query { contacts(limit: 50) { totalCount items { id name } } }`, allow: [...MANAGERS, 'otherAdmin', 'key'] },
  { field: 'contact', doc: `query($id: ID!) { contact(id: $id) { id } }`, vars: () => ({ id: fx.contactId }), allow: [...MANAGERS, 'key'] },
  { field: 'contactLists', doc: `query { contactLists(limit: 50) { id name } }`, allow: [...MANAGERS, 'otherAdmin', 'key'] },
  { field: 'contactList', doc: `query($id: ID!) { contactList(id: $id) { id } }`, vars: () => ({ id: fx.listId }), allow: [...MANAGERS, 'key'] },
  { field: 'timeZones', doc: `query { timeZones }`, allow: [...PEOPLE, 'key'] },
  { field: 'suppressions', doc: `query { suppressions(limit: 50) { totalCount items { id value } } }`, allow: [...MANAGERS, 'otherAdmin', 'key'] },
  { field: 'apiKeys', doc: `query { apiKeys { id name } }`, allow: [...MANAGERS, 'otherAdmin'] },
  { field: 'agentConsole', doc: `query($agentId: ID) { agentConsole(agentId: $agentId) { agentId } }`, vars: agentArg, allow: ['agent', ...MANAGERS] },

  // ---- mutations: people and administration ----
  { field: 'signIn', doc: `mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { user { id } } }`, vars: (w) => ({ e: w === 'otherAdmin' ? 'other-admin@matrix.test' : 'matrix-agent@matrix.test', p: PASSWORD }), allow: ['anonymous', ...PEOPLE] },
  { field: 'signOut', doc: `mutation { signOut }`, allow: PEOPLE },
  { field: 'signOutEverywhere', label: 'own sessions', doc: `mutation { signOutEverywhere }`, allow: PEOPLE },
  { field: 'signOutEverywhere', label: "another user's sessions", doc: `mutation($u: ID) { signOutEverywhere(userId: $u) }`, vars: async () => ({ u: await newUser() }), allow: ['admin'] },
  { field: 'setPassword', label: 'own password', doc: `mutation($p: String!) { setPassword(password: $p) }`, vars: () => ({ p: PASSWORD }), allow: PEOPLE },
  { field: 'setPassword', label: "another user's password", doc: `mutation($u: ID, $p: String!) { setPassword(userId: $u, password: $p) }`, vars: async () => ({ u: await newUser(), p: PASSWORD }), allow: ['admin'] },
  { field: 'createUser', doc: `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, vars: () => ({ i: { name: uniq('New user'), email: `n${++seq}@matrix.test`, role: 'AGENT', password: PASSWORD } }), allow: ['admin', 'otherAdmin'] },
  { field: 'updateUser', doc: `mutation($id: ID!) { updateUser(id: $id, input: { role: SUPERVISOR }) { id role } }`, vars: async () => ({ id: await newUser() }), allow: ['admin'] },
  { field: 'setUserDisabled', doc: `mutation($id: ID!) { setUserDisabled(userId: $id, disabled: true) { id } }`, vars: async () => ({ id: await newUser() }), allow: ['admin'] },
  { field: 'setOrganizationTimeZone', doc: `mutation { setOrganizationTimeZone(timeZone: "Asia/Kolkata") }`, allow: ['admin', 'otherAdmin'] },
  { field: 'createApiKey', doc: `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id } } }`, vars: () => ({ i: { name: uniq('made key'), scopes: ['REPORTS_READ'] } }), allow: [...MANAGERS, 'otherAdmin'] },
  { field: 'webhookSubscriptions', doc: `query { webhookSubscriptions { id } }`, allow: [...MANAGERS, 'otherAdmin', 'key'] },
  { field: 'createWebhookSubscription', doc: `mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { secret } }`, vars: () => ({ i: { url: 'https://hooks.example.com/made', eventTypes: ['NUMBER_STATE_CHANGED'] } }), allow: [...MANAGERS, 'otherAdmin', 'key'] },
  { field: 'updateWebhookSubscription', doc: `mutation($id: ID!) { updateWebhookSubscription(id: $id, input: { active: false }) { id } }`, vars: async () => ({ id: await newWebhook() }), allow: [...MANAGERS, 'key'] },
  { field: 'rotateWebhookSubscriptionSecret', doc: `mutation($id: ID!) { rotateWebhookSubscriptionSecret(id: $id) { secret } }`, vars: async () => ({ id: await newWebhook() }), allow: [...MANAGERS, 'key'] },
  { field: 'deleteWebhookSubscription', doc: `mutation($id: ID!) { deleteWebhookSubscription(id: $id) }`, vars: async () => ({ id: await newWebhook() }), allow: [...MANAGERS, 'key'] },
  { field: 'webhookDeliveries', doc: `query { webhookDeliveries(first: 5) { totalCount } }`, allow: [...MANAGERS, 'otherAdmin', 'key'] },
  { field: 'webhookDelivery', doc: `query($id: ID!) { webhookDelivery(id: $id) { id } }`, vars: async () => ({ id: await newDelivery() }), allow: [...MANAGERS, 'key'] },
  { field: 'replayWebhookDelivery', doc: `mutation($id: ID!) { replayWebhookDelivery(id: $id) { id } }`, vars: async () => ({ id: await newDelivery() }), allow: [...MANAGERS, 'key'] },
  { field: 'campaignWebhookSecret', doc: `query($c: ID!) { campaignWebhookSecret(campaignId: $c) }`, vars: () => ({ c: fx.campaignId }), allow: [...MANAGERS, 'key'] },
  { field: 'rotateCampaignWebhookSecret', doc: `mutation($c: ID!) { rotateCampaignWebhookSecret(campaignId: $c) }`, vars: () => ({ c: fx.campaignId }), allow: [...MANAGERS, 'key'] },
  { field: 'rotateInboundHookSecret', doc: `mutation { rotateInboundHookSecret }`, allow: ['admin', 'otherAdmin'] },
  { field: 'revokeApiKey', doc: `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, vars: async () => ({ id: await newKey() }), allow: MANAGERS },

  // ---- agents and groups ----
  { field: 'createAgent', doc: `mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }`, vars: () => ({ i: { name: uniq('New agent'), phone: phone() } }), allow: [...MANAGERS, 'otherAdmin'] },
  { field: 'updateAgent', doc: `mutation($id: ID!) { updateAgent(id: $id, input: { timeZone: "Europe/London" }) { id } }`, vars: () => ({ id: fx.otherAgentId }), allow: MANAGERS },
  { field: 'createAgentGroup', doc: `mutation($i: CreateAgentGroupInput!) { createAgentGroup(input: $i) { id } }`, vars: () => ({ i: { name: uniq('New group') } }), allow: [...MANAGERS, 'otherAdmin'] },
  { field: 'updateAgentGroup', doc: `mutation($id: ID!) { updateAgentGroup(id: $id, input: { mayScheduleFollowups: true }) { id } }`, vars: async () => ({ id: await newGroup() }), allow: MANAGERS },
  { field: 'changeGroupMembers', doc: `mutation($g: ID!, $a: [ID!]!) { changeGroupMembers(groupId: $g, addAgentIds: $a) { id } }`, vars: async () => ({ g: await newGroup(), a: [fx.otherAgentId] }), allow: MANAGERS },

  // ---- campaigns ----
  { field: 'createCampaign', doc: `mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`, vars: () => ({ i: { name: uniq('Made campaign'), groupId: fx.groupId, listId: fx.listId, callerId: '+912240001234' } }), allow: [...MANAGERS, 'key'] },
  { field: 'pauseCampaign', doc: `mutation($id: ID!) { pauseCampaign(id: $id) { id } }`, vars: async () => ({ id: await newCampaign() }), allow: [...MANAGERS, 'key'] },
  { field: 'resumeCampaign', doc: `mutation($id: ID!) { resumeCampaign(id: $id) { id } }`, vars: async () => { const id = await newCampaign(); await lifecycle(id, 'pauseCampaign'); return { id }; }, allow: [...MANAGERS, 'key'] },
  { field: 'completeCampaign', doc: `mutation($id: ID!) { completeCampaign(id: $id) { id } }`, vars: async () => { const id = await newCampaign(); await lifecycle(id, 'pauseCampaign'); return { id }; }, allow: [...MANAGERS, 'key'] },
  { field: 'archiveCampaign', doc: `mutation($id: ID!) { archiveCampaign(id: $id) { id } }`, vars: async () => { const id = await newCampaign(); await lifecycle(id, 'pauseCampaign', 'completeCampaign'); return { id }; }, allow: [...MANAGERS, 'key'] },
  { field: 'setCampaignRules', doc: `mutation($id: ID!) { setCampaignRules(campaignId: $id, rules: { addOnDrop: { dialledNumbers: ["+912240007777"] } }) { id } }`, vars: async () => ({ id: await newCampaign() }), allow: [...MANAGERS, 'key'] },
  { field: 'campaignNumbers', doc: `query($c: ID!) { campaignNumbers(campaignId: $c, limit: 5) { totalCount items { id number ownerName } } }`, vars: () => ({ c: fx.campaignId }), allow: [...MANAGERS, 'key'] },
  { field: 'agentBoard', doc: `query { agentBoard { agentId name state campaignName } }`, allow: [...MANAGERS, 'otherAdmin', 'key'] },
  { field: 'campaignOwners', doc: `query($c: ID!) { campaignOwners(campaignId: $c) { agentId name owned } }`, vars: () => ({ c: fx.campaignId }), allow: [...MANAGERS, 'key'] },
  { field: 'getCustomers', doc: `mutation($c: ID!, $a: ID) { getCustomers(campaignId: $c, agentId: $a) { claimed owned } }`, vars: async () => ({ c: await newPoolCampaign(), a: fx.agentId }), allow: ['agent', ...MANAGERS] },
  { field: 'assignNumbers', doc: `mutation($i: AssignNumbersInput!) { assignNumbers(input: $i) { numbersAssigned } }`, vars: async () => { const c = await newPoolCampaign(); return { i: { campaignId: c, numberIds: [await aNumberOf(c)], agentId: fx.agentId } }; }, allow: [...MANAGERS, 'key'] },
  { field: 'assignNumbersCsv', doc: `mutation($i: AssignNumbersCsvInput!) { assignNumbersCsv(input: $i) { numbersAssigned errors { line } } }`, vars: async () => ({ i: { campaignId: await newPoolCampaign(), csv: `phone,agent\n+919800000001,${fx.agentId}\n` } }), allow: [...MANAGERS, 'key'] },
  { field: 'autoAssignNumbers', doc: `mutation($c: ID!) { autoAssignNumbers(campaignId: $c) { numbersAssigned } }`, vars: async () => ({ c: await newPoolCampaign() }), allow: [...MANAGERS, 'key'] },
  { field: 'reportInboundCall', doc: `mutation($i: ReportInboundCallInput!) { reportInboundCall(input: $i) { id } }`, vars: () => ({ i: { caller: phone(), dialled: '+912240007777', outcome: 'DROPPED_IN_QUEUE' } }), allow: [...MANAGERS, 'otherAdmin', 'key'] },
  { field: 'resolveInterruptedCall', label: 'own call', doc: `mutation($n: ID!) { resolveInterruptedCall(numberId: $n, outcome: FAILED) { numberId } }`, vars: async () => ({ n: await handled(fx.agentId, 'INTERRUPTED') }), allow: ['agent', ...MANAGERS, 'key'] },
  { field: 'resolveInterruptedCall', label: "another agent's call", doc: `mutation($n: ID!) { resolveInterruptedCall(numberId: $n, outcome: FAILED) { numberId } }`, vars: async () => ({ n: await handled(fx.otherAgentId, 'INTERRUPTED') }), allow: [...MANAGERS, 'key'] },

  // ---- the agent's own work ----
  { field: 'startDialling', doc: `mutation($c: ID!, $agentId: ID) { startDialling(campaignId: $c, agentId: $agentId) { agentId } }`, vars: (w) => ({ c: fx.campaignId, ...agentArg(w) }), allow: ['agent', ...MANAGERS] },
  { field: 'startDialling', label: 'a campaign of another group', doc: `mutation($c: ID!, $agentId: ID) { startDialling(campaignId: $c, agentId: $agentId) { agentId } }`, vars: (w) => ({ c: fx.hiddenCampaignId, ...agentArg(w) }), allow: [] },
  { field: 'stopDialling', doc: `mutation($agentId: ID) { stopDialling(agentId: $agentId) { agentId } }`, vars: agentArg, allow: ['agent', ...MANAGERS] },
  { field: 'endCurrentCall', doc: `mutation($agentId: ID) { endCurrentCall(agentId: $agentId) { agentId } }`, vars: inState('ON_CALL'), after: offline, allow: ['agent', ...MANAGERS] },
  { field: 'readyForNext', doc: `mutation($agentId: ID) { readyForNext(agentId: $agentId) { agentId } }`, vars: inState('WRAP_UP'), after: offline, allow: ['agent', ...MANAGERS] },
  { field: 'setAgentPaused', doc: `mutation($agentId: ID) { setAgentPaused(agentId: $agentId, paused: false) { agentId } }`, vars: agentArg, allow: ['agent', ...MANAGERS] },
  { field: 'setFlowVariables', label: 'own call', doc: `mutation($n: ID!) { setFlowVariables(numberId: $n, input: { disposition: "sale" }) { legId } }`, vars: async () => ({ n: await handled(fx.agentId) }), allow: ['agent', ...MANAGERS] },
  { field: 'setFlowVariables', label: "another agent's call", doc: `mutation($n: ID!) { setFlowVariables(numberId: $n, input: { disposition: "sale" }) { legId } }`, vars: async () => ({ n: await handled(fx.otherAgentId) }), allow: MANAGERS },
  { field: 'scheduleFollowup', label: 'own call', doc: `mutation($i: ScheduleFollowupInput!) { scheduleFollowup(input: $i) { numberId } }`, vars: async () => ({ i: { numberId: await handled(fx.agentId), ...TOMORROW } }), allow: ['agent', ...MANAGERS] },
  { field: 'scheduleFollowup', label: "another agent's call", doc: `mutation($i: ScheduleFollowupInput!) { scheduleFollowup(input: $i) { numberId } }`, vars: async () => ({ i: { numberId: await handled(fx.otherAgentId), ...TOMORROW } }), allow: MANAGERS },
  { field: 'cancelFollowup', label: 'own followup', doc: `mutation($n: ID!) { cancelFollowup(numberId: $n) }`, vars: async () => ({ n: await followupOf(fx.agentId) }), allow: ['agent', ...MANAGERS] },
  { field: 'followupContacts', doc: `query($c: ID!) { followupContacts(campaignId: $c, search: "Matrix") { numberId contactName number } }`, vars: () => ({ c: fx.campaignId }), allow: ['agent', ...MANAGERS] },
  { field: 'followupContacts', label: 'a campaign of another group', doc: `query($c: ID!) { followupContacts(campaignId: $c, search: "Matrix") { numberId } }`, vars: () => ({ c: fx.hiddenCampaignId }), allow: MANAGERS },
  { field: 'scheduleManualFollowup', doc: `mutation($i: ScheduleManualFollowupInput!) { scheduleManualFollowup(input: $i) { numberId } }`,
    vars: () => ({ i: { campaignId: fx.campaignId, number: phone(), name: uniq('Walk-in'), ...TOMORROW } }), allow: ['agent'] },
  { field: 'scheduleManualFollowup', label: 'a campaign of another group', doc: `mutation($i: ScheduleManualFollowupInput!) { scheduleManualFollowup(input: $i) { numberId } }`,
    vars: () => ({ i: { campaignId: fx.hiddenCampaignId, number: phone(), ...TOMORROW } }), allow: [] },
  { field: 'launchFollowup', label: 'own due followup', doc: `mutation($n: ID!) { launchFollowup(numberId: $n) { agentId } }`, vars: async () => ({ n: await dueFollowupOf(fx.agentId) }), after: clearLaunch, allow: ['agent'] },
  { field: 'launchFollowup', label: "another agent's due followup", doc: `mutation($n: ID!) { launchFollowup(numberId: $n) { agentId } }`, vars: async () => ({ n: await dueFollowupOf(fx.otherAgentId) }), allow: [] },
  { field: 'skipFollowup', label: 'own followup', doc: `mutation($n: ID!) { skipFollowup(numberId: $n) { numberId state } }`, vars: async () => ({ n: await followupOf(fx.agentId) }), allow: ['agent', ...MANAGERS] },
  { field: 'skipFollowup', label: "another agent's followup", doc: `mutation($n: ID!) { skipFollowup(numberId: $n) { numberId state } }`, vars: async () => ({ n: await followupOf(fx.otherAgentId) }), allow: MANAGERS },
  { field: 'cancelFollowup', label: "another agent's followup", doc: `mutation($n: ID!) { cancelFollowup(numberId: $n) }`, vars: async () => ({ n: await followupOf(fx.otherAgentId) }), allow: MANAGERS },

  // ---- contacts (seed 004: agents may add contacts and lists, not read the directory) ----
  { field: 'createContact', doc: `mutation($i: CreateContactInput!) { createContact(input: $i) { id } }`, vars: () => ({ i: { name: uniq('New contact'), phones: [phone()] } }), allow: [...PEOPLE, 'key'] },
  { field: 'updateContact', doc: `mutation($id: ID!) { updateContact(id: $id, input: { name: "Renamed" }) { id } }`, vars: () => ({ id: fx.contactId }), allow: [...MANAGERS, 'key'] },
  { field: 'setContactsTimeZone', doc: `mutation($ids: [ID!]) { setContactsTimeZone(input: { contactIds: $ids, timeZone: "Asia/Kolkata" }) }`, vars: () => ({ ids: [fx.contactId] }), allow: [...MANAGERS, 'key'] },
  { field: 'importContactsCsv', doc: `mutation($i: ImportContactsCsvInput!) { importContactsCsv(input: $i) { created } }`, vars: () => ({ i: { csv: `name,phone\n${uniq('Imported')},${phone()}` } }), allow: [...MANAGERS, 'otherAdmin', 'key'] },
  { field: 'importContactsCsv', label: "into another organisation's list", doc: `mutation($i: ImportContactsCsvInput!) { importContactsCsv(input: $i) { created } }`, vars: () => ({ i: { csv: `name,phone\n${uniq('Imported')},${phone()}`, listId: fx.listId } }), allow: [...MANAGERS, 'key'] },
  { field: 'createContactList', doc: `mutation($n: String!) { createContactList(name: $n) { id } }`, vars: () => ({ n: uniq('Made list') }), allow: [...PEOPLE, 'key'] },
  { field: 'addContactsToList', doc: `mutation($l: ID!, $c: [ID!]!) { addContactsToList(listId: $l, contactIds: $c) { id } }`, vars: () => ({ l: fx.listId, c: [fx.contactId] }), allow: [...MANAGERS, 'key'] },
  { field: 'removeContactsFromList', doc: `mutation($l: ID!, $c: [ID!]!) { removeContactsFromList(listId: $l, contactIds: $c) { id } }`, vars: () => ({ l: fx.listId, c: [fx.contactId] }), allow: [...MANAGERS, 'key'] },

  // ---- suppression list ----
  { field: 'addSuppression', doc: `mutation($i: AddSuppressionInput!) { addSuppression(input: $i) { id } }`, vars: () => ({ i: { kind: 'CLIENT_ID', value: uniq('client') } }), allow: [...MANAGERS, 'otherAdmin', 'key'] },
  { field: 'removeSuppression', doc: `mutation($id: ID!) { removeSuppression(id: $id) }`, vars: async () => ({ id: await newSuppression() }), allow: [...MANAGERS, 'key'] },
  { field: 'importSuppressionsCsv', doc: `mutation($i: ImportSuppressionsCsvInput!) { importSuppressionsCsv(input: $i) { added } }`, vars: () => ({ i: { csv: `client_id,reason\n${uniq('c')},asked` } }), allow: [...MANAGERS, 'otherAdmin', 'key'] },
];

interface SubRow {
  field: string;
  label?: string;
  doc: string;
  vars: (who: Who) => Record<string, unknown>;
  allow: Who[];
}
const SUB_ROWS = (): SubRow[] => [
  { field: 'campaignUpdated', doc: `subscription { campaignUpdated { id } }`, vars: () => ({}), allow: [...PEOPLE, 'key'] },
  { field: 'campaignStatsChanged', doc: `subscription($id: ID!) { campaignStatsChanged(campaignId: $id) { campaignId } }`, vars: () => ({ id: fx.campaignId }), allow: ['agent', ...MANAGERS, 'key'] },
  { field: 'campaignStatsChanged', label: 'another group', doc: `subscription($id: ID!) { campaignStatsChanged(campaignId: $id) { campaignId } }`, vars: () => ({ id: fx.hiddenCampaignId }), allow: [...MANAGERS, 'key'] },
  { field: 'campaignLiveChanged', doc: `subscription($id: ID!) { campaignLiveChanged(campaignId: $id) { campaignId } }`, vars: () => ({ id: fx.campaignId }), allow: ['agent', ...MANAGERS, 'key'] },
  { field: 'agentConsoleChanged', doc: `subscription($agentId: ID) { agentConsoleChanged(agentId: $agentId) { agentId } }`, vars: agentArg, allow: ['agent', ...MANAGERS] },
  { field: 'agentBoardChanged', doc: `subscription { agentBoardChanged { agentId name } }`, vars: () => ({}), allow: [...MANAGERS, 'otherAdmin', 'key'] },
];

const DENY_CODES: Record<Who, string[]> = {
  anonymous: ['UNAUTHENTICATED'],
  key: ['FORBIDDEN'],
  keyWithout: ['FORBIDDEN'],
  agent: ['FORBIDDEN', 'NOT_FOUND'],
  supervisor: ['FORBIDDEN', 'NOT_FOUND'],
  admin: ['FORBIDDEN', 'NOT_FOUND'],
  otherAdmin: ['FORBIDDEN', 'NOT_FOUND'],
};

/** Secrets of others in an answer, beyond what the caller sent (an error may name the id it was given). */
function leaks(who: Who, body: unknown, sent: Record<string, unknown> = {}): string[] {
  const text = JSON.stringify(body);
  const given = JSON.stringify(sent);
  const secrets = who === 'otherAdmin' ? fx.orgASecrets : who === 'agent' ? fx.hiddenSecrets : [];
  return secrets.filter((s) => text.includes(s) && !given.includes(s));
}

async function setup(): Promise<Fx> {
  const user = async (name: string, email: string, role: string) =>
    (await admin(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: { name, email, role, password: PASSWORD } })).createUser.id as string;
  const agent = async (name: string, userId?: string) =>
    (await admin(`mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }`, { i: { name, phone: phone(), timeZone: 'Asia/Kolkata', userId } })).createAgent.id as string;
  const supervisorId = await user('Matrix Supervisor', 'matrix-supervisor@matrix.test', 'SUPERVISOR');
  const agentUserId = await user('Matrix Agent', 'matrix-agent@matrix.test', 'AGENT');
  const agentId = await agent('Matrix Agent', agentUserId);
  const otherAgentId = await agent('Other Agent');
  const hiddenAgentId = await agent('Hidden Agent');
  const group = async (name: string, ids: string[]) => (await admin(`mutation($i: CreateAgentGroupInput!) { createAgentGroup(input: $i) { id } }`, { i: { name, agentIds: ids } })).createAgentGroup.id as string;
  const groupId = await group('Matrix floor', [agentId, otherAgentId]);
  const hiddenGroupId = await group('Hidden floor', [hiddenAgentId]);
  const listId = (await admin(`mutation { createContactList(name: "Matrix list") { id } }`)).createContactList.id as string;
  const rows = ['name,phone'];
  for (let i = 0; i < 160; i++) rows.push(`Matrix customer ${i},${phone()}`);
  await admin(`mutation($i: ImportContactsCsvInput!) { importContactsCsv(input: $i) { created } }`, { i: { csv: rows.join('\n'), listId } });
  const contactId = (await admin(`query { contacts(limit: 1) { items { id } } }`)).contacts.items[0].id as string;
  const partial = { groupId, listId } as Fx;
  fx = partial;
  const campaignId = await newCampaign(groupId, listId);
  const hiddenCampaignId = await newCampaign(hiddenGroupId, listId);
  const hiddenName = (await admin(`query($id: ID!) { campaign(id: $id) { name } }`, { id: hiddenCampaignId })).campaign.name as string;
  const suppressionId = (await admin(`mutation { addSuppression(input: { kind: CLIENT_ID, value: "matrix-client-secret" }) { id } }`)).addSuppression.id as string;
  const keyOf = async (scopes: string[]) =>
    (await admin(`mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key } }`, { i: { name: uniq('matrix key'), scopes: scopes.map((s) => SCOPE_ENUM[s]) } })).createApiKey.key as string;
  const scopes = Object.keys(SCOPE_ENUM);
  const keys = { with: {} as Record<string, string>, without: {} as Record<string, string>, all: await keyOf(scopes) };
  for (const s of scopes) {
    keys.with[s] = await keyOf([s]);
    keys.without[s] = await keyOf(scopes.filter((x) => x !== s));
  }
  const orgB = await app.services.users.createOrganization(app.orm.em.fork(), { name: 'Other organisation', adminEmail: 'other-admin@matrix.test', adminPassword: PASSWORD });
  const orgASecrets = [app.organizationId, supervisorId, agentUserId, agentId, otherAgentId, groupId, hiddenGroupId, listId, contactId, campaignId, hiddenCampaignId,
    suppressionId, 'Matrix floor', 'Matrix list', 'Matrix customer', 'matrix-client-secret', 'matrix-supervisor@matrix.test', 'Test organisation'];
  return {
    orgA: app.organizationId, supervisorId, agentUserId, agentId, otherAgentId, groupId, hiddenGroupId, listId, contactId, campaignId, hiddenCampaignId,
    suppressionId, orgBAdminId: orgB.adminUserId, keys, orgASecrets,
    hiddenSecrets: [hiddenCampaignId, hiddenName, hiddenGroupId],
  };
}

beforeAll(async () => {
  app = await startTestApp({ clock, config: { requestsPerMinute: 100_000 } });
  fx = await setup();
}, 120_000);

afterAll(async () => {
  await app?.dispose();
});

describe('authorization matrix', () => {
  it('has a row for every query, mutation and subscription of schema.graphql, and rows only for those', () => {
    const covered = new Set([...ROWS_STATIC.map((r) => r.field), ...SUB_STATIC.map((r) => r.field)]);
    const all = [...ROOTS.query, ...ROOTS.mutation, ...ROOTS.subscription];
    expect(all.filter((f) => !covered.has(f))).toEqual([]);
    expect([...covered].filter((f) => !all.includes(f))).toEqual([]);
    // a row may let a key in only where a scope exists for the field, and never where it is for people only
    for (const r of [...ROWS_STATIC, ...SUB_STATIC]) {
      if (r.allow.includes('key')) expect(FIELD_SCOPE[r.field], `${r.field} lets keys in without a scope`).toBeDefined();
      if (PEOPLE_ONLY.includes(r.field) && r.field !== 'signIn') expect(r.allow, `${r.field} is for people only`).not.toContain('key');
    }
  });

  const ROWS_STATIC = ROWS();
  const SUB_STATIC = SUB_ROWS();
  for (const row of ROWS_STATIC) {
    const isMutation = ROOTS.mutation.includes(row.field);
    it(`${row.field}${row.label ? ` (${row.label})` : ''}`, { timeout: 60_000 }, async () => {
      const r = row;
      const problems: string[] = [];
      // refusals first, each checked to change nothing; then each allowed caller on its own fresh target
      const order = [...WHO.filter((w) => !r.allow.includes(w)), ...WHO.filter((w) => r.allow.includes(w))];
      for (const who of order) {
        const vars = (await r.vars?.(who)) ?? {};
        const allowed = r.allow.includes(who);
        const before = isMutation && !allowed ? await quietFingerprint() : '';
        const res = await gqlAs(who, r.field, r.doc, vars);
        const code = res.errors?.[0]?.extensions?.code;
        if (allowed) {
          if (res.errors || res.data?.[r.field] === undefined) problems.push(`${who}: expected an answer, got ${code}: ${res.errors?.[0]?.message}`);
        } else {
          if (!code || !DENY_CODES[who].includes(code)) problems.push(`${who}: expected ${DENY_CODES[who].join('/')}, got ${code ?? 'an answer'}${res.errors ? `: ${res.errors[0]!.message}` : ''}`);
          if (res.data && res.data[r.field] != null) problems.push(`${who}: refused but data came back`);
          if (who === 'anonymous' && res.status !== 401) problems.push(`anonymous: HTTP ${res.status}, expected 401`);
          if (isMutation && (await fingerprint()) !== before) problems.push(`${who}: refused, but the database changed`);
        }
        const leaked = leaks(who, res, vars);
        if (leaked.length) problems.push(`${who}: saw ${leaked.join(', ')}`);
      }
      await r.after?.();
      expect(problems).toEqual([]);
    });
  }

  for (const row of SUB_STATIC) {
    it(`subscription ${row.field}${row.label ? ` (${row.label})` : ''}`, { timeout: 30_000 }, async () => {
      const r = row;
      const problems: string[] = [];
      await Promise.all(WHO.map(async (who) => {
        const client = app.ws(who === 'admin' ? undefined : asOf(who, r.field));
        const sub = subscribe<any>(client, r.doc, r.vars(who));
        // an allowed subscription stays open with no error (most answer at once); a refused one errors or the socket is refused
        await new Promise((res) => setTimeout(res, 800));
        const errs = JSON.stringify(sub.errors);
        const refused = sub.errors.length > 0;
        if (r.allow.includes(who)) {
          if (refused) problems.push(`${who}: expected the subscription, got ${errs}`);
        } else {
          const wanted = DENY_CODES[who];
          const ok = refused && (wanted.some((c) => errs.includes(c)) || (who === 'anonymous' && /4401|4403|UNAUTHENTICATED|Forbidden/i.test(errs)));
          if (!ok) problems.push(`${who}: expected ${wanted.join('/')}, got ${refused ? errs : 'an open subscription'}`);
          if (sub.values.length) problems.push(`${who}: refused but received ${JSON.stringify(sub.values[0])}`);
        }
        const leaked = leaks(who, sub.values, r.vars(who));
        if (leaked.length) problems.push(`${who}: saw ${leaked.join(', ')}`);
        sub.unsubscribe();
        await client.dispose();
      }));
      expect(problems).toEqual([]);
    });
  }

  it('a change in one organisation reaches its own subscribers only, and an agent hears only of their groups\' campaigns', async () => {
    const subs = (['agent', 'supervisor', 'otherAdmin', 'key'] as Who[]).map((who) => {
      const client = app.ws(asOf(who, 'campaignUpdated'));
      return { who, client, sub: subscribe<{ campaignUpdated: { id: string } }>(client, `subscription { campaignUpdated { id name } }`, {}) };
    });
    await new Promise((res) => setTimeout(res, 500));
    await lifecycle(fx.campaignId, 'pauseCampaign', 'resumeCampaign');
    await lifecycle(fx.hiddenCampaignId, 'pauseCampaign', 'resumeCampaign');
    const sup = subs.find((s) => s.who === 'supervisor')!.sub;
    await sup.waitFor((v) => v.campaignUpdated.id === fx.hiddenCampaignId);
    await subs.find((s) => s.who === 'agent')!.sub.waitFor((v) => v.campaignUpdated.id === fx.campaignId);
    await new Promise((res) => setTimeout(res, 300));
    const seen = Object.fromEntries(subs.map((s) => [s.who, new Set(s.sub.values.map((v) => v.campaignUpdated.id))]));
    expect(seen.supervisor!.has(fx.campaignId) && seen.key!.has(fx.hiddenCampaignId)).toBe(true);
    expect(seen.agent!.has(fx.campaignId)).toBe(true);
    expect(seen.agent!.has(fx.hiddenCampaignId)).toBe(false);
    expect(seen.otherAdmin!.size).toBe(0);
    for (const s of subs) {
      s.sub.unsubscribe();
      await s.client.dispose();
    }
  });
});
