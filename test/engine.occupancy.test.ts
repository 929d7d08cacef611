import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN } from './helpers/fixtures.js';

/**
 * Figures supervisors can trust (issue 19): the occupancy the wallboard and `campaignTimeline` show is
 * (talk + wrap-up) / logged-in time as the call legs record it, over a simulated hour of predictive dialling.
 */
const NOW = new Date('2026-11-23T05:00:00Z'); // 10:30 in Asia/Kolkata: inside the calling window for the hour
const clock = new ManualClock(NOW);
const AGENTS = 5;
const WRAP_SEC = 15;
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({
    clock,
    simulator: { seed: 11, agentPickup: 1, talk: { mean: 90, cv: 0.6 }, customer: { busy: 0.1, failed: 0.05, answer: 0.35, machine: 0.1 } },
  });
});
afterAll(() => app?.dispose());

const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const ok = async (query: string, variables: Record<string, unknown> = {}) => {
  const r = await app.gql(query, variables);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data;
};

describe('occupancy in virtual time', () => {
  it('over a simulated hour, the timeline and the live minute show (talk + wrap-up) / logged-in time as the legs record it, within 1 point; no machine reaches an agent', async () => {
    const agents: string[] = [];
    for (let i = 0; i < AGENTS; i++) agents.push((await ok(`mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }`, { i: { name: `Occ ${i}`, phone: `+91970000${String(1000 + i)}` } })).createAgent.id);
    const groupId = (await ok(`mutation($i: CreateAgentGroupInput!) { createAgentGroup(input: $i) { id } }`, { i: { name: 'Occupancy floor', agentIds: agents } })).createAgentGroup.id;
    const listId = (await ok(`mutation { createContactList(name: "Occupancy") { id } }`)).createContactList.id;
    const rows = ['name,phone', ...Array.from({ length: 2_500 }, (_, i) => `Customer ${i},+9198${String(20_000_000 + i)}`)];
    await ok(`mutation($i: ImportContactsCsvInput!) { importContactsCsv(input: $i) { created } }`, { i: { csv: rows.join('\n'), listId } });
    const c = (await ok(CREATE_CAMPAIGN, {
      i: { name: 'Occupancy', dialMode: 'PREDICTIVE', listId, groupId, callerId: '+912240001234', wrapUpSeconds: WRAP_SEC, attemptPolicy: { retries: 0 }, maxDialRatio: 3 },
    })).createCampaign;
    await app.scheduler.tick();
    await sql(app.databaseUrl, `update agent set active_campaign_id = $1 where id = any($2::uuid[])`, [c.id, agents]);
    // a warm-up, then one measured hour from a minute's start
    await run(5 * 60_000);
    const t0 = Math.ceil(clock.now().getTime() / 60_000) * 60_000;
    await run(t0 - clock.now().getTime());
    await run(60 * 60_000);
    const t1 = t0 + 60 * 60_000;
    expect(clock.now().getTime()).toBe(t1);

    // every agent stayed in the campaign, never paused: logged in for the whole hour
    const states = await sql<{ state: string; active_campaign_id: string | null }>(app.databaseUrl, `select state, active_campaign_id from agent where id = any($1::uuid[])`, [agents]);
    expect(states.every((a) => a.active_campaign_id === c.id && a.state !== 'OFFLINE' && a.state !== 'PAUSED')).toBe(true);
    const loggedInMs = AGENTS * (t1 - t0);

    // from the legs: talk from the moment a customer was put through to the agent until the call ended, and the
    // campaign's wrap-up after every conversation (a machine or an abandoned call has none), clipped to the hour
    const legs = await sql<{ agent_id: string; connected_at: Date; ended_at: Date | null; machine: boolean; abandoned: boolean; status: string }>(app.databaseUrl,
      `select agent_id, connected_at, ended_at, machine, abandoned, status from call_leg
        where campaign_id = $1 and kind = 'CUSTOMER' and connected_at is not null`, [c.id]);
    const clip = (from: number, to: number) => Math.max(0, Math.min(to, t1) - Math.max(from, t0));
    let busyMs = 0;
    let conversations = 0;
    for (const l of legs) {
      const from = new Date(l.connected_at).getTime();
      const to = l.ended_at ? new Date(l.ended_at).getTime() : t1;
      busyMs += clip(from, to);
      if (l.ended_at && !l.machine && !l.abandoned) busyMs += clip(to, to + WRAP_SEC * 1000);
      if (from >= t0 && from < t1 && !l.machine) conversations++;
    }
    expect(conversations).toBeGreaterThan(80); // a real hour's work, not a handful of calls
    // answering machines (10% of dials) are screened by detection: none was ever put through to an agent
    const [m] = await sql<{ machines: number; put_through: number }>(app.databaseUrl,
      `select count(*) filter (where machine)::int as machines, count(*) filter (where machine and (connected_at is not null or agent_id is not null))::int as put_through
         from call_leg where campaign_id = $1 and kind = 'CUSTOMER'`, [c.id]);
    expect(m!.machines).toBeGreaterThan(30);
    expect(m!.put_through).toBe(0);
    const fromLegs = busyMs / loggedInMs;
    expect(fromLegs).toBeGreaterThan(0.5);

    // what supervisors read: the timeline's minutes over the same hour (each minute has the same logged-in time)
    const points = (await ok(`query($c: ID!) { campaignTimeline(campaignId: $c, minutes: 61) { at occupancy } }`, { c: c.id })).campaignTimeline as { at: string; occupancy: number | null }[];
    const hour = points.filter((p) => Date.parse(p.at) >= t0 && Date.parse(p.at) < t1);
    expect(hour).toHaveLength(60);
    expect(hour.every((p) => p.occupancy !== null)).toBe(true);
    const shown = hour.reduce((n, p) => n + p.occupancy!, 0) / hour.length;
    expect(Math.abs(shown - fromLegs)).toBeLessThan(0.01);

    // and the live figure of the current minute is that minute's timeline point
    await run(30_000);
    const live = (await ok(`query($c: ID!) { campaignLive(campaignId: $c) { occupancyThisMinute updatedAt } }`, { c: c.id })).campaignLive;
    const [now] = (await ok(`query($c: ID!) { campaignTimeline(campaignId: $c, minutes: 1) { at occupancy } }`, { c: c.id })).campaignTimeline;
    expect(Date.parse(now.at)).toBe(Math.floor(Date.parse(live.updatedAt) / 60_000) * 60_000);
    expect(live.occupancyThisMinute).not.toBeNull();
    expect(Math.abs(live.occupancyThisMinute - now.occupancy)).toBeLessThan(1e-9);

    for (const agentId of agents) await ok(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a: agentId });
    await run(60_000);
  }, 300_000);
});
