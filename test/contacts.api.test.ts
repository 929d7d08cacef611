import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.dispose());

const CREATE = `mutation($i: CreateContactInput!) { createContact(input: $i) { id name timeZone phones { e164 region position candidateTimeZones timeZones zoneSource } fields { key value } } }`;
const IMPORT = `mutation($i: ImportContactsCsvInput!) { importContactsCsv(input: $i) { rows created matched zonesUpdated addedToList errors { line code reason } } }`;
const count = async (table: string) => Number((await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from ${table}`))[0]!.n);

describe('contacts', () => {
  it('normalises numbers to E.164 and derives each number\'s zones from its own prefix', async () => {
    const r = await app.gql(CREATE, {
      i: { name: 'Asha', phones: ['098765 43210', '+977 980-1234567'], defaultRegion: 'IN', fields: [{ key: 'order_id', value: 'A-1' }] },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data.createContact).toMatchObject({
      timeZone: null,
      phones: [
        { e164: '+919876543210', region: 'IN', position: 0, candidateTimeZones: ['Asia/Kolkata'], timeZones: ['Asia/Kolkata'], zoneSource: 'NUMBER' },
        { e164: '+9779801234567', region: 'NP', position: 1, candidateTimeZones: ['Asia/Kathmandu'], timeZones: ['Asia/Kathmandu'], zoneSource: 'NUMBER' },
      ],
      fields: [{ key: 'order_id', value: 'A-1' }],
    });
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['letters in the number', { phones: ['+91 98765 ABCDE'] }, 'contains letters'],
    ['too short', { phones: ['+91 123'] }, 'not'],
    ['national without region', { phones: ['9876543210'] }, 'not a phone number'],
    ['empty number', { phones: ['  '] }, 'empty'],
    ['bad zone', { phones: ['+14155550123'], timeZone: 'Mars/Olympus' }, 'IANA'],
    ['abbreviation for a zone', { phones: ['+14155550124'], timeZone: 'EST' }, 'not a region time zone'],
    ['unknown region', { phones: ['9876543210'], defaultRegion: 'ZZ' }, 'ISO 3166'],
    ['same number twice', { phones: ['+919876500011', '+91 98765 00011'] }, 'twice'],
    ['no numbers', { phones: [] }, ''],
  ];
  it.each(bad)('refuses %s with BAD_USER_INPUT and stores nothing', async (_n, over, text) => {
    const before = [await count('contact'), await count('phone_number')];
    const r = await app.gql(CREATE, { i: { name: 'X', ...over } });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toContain(text);
    expect([await count('contact'), await count('phone_number')]).toEqual(before);
  });

  it('keeps numbers unique per directory after normalisation', async () => {
    const r = await app.gql(CREATE, { i: { name: 'Copy', phones: ['+91-98765-43210'] } });
    expect(r.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});

describe('CSV import', () => {
  it('imports good rows, reports each bad row with its line, and reuses contacts that already own a number', async () => {
    const list = (await app.gql(`mutation { createContactList(name: "CSV list") { id } }`)).data.createContactList.id;
    const csv = [
      'name,phone,time_zone,order_id',
      'Ravi,+919811111111,,O-1', // 2 good
      'Meera,+91 98111 1111x,,O-2', // 3 letters
      ',+919811111112,,O-3', // 4 no name
      'John,+12125550100,America/Los_Angeles,O-4', // 5 good, explicit zone
      'Dup,+919811111111,,O-5', // 6 repeats line 2
      'Zone,+919811111113,Moon/Base,O-6', // 7 bad zone
      'Asha again,+919876543210,,O-7', // 8 existing contact -> matched
      '"Multi, Line",+447911123456;+447911123457,,O-8', // 9 good, two numbers
      'Short,+9112,,O-9', // 10 invalid
    ].join('\n');
    const before = await count('contact');
    const r = await app.gql(IMPORT, { i: { csv, listId: list } });
    expect(r.errors).toBeUndefined();
    const res = r.data.importContactsCsv;
    expect(res).toMatchObject({ rows: 9, created: 3, matched: 1, zonesUpdated: 0, addedToList: 4 });
    expect(res.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
      [3, 'INVALID_PHONE'],
      [4, 'INVALID_ROW'],
      [6, 'DUPLICATE'],
      [7, 'INVALID_TIME_ZONE'],
      [10, 'INVALID_PHONE'],
    ]);
    expect(res.errors[2].reason).toContain('line 2');
    expect(await count('contact')).toBe(before + 3);
    const john = await app.gql(`query { contacts(search: "John") { items { timeZone fields { key value } } } }`);
    expect(john.data.contacts.items[0]).toEqual({ timeZone: 'America/Los_Angeles', fields: [{ key: 'order_id', value: 'O-4' }] });
    // importing the same file again makes no duplicates
    const again = await app.gql(IMPORT, { i: { csv, listId: list } });
    expect(again.data.importContactsCsv).toMatchObject({ created: 0, matched: 4, zonesUpdated: 0 });
    expect(await count('contact')).toBe(before + 3);
  });

  it.each([
    ['no header columns it needs', 'foo,bar\n1,2', 'no "name" column'],
    ['an empty file', '', 'empty'],
  ])('refuses a file with %s and imports nothing', async (_n, csv, text) => {
    const before = await count('contact');
    const r = await app.gql(IMPORT, { i: { csv } });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toContain(text);
    expect(await count('contact')).toBe(before);
  });

  it('a record csv-parse cannot read is that line\'s error (BAD_CSV), not the whole file\'s; a stray quote inside a field is kept', async () => {
    const before = await count('contact');
    const r = await app.gql(IMPORT, { i: { csv: 'name,phone\nZed "Quoted,+919811111112\nAsha,+919811111113\n"Open,+919811111114\nLost,+919811111115' } });
    expect(r.errors).toBeUndefined();
    // the unclosed quote on line 4 takes the rest of the file with it: that is one bad record, reported on its line
    expect(r.data.importContactsCsv).toMatchObject({ created: 2, errors: [{ line: 4, code: 'BAD_CSV', reason: expect.stringContaining('Quote Not Closed') }] });
    expect(await count('contact')).toBe(before + 2);
    const zed = await app.gql(`query { contacts(search: "Zed") { items { name } } }`);
    expect(zed.data.contacts.items).toEqual([{ name: 'Zed "Quoted' }]);
  });

  it('refuses an unknown list and imports nothing', async () => {
    const before = await count('contact');
    const r = await app.gql(IMPORT, { i: { csv: 'name,phone\nNew,+919822222222', listId: '00000000-0000-4000-8000-000000000000' } });
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await count('contact')).toBe(before);
  });
});

/**
 * Issue 12: zones are stored canonically, an explicit zone wins over the number's candidates, and zones can be
 * changed one by one, in bulk and by re-importing; every change reaches the contact's numbers in campaigns at once.
 */
describe('contact time zones', () => {
  const CONTACT = `query($id: ID!) { contact(id: $id) { timeZone phones { e164 candidateTimeZones timeZones zoneSource } } }`;
  const UPDATE = `mutation($id: ID!, $i: UpdateContactInput!) { updateContact(id: $id, input: $i) { timeZone phones { timeZones zoneSource } } }`;
  const BULK = `mutation($i: SetContactsTimeZoneInput!) { setContactsTimeZone(input: $i) }`;
  const campaignZones = (campaignId: string) =>
    sql<{ e164: string; time_zones: string[] }>(app.databaseUrl, `select e164, time_zones from campaign_number where campaign_id = $1 order by e164`, [campaignId]);

  it('stores zones canonically, lets a contact override, clear and bulk-set them, and keeps campaign numbers in step', async () => {
    const list = (await app.gql(`mutation { createContactList(name: "Zones") { id } }`)).data.createContactList.id;
    const idaho = (await app.gql(CREATE, { i: { name: 'Idaho', phones: ['+12085550101'], listIds: [list] } })).data.createContact;
    expect(idaho).toMatchObject({ timeZone: null, phones: [{ candidateTimeZones: ['America/Boise', 'America/Los_Angeles'], timeZones: ['America/Boise', 'America/Los_Angeles'], zoneSource: 'NUMBER' }] });
    const kolkata = (await app.gql(CREATE, { i: { name: 'Link', phones: ['+919811100001'], timeZone: 'asia/calcutta', listIds: [list] } })).data.createContact;
    expect(kolkata).toMatchObject({ timeZone: 'Asia/Kolkata', phones: [{ timeZones: ['Asia/Kolkata'], zoneSource: 'CONTACT' }] });

    const agent = (await app.gql(`mutation { createAgent(input: { name: "Z", phone: "+919700000077" }) { id } }`)).data.createAgent.id;
    const group = (await app.gql(`mutation($a: [ID!]!) { createAgentGroup(input: { name: "Zone floor", agentIds: $a }) { id } }`, { a: [agent] })).data.createAgentGroup.id;
    const campaign = (await app.gql(`mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`, {
      i: { name: 'Zones', dialMode: 'PROGRESSIVE', listId: list, groupId: group, callerId: '+912240001234' },
    })).data.createCampaign.id;
    expect(await campaignZones(campaign)).toEqual([
      { e164: '+12085550101', time_zones: ['America/Boise', 'America/Los_Angeles'] },
      { e164: '+919811100001', time_zones: ['Asia/Kolkata'] },
    ]);

    // one by one: an explicit zone wins and reaches the running campaign; null clears it again
    const set = await app.gql(UPDATE, { id: idaho.id, i: { timeZone: 'america/boise' } });
    expect(set.data.updateContact).toEqual({ timeZone: 'America/Boise', phones: [{ timeZones: ['America/Boise'], zoneSource: 'CONTACT' }] });
    expect((await campaignZones(campaign))[0]!.time_zones).toEqual(['America/Boise']);
    const refused = await app.gql(UPDATE, { id: idaho.id, i: { timeZone: 'MST' } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.timeZone' });
    expect((await app.gql(CONTACT, { id: idaho.id })).data.contact.timeZone).toBe('America/Boise');
    const cleared = await app.gql(UPDATE, { id: idaho.id, i: { timeZone: null } });
    expect(cleared.data.updateContact.phones[0]).toEqual({ timeZones: ['America/Boise', 'America/Los_Angeles'], zoneSource: 'NUMBER' });
    expect((await campaignZones(campaign))[0]!.time_zones).toEqual(['America/Boise', 'America/Los_Angeles']);

    // in bulk: a whole list, or named contacts; unknown ids change nothing
    expect((await app.gql(BULK, { i: { listId: list, timeZone: 'America/Denver' } })).data.setContactsTimeZone).toBe(2);
    expect((await campaignZones(campaign)).map((r) => r.time_zones)).toEqual([['America/Denver'], ['America/Denver']]);
    const unknown = await app.gql(BULK, { i: { contactIds: [kolkata.id, '00000000-0000-4000-8000-000000000000'], timeZone: 'Asia/Kolkata' } });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await campaignZones(campaign))[1]!.time_zones).toEqual(['America/Denver']);
    const both = await app.gql(BULK, { i: { contactIds: [kolkata.id], listId: list, timeZone: 'Asia/Kolkata' } });
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await app.gql(BULK, { i: { contactIds: [kolkata.id], timeZone: 'Asia/Kolkata' } })).data.setContactsTimeZone).toBe(1);

    // re-importing with a time_zone column updates the zone; an empty cell leaves it
    const csv = 'name,phone,time_zone\nIdaho,+12085550101,US/Pacific\nLink,+919811100001,\n';
    const re = (await app.gql(IMPORT, { i: { csv } })).data.importContactsCsv;
    expect(re).toMatchObject({ created: 0, matched: 2, zonesUpdated: 1, errors: [] });
    expect((await app.gql(CONTACT, { id: idaho.id })).data.contact.timeZone).toBe('America/Los_Angeles');
    expect((await app.gql(CONTACT, { id: kolkata.id })).data.contact.timeZone).toBe('Asia/Kolkata');
    expect((await campaignZones(campaign)).map((r) => r.time_zones)).toEqual([['America/Los_Angeles'], ['Asia/Kolkata']]);
    const bad = (await app.gql(IMPORT, { i: { csv: 'name,phone,time_zone\nIdaho,+12085550101,EST\n' } })).data.importContactsCsv;
    expect(bad.errors).toEqual([{ line: 2, code: 'INVALID_TIME_ZONE', reason: expect.stringContaining('not a region time zone') }]);
    expect((await app.gql(CONTACT, { id: idaho.id })).data.contact.timeZone).toBe('America/Los_Angeles');
  });

  it('lists the zone names it stores, which are exactly the names it accepts unchanged', async () => {
    const zones: string[] = (await app.gql(`query { timeZones }`)).data.timeZones;
    expect(zones.length).toBeGreaterThan(300);
    expect(zones).toEqual(expect.arrayContaining(['Asia/Kolkata', 'Europe/Kyiv', 'America/Boise', 'Etc/UTC']));
    expect(zones).not.toContain('Asia/Calcutta');
    expect(zones).not.toContain('EST');
    expect([...zones].sort()).toEqual(zones);
    const { canonicalTimeZone } = await import('../server/src/domain/time-zone.js');
    expect(zones.filter((z) => canonicalTimeZone(z, 'z') !== z)).toEqual([]);
  });

  it("sets the contact centre's zone (admins), canonically", async () => {
    const r = await app.gql(`mutation { setOrganizationTimeZone(timeZone: "asia/calcutta") }`);
    expect(r.data.setOrganizationTimeZone).toBe('Asia/Kolkata');
    expect((await app.gql(`query { me { organizationTimeZone } }`)).data.me.organizationTimeZone).toBe('Asia/Kolkata');
    expect((await app.gql(`mutation { setOrganizationTimeZone(timeZone: "PST") }`)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('agents and groups', () => {
  it('creates agents and groups, changes membership, refuses unknown ids', async () => {
    const a = await app.gql(`mutation { createAgent(input: { name: "Priya", phone: "+919700000001" }) { id state timeZone } }`);
    expect(a.data.createAgent).toMatchObject({ state: 'OFFLINE', timeZone: 'Asia/Kolkata' });
    const g = await app.gql(`mutation($a: [ID!]!) { createAgentGroup(input: { name: "Floor", agentIds: $a }) { id memberCount } }`, { a: [a.data.createAgent.id] });
    expect(g.data.createAgentGroup.memberCount).toBe(1);
    const rm = await app.gql(`mutation($g: ID!, $a: [ID!]!) { changeGroupMembers(groupId: $g, removeAgentIds: $a) { memberCount } }`, { g: g.data.createAgentGroup.id, a: [a.data.createAgent.id] });
    expect(rm.data.changeGroupMembers.memberCount).toBe(0);
    const unknown = await app.gql(`mutation($g: ID!) { changeGroupMembers(groupId: $g, addAgentIds: ["00000000-0000-4000-8000-000000000000"]) { memberCount } }`, { g: g.data.createAgentGroup.id });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const badPhone = await app.gql(`mutation { createAgent(input: { name: "X", phone: "12" }) { id } }`);
    expect(badPhone.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
