/**
 * Time zones in the web app: the names the zone picker offers, how it searches them, and what a
 * number's zones mean for its calling window. Pure functions (the clock is always passed in).
 */
import type { PhoneNumber, ZoneSource } from './api/documents.js';

/** The universal-time zone the server stores for UTC and its spellings. */
export const UTC_ZONE = 'Etc/UTC';

/** Lower case, underscores as spaces: "America/Los_Angeles" -> "america/los angeles". */
function normalise(text: string): string {
  return text.toLowerCase().replace(/_/g, ' ').trim();
}

/**
 * Zones matching what the user typed, best first: every word typed must appear in the name
 * (`new york`, `york`, `america/new`); a name equal to the text, then names whose place starts with
 * it, then names with a part starting with it, then the rest, alphabetically within each group.
 * Empty text gives the first `limit` names.
 * @default limit = 8
 */
export function searchZones(query: string, names: readonly string[], limit = 8): string[] {
  const q = normalise(query);
  if (!q) return names.slice(0, limit);
  const words = q.split(/[\s/]+/).filter(Boolean);
  const scored: { name: string; rank: number }[] = [];
  for (const name of names) {
    const n = normalise(name);
    if (!words.every((w) => n.includes(w))) continue;
    const parts = n.split('/');
    const place = parts[parts.length - 1]!;
    const rank = n === q ? 0 : place.startsWith(q) ? 1 : parts.some((p) => p.startsWith(words[0]!)) ? 2 : 3;
    scored.push({ name, rank });
  }
  scored.sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
  return scored.slice(0, limit).map((s) => s.name);
}

/** Abbreviations people type for a zone, and the place they usually mean. The server refuses them. */
const ABBREVIATIONS: Record<string, string> = {
  EST: 'America/New_York', EDT: 'America/New_York', CST: 'America/Chicago', CDT: 'America/Chicago',
  MST: 'America/Denver', MDT: 'America/Denver', PST: 'America/Los_Angeles', PDT: 'America/Los_Angeles',
  IST: 'Asia/Kolkata', GMT: 'Europe/London', BST: 'Europe/London', CET: 'Europe/Paris', CEST: 'Europe/Paris',
  EET: 'Europe/Athens', AEST: 'Australia/Sydney', AEDT: 'Australia/Sydney', JST: 'Asia/Tokyo', NPT: 'Asia/Kathmandu',
  HST: 'Pacific/Honolulu', AKST: 'America/Anchorage', SGT: 'Asia/Singapore', HKT: 'Asia/Hong_Kong',
};

/**
 * When the text is a zone abbreviation ("EST"), the place to pick instead, with why: an
 * abbreviation is a fixed offset (or ambiguous), not the clock a person's region keeps.
 */
export function abbreviationHint(text: string): { abbreviation: string; suggestion: string } | null {
  const t = text.trim().toUpperCase();
  const suggestion = ABBREVIATIONS[t];
  return suggestion ? { abbreviation: t, suggestion } : null;
}

/** The zone's offset from UTC at `at`, in minutes (India: 330); null for a name the runtime does not know. */
export function utcOffsetMinutes(zone: string, at: Date): number | null {
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    if (!name) return null;
    const m = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?)?$/.exec(name.replace('−', '-'));
    if (!m) return null;
    if (!m[1]) return 0;
    const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
    return m[1] === '-' ? -minutes : minutes;
  } catch {
    return null;
  }
}

/** 330 -> "UTC+05:30", -600 -> "UTC−10:00", 0 -> "UTC". */
export function formatOffset(minutes: number | null): string {
  if (minutes === null) return '';
  if (minutes === 0) return 'UTC';
  const a = Math.abs(minutes);
  return `UTC${minutes < 0 ? '−' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** The wall-clock time in a zone, "14:05"; "" for an unknown zone. */
export function localTime(zone: string, at: Date): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hour12: false }).format(at);
  } catch {
    return '';
  }
}

/** A calling window in local time, HH:MM 24 h. */
export interface CallingWindow {
  start: string;
  end: string;
}

/** The calling window campaigns get unless they name another. */
export const DEFAULT_WINDOW: CallingWindow = { start: '09:00', end: '21:00' };

const DAY = 1440;
const hhmm = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/**
 * Minutes a day during which the calling window is open in every one of `zones` at once: the
 * time a number with these candidate zones can be dialled (the dialler's rule for an uncertain
 * zone). Offsets are taken at `at` (so this follows daylight saving). Unknown zones are ignored.
 * @default window = 09:00-21:00
 */
export function sharedWindowMinutes(zones: readonly string[], at: Date, window: CallingWindow = DEFAULT_WINDOW): number {
  const offsets = [...new Set(zones.map((z) => utcOffsetMinutes(z, at)).filter((o): o is number => o !== null))];
  if (!offsets.length) return 0;
  const start = hhmm(window.start);
  const end = hhmm(window.end);
  const open = new Uint16Array(DAY);
  for (const o of offsets) {
    for (let m = start; m < end; m++) open[(((m - o) % DAY) + DAY) % DAY]!++;
  }
  let shared = 0;
  for (let i = 0; i < DAY; i++) if (open[i] === offsets.length) shared++;
  return shared;
}

/** The lowest and highest UTC offset among zones, in minutes (null when none is known). */
export function offsetRange(zones: readonly string[], at: Date): { min: number; max: number } | null {
  const offsets = zones.map((z) => utcOffsetMinutes(z, at)).filter((o): o is number => o !== null);
  return offsets.length ? { min: Math.min(...offsets), max: Math.max(...offsets) } : null;
}

/** How the zones a number is dialled by were chosen, in words. */
export const ZONE_SOURCE_LABELS: Record<ZoneSource, string> = {
  CONTACT: "contact's zone",
  NUMBER: 'from the number',
  COUNTRY: 'from the country',
};

/** Longer explanations of {@link ZONE_SOURCE_LABELS}, for tooltips. */
export const ZONE_SOURCE_HELP: Record<ZoneSource, string> = {
  CONTACT: 'The contact has an explicit time zone; it overrides what the number suggests.',
  NUMBER: "From the number's prefix (libphonenumber's time-zone map).",
  COUNTRY: "Only the number's country is known, so every zone of the country applies.",
};

/** What the contacts page says about one number's zones. */
export interface NumberZoneInfo {
  /** The zones the dialler honours. */
  zones: string[];
  source: ZoneSource;
  /** More than one zone is honoured: dialled only while the window is open in all of them. */
  uncertain: boolean;
  /** The number's own candidates, when the contact's zone overrides them (else empty). */
  overridden: string[];
  /** The contact's zone is not one the number itself suggests (worth a second look). */
  mismatch: boolean;
}

export function numberZoneInfo(p: PhoneNumber): NumberZoneInfo {
  const uncertain = p.timeZones.length > 1;
  const overridden = p.zoneSource === 'CONTACT' ? p.candidateTimeZones : [];
  const mismatch = p.zoneSource === 'CONTACT' && p.candidateTimeZones.length > 0 && !p.candidateTimeZones.some((z) => p.timeZones.includes(z));
  return { zones: p.timeZones, source: p.zoneSource, uncertain, overridden, mismatch };
}

/** "2 h 30 min" / "8 h" / "45 min" for a number of minutes. */
export function hoursAndMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (!h) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}
