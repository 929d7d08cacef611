import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { csvCell } from '../server/src/modules/campaign/campaign-report.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const clock = new ManualClock('2026-11-23T06:00:00Z');
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock, simulator: { seed: 3, agentPickup: 1, talk: { mean: 20, cv: 0.5 } } });
});
afterAll(() => app?.dispose());

const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const REPORT = `query($c: ID!) { campaignReport(campaignId: $c) { filename csv rows } }`;
const UGLY = 'Smith, "Jo"\nJunior';

describe('campaignReport', () => {
  it('has one row per number matching the database, quotes awkward names and neutralises formulas but not E.164 numbers', async () => {
    const b = await seedBasics(app, 4);
    const ugly = await app.gql(`mutation($i: CreateContactInput!) { createContact(input: $i) { id } }`, {
      i: { name: UGLY, phones: ['+919811100001', '+919811100002'], listIds: [b.listId], fields: [{ key: 'note', value: '=HYPERLINK("http://x","y")' }, { key: 'state', value: '-5' }, { key: 'zeta', value: '@sum' }] },
    });
    expect(ugly.errors).toBeUndefined();
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Report: Q4 / Test', dialMode: 'PROGRESSIVE', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', wrapUpSeconds: 2,
      attemptPolicy: { retries: 2, retryIntervalMinutes: 30 } } })).data.createCampaign;
    await app.scheduler.tick();
    await sql(app.databaseUrl, `update agent set active_campaign_id = $1 where id = any($2::uuid[])`, [c.id, b.agents]);
    await run(3 * 60_000);
    for (const agentId of b.agents) await app.gql(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a: agentId });
    await run(60_000);
    // an owned number and a disposition, so those columns carry something
    await sql(app.databaseUrl, `update campaign_number set owner_agent_id = $2, disposition = 'SALE, big' where id = (select id from campaign_number where campaign_id = $1 order by created_at, position limit 1)`, [c.id, b.agents[0]]);

    const r = await app.gql(REPORT, { c: c.id });
    expect(r.errors).toBeUndefined();
    const report = r.data.campaignReport as { filename: string; csv: string; rows: number };
    expect(report.filename).toBe('report-q4-test-2026-11-23T0604Z.csv');
    expect(report.csv.endsWith('\r\n')).toBe(true);
    const records = parse(report.csv, { columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    expect(report.rows).toBe(6);
    expect(records).toHaveLength(6);
    expect(Object.keys(records[0]!)).toEqual([
      'contact_name', 'number', 'time_zones', 'state', 'reason', 'agent_attempts', 'customer_attempts', 'dial_count', 'last_call_status',
      'last_call_at', 'last_call_duration_sec', 'disposition', 'owner_agent', 'next_attempt_at', 'note', 'order_id', 'field:state', 'zeta',
    ]);

    const db = await sql<Record<string, any>>(app.databaseUrl, `
      select n.contact_name, n.e164, array_to_string(n.time_zones, ' ') as time_zones, n.state, n.reason, n.agent_attempts, n.customer_attempts, n.dial_count, n.disposition,
             n.next_attempt_at, n.contact_fields, a.name as owner, l.status, l.created_at, l.duration_sec
        from campaign_number n left join agent a on a.id = n.owner_agent_id
        left join lateral (select status, created_at, duration_sec from call_leg where number_id = n.id and kind = 'CUSTOMER' order by created_at desc limit 1) l on true
       where n.campaign_id = $1`, [c.id]);
    expect(db.filter((d) => d.status).length).toBeGreaterThan(0); // some numbers were called
    for (const d of db) {
      const row = records.find((x) => x.number === d.e164)!;
      expect(row).toBeDefined();
      expect(row).toMatchObject({
        contact_name: d.contact_name,
        time_zones: d.time_zones,
        state: d.state,
        reason: d.reason ?? '',
        agent_attempts: String(d.agent_attempts),
        customer_attempts: String(d.customer_attempts),
        dial_count: String(d.dial_count),
        last_call_status: d.status ?? '',
        last_call_at: d.created_at ? new Date(d.created_at).toISOString() : '',
        last_call_duration_sec: d.duration_sec === null || d.duration_sec === undefined ? '' : String(d.duration_sec),
        disposition: d.disposition ?? '',
        owner_agent: d.owner ?? '',
        next_attempt_at: d.next_attempt_at ? new Date(d.next_attempt_at).toISOString() : '',
        order_id: d.contact_fields.order_id ?? '',
      });
    }
    // E.164 numbers stay as they are; everything else starting with = + - @ is neutralised
    expect(records.every((x) => /^\+91\d{10}$/.test(x.number!))).toBe(true);
    const u = records.filter((x) => x.contact_name === UGLY);
    expect(u).toHaveLength(2);
    expect(u[0]).toMatchObject({ note: `'=HYPERLINK("http://x","y")`, 'field:state': "'-5", zeta: "'@sum" });
    expect(report.csv).toContain(`"Smith, ""Jo""\nJunior"`);
    expect(records.find((x) => x.disposition)!.disposition).toBe('SALE, big');
  }, 120_000);

  it('is for supervisors and admins of the campaign\'s organisation only', async () => {
    const b = await seedBasics(app, 1);
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Private', listId: b.listId, groupId: b.groupId, callerId: '+912240001234' } })).data.createCampaign;
    const agentUser = (await app.gql(`mutation { createUser(input: { name: "Ann", email: "ann.report@x.io", role: AGENT }) { id } }`)).data.createUser.id;
    expect((await app.gql(REPORT, { c: c.id }, agentUser)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const supervisor = (await app.gql(`mutation { createUser(input: { name: "Sue", email: "sue.report@x.io", role: SUPERVISOR }) { id } }`)).data.createUser.id;
    expect((await app.gql(REPORT, { c: c.id }, supervisor)).data.campaignReport.rows).toBe(1);
    const [org] = await sql<{ id: string }>(app.databaseUrl, `insert into organization (id, name, created_at) values (gen_random_uuid(), 'Other', now()) returning id`);
    const [eve] = await sql<{ id: string }>(app.databaseUrl,
      `insert into app_user (id, organization_id, name, email, role, created_at) values (gen_random_uuid(), $1, 'Eve', 'eve@other', 'ADMIN', now()) returning id`, [org!.id]);
    expect((await app.gql(REPORT, { c: c.id }, eve!.id)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('csvCell', () => {
  it.each([
    ['plain', false, 'plain'],
    ['a,b', false, '"a,b"'],
    ['say "hi"', false, '"say ""hi"""'],
    ['two\nlines', false, '"two\nlines"'],
    ['=1+2', false, "'=1+2"],
    ['+1', false, "'+1"],
    ['-1', false, "'-1"],
    ['@x', false, "'@x"],
    ['\tx', false, "'\tx"],
    ['=a,"b"', false, `"'=a,""b"""`],
    ['+919812345678', true, '+919812345678'],
    ['+919812345678', false, "'+919812345678"],
    ['+1 (555) =x', true, "'+1 (555) =x"],
    [null, false, ''],
    [0, false, '0'],
  ] as const)('%j (number column: %s) -> %s', (value, e164, out) => {
    expect(csvCell(value, e164)).toBe(out);
  });
});
