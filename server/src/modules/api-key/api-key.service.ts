import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { requireSupervisor, Role, type Actor } from '../../auth/actor.js';
import { API_KEY_SCOPES, hashApiKey, newApiKey, type ApiKeyScope } from '../../auth/api-key.js';
import type { Clock } from '../../clock.js';
import { assertId } from '../../domain/ids.js';
import { badInput, notFound, unauthenticated } from '../../domain/errors.js';
import type { Scope } from '../../auth/scope.js';
import { ApiKeyRepository, type ApiKeyRow } from './api-key.repository.js';

/**
 * Integrators' API keys: created by admins and supervisors for their organisation, with scopes,
 * shown once and stored as a SHA-256, revocable (its open sockets close within seconds), with the
 * time it was last used.
 */
export class ApiKeyService {
  constructor(private readonly clock: Clock) {}

  async create(scope: Scope, name: string, scopes: readonly ApiKeyScope[]): Promise<{ key: string; row: ApiKeyRow }> {
    requireSupervisor(scope.actor, 'create API keys');
    const trimmed = name.trim();
    if (!trimmed) throw badInput('name is empty', 'input.name');
    const unique = [...new Set(scopes)];
    const bad = unique.find((s) => !API_KEY_SCOPES.includes(s));
    if (bad) throw badInput(`"${bad}" is not a scope`, 'input.scopes');
    const { key, hash, displayPrefix } = newApiKey();
    const row = await new ApiKeyRepository(scope.em).insert({
      id: randomUUID(), organizationId: scope.actor.organizationId, name: trimmed, prefix: displayPrefix, hash, scopes: unique,
      createdBy: scope.actor.apiKey ? null : scope.actor.userId, now: this.clock.now(),
    });
    return { key, row };
  }

  list(scope: Scope): Promise<ApiKeyRow[]> {
    requireSupervisor(scope.actor, 'list API keys');
    return new ApiKeyRepository(scope.em).list(scope.actor.organizationId);
  }

  async revoke(scope: Scope, id: string): Promise<ApiKeyRow> {
    requireSupervisor(scope.actor, 'revoke API keys');
    const row = await new ApiKeyRepository(scope.em).revoke(scope.actor.organizationId, assertId(id, 'API key'), this.clock.now());
    if (!row) throw notFound('API key', id);
    return row;
  }

  /** The actor an API key acts as: its organisation, within its scopes (a revoked or unknown key is UNAUTHENTICATED). */
  async resolve(em: EntityManager, key: string): Promise<Actor> {
    const row = await new ApiKeyRepository(em).use(hashApiKey(key), this.clock.now());
    if (!row) throw unauthenticated('Unknown or revoked API key');
    return {
      organizationId: row.organization_id,
      // the key's own id stands for the user: nothing a key may call acts on a user's behalf
      userId: row.id,
      role: Role.SUPERVISOR,
      apiKey: { id: row.id, scopes: row.scopes },
    };
  }

  /** Of these keys, the revoked ones. */
  ended(em: EntityManager, ids: string[]): Promise<Set<string>> {
    return new ApiKeyRepository(em).ended(ids);
  }
}
