import type { TestApp } from './app.js';

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
