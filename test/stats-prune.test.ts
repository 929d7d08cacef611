import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { loadConfig } from '../server/src/config.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

/** Per-minute statistics older than STATS_MINUTE_RETENTION_DAYS are deleted; what the wallboard reads is kept. */
const clock = new ManualClock('2026-11-23T06:00:00Z');
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock, config: { statsMinuteRetentionDays: 3 } });
});
afterAll(() => app?.dispose());

describe('pruning per-minute statistics', () => {
  it('deletes minute rows older than the retention, in batches, and keeps the newer ones and the daily counters', async () => {
    const b = await seedBasics(app, 1);
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Prune', dialMode: 'PROGRESSIVE', listId: b.listId, groupId: b.groupId, callerId: '+912240001234' } })).data.createCampaign.id as string;
    // a minute row for every minute of the last 10 days (over 10,000 of them older than 3 days: two batches), and a day row 10 days back
    await sql(app.databaseUrl, `insert into campaign_minute_stat (campaign_id, minute, samples, busy_sum, logged_in_sum)
      select $1, $2::timestamptz - make_interval(mins => g), 1, 1, 2 from generate_series(0, 14399) g`, [c, clock.now()]);
    await sql(app.databaseUrl, `insert into campaign_day_stat (campaign_id, day, organization_id, dials) values ($1, ($2::timestamptz - interval '10 days')::date, $3, 5)`, [c, clock.now(), app.organizationId]);
    const cutoff = clock.now().getTime() - 3 * 86_400_000;
    const [old] = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from campaign_minute_stat where campaign_id = $1 and minute < $2`, [c, new Date(cutoff)]);
    expect(Number(old!.n)).toBe(14_400 - 3 * 1440 - 1); // 10,079 rows past the cut-off (the one exactly at it stays)
    expect(await app.statsPruner.prune()).toBe(10_079);
    const [left] = await sql<{ n: string; oldest: Date }>(app.databaseUrl, `select count(*) as n, min(minute) as oldest from campaign_minute_stat where campaign_id = $1`, [c]);
    expect(Number(left!.n)).toBe(3 * 1440 + 1);
    expect(new Date(left!.oldest).getTime()).toBe(cutoff);
    expect(await sql(app.databaseUrl, `select dials from campaign_day_stat where campaign_id = $1`, [c])).toEqual([{ dials: 5 }]);
    // the wallboard's last 24 hours are intact
    const tl = (await app.gql(`query($c: ID!) { campaignTimeline(campaignId: $c, minutes: 1440) { occupancy } }`, { c })).data.campaignTimeline as { occupancy: number }[];
    expect(tl).toHaveLength(1440);
    expect(tl.every((p) => p.occupancy === 0.5)).toBe(true);
    expect(await app.statsPruner.prune()).toBe(0); // nothing more to do
  });

  it('refuses a retention under two days at start, saying why', () => {
    expect(loadConfig({}).statsMinuteRetentionDays).toBe(7);
    expect(loadConfig({ STATS_MINUTE_RETENTION_DAYS: '30' }).statsMinuteRetentionDays).toBe(30);
    expect(() => loadConfig({ STATS_MINUTE_RETENTION_DAYS: '1' })).toThrow('STATS_MINUTE_RETENTION_DAYS must be at least 2 (the rolling 24-hour figures need two days of minutes), got 1');
    expect(() => loadConfig({ STATS_MINUTE_RETENTION_DAYS: 'week' })).toThrow('STATS_MINUTE_RETENTION_DAYS must be a non-negative integer, got "week"');
  });
});
