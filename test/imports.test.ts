import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';

/**
 * Contact CSV uploads over real HTTP (issue 19): POST /imports/contacts streams the file through the same checks as
 * the API; every bad row comes back with its line and code; a file refused as a whole changes nothing.
 */
let app: TestApp;
let adminToken = '';
beforeAll(async () => {
  app = await startTestApp({ config: { importMaxBytes: 200_000, importMaxRows: 1_000 } });
  adminToken = await app.tokenFor(app.adminUserId);
});
afterAll(() => app?.dispose());

const base = () => app.url.replace(/\/graphql$/, '');
async function upload(body: string | Buffer, query = '', token: string | null = adminToken): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base()}/imports/contacts${query}`, { method: 'POST', headers: { 'content-type': 'text/csv', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  return { status: res.status, json: await res.json() };
}
const contacts = async () => Number((await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from contact where organization_id = $1`, [app.organizationId]))[0]!.n);

describe('POST /imports/contacts', () => {
  it('imports a file with a BOM, CRLF line ends and quoted commas; each bad row comes back with its line and code, the rest join the list', async () => {
    const list = (await app.gql(`mutation { createContactList(name: "Upload") { id } }`)).data.createContactList.id as string;
    await app.gql(`mutation { createContact(input: { name: "Existing", phones: ["+919833300001", "+919833300003"], clientId: "C-OLD" }) { id } }`);
    await app.gql(`mutation { createContact(input: { name: "Other", phones: ["+919833300002"] }) { id } }`);
    const before = await contacts();
    const csv = '\ufeff' + [
      'name,phone,client_id,time_zone,order_id',
      '"Shah, Asha",+919833311111,C-1,,"ORD-1, gift"', // 2 new, a quoted comma in a name and a field
      'Ravi,98333 11112,C-2,Asia/Kolkata,ORD-2', // 3 new, a national number (defaultRegion IN)
      'Bad number,12ab,C-3,,ORD-3', // 4 INVALID_PHONE
      'Again,+919833311111,C-4,,ORD-4', // 5 DUPLICATE of line 2
      'Same client,+919833311115,C-1,,ORD-5', // 6 DUPLICATE client id of line 2
      'Existing again,+919833300003,,Asia/Kolkata,', // 7 matches Existing, sets its zone
      'Both,+919833300001;+919833300002,,,', // 8 CONFLICT: two existing contacts
      'Taken id,+919833311118,C-OLD,,', // 9 CONFLICT: client id of another contact
      'Mars,+919833311119,,Mars/Base,', // 10 INVALID_TIME_ZONE
      ',+919833311120,,,', // 11 INVALID_ROW: no name
      '"Open quote,+919833311121,,,', // 12 BAD_CSV (never closed)
    ].join('\r\n') + '\r\n';
    const r = await upload(csv, `?listId=${list}&defaultRegion=IN`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ rows: 10, created: 2, matched: 1, zonesUpdated: 1, addedToList: 3 });
    expect(r.json.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
      [4, 'INVALID_PHONE'], [5, 'DUPLICATE'], [6, 'DUPLICATE'], [8, 'CONFLICT'], [9, 'CONFLICT'], [10, 'INVALID_TIME_ZONE'], [11, 'INVALID_ROW'], [12, 'BAD_CSV'],
    ]);
    expect(r.json.errors[1].reason).toBe('+919833311111 repeats line 2');
    expect(r.json.errors[2].reason).toBe('client_id "C-1" repeats line 2');
    expect(await contacts()).toBe(before + 2);
    const shah = await sql<{ name: string; client_id: string; fields: Record<string, string>; e164: string; position: number }>(app.databaseUrl,
      `select c.name, c.client_id, c.fields, p.e164, p.position from contact c join phone_number p on p.contact_id = c.id where c.client_id in ('C-1', 'C-2') order by c.client_id`);
    expect(shah).toEqual([
      { name: 'Shah, Asha', client_id: 'C-1', fields: { order_id: 'ORD-1, gift' }, e164: '+919833311111', position: 0 },
      { name: 'Ravi', client_id: 'C-2', fields: { order_id: 'ORD-2' }, e164: '+919833311112', position: 0 },
    ]);
    const [existing] = await sql<{ time_zone: string }>(app.databaseUrl, `select time_zone from contact where client_id = 'C-OLD'`);
    expect(existing!.time_zone).toBe('Asia/Kolkata');
    // the same file again: nothing new, the same contacts matched
    const again = await upload(csv, `?listId=${list}&defaultRegion=IN`);
    expect(again.json).toMatchObject({ created: 0, matched: 3, addedToList: 0 });
    expect(await contacts()).toBe(before + 2);
  });

  it('a matched contact gets the new numbers after its own', async () => {
    await app.gql(`mutation { createContact(input: { name: "Grows", phones: ["+919833322201", "+919833322202"] }) { id } }`);
    const r = await upload('name,phone1,phone2\nGrows,+919833322202,+919833322203\n');
    expect(r.json).toMatchObject({ created: 0, matched: 1, errors: [] });
    const phones = await sql<{ e164: string; position: number }>(app.databaseUrl,
      `select p.e164, p.position from phone_number p join contact c on c.id = p.contact_id where c.name = 'Grows' order by p.position`);
    expect(phones).toEqual([{ e164: '+919833322201', position: 0 }, { e164: '+919833322202', position: 1 }, { e164: '+919833322203', position: 2 }]);
  });

  it('refuses, changing nothing: no credentials, an agent, a key without contacts:write, an unknown list, a file with no usable header, too many bytes or rows', async () => {
    const before = await contacts();
    const good = 'name,phone\nNobody,+919833399999\n';
    expect((await upload(good, '', null))).toMatchObject({ status: 401, json: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
    const agentUser = (await app.gql(`mutation { createUser(input: { name: "Ag", email: "ag@imports.io", role: AGENT }) { id } }`)).data.createUser.id;
    expect((await upload(good, '', await app.tokenFor(agentUser)))).toMatchObject({ status: 403, json: { errors: [{ extensions: { code: 'FORBIDDEN' } }] } });
    const key = (await app.gql(`mutation { createApiKey(input: { name: "ro", scopes: [CAMPAIGNS_READ] }) { key } }`)).data.createApiKey.key as string;
    expect((await upload(good, '', key))).toMatchObject({ status: 403, json: { errors: [{ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('contacts:write') }] } });
    expect((await upload(good, '?listId=00000000-0000-4000-8000-000000000000'))).toMatchObject({ status: 404, json: { errors: [{ extensions: { code: 'NOT_FOUND' } }] } });
    expect((await upload(good, '?listId=not-an-id'))).toMatchObject({ status: 400, json: { errors: [{ extensions: { code: 'BAD_USER_INPUT', field: 'input.listId' } }] } });
    expect((await upload('foo,bar\n1,2\n'))).toMatchObject({ status: 400, json: { errors: [{ extensions: { code: 'BAD_USER_INPUT', field: 'file' }, message: expect.stringContaining('"name"') }] } });
    expect((await upload(''))).toMatchObject({ status: 400, json: { errors: [{ message: expect.stringContaining('empty') }] } });
    // 1,001 rows, and a file over 200,000 bytes: the good rows before the limit are not kept either
    const rows = (n: number, pad = '') => ['name,phone,note', ...Array.from({ length: n }, (_, i) => `Row ${i},+9198334${String(10_000 + i).padStart(5, '0')},${pad}`)].join('\n');
    expect((await upload(rows(1_001)))).toMatchObject({ status: 413, json: { errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE', field: 'file' } }] } });
    expect((await upload(rows(900, 'x'.repeat(300))))).toMatchObject({ status: 413, json: { errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] } });
    expect(await contacts()).toBe(before);
  });

  it('an upload cut off midway changes nothing, and the next one works', async () => {
    const before = await contacts();
    const url = new URL(`${base()}/imports/contacts`);
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv', 'content-length': '100000' } });
      req.on('error', () => resolve());
      req.on('response', () => resolve());
      req.write(['name,phone', ...Array.from({ length: 200 }, (_, i) => `Cut ${i},+9198335${String(10_000 + i).padStart(5, '0')}`)].join('\n'));
      setTimeout(() => req.destroy(), 300); // the client goes away with most of the file unsent
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await contacts()).toBe(before);
    expect((await upload('name,phone\nAfter,+919833500001\n')).json).toMatchObject({ created: 1 });
  });
});
