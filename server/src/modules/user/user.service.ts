import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock.js';
import { requireAdmin, Role, type Actor } from '../../auth/actor.js';
import { hashPassword, verifyNothing, verifyPassword } from '../../auth/password.js';
import type { Credentials } from '../../auth/credentials.js';
import type { SessionTokens } from '../../auth/session-token.js';
import { AgentEntity, OrganizationEntity, UserEntity } from '../../entities/index.js';
import { assertId, isUuid } from '../../domain/ids.js';
import { canonicalTimeZone } from '../../domain/time-zone.js';
import { conflict, notFound, unauthenticated } from '../../errors.js';
import type { Scope } from '../../graphql/context.js';
import type { CreateUserInput } from './user.input.js';

/** The same answer for an unknown email and a wrong password, so sign-in tells nobody which emails exist. */
const WRONG_CREDENTIALS = 'Wrong email or password';

/** A new session from {@link UserService.signIn}. */
export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: UserEntity;
  agentId: string | null;
}

/**
 * Users, passwords, sessions and the acting identity. A request proves who it is with a session
 * token from `signIn`; without one it may still name a user with the `x-dialer-user` header (or
 * `user` in graphql-ws connection params) and, naming none, acts as the bootstrap administrator of
 * the first organisation.
 */
export class UserService {
  constructor(
    private readonly clock: Clock,
    private readonly tokens: SessionTokens,
  ) {}

  /** Makes sure an organisation and its administrator exist; returns the administrator's actor. */
  async bootstrap(em: EntityManager): Promise<Actor> {
    return em.transactional(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(7311)');
      let [org] = await tx.find(OrganizationEntity, {}, { orderBy: { createdAt: 'asc' }, limit: 1 });
      if (!org) {
        org = tx.create(OrganizationEntity, { name: 'Default organisation', balanceMinor: '100000000', timeZone: 'Etc/UTC', createdAt: this.clock.now() });
      }
      let admin = await tx.findOne(UserEntity, { organization: org, role: Role.ADMIN }, { orderBy: { createdAt: 'asc' } });
      if (!admin) {
        admin = tx.create(UserEntity, { organization: org, name: 'Administrator', email: 'admin@localhost', role: Role.ADMIN, createdAt: this.clock.now() });
      }
      await tx.flush();
      return { organizationId: org.id, userId: admin.id, role: Role.ADMIN };
    });
  }

  /**
   * The actor a request acts as. A token must be valid, unexpired and issued for the user's current
   * password; an unknown user id is UNAUTHENTICATED; with neither, `fallback`.
   */
  async resolveActor(em: EntityManager, credentials: Credentials, fallback: Actor): Promise<Actor> {
    if (credentials.token !== undefined) {
      const claims = this.tokens.verify(credentials.token);
      const user = await em.findOne(UserEntity, { id: claims.userId, organization: claims.organizationId });
      if (!user?.passwordHash || this.tokens.fingerprint(user.passwordHash) !== claims.passwordFingerprint) {
        throw unauthenticated('Session ended; sign in again');
      }
      return this.actorOf(em, user);
    }
    const { userId } = credentials;
    if (!userId) return fallback;
    if (!isUuid(userId)) throw unauthenticated('Unknown user');
    const user = await em.findOne(UserEntity, { id: userId });
    if (!user) throw unauthenticated('Unknown user');
    return this.actorOf(em, user);
  }

  /**
   * Checks an email and password and issues a session token. Emails are unique per organisation,
   * not globally: the first user (oldest) with this email whose password matches wins.
   */
  async signIn(em: EntityManager, email: string, password: string): Promise<SignedIn> {
    const candidates = await em.find(
      UserEntity,
      { email: email.trim().toLowerCase(), passwordHash: { $ne: null } },
      { orderBy: { createdAt: 'asc', id: 'asc' }, limit: 20 },
    );
    if (!candidates.length) await verifyNothing(password);
    for (const user of candidates) {
      if (!(await verifyPassword(password, user.passwordHash!))) continue;
      const actor = await this.actorOf(em, user);
      const session = this.tokens.issue({ userId: user.id, organizationId: actor.organizationId, passwordHash: user.passwordHash! });
      return { ...session, user, agentId: actor.agentId ?? null };
    }
    throw unauthenticated(WRONG_CREDENTIALS);
  }

  /** Sets a password: one's own, or (admins) anyone's in the organisation. Ends every session of that user. */
  async setPassword(scope: Scope, userId: string | undefined, password: string): Promise<void> {
    const self = !userId || userId.toLowerCase() === scope.actor.userId;
    if (!self) requireAdmin(scope.actor, "set another user's password");
    const id = self ? scope.actor.userId : assertId(userId, 'user');
    const user = await scope.em.findOne(UserEntity, { id, organization: scope.actor.organizationId });
    if (!user) throw notFound('user', id);
    user.passwordHash = await hashPassword(password);
    await scope.em.flush();
  }

  async viewer(scope: Scope): Promise<{ user: UserEntity; org: OrganizationEntity; agentId: string | null }> {
    const user = await scope.em.findOne(UserEntity, { id: scope.actor.userId, organization: scope.actor.organizationId });
    const org = await scope.em.findOne(OrganizationEntity, { id: scope.actor.organizationId });
    if (!user || !org) throw notFound('user', scope.actor.userId);
    return { user, org, agentId: scope.actor.agentId ?? null };
  }

  /** Sets the contact centre's zone (admins): the wallboard's "today" is its local day. Returns the canonical name. */
  async setOrganizationTimeZone(scope: Scope, timeZone: string): Promise<string> {
    requireAdmin(scope.actor, "set the organisation's time zone");
    const zone = canonicalTimeZone(timeZone, 'timeZone');
    await scope.em.nativeUpdate(OrganizationEntity, { id: scope.actor.organizationId }, { timeZone: zone });
    return zone;
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
      passwordHash: input.password === undefined ? null : await hashPassword(input.password),
      createdAt: this.clock.now(),
    });
    await scope.em.flush();
    return user;
  }

  private async actorOf(em: EntityManager, user: UserEntity): Promise<Actor> {
    const agent = await em.findOne(AgentEntity, { user }, { fields: ['id'] });
    return { organizationId: user.organization.id, userId: user.id, role: user.role, agentId: agent?.id };
  }
}
