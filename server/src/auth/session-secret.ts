import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The key that signs session tokens: `SESSION_SECRET` when configured, otherwise one generated at
 * the first start and kept in the database, so every instance on the same PostgreSQL agrees.
 * Concurrent first starts each offer a key; the first insert wins and all read that one back.
 */
export async function loadSessionSecret(em: EntityManager, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  await em.execute(`insert into server_secret (name, value) values ('session', ?) on conflict (name) do nothing`, [randomBytes(32).toString('base64url')]);
  const [row] = await em.execute<{ value: string }[]>(`select value from server_secret where name = 'session'`);
  if (!row) throw new Error('server_secret has no session row after insert');
  return row.value;
}
