import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock.js';
import { requireAdmin, Role, type Actor } from '../../auth/actor.js';
import { AgentEntity, OrganizationEntity, UserEntity } from '../../entities/index.js';
import { isUuid } from '../../domain/ids.js';
import { conflict, DialerError, ErrorCode, notFound } from '../../errors.js';
import type { Scope } from '../../graphql/context.js';
import type { CreateUserInput } from './user.input.js';

/**
 * Users and the acting identity. Sign-in arrives with accounts in a later issue; until then a
 * request names its user with the `x-dialer-user` header (or `user` in graphql-ws connection
 * params) and, when it names none, acts as the bootstrap administrator of the first organisation.
 */
export class UserService {
  constructor(private readonly clock: Clock) {}

  /** Makes sure an organisation and its administrator exist; returns the administrator's actor. */
  async bootstrap(em: EntityManager): Promise<Actor> {
    return em.transactional(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(7311)');
      let [org] = await tx.find(OrganizationEntity, {}, { orderBy: { createdAt: 'asc' }, limit: 1 });
      if (!org) {
        org = tx.create(OrganizationEntity, { name: 'Default organisation', balanceMinor: '100000000', createdAt: this.clock.now() });
      }
      let admin = await tx.findOne(UserEntity, { organization: org, role: Role.ADMIN }, { orderBy: { createdAt: 'asc' } });
      if (!admin) {
        admin = tx.create(UserEntity, { organization: org, name: 'Administrator', email: 'admin@localhost', role: Role.ADMIN, createdAt: this.clock.now() });
      }
      await tx.flush();
      return { organizationId: org.id, userId: admin.id, role: Role.ADMIN };
    });
  }

  /** The actor a request acts as; an unknown user id is UNAUTHENTICATED. */
  async resolveActor(em: EntityManager, userId: string | undefined, fallback: Actor): Promise<Actor> {
    if (!userId) return fallback;
    if (!isUuid(userId)) throw new DialerError(ErrorCode.UNAUTHENTICATED, 'Unknown user');
    const user = await em.findOne(UserEntity, { id: userId });
    if (!user) throw new DialerError(ErrorCode.UNAUTHENTICATED, 'Unknown user');
    const agent = await em.findOne(AgentEntity, { user }, { fields: ['id'] });
    return { organizationId: user.organization.id, userId: user.id, role: user.role, agentId: agent?.id };
  }

  async viewer(scope: Scope): Promise<{ user: UserEntity; org: OrganizationEntity; agentId: string | null }> {
    const user = await scope.em.findOne(UserEntity, { id: scope.actor.userId, organization: scope.actor.organizationId });
    const org = await scope.em.findOne(OrganizationEntity, { id: scope.actor.organizationId });
    if (!user || !org) throw notFound('user', scope.actor.userId);
    return { user, org, agentId: scope.actor.agentId ?? null };
  }

  users(scope: Scope): Promise<UserEntity[]> {
    return scope.em.find(UserEntity, { organization: scope.actor.organizationId }, { orderBy: { name: 'asc' }, limit: 1000 });
  }

  async create(scope: Scope, input: CreateUserInput): Promise<UserEntity> {
    requireAdmin(scope.actor, 'create users');
    const email = input.email.trim().toLowerCase();
    if (await scope.em.findOne(UserEntity, { organization: scope.actor.organizationId, email })) {
      throw conflict(`a user with email ${email} already exists`, { field: 'input.email' });
    }
    const user = scope.em.create(UserEntity, {
      organization: scope.actor.organizationId,
      name: input.name.trim(),
      email,
      role: input.role,
      createdAt: this.clock.now(),
    });
    await scope.em.flush();
    return user;
  }
}
