import { badInput, conflict } from './errors.js';

/**
 * Agent-owned customer pools (seed 003, "auto dialing"): each agent dials only the customers assigned
 * to them. Agents take unassigned customers with "Get customers" (at most `perClickMax` a click, and
 * never more than `maxUnprocessed` unprocessed ones owned at once); supervisors assign by hand, by CSV
 * or balanced. An owned callback whose owner is not signed in `releaseAfterMinutes` after it fell due
 * is released to any agent of the group (0: never).
 */
export interface OwnerPool {
  perClickMax: number;
  maxUnprocessed: number;
  releaseAfterMinutes: number;
}

export const OWNER_POOL_LIMITS = { perClickMax: 500, maxUnprocessed: 10_000, releaseAfterMinutes: 24 * 60 } as const;
/** Dial modes where an agent dials its own customers (predictive dials a shared pool; preview launches by hand). */
export const OWNER_POOL_MODES: readonly string[] = ['PROGRESSIVE', 'AGENT_FIRST_FLOW'];
/** A callback is "due" for this long after its time (seed 003: dialled within five minutes); later it is overdue. */
export const CALLBACK_DUE_MS = 5 * 60_000;

/** Validates an owner-pool option for a campaign of `dialMode`. */
export function resolveOwnerPool(
  input: { perClickMax?: number | null; maxUnprocessed?: number | null; releaseAfterMinutes?: number | null },
  dialMode: string,
  field = 'input.ownerPool',
): OwnerPool {
  if (!OWNER_POOL_MODES.includes(dialMode)) {
    throw badInput(`owner pools need a dial mode where agents dial their own customers (${OWNER_POOL_MODES.join(' or ')}), not ${dialMode}`, `${field}`);
  }
  const pool = { perClickMax: input.perClickMax ?? 10, maxUnprocessed: input.maxUnprocessed ?? 50, releaseAfterMinutes: input.releaseAfterMinutes ?? 30 };
  const within = (v: number, min: number, max: number, name: keyof OwnerPool) => {
    if (!Number.isInteger(v) || v < min || v > max) throw badInput(`${name} must be a whole number from ${min} to ${max}`, `${field}.${name}`);
  };
  within(pool.perClickMax, 1, OWNER_POOL_LIMITS.perClickMax, 'perClickMax');
  within(pool.maxUnprocessed, 1, OWNER_POOL_LIMITS.maxUnprocessed, 'maxUnprocessed');
  within(pool.releaseAfterMinutes, 0, OWNER_POOL_LIMITS.releaseAfterMinutes, 'releaseAfterMinutes');
  return pool;
}

/** Which limit cut a "Get customers" click short. */
export type ClaimLimit = 'PER_CLICK' | 'MAX_UNPROCESSED' | 'NONE_LEFT';

/**
 * How many customers one click may take for an agent who owns `owned` unprocessed ones; refused
 * (CONFLICT, naming the limit) when the agent already owns the maximum.
 */
export function claimAllowance(pool: OwnerPool, owned: number): { take: number; boundBy: ClaimLimit } {
  const room = pool.maxUnprocessed - owned;
  if (room <= 0) {
    throw conflict(`you already own ${owned} unprocessed customers, the campaign's maximum of ${pool.maxUnprocessed}: work some first`, { limit: 'MAX_UNPROCESSED', owned, maxUnprocessed: pool.maxUnprocessed });
  }
  return room < pool.perClickMax ? { take: room, boundBy: 'MAX_UNPROCESSED' } : { take: pool.perClickMax, boundBy: 'PER_CLICK' };
}

/**
 * Balanced auto-assignment: hands `available` customers out one at a time to the agent owning the
 * fewest unprocessed ones (ties: the order given), never above `cap`. Once enough are handed out, no
 * two agents differ by more than one. Returns how many each agent gets, in the input order.
 */
export function balanceAssignment(owned: readonly number[], available: number, cap: number): number[] {
  const now = [...owned];
  const give = owned.map(() => 0);
  for (let left = available; left > 0; left--) {
    let best = -1;
    for (let i = 0; i < now.length; i++) if (now[i]! < cap && (best < 0 || now[i]! < now[best]!)) best = i;
    if (best < 0) break;
    now[best] = now[best]! + 1;
    give[best] = give[best]! + 1;
  }
  return give;
}
