/**
 * State of one number in a campaign, as far as ordering is concerned.
 * The server maps its richer state machine (RETRYING, FAILED_DND, ...) onto these four codes.
 */
export enum NumberState {
  /** New, never dialled (eligible once `nextAttemptAt <= now`; use 0 for "immediately"). */
  SCHEDULED = 0,
  /** Callback or reschedule, due at `nextAttemptAt`. */
  RETRY = 1,
  /** A call to this number is in progress; its contact is busy. */
  IN_PROGRESS = 2,
  /** Completed, failed, cancelled, expired: never dialled again. */
  FINAL = 3,
}

/**
 * A campaign's numbers as column arrays indexed by row `i` (the server maps rows to database ids).
 * Allocate them with {@link allocateColumns} so they live on a `SharedArrayBuffer` and cross to the worker
 * without being copied.
 */
export interface NumberColumns {
  /** {@link NumberState} code per row. */
  state: Uint8Array;
  /** When a RETRY is due (epoch ms); for SCHEDULED rows the earliest dial time (0 = immediately). */
  nextAttemptAt: Float64Array;
  /** When the number was added to the campaign (epoch ms). */
  createdAt: Float64Array;
  /** Callback priority; higher dials first among due callbacks with the same scheduled time. */
  priority: Int16Array;
  /** Dials made so far (ordering: fewest dials first among new numbers). */
  dialCount: Uint16Array;
  /** Attempts used against the cap. When omitted, `dialCount` is used. */
  attempts?: Uint16Array;
  /** Per-row attempt cap (0 = use the campaign's `maxAttempts`). */
  maxAttempts?: Uint16Array;
  /** Agent that owns the record, or -1 for none. Owned records only go to their owner. */
  ownerAgent: Int32Array;
  /** Contact index (one number per contact at a time), or -1 when the number has no sibling numbers. */
  contact: Int32Array;
  /** Index into the `zones` table of IANA time-zone names. */
  zone: Uint16Array;
  /** 1 when the number is suppressed (DND, suppression list, no balance). */
  suppressed: Uint8Array;
}

/** Names of the required columns, in a fixed order (used by validation and allocation). */
export const REQUIRED_COLUMNS = [
  'state',
  'nextAttemptAt',
  'createdAt',
  'priority',
  'dialCount',
  'ownerAgent',
  'contact',
  'zone',
  'suppressed',
] as const;

/**
 * Allocate zero-filled columns for `n` rows, all views onto one buffer.
 * `ownerAgent` and `contact` are filled with -1.
 * @param n number of rows
 * @param shared allocate on a `SharedArrayBuffer` (so the worker reads the same memory) @default true
 */
export function allocateColumns(n: number, shared = true): NumberColumns {
  // 8-byte aligned sections: f64 x2, i32 x2, u16 x4 (attempts, maxAttempts, dialCount, zone), i16, u8 x2
  const pad = (bytes: number): number => Math.ceil(bytes / 8) * 8;
  const sizes = [8 * n, 8 * n, 4 * n, 4 * n, 2 * n, 2 * n, 2 * n, 2 * n, 2 * n, n, n].map(pad);
  const total = sizes.reduce((a, b) => a + b, 0);
  const buf: ArrayBufferLike = shared ? new SharedArrayBuffer(total) : new ArrayBuffer(total);
  let off = 0;
  const take = (i: number): number => {
    const o = off;
    off += sizes[i];
    return o;
  };
  const cols: NumberColumns = {
    nextAttemptAt: new Float64Array(buf, take(0), n),
    createdAt: new Float64Array(buf, take(1), n),
    ownerAgent: new Int32Array(buf, take(2), n),
    contact: new Int32Array(buf, take(3), n),
    dialCount: new Uint16Array(buf, take(4), n),
    attempts: new Uint16Array(buf, take(5), n),
    maxAttempts: new Uint16Array(buf, take(6), n),
    zone: new Uint16Array(buf, take(7), n),
    priority: new Int16Array(buf, take(8), n),
    state: new Uint8Array(buf, take(9), n),
    suppressed: new Uint8Array(buf, take(10), n),
  };
  cols.ownerAgent.fill(-1);
  cols.contact.fill(-1);
  return cols;
}
