import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

// 16:30 UTC on a November day: New York 11:30, Chicago 10:30, Boise 09:30, Los Angeles and Vancouver 08:30,
// Honolulu 06:30, Tijuana 08:30, Mexico City 10:30, London 16:30, Moscow 19:30, Almaty 21:30, Kolkata 22:00,
// Vladivostok 02:30, Sydney 03:30, Adelaide 03:00, Perth 00:30, Sao Paulo 13:30, Manaus 12:30
const clock = new ManualClock('2026-11-24T16:30:00Z');
let app: TestApp;
beforeAll(async () => {
  // every agent answers; every customer is busy (one attempt each: retries 0), so each dial is quick and final
  app = await startTestApp({ clock, simulator: { seed: 3, agentPickup: 1, customer: { busy: 1, failed: 0, answer: 0, machine: 0 } } });
});
afterAll(() => app?.dispose());

const run = (ms: number) => clock.run(ms, () => app.engine.idle());

/** [number, explicit zone or '', dialable at 16:30 UTC with a 09:00-21:00 window] */
const LIST: [string, string, boolean][] = [
  ['+12125550101', '', true], // New York
  ['+13125550102', '', true], // Chicago
  ['+18085550103', '', false], // Honolulu 06:30 (by country it was "New York 11:30")
  ['+16045550104', '', false], // Vancouver 08:30 (by country it was "Toronto 11:30")
  ['+12085550105', '', false], // Idaho: Boise 09:30 but Los Angeles 08:30: the most restrictive rule holds it back
  ['+74232123456', '', false], // Vladivostok 02:30 (by country it was "Moscow 19:30")
  ['+74951234567', '', true], // Moscow 19:30
  ['+61291234567', '', false], // Sydney 03:30
  ['+61891234567', '', false], // Adelaide / Perth
  ['+5511987654321', '', true], // Sao Paulo
  ['+5592987654321', '', true], // Manaus
  ['+525512345678', '', true], // Mexico City
  ['+526641234567', '', false], // Tijuana 08:30 (by country it was "Mexico City 10:30")
  ['+442079460958', '', true], // London
  ['+77012345678', '', false], // Almaty / Aqtobe 21:30
  ['+919812345678', '', false], // Kolkata 22:00
  ['+18085550199', 'America/New_York', true], // a Honolulu number whose contact lives in New York: the explicit zone wins
  ['+12085550198', 'America/Boise', true], // an Idaho number known to be in Boise
];

/**
 * Issue 12, end to end: a mixed-zone list dialled at a UTC hour where some numbers' zones (or some of
 * their candidate zones) are outside the calling window; none of those is dialled, every other is, and
 * the wallboard says why the rest are held back.
 */
describe('calling window by number', () => {
  it('dials only numbers inside the window in every zone they may be in', async () => {
    const b = await seedBasics(app, 0);
    const rows = ['name,phone,time_zone', ...LIST.map(([n, z], i) => `Z${i},${n},${z}`)];
    const imp = (await app.gql(`mutation($i: ImportContactsCsvInput!) { importContactsCsv(input: $i) { created errors { line reason } } }`, { i: { csv: rows.join('\n'), listId: b.listId } })).data.importContactsCsv;
    expect(imp).toEqual({ created: LIST.length, errors: [] });
    const id = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Mixed zones', dialMode: 'PROGRESSIVE', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', wrapUpSeconds: 0, attemptPolicy: { retries: 0 } } })).data.createCampaign.id;
    await app.scheduler.tick();
    for (const a of b.agents) await app.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: id, a });
    await run(10 * 60_000);

    const dialled = new Set((await sql<{ to_number: string }>(app.databaseUrl, `select distinct to_number from call_leg where campaign_id = $1 and kind = 'CUSTOMER'`, [id])).map((r) => r.to_number));
    expect(LIST.filter(([n]) => dialled.has(n)).map(([n]) => n)).toEqual(LIST.filter(([, , open]) => open).map(([n]) => n));
    const waiting = await sql<{ e164: string; state: string; dial_count: number }>(app.databaseUrl, `select e164, state, dial_count from campaign_number where campaign_id = $1 and e164 = any($2)`,
      [id, LIST.filter(([, , open]) => !open).map(([n]) => n)]);
    expect(waiting.every((w) => w.state === 'SCHEDULED' && w.dial_count === 0)).toBe(true);

    // the wallboard says why: outside the window, and of those one held back only by an uncertain zone (Idaho)
    const live = (await app.gql(`query($id: ID!) { campaignLive(campaignId: $id) { heldBack { filter count } } }`, { id })).data.campaignLive;
    expect(live.heldBack).toContainEqual({ filter: 'outsideWindow', count: LIST.filter(([, , open]) => !open).length });
    expect(live.heldBack).toContainEqual({ filter: 'outsideWindowUncertainZone', count: 1 });

    // an hour later Los Angeles opens too: the Idaho number is dialled
    await run(60 * 60_000);
    const idaho = await sql(app.databaseUrl, `select id from call_leg where campaign_id = $1 and to_number = '+12085550105'`, [id]);
    expect(idaho).toHaveLength(1);
    for (const a of b.agents) await app.gql(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a });
    await run(60_000);
  }, 120_000);
});
