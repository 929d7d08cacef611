import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const NOW = new Date('2026-11-23T06:00:00Z'); // 11:30 in Asia/Kolkata
const clock = new ManualClock(NOW);
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock, simulator: { seed: 11, agentPickup: 1 } });
});
afterAll(() => app?.dispose());

const run = (ms: number) => clock.run(ms, () => app.engine.idle());

describe('progressive dialling in virtual time', () => {
  it('dials the agent first, keeps the leg up, then customers one after another until the list is worked', async () => {
    const b = await seedBasics(app, 30);
    const c = (await app.gql(CREATE_CAMPAIGN, {
      i: { name: 'Progressive', dialMode: 'PROGRESSIVE', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', wrapUpSeconds: 10,
        attemptPolicy: { retries: 2, retryIntervalMinutes: 30, retryOn: ['BUSY', 'NO_ANSWER', 'FAILED'] } },
    })).data.createCampaign;
    await app.scheduler.tick();
    await sql(app.databaseUrl, `update agent set active_campaign_id = $1 where id = any($2::uuid[])`, [c.id, b.agents]);
    await run(90 * 60_000);

    const states = await sql<{ state: string; n: string }>(app.databaseUrl, `select state, count(*) as n from campaign_number where campaign_id = $1 group by 1`, [c.id]);
    const byState = Object.fromEntries(states.map((r) => [r.state, Number(r.n)]));
    expect(byState.IN_PROGRESS ?? 0).toBe(0);
    expect((byState.COMPLETED ?? 0) + (byState.FAILED ?? 0)).toBe(30);
    expect(byState.COMPLETED).toBeGreaterThan(0);

    // agent leg first, one per agent, kept up for the whole session
    const agentLegs = await sql<{ agent_id: string; created_at: Date }>(app.databaseUrl, `select agent_id, created_at from call_leg where campaign_id = $1 and kind = 'AGENT'`, [c.id]);
    expect(agentLegs).toHaveLength(2);
    const firstCustomer = await sql<{ created_at: Date }>(app.databaseUrl, `select min(created_at) as created_at from call_leg where campaign_id = $1 and kind = 'CUSTOMER'`, [c.id]);
    expect(new Date(firstCustomer[0]!.created_at).getTime()).toBeGreaterThan(Math.max(...agentLegs.map((l) => new Date(l.created_at).getTime())));

    // never two live calls at once for one agent or one number; attempts within the cap
    const overlaps = await sql(app.databaseUrl, `
      select a.id from call_leg a join call_leg b on a.id < b.id and a.campaign_id = b.campaign_id and a.kind = 'CUSTOMER' and b.kind = 'CUSTOMER'
        and (a.agent_id = b.agent_id or a.number_id = b.number_id)
        and tstzrange(a.created_at, a.ended_at) && tstzrange(b.created_at, b.ended_at)
       where a.campaign_id = $1`, [c.id]);
    expect(overlaps).toEqual([]);
    const caps = await sql<{ m: number }>(app.databaseUrl, `select max(customer_attempt) as m from call_leg where campaign_id = $1`, [c.id]);
    expect(caps[0]!.m).toBeLessThanOrEqual(3);
    const perNumber = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from call_leg where campaign_id = $1 and kind = 'CUSTOMER' group by number_id order by 1 desc limit 1`, [c.id]);
    expect(Number(perNumber[0]!.n)).toBeLessThanOrEqual(3);

    // counters match the rows and every leg is final
    const live = await sql(app.databaseUrl, `select id from call_leg where campaign_id = $1 and kind = 'CUSTOMER' and status in ('QUEUED','RINGING','ANSWERED')`, [c.id]);
    expect(live).toEqual([]);
    const stats = await app.gql(`query($id: ID!) { campaignStats(campaignId: $id) { completed failed scheduled retry total } }`, { id: c.id });
    expect(stats.data.campaignStats.completed).toBe(byState.COMPLETED);
    expect(stats.data.campaignStats.failed).toBe(byState.FAILED ?? 0);
  }, 120_000);
});
