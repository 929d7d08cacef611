import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const NOW = new Date('2026-11-23T06:00:00Z'); // 11:30 in Asia/Kolkata
const clock = new ManualClock(NOW);
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock, simulator: { seed: 5, agentPickup: 1, talk: { mean: 30, cv: 0.5 }, customer: { busy: 0.1, failed: 0.05, answer: 0.8, machine: 0.05 } } });
});
afterAll(() => app?.dispose());

const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const TIMELINE = `query($c: ID!, $m: Int!) { campaignTimeline(campaignId: $c, minutes: $m) { at dials liveAnswers abandons occupancy } }`;
type Point = { at: string; dials: number; liveAnswers: number; abandons: number; occupancy: number | null };
const minuteOf = (d: Date | string) => new Date(Math.floor(new Date(d).getTime() / 60_000) * 60_000).toISOString();

describe('campaignTimeline in virtual time', () => {
  it('gives one point per minute with the dials, live answers and abandons of the call legs and the occupancy of the agents', async () => {
    const b = await seedBasics(app, 80);
    const c = (await app.gql(CREATE_CAMPAIGN, {
      i: { name: 'Timeline', dialMode: 'PREDICTIVE', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', wrapUpSeconds: 5,
        attemptPolicy: { retries: 1, retryIntervalMinutes: 60 }, maxDialRatio: 3 },
    })).data.createCampaign;
    await app.scheduler.tick();
    await run(2 * 60_000); // two quiet minutes first: running, nobody logged in
    await sql(app.databaseUrl, `update agent set active_campaign_id = $1 where id = any($2::uuid[])`, [c.id, b.agents]);
    await run(5 * 60_000);

    const r = await app.gql(TIMELINE, { c: c.id, m: 10 });
    expect(r.errors).toBeUndefined();
    const points = r.data.campaignTimeline as Point[];
    expect(points).toHaveLength(10);
    expect(points.at(-1)!.at).toBe(minuteOf(clock.now()));
    for (let i = 1; i < points.length; i++) expect(new Date(points[i]!.at).getTime() - new Date(points[i - 1]!.at).getTime()).toBe(60_000);

    // dials = customer legs created in each minute; live answers and abandons by the minute answered
    const legs = await sql<{ created_at: Date; answered_at: Date | null; machine: boolean; abandoned: boolean }>(app.databaseUrl,
      `select created_at, answered_at, machine, abandoned from call_leg where campaign_id = $1 and kind = 'CUSTOMER'`, [c.id]);
    expect(legs.length).toBeGreaterThan(10);
    for (const p of points) {
      expect(p.dials).toBe(legs.filter((l) => minuteOf(l.created_at) === p.at).length);
      const answered = legs.filter((l) => l.answered_at && minuteOf(l.answered_at) === p.at);
      expect(p.liveAnswers).toBe(answered.filter((l) => !l.machine).length);
      expect(p.abandons).toBe(answered.filter((l) => l.abandoned).length);
    }
    // the same definitions as the day's counters
    const [day] = await sql<{ dials: number; live_answers: number; abandons: number }>(app.databaseUrl,
      `select dials, live_answers, abandons from campaign_day_stat where campaign_id = $1`, [c.id]);
    const sum = (k: 'dials' | 'liveAnswers' | 'abandons') => points.reduce((n, p) => n + p[k], 0);
    expect({ dials: sum('dials'), live_answers: sum('liveAnswers'), abandons: sum('abandons') }).toEqual(day);

    // occupancy: null before anyone logged in, within [0, 1] while agents dialled, busy at some point
    const first = NOW.getTime();
    for (const p of points) {
      const t = new Date(p.at).getTime();
      if (t < first + 2 * 60_000) expect(p.occupancy).toBeNull();
      else if (t < clock.now().getTime()) {
        expect(p.occupancy).not.toBeNull();
        expect(p.occupancy!).toBeGreaterThanOrEqual(0);
        expect(p.occupancy!).toBeLessThanOrEqual(1);
      }
    }
    expect(Math.max(...points.map((p) => p.occupancy ?? 0))).toBeGreaterThan(0);
    expect(points.slice(0, 3).every((p) => p.dials === 0 && p.liveAnswers === 0)).toBe(true);

    // the default is the last hour
    const hour = await app.gql(`query($c: ID!) { campaignTimeline(campaignId: $c) { at } }`, { c: c.id });
    expect(hour.data.campaignTimeline).toHaveLength(60);

    for (const agentId of b.agents) await app.gql(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a: agentId });
    await run(60_000);
  }, 120_000);

  it('refuses minutes outside 1-1440 with BAD_USER_INPUT and a foreign campaign with NOT_FOUND', async () => {
    const b = await seedBasics(app, 1);
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Bounds', listId: b.listId, groupId: b.groupId, callerId: '+912240001234' } })).data.createCampaign;
    for (const m of [0, -5, 1441]) {
      const r = await app.gql(TIMELINE, { c: c.id, m });
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect((await app.gql(TIMELINE, { c: c.id, m: 1440 })).data.campaignTimeline).toHaveLength(1440);
    const [org] = await sql<{ id: string }>(app.databaseUrl, `insert into organization (id, name, created_at) values (gen_random_uuid(), 'Other', now()) returning id`);
    const [eve] = await sql<{ id: string }>(app.databaseUrl,
      `insert into app_user (id, organization_id, name, email, role, created_at) values (gen_random_uuid(), $1, 'Eve', 'eve@other', 'ADMIN', now()) returning id`, [org!.id]);
    expect((await app.gql(TIMELINE, { c: c.id, m: 5 }, eve!.id)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
