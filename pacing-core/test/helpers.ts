import { allocateColumns, NumberState, type NumberColumns } from '../src/index.js';

/** One row of a campaign, for readable tests. */
export interface Row {
  state?: NumberState;
  nextAttemptAt?: number;
  createdAt?: number;
  priority?: number;
  dialCount?: number;
  attempts?: number;
  maxAttempts?: number;
  ownerAgent?: number;
  contact?: number;
  zone?: number;
  suppressed?: boolean;
}

/** Build shared columns from rows (defaults: new, created at 0, no owner, no contact, zone 0). */
export function columnsOf(rows: Row[], shared = true): NumberColumns {
  const c = allocateColumns(rows.length, shared);
  rows.forEach((r, i) => {
    c.state[i] = r.state ?? NumberState.SCHEDULED;
    c.nextAttemptAt[i] = r.nextAttemptAt ?? 0;
    c.createdAt[i] = r.createdAt ?? 0;
    c.priority[i] = r.priority ?? 0;
    c.dialCount[i] = r.dialCount ?? 0;
    c.attempts![i] = r.attempts ?? r.dialCount ?? 0;
    c.maxAttempts![i] = r.maxAttempts ?? 0;
    c.ownerAgent[i] = r.ownerAgent ?? -1;
    c.contact[i] = r.contact ?? -1;
    c.zone[i] = r.zone ?? 0;
    c.suppressed[i] = r.suppressed ? 1 : 0;
  });
  return c;
}

export const UTC = ['UTC'];
/** 12:00 UTC on a plain day: inside 09:00-21:00 in UTC. */
export const NOON = Date.UTC(2026, 5, 15, 12, 0);
