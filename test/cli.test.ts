import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrgWithCli } from './helpers/child.js';
import { createTestDatabase, sql } from './helpers/db.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

/** Issue 13: organisations and their first admin are made by an operator command, never through the API. */
describe('operator CLI', () => {
  it('creates an organisation and its admin (password from standard input, stored hashed); bad input creates nothing', async () => {
    const made = await createOrgWithCli({ DATABASE_URL: db.url }, { name: 'Acme Collections', email: ' Ops@Acme.example ', password: 'a long enough password' });
    const [user] = await sql<{ email: string; role: string; organization_id: string; password_hash: string }>(db.url, `select email, role, organization_id, password_hash from app_user where id = $1`, [made.adminUserId]);
    expect(user).toMatchObject({ email: 'ops@acme.example', role: 'ADMIN', organization_id: made.organizationId });
    expect(user!.password_hash).toMatch(/^scrypt\$/);
    for (const [bad, message] of [
      [{ name: 'X', email: 'not-an-email', password: 'a long enough password' }, /not an email address/],
      [{ name: 'X', email: 'x@y.z', password: 'short' }, /password must be 8-200 characters/],
      [{ name: '', email: 'x@y.z', password: 'a long enough password' }, /usage|name/],
    ] as const) {
      await expect(createOrgWithCli({ DATABASE_URL: db.url }, bad)).rejects.toThrow(message);
    }
    expect(await sql(db.url, `select name from organization`)).toEqual([{ name: 'Acme Collections' }]);
  }, 60_000);
});
