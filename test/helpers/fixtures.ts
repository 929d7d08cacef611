import type { TestApp } from './app.js';
import { sql } from './db.js';

/** Creates agents, a group and a list of `n` contacts through the API; returns their ids. */
export async function seedBasics(app: TestApp, n = 5, user?: string) {
  const agents: string[] = [];
  for (let i = 0; i < 2; i++) {
    const r = await app.gql(`mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }`, {
      i: { name: `Agent ${i}`, phone: `+9197${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}` },
    }, user);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    agents.push(r.data.createAgent.id);
  }
  const g = await app.gql(`mutation($i: CreateAgentGroupInput!) { createAgentGroup(input: $i) { id } }`, {
    i: { name: `Group ${Math.random()}`, agentIds: agents },
  }, user);
  const list = await app.gql(`mutation($n: String!) { createContactList(name: $n) { id } }`, { n: `List ${Math.random()}` }, user);
  const rows = ['name,phone,order_id'];
  const base = 1_000_000 + Math.floor(Math.random() * 8_000_000);
  for (let i = 0; i < n; i++) rows.push(`Customer ${i},+91981${base + i},ORD-${i}`);
  const imp = await app.gql(`mutation($i: ImportContactsCsvInput!) { importContactsCsv(input: $i) { created errors { line reason } } }`, {
    i: { csv: rows.join('\n'), listId: list.data.createContactList.id },
  }, user);
  if (imp.errors || imp.data.importContactsCsv.errors.length) throw new Error(JSON.stringify(imp));
  return { agents, groupId: g.data.createAgentGroup.id as string, listId: list.data.createContactList.id as string };
}

export const CREATE_CAMPAIGN = `mutation($i: CreateCampaignInput!) {
  createCampaign(input: $i) { id name status dialMode startsAt endsAt infinite actions performance { completed failed scheduled }
    attemptPolicy { retries retryOn retrySchedule agentMaxAttempts } callingWindow { start end } }
}`;

/**
 * Takes the next untouched number of a campaign and writes it as if `agentId` had just handled its
 * customer call (a COMPLETED customer leg, one attempt of each kind): COMPLETED, or INTERRUPTED and
 * owned by that agent. Returns the number's id.
 */
export async function handledNumber(app: TestApp, campaignId: string, agentId: string, at: Date, state: 'COMPLETED' | 'INTERRUPTED' = 'COMPLETED'): Promise<string> {
  const [n] = await sql<{ id: string; e164: string; organization_id: string }>(app.databaseUrl,
    `select id, e164, organization_id from campaign_number where campaign_id = $1 and state = 'SCHEDULED' and owner_agent_id is null order by position, id limit 1`, [campaignId]);
  if (!n) throw new Error('the campaign has no untouched number left');
  await sql(app.databaseUrl, `update campaign_number set state = $2, customer_attempts = 1, agent_attempts = 1, owner_agent_id = $3 where id = $1`,
    [n.id, state, state === 'INTERRUPTED' ? agentId : null]);
  await sql(app.databaseUrl,
    `insert into call_leg (id, organization_id, campaign_id, number_id, agent_id, kind, sid, to_number, status, agent_attempt, customer_attempt, instance_id, created_at, answered_at, ended_at, duration_sec)
     values (gen_random_uuid(), $1, $2, $3, $4, 'CUSTOMER', 'fixture-' || gen_random_uuid(), $5, 'COMPLETED', 1, 1, 'fixture', $6, $6, $6, 0)`,
    [n.organization_id, campaignId, n.id, agentId, n.e164, at]);
  return n.id;
}
