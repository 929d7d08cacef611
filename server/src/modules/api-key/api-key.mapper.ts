import type { ApiKeyScope } from '../../auth/api-key.js';
import type { ApiKeyRow } from './api-key.repository.js';
import type { ApiKey } from './api-key.type.js';

export function toApiKey(r: ApiKeyRow): ApiKey {
  return {
    id: r.id, name: r.name, prefix: r.prefix, scopes: r.scopes as ApiKeyScope[], createdBy: r.created_by_name,
    createdAt: new Date(r.created_at), lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null, revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
  };
}
