import { badOrderInput } from './errors.js';

const MINUTE_MS = 60_000;
/** Offsets only change on 15-minute UTC boundaries for every modern IANA zone, so cache per 15-minute slot. */
const SLOT_MS = 15 * MINUTE_MS;

interface ZoneCacheEntry {
  fmt: Intl.DateTimeFormat;
  slot: number;
  offsetMin: number;
}
// A memo, not state: results depend only on (zone, now).
const cache = new Map<string, ZoneCacheEntry>();

function formatterFor(zone: string): ZoneCacheEntry {
  let e = cache.get(zone);
  if (e === undefined) {
    let fmt: Intl.DateTimeFormat;
    try {
      fmt = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      });
    } catch {
      throw badOrderInput(`zones: "${zone}" is not a valid IANA time zone`);
    }
    e = { fmt, slot: Number.NaN, offsetMin: 0 };
    cache.set(zone, e);
  }
  return e;
}

/**
 * UTC offset of `zone` at instant `nowMs`, in minutes (e.g. +330 for Asia/Kolkata, -240 for New York in summer).
 * @throws PacingCoreError `BAD_ORDER_INPUT` for an unknown zone
 */
export function zoneOffsetMinutes(zone: string, nowMs: number): number {
  const e = formatterFor(zone);
  const slot = Math.floor(nowMs / SLOT_MS);
  if (e.slot === slot) return e.offsetMin;
  const slotStart = slot * SLOT_MS;
  let y = 0, mo = 0, d = 0, h = 0, mi = 0;
  for (const p of e.fmt.formatToParts(slotStart)) {
    switch (p.type) {
      case 'year': y = Number(p.value); break;
      case 'month': mo = Number(p.value); break;
      case 'day': d = Number(p.value); break;
      case 'hour': h = Number(p.value); break;
      case 'minute': mi = Number(p.value); break;
    }
  }
  const localAsUtc = Date.UTC(y, mo - 1, d, h, mi);
  e.slot = slot;
  e.offsetMin = Math.round((localAsUtc - slotStart) / MINUTE_MS);
  return e.offsetMin;
}

/** Local minute of day (0..1439) in `zone` at instant `nowMs`. */
export function localMinuteOfDay(zone: string, nowMs: number): number {
  const m = Math.floor(nowMs / MINUTE_MS) + zoneOffsetMinutes(zone, nowMs);
  return ((m % 1440) + 1440) % 1440;
}

/**
 * Calling window as local minutes of day, `[startMinute, endMinute)`.
 * When `startMinute > endMinute` the window wraps past midnight (e.g. 22:00-02:00).
 * `startMinute === endMinute` means "always open".
 */
export interface CallingWindow {
  /** Inclusive start, minutes after local midnight (09:00 = 540). @default 540 */
  startMinute: number;
  /** Exclusive end, minutes after local midnight (21:00 = 1260). @default 1260 */
  endMinute: number;
}

/** Default calling window, 09:00-21:00 in the contact's zone. */
export const DEFAULT_WINDOW: CallingWindow = { startMinute: 540, endMinute: 1260 };

/** True when local minute `m` is inside `w`. */
export function inWindow(m: number, w: CallingWindow): boolean {
  if (w.startMinute === w.endMinute) return true;
  return w.startMinute < w.endMinute
    ? m >= w.startMinute && m < w.endMinute
    : m >= w.startMinute || m < w.endMinute;
}

/**
 * One entry of a zones table: an IANA zone name, or the candidate zones of numbers whose zone is uncertain
 * (a prefix that spans several zones, or only the country known). A candidate set is open only while the window
 * holds in every one of its zones: the most restrictive rule.
 */
export type ZoneEntry = string | readonly string[];

/** Which entries of a zones table are open now, and which are closed only because some of their candidates are. */
export interface ZonesOpen {
  /** 1 when `now` is inside the window in every zone of the entry, else 0. */
  open: Uint8Array;
  /** Entries that are closed although the window holds in at least one of their zones (null when there are none). */
  partlyOpen: Uint8Array | null;
}

/**
 * For each entry of the table, whether `now` is inside the window there (see {@link ZoneEntry}). Each distinct
 * zone is evaluated once per call.
 * @throws PacingCoreError `BAD_ORDER_INPUT` for an unknown zone or an empty candidate set
 */
export function zonesOpenDetail(zones: readonly ZoneEntry[], nowMs: number, w: CallingWindow): ZonesOpen {
  const open = new Uint8Array(zones.length);
  let partlyOpen: Uint8Array | null = null;
  let memo: Map<string, boolean> | undefined;
  for (let z = 0; z < zones.length; z++) {
    const e = zones[z];
    if (typeof e === 'string') {
      open[z] = inWindow(localMinuteOfDay(e, nowMs), w) ? 1 : 0;
      continue;
    }
    if (!Array.isArray(e) || e.length === 0) throw badOrderInput(`zones[${z}] must be a zone name or a non-empty array of zone names`);
    memo ??= new Map();
    let all = true, any = false;
    for (const name of e) {
      if (typeof name !== 'string') throw badOrderInput(`zones[${z}] must hold zone names only`);
      let ok = memo.get(name);
      if (ok === undefined) memo.set(name, (ok = inWindow(localMinuteOfDay(name, nowMs), w)));
      all &&= ok;
      any ||= ok;
    }
    open[z] = all ? 1 : 0;
    if (any && !all) (partlyOpen ??= new Uint8Array(zones.length))[z] = 1;
  }
  return { open, partlyOpen };
}

/** For each entry of the table, 1 when `now` is inside the window in every zone of the entry, else 0. */
export function zonesOpen(zones: readonly ZoneEntry[], nowMs: number, w: CallingWindow): Uint8Array {
  return zonesOpenDetail(zones, nowMs, w).open;
}
