import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from './actor.js';

/** One unit of work: who acts, and an EntityManager forked for this request or subscription operation. */
export interface Scope {
  actor: Actor;
  em: EntityManager;
}
