import type { UserEntity } from '../../entities/index.js';
import type { Session, User } from './user.type.js';

export function toUser(e: UserEntity, agentId: string | null = null): User {
  return { id: e.id, name: e.name, email: e.email, role: e.role, agentId, disabled: !!e.disabledAt };
}

export function toSession(s: { token: string; expiresAt: Date; user: UserEntity; agentId: string | null }): Session {
  return { token: s.token, expiresAt: s.expiresAt, user: toUser(s.user, s.agentId) };
}
