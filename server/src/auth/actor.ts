import { forbidden } from '../domain/errors.js';

export const Role = { ADMIN: 'ADMIN', SUPERVISOR: 'SUPERVISOR', AGENT: 'AGENT' } as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLES = Object.values(Role);

/**
 * The acting user of every service call. Every service method takes one, so access checks
 * live in the services and cannot be forgotten at the edges.
 */
export interface Actor {
  organizationId: string;
  userId: string;
  role: Role;
  /** The agent profile of this user, when the user also takes calls. */
  agentId?: string;
  /** The server-side session the request came with (sign out ends it). */
  sessionId?: string;
  /** Set when an integrator's API key acts: it may call only the root fields its scopes allow. */
  apiKey?: { id: string; scopes: readonly string[] };
}

export function isSupervisor(actor: Actor): boolean {
  return actor.role === Role.ADMIN || actor.role === Role.SUPERVISOR;
}

/** Supervisors and admins manage campaigns, agents and groups (seed 004: agents can not). */
export function requireSupervisor(actor: Actor, action: string): void {
  if (actor.role !== Role.ADMIN && actor.role !== Role.SUPERVISOR) throw forbidden(action);
}

export function requireAdmin(actor: Actor, action: string): void {
  if (actor.role !== Role.ADMIN) throw forbidden(action);
}
