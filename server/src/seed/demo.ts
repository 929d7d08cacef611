import type { EntityManager } from '@mikro-orm/postgresql';
import { Role, type Actor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import { DialMode, CallType } from '../domain/campaign-options.js';
import { normalisePhone } from '../domain/phone.js';
import { UserEntity } from '../entities/index.js';
import type { Services } from '../modules/services.js';
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

/** Sign-in accounts of the demo (also in the README quick start). */
export const DEMO_CREDENTIALS = {
  admin: { email: 'admin@localhost', password: 'admin1234' },
  supervisor: { email: 'supervisor@demo.local', password: 'demo1234' },
  agents: { email: 'agent1@demo.local ... agent8@demo.local', password: 'demo1234' },
} as const;

/**
 * Creates a demo organisation on the first start of an empty database (its administrator, agents,
 * a group, a list imported from CSV, and campaigns in several states) so the wallboard moves at once,
 * with sign-in accounts for the administrator, a supervisor and each agent. Once any organisation
 * exists it only logs those accounts (when they are there).
 */
export async function seedDemo(em: EntityManager, services: Services, clock: Clock, log: Logger): Promise<void> {
  // instances starting together on one database: one creates the demo organisation, the others see it
  const created = await em.transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(7311)');
    if ((await services.users.countOrganizations(tx)) > 0) return null;
    return services.users.createOrganization(tx, {
      name: 'Demo contact centre', adminEmail: DEMO_CREDENTIALS.admin.email, adminPassword: DEMO_CREDENTIALS.admin.password, timeZone: 'Asia/Kolkata',
    });
  });
  if (!created) {
    if (await em.count(UserEntity, { email: DEMO_CREDENTIALS.supervisor.email })) log.info({ signIn: DEMO_CREDENTIALS }, 'demo sign-in');
    return;
  }
  const { organizationId, adminUserId } = created;
  const admin: Actor = { organizationId, userId: adminUserId, role: Role.ADMIN };
  const scope = { actor: admin, em };

  const agents = [];
  const agentPhones = ['+919812300001', '+919812300002', '+919812300003', '+919812300004', '+919812300005', '+919812300006', '+919812300007', '+919812300008'];
  for (const [i, phone] of agentPhones.entries()) {
    const name = `${FIRST[i]} ${LAST[(i * 5) % LAST.length]}`;
    const user = await services.users.create(scope, { name, email: `agent${i + 1}@demo.local`, role: Role.AGENT, password: DEMO_CREDENTIALS.agents.password });
    agents.push(await services.agents.create(scope, { name: `${name} (agent)`, phone, timeZone: 'Asia/Kolkata', userId: user.id }));
  }
  // A supervisor who also takes calls: signs in to both the wallboard and the agent console.
  const supervisor = await services.users.create(scope, { name: 'Sam Supervisor', email: DEMO_CREDENTIALS.supervisor.email, role: Role.SUPERVISOR, password: DEMO_CREDENTIALS.agents.password });
  const supervisorAgent = await services.agents.create(scope, { name: 'Sam Supervisor', phone: '+919812300009', timeZone: 'Asia/Kolkata', userId: supervisor.id });
  const group = await services.agents.createGroup(scope, { name: 'Sales floor', agentIds: [...agents, supervisorAgent].map((a) => a.id) });
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
  // Agents 2-8 have pressed Start, so the wallboard moves on first start (the simulator answers for
  // them); agent1 and the supervisor wait for a person to sign in and press Start.
  const plan = [progressive.id, progressive.id, progressive.id, agentFirst.id, agentFirst.id, predictive.id, predictive.id, predictive.id];
  for (const [i, agent] of agents.entries()) {
    if (i === 0) continue;
    await em.execute(`update agent set active_campaign_id = ? where id = ?`, [plan[i % plan.length], agent.id]);
  }
  log.info({ agents: agents.length + 1, contacts: imported.created, campaigns: 4 }, 'demo data loaded');
  log.info({ signIn: DEMO_CREDENTIALS }, 'demo sign-in');
}
