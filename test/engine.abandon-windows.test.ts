import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { DialerRepository } from '../server/src/engine/dialer.repository.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const T0 = new Date('2026-11-01T00:00:00Z');
const clock = new ManualClock(T0);
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock });
});
afterAll(() => app?.dispose());

const HOUR = 3600_000;
const LIVE = `query($id: ID!) { campaignLive(campaignId: $id) { localTimeZone liveAnswersToday abandonRateToday abandonRate24h abandonRate30d } }`;

/**
 * Issue 12: the abandon rate over a rolling 24 hours and a rolling 30 days per campaign (both bound the
 * pacer: the runner reads the same counters), and "today" as the contact centre's local day, in virtual time.
 */
describe('abandon-rate windows', () => {
  it('rolling 24 hours, rolling 30 days and the local day each count exactly the calls inside them', async () => {
    const b = await seedBasics(app, 2);
    // a campaign nobody dials: its figures come only from the counters written below
    const id = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Windows', dialMode: 'PREDICTIVE', listId: b.listId, groupId: b.groupId, callerId: '+912240001234' } })).data.createCampaign.id;
    const [{ organization_id: org }] = (await app.orm.em.fork().execute(`select organization_id from campaign where id = ?`, [id])) as { organization_id: string }[];
    const bump = (at: Date, live: number, abandons: number) =>
      app.orm.em.fork().transactional((em) => new DialerRepository(em).bumpDay(org, id, at, { live_answers: live, abandons }));

    // now = 2026-11-20 12:00 UTC (17:30 in Kolkata)
    const now = new Date('2026-11-20T12:00:00Z');
    await bump(new Date(now.getTime() - 31 * 24 * HOUR), 100, 50); // outside both windows
    await bump(new Date(now.getTime() - 29 * 24 * HOUR - 23 * HOUR), 100, 10); // 29 d 23 h ago: the first, partial day of the 30 days
    await bump(new Date(now.getTime() - 10 * 24 * HOUR), 100, 4); // a full day inside the 30 days
    await bump(new Date(now.getTime() - 25 * HOUR), 100, 3); // outside the 24 hours, inside the 30 days
    await bump(new Date(now.getTime() - 23 * HOUR), 100, 2); // inside the 24 hours (yesterday, local time)
    await bump(new Date('2026-11-19T18:31:00Z'), 100, 1); // 00:01 today in Kolkata
    await bump(new Date(now.getTime() - 60_000), 100, 0); // a minute ago
    clock.set(now);

    await app.gql(`mutation { setOrganizationTimeZone(timeZone: "Asia/Kolkata") }`);
    const r = (await app.gql(LIVE, { id })).data.campaignLive;
    expect(r.localTimeZone).toBe('Asia/Kolkata');
    expect(r.abandonRate24h).toBeCloseTo(3 / 300, 10);
    expect(r.abandonRate30d).toBeCloseTo((10 + 4 + 3 + 2 + 1) / 600, 10);
    expect(r.liveAnswersToday).toBe(200);
    expect(r.abandonRateToday).toBeCloseTo(1 / 200, 10);

    // the pacer reads the same counters
    const counters = await new DialerRepository(app.orm.em.fork()).callCounters(id, now, 'Etc/UTC');
    expect(counters.window24h).toEqual({ live: 300, abandons: 3 });
    expect(counters.window30d).toEqual({ live: 600, abandons: 20 });

    // two hours later the 29 d 23 h bucket has left the 30 days and the 23 h one the 24 hours
    clock.set(new Date(now.getTime() + 2 * HOUR));
    const later = await new DialerRepository(app.orm.em.fork()).callCounters(id, clock.now(), 'Etc/UTC');
    expect(later.window24h).toEqual({ live: 200, abandons: 1 });
    expect(later.window30d).toEqual({ live: 500, abandons: 10 });
    // "today" in UTC began at 00:00 UTC: only the minute-ago bucket
    expect(later.today.live).toBe(100);
  });
});
