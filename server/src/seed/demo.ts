import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import { DialMode, CallType } from '../domain/campaign-options.js';
import { normalisePhone } from '../domain/phone.js';
import { CampaignEntity, ContactEntity } from '../entities/index.js';
import type { Services } from '../graphql/schema.js';
import type { Logger } from '../logger.js';

const FIRST = ['Asha', 'Ravi', 'Meera', 'Arjun', 'Priya', 'John', 'Emma', 'Liam', 'Olivia', 'Noah', 'Sita', 'Bikash', 'Anil', 'Grace', 'Omar'];
const LAST = ['Sharma', 'Iyer', 'Khan', 'Smith', 'Brown', 'Patel', 'Shrestha', 'Gurung', 'Jones', 'Taylor', 'Rao', 'Das'];
/** Numbers in several zones (incl. +05:30 and +05:45) so calling windows differ on the wallboard. */
const PREFIXES = ['+9198', '+9197', '+1212555', '+44207946', '+97798', '+61491570'];

function demoNumber(i: number): string | undefined {
  const prefix = PREFIXES[i % PREFIXES.length]!;
  const digits = String(10_000_000 + ((i * 7_919) % 89_999_999));
  const want = prefix.startsWith('+91') ? 12 : prefix.startsWith('+1') ? 11 : prefix.startsWith('+44') ? 12 : prefix.startsWith('+977') ? 13 : 11;
  const candidate = (prefix + digits).slice(0, want + 1);
  try {
    return normalisePhone(candidate, 'demo').e164;
  } catch {
    return undefined;
  }
}

/**
 * Loads a demo organisation on first start (agents, a group, a list imported from CSV, and
 * campaigns in several states) so the wallboard moves at once. Does nothing once data exists.
 */
export async function seedDemo(em: EntityManager, services: Services, admin: Actor, clock: Clock, log: Logger): Promise<void> {
  const scope = { actor: admin, em };
  if ((await em.count(CampaignEntity, { organization: admin.organizationId })) > 0) return;
  if ((await em.count(ContactEntity, { organization: admin.organizationId })) > 0) return;

  const agents = [];
  const agentPhones = ['+919812300001', '+919812300002', '+919812300003', '+919812300004', '+919812300005', '+919812300006', '+919812300007', '+919812300008'];
  for (const [i, phone] of agentPhones.entries()) {
    agents.push(await services.agents.create(scope, { name: `${FIRST[i]} ${LAST[(i * 5) % LAST.length]} (agent)`, phone, timeZone: 'Asia/Kolkata' }));
  }
  const group = await services.agents.createGroup(scope, { name: 'Sales floor', agentIds: agents.map((a) => a.id) });
  const list = await services.contacts.createList(scope, 'Demo customers');
  const rows = ['name,phone,order_id,city'];
  for (let i = 0; i < 400; i++) {
    const n = demoNumber(i);
    if (n) rows.push(`${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]},${n},ORD-${10_000 + i},${['Mumbai', 'New York', 'London', 'Kathmandu', 'Sydney'][i % 5]}`);
  }
  const imported = await services.contacts.importCsv(scope, { csv: rows.join('\n'), listId: list.id });
  const now = clock.now();
  const base = { groupId: group.id, callerId: '+912240001234', infinite: false, priority: 0, abandonRateCap: 0.03, maxDialRatio: 3, callType: CallType.TRANSACTIONAL, wrapUpSeconds: 10, ringTimeoutSeconds: 20 };
  const progressive = await services.campaigns.create(scope, {
    ...base,
    name: 'Policy renewals (progressive)',
    dialMode: DialMode.PROGRESSIVE,
    listId: list.id,
    attemptPolicy: { retries: 2, retryIntervalMinutes: 30, retryOn: ['BUSY', 'NO_ANSWER'], agentMaxAttempts: 3, agentRetryIntervalMinutes: 10, continueOnNotConnected: false },
  });
  const agentFirst = await services.campaigns.create(scope, {
    ...base,
    name: 'Order confirmation OTP (agent-first flow)',
    dialMode: DialMode.AGENT_FIRST_FLOW,
    listId: list.id,
    attemptPolicy: { retries: 1, retryIntervalMinutes: 60, retryOn: ['BUSY', 'NO_ANSWER', 'FAILED'], agentMaxAttempts: 3, agentRetryIntervalMinutes: 10, continueOnNotConnected: false },
  });
  const predictive = await services.campaigns.create(scope, {
    ...base,
    name: 'Win-back offers (predictive)',
    dialMode: DialMode.PREDICTIVE,
    listId: list.id,
    attemptPolicy: { retries: 1, retryIntervalMinutes: 20, retryOn: ['BUSY', 'NO_ANSWER'], agentMaxAttempts: 3, agentRetryIntervalMinutes: 10, continueOnNotConnected: false },
  });
  await services.campaigns.create(scope, { ...base, name: 'Next week: service reminders', dialMode: DialMode.PROGRESSIVE, listId: list.id, startsAt: new Date(now.getTime() + 7 * 86_400_000) });
  // The demo agents have pressed Start, so the wallboard moves on first start (the simulator answers for them).
  const plan = [progressive.id, progressive.id, progressive.id, agentFirst.id, agentFirst.id, predictive.id, predictive.id, predictive.id];
  for (const [i, agent] of agents.entries()) {
    await em.execute(`update agent set active_campaign_id = ? where id = ?`, [plan[i % plan.length], agent.id]);
  }
  log.info({ agents: agents.length, contacts: imported.created, campaigns: 4 }, 'demo data loaded');
}
