import type { EntityManager } from '@mikro-orm/postgresql';
import { timeScaleOf, type Clock } from '../../clock.js';
import { requireAdmin, requireSupervisor, Role, type Actor } from '../../auth/actor.js';
import { hashPassword, verifyNothing, verifyPassword } from '../../auth/password.js';
import type { Credentials } from '../../auth/credentials.js';
import type { RateLimits } from '../../auth/rate-limits.js';
import type { SessionTokens } from '../../auth/session-token.js';
import { AgentEntity, OrganizationEntity, UserEntity } from '../../entities/index.js';
import { randomUUID } from 'node:crypto';
import { assertId } from '../../domain/ids.js';
import { canonicalTimeZone } from '../../domain/time-zone.js';
import { badInput, conflict, notFound, unauthenticated } from '../../domain/errors.js';
import type { Scope } from '../../auth/scope.js';
import { PASSWORD_MAX, PASSWORD_MIN, type CreateUserInput, type UpdateUserInput } from './user.input.js';

/** The same answer for an unknown email and a wrong password, so sign-in tells nobody which emails exist. */
const WRONG_CREDENTIALS = 'Wrong email or password';

/** A new session from {@link UserService.signIn}. */
export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: UserEntity;
  agentId: string | null;
}

/** A new organisation and its first administrator (an operator action: the CLI, the demo, tests). */
export interface NewOrganization {
  name: string;
  adminName?: string;
  adminEmail: string;
  /** The administrator's password (at least 8 characters). */
  adminPassword: string;
  /** The contact centre's zone. @default Etc/UTC */
  timeZone?: string;
}

/**
 * Users, passwords, sessions and the acting identity. Every request and socket proves who it is
 * with a session token from `signIn`: a signed token naming a server-side session, which a sign-out,
 * a password change or an admin disabling the user ends. Nothing but `signIn` works without one.
 */
export class UserService {
  constructor(
    private readonly clock: Clock,
    private readonly tokens: SessionTokens,
    /** Sign-in limits (per IP, lockout per email); the operator CLI has none. */
    private readonly limits?: RateLimits,
    /** The call centre's clock (sped up by SIM_TIME_SCALE); sessions keep `clock`, the wall's. */
    private readonly centreClock: Clock = clock,
  ) {}

  /**
   * Creates an organisation and its first administrator. Not reachable through the API: operators
   * run `npm run admin -- create-org` (see the README); the demo seed and the tests call it directly.
   */
  async createOrganization(em: EntityManager, input: NewOrganization): Promise<{ organizationId: string; adminUserId: string }> {
    const name = input.name.trim();
    if (!name || name.length > 200) throw badInput('the organisation name must be 1-200 characters', 'name');
    const email = input.adminEmail.trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(email) || email.length > 320) throw badInput(`"${input.adminEmail}" is not an email address`, 'adminEmail');
    if (input.adminPassword.length < PASSWORD_MIN || input.adminPassword.length > PASSWORD_MAX) {
      throw badInput(`the password must be ${PASSWORD_MIN}-${PASSWORD_MAX} characters`, 'adminPassword');
    }
    const timeZone = input.timeZone ? canonicalTimeZone(input.timeZone, 'timeZone') : 'Etc/UTC';
    const now = this.clock.now();
    return em.transactional(async (tx) => {
      const org = tx.create(OrganizationEntity, { name, balanceMinor: '100000000', timeZone, createdAt: now });
      const admin = tx.create(UserEntity, {
        organization: org, name: input.adminName?.trim() || 'Administrator', email, role: Role.ADMIN,
        passwordHash: await hashPassword(input.adminPassword), createdAt: now,
      });
      await tx.flush();
      return { organizationId: org.id, adminUserId: admin.id };
    });
  }

  /** The organisations there are (the server logs a hint when there is none yet). */
  countOrganizations(em: EntityManager): Promise<number> {
    return em.count(OrganizationEntity, {});
  }

  /**
   * Opens a server-side session for a user and returns its token (sign-in; the test helper mints
   * tokens this way). A disabled user gets none.
   */
  async openSession(em: EntityManager, userId: string): Promise<{ token: string; expiresAt: Date }> {
    const user = await em.findOne(UserEntity, { id: userId });
    if (!user || user.disabledAt) throw unauthenticated(WRONG_CREDENTIALS);
    const sessionId = randomUUID();
    const expiresAt = this.tokens.expiry();
    await em.execute(
      `insert into user_session (id, organization_id, user_id, created_at, expires_at) values (?, ?, ?, ?, ?)`,
      [sessionId, user.organization.id, user.id, this.clock.now(), expiresAt],
    );
    return this.tokens.issue({ sessionId, userId: user.id, organizationId: user.organization.id, expiresAt });
  }

  /**
   * The actor a request or socket acts as. It needs a valid token whose session is live: not
   * revoked, not expired on the app's clock, its user not disabled. Anything else is UNAUTHENTICATED.
   */
  async resolveActor(em: EntityManager, credentials: Credentials): Promise<Actor> {
    if (credentials.token === undefined) throw unauthenticated('Sign in first: send "Authorization: Bearer <token>" (graphql-ws: connection params { token })');
    const claims = this.tokens.verify(credentials.token);
    const [row] = await em.execute<{ revoked_at: Date | null; expires_at: Date; disabled_at: Date | null }[]>(
      `select s.revoked_at, s.expires_at, u.disabled_at from user_session s join app_user u on u.id = s.user_id
        where s.id = ? and s.user_id = ? and s.organization_id = ?`,
      [claims.sessionId, claims.userId, claims.organizationId],
    );
    if (!row || row.revoked_at || row.disabled_at) throw unauthenticated('Session ended; sign in again');
    if (new Date(row.expires_at).getTime() <= this.clock.now().getTime()) throw unauthenticated('Session expired; sign in again');
    const user = (await em.findOne(UserEntity, { id: claims.userId }))!;
    return { ...(await this.actorOf(em, user)), sessionId: claims.sessionId };
  }

  /** Of these sessions, the ones that have ended (revoked, expired, user disabled, or gone): their open sockets are closed. */
  async endedSessions(em: EntityManager, sessionIds: string[]): Promise<Set<string>> {
    if (!sessionIds.length) return new Set();
    const rows = await em.execute<{ id: string }[]>(
      `select x.id from (select jsonb_array_elements_text(?::jsonb)::uuid as id) x
         left join user_session s on s.id = x.id left join app_user u on u.id = s.user_id
        where s.id is null or s.revoked_at is not null or s.expires_at <= ? or u.disabled_at is not null`,
      [JSON.stringify(sessionIds), this.clock.now()],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Checks an email and password and opens a session. Emails are unique per organisation, not
   * globally: the first user (oldest) with this email whose password matches wins. Disabled users
   * are refused with the same message as a wrong password.
   */
  async signIn(em: EntityManager, email: string, password: string, ip = 'unknown'): Promise<SignedIn> {
    const address = email.trim().toLowerCase();
    await this.limits?.beforeSignIn(ip, address);
    const candidates = await em.find(
      UserEntity,
      { email: address, passwordHash: { $ne: null }, disabledAt: null },
      { orderBy: { createdAt: 'asc', id: 'asc' }, limit: 20 },
    );
    if (!candidates.length) await verifyNothing(password);
    for (const user of candidates) {
      if (!(await verifyPassword(password, user.passwordHash!))) continue;
      await this.limits?.signInSucceeded(address);
      const actor = await this.actorOf(em, user);
      const session = await this.openSession(em, user.id);
      return { ...session, user, agentId: actor.agentId ?? null };
    }
    await this.limits?.signInFailed(address);
    throw unauthenticated(WRONG_CREDENTIALS);
  }

  /** Ends the session the request came with. */
  async signOut(scope: Scope): Promise<void> {
    if (!scope.actor.sessionId) return;
    await scope.em.execute(`update user_session set revoked_at = ? where id = ? and revoked_at is null`, [this.clock.now(), scope.actor.sessionId]);
  }

  /** Ends every session of a user: one's own, or (admins) another user's in the organisation. Returns how many ended. */
  async signOutEverywhere(scope: Scope, userId?: string): Promise<number> {
    const id = this.targetUser(scope, userId, 'sign out another user');
    const user = await scope.em.findOne(UserEntity, { id, organization: scope.actor.organizationId });
    if (!user) throw notFound('user', id);
    return this.revokeAll(scope.em, id);
  }

  /** Admins: disables (every session ends, sign-in refused) or enables a user of the organisation; not oneself. */
  async setUserDisabled(scope: Scope, userId: string, disabled: boolean): Promise<{ user: UserEntity; agentId: string | null }> {
    requireAdmin(scope.actor, 'disable users');
    const id = assertId(userId, 'user');
    if (id === scope.actor.userId) throw badInput('you cannot disable yourself', 'userId');
    const user = await scope.em.findOne(UserEntity, { id, organization: scope.actor.organizationId });
    if (!user) throw notFound('user', userId);
    user.disabledAt = disabled ? user.disabledAt ?? this.clock.now() : null;
    await scope.em.flush();
    if (disabled) await this.revokeAll(scope.em, id);
    const agent = await scope.em.findOne(AgentEntity, { user }, { fields: ['id'] });
    return { user, agentId: agent?.id ?? null };
  }

  private targetUser(scope: Scope, userId: string | undefined, action: string): string {
    const self = !userId || userId.toLowerCase() === scope.actor.userId;
    if (!self) requireAdmin(scope.actor, action);
    return self ? scope.actor.userId : assertId(userId, 'user');
  }

  private async revokeAll(em: EntityManager, userId: string): Promise<number> {
    const rows = await em.execute<{ id: string }[]>(
      `update user_session set revoked_at = ? where user_id = ? and revoked_at is null returning id`, [this.clock.now(), userId]);
    return rows.length;
  }

  /** Sets a password: one's own, or (admins) anyone's in the organisation. Ends every session of that user. */
  async setPassword(scope: Scope, userId: string | undefined, password: string): Promise<void> {
    const id = this.targetUser(scope, userId, "set another user's password");
    const user = await scope.em.findOne(UserEntity, { id, organization: scope.actor.organizationId });
    if (!user) throw notFound('user', id);
    user.passwordHash = await hashPassword(password);
    await scope.em.flush();
    await this.revokeAll(scope.em, id);
  }

  async viewer(scope: Scope): Promise<{ user: UserEntity; org: OrganizationEntity; agentId: string | null; now: Date; timeScale: number }> {
    const user = await scope.em.findOne(UserEntity, { id: scope.actor.userId, organization: scope.actor.organizationId });
    const org = await scope.em.findOne(OrganizationEntity, { id: scope.actor.organizationId });
    if (!user || !org) throw notFound('user', scope.actor.userId);
    return { user, org, agentId: scope.actor.agentId ?? null, now: this.centreClock.now(), timeScale: timeScaleOf(this.centreClock) };
  }

  /** Sets the contact centre's zone (admins): the wallboard's "today" is its local day. Returns the canonical name. */
  async setOrganizationTimeZone(scope: Scope, timeZone: string): Promise<string> {
    requireAdmin(scope.actor, "set the organisation's time zone");
    const zone = canonicalTimeZone(timeZone, 'timeZone');
    await scope.em.nativeUpdate(OrganizationEntity, { id: scope.actor.organizationId }, { timeZone: zone });
    return zone;
  }

  /** The organisation's users, with emails, roles and agent profiles: supervisors and admins only. */
  async users(scope: Scope): Promise<{ user: UserEntity; agentId: string | null }[]> {
    requireSupervisor(scope.actor, 'list users');
    const users = await scope.em.find(UserEntity, { organization: scope.actor.organizationId }, { orderBy: { name: 'asc' }, limit: 1000 });
    const agents = users.length ? await scope.em.find(AgentEntity, { user: { $in: users.map((u) => u.id) } }, { fields: ['id', 'user'] }) : [];
    const agentOf = new Map(agents.map((a) => [a.user!.id, a.id]));
    return users.map((user) => ({ user, agentId: agentOf.get(user.id) ?? null }));
  }

  /**
   * Admins: renames a user or changes their role. The new role holds from the user's next request
   * (the role is read with the session each time). An admin cannot change their own role, so an
   * organisation never loses its last admin by accident.
   */
  async update(scope: Scope, userId: string, input: UpdateUserInput): Promise<{ user: UserEntity; agentId: string | null }> {
    requireAdmin(scope.actor, 'change users');
    const id = assertId(userId, 'user');
    const user = await scope.em.findOne(UserEntity, { id, organization: scope.actor.organizationId });
    if (!user) throw notFound('user', userId);
    if (input.role !== undefined && input.role !== user.role && id === scope.actor.userId) throw badInput('you cannot change your own role', 'input.role');
    if (input.name !== undefined) {
      const name = input.name.trim();
      if (!name) throw badInput('name is empty', 'input.name');
      user.name = name;
    }
    if (input.role !== undefined) user.role = input.role;
    await scope.em.flush();
    const agent = await scope.em.findOne(AgentEntity, { user }, { fields: ['id'] });
    return { user, agentId: agent?.id ?? null };
  }

  async create(scope: Scope, input: CreateUserInput): Promise<UserEntity> {
    requireAdmin(scope.actor, 'create users');
    const name = input.name.trim();
    if (!name) throw badInput('name is empty', 'input.name');
    const email = input.email.trim().toLowerCase();
    if (await scope.em.findOne(UserEntity, { organization: scope.actor.organizationId, email })) {
      throw conflict(`a user with email ${email} already exists`, { field: 'input.email' });
    }
    const user = scope.em.create(UserEntity, {
      organization: scope.actor.organizationId,
      name,
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
