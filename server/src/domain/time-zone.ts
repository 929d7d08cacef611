import ct from 'countries-and-timezones';
import { getCountries } from 'libphonenumber-js/max';
import { badInput } from './errors.js';
import { prefixZones } from './number-zones.js';

/** Every zone name the IANA database knows, links and legacy names included, by its lower-case spelling. */
const NAMES = new Map(Object.keys(ct.getAllTimezones({ deprecated: true })).map((name) => [name.toLowerCase(), name]));
/** Region-less names that all mean universal time. */
const UTC_NAMES = new Set(['utc', 'etc/utc', 'uct', 'etc/uct', 'universal', 'etc/universal', 'zulu', 'etc/zulu']);
export const UTC_ZONE = 'Etc/UTC';

/** Every zone {@link canonicalTimeZone} can return: the canonical region zones and Etc/UTC, sorted (for zone pickers). */
export const CANONICAL_ZONES: readonly string[] = [
  ...Object.values(ct.getAllTimezones()).filter((t) => !t.aliasOf && t.countries.length > 0).map((t) => t.name),
  'Etc/UTC',
].sort();

/** The IANA zone a link or legacy name stands for (`Asia/Calcutta` -> `Asia/Kolkata`), or the name itself. */
function linkTarget(name: string): string {
  return ct.getTimezone(name)?.aliasOf ?? name;
}

function zoneError(field: string, message: string) {
  return badInput(`${field}: ${message}`, field);
}

/**
 * Checks a zone name and returns it in canonical IANA form: case fixed (`america/boise` ->
 * `America/Boise`) and links resolved (`Asia/Calcutta` -> `Asia/Kolkata`, `US/Pacific` ->
 * `America/Los_Angeles`); the universal-time names become `Etc/UTC`. Names that are not a region
 * are refused with a suggestion: abbreviations and legacy names (`EST`, `CET`, `Japan`: "EST" is
 * UTC-5 all year, which is not what a New York contact observes) and fixed offsets (`Etc/GMT+5`).
 * Errors are BAD_USER_INPUT naming `field` (a CSV row reports them as INVALID_TIME_ZONE).
 */
export function canonicalTimeZone(zone: string, field: string): string {
  const typed = zone.trim();
  const key = typed.toLowerCase();
  if (UTC_NAMES.has(key)) return UTC_ZONE;
  const name = NAMES.get(key);
  if (!name) throw zoneError(field, `"${typed}" is not an IANA time zone such as "Asia/Kolkata"`);
  const target = linkTarget(name);
  const region = (ct.getTimezone(target)?.countries.length ?? 0) > 0;
  if (!name.includes('/') || !region) {
    const suggestion = region ? target : 'America/New_York';
    throw zoneError(field, `"${typed}" is not a region time zone${region ? ` (its clock is ${target}'s, which may not be the place you mean)` : ''}; name a place, e.g. "${suggestion}", or use "Etc/UTC"`);
  }
  return target;
}

/** Canonical zones of an ISO 3166 region, e.g. `AU` -> every Australian zone. */
export function regionZones(region: string | undefined): string[] {
  const country = region ? ct.getCountry(region) : null;
  return country ? canonicalSet(country.timezones) : [];
}

/** Canonical, de-duplicated and sorted (links collapse: Europe/Guernsey and Europe/London are one zone). */
function canonicalSet(names: readonly string[]): string[] {
  return [...new Set(names.map(linkTarget))].sort();
}

/** Where a number's candidate zones come from. */
export type ZoneSource = 'NUMBER' | 'COUNTRY';

export interface NumberZones {
  /** Every zone the number may be in (one when the prefix pins it down). */
  zones: string[];
  source: ZoneSource;
}

/**
 * The zones an E.164 number may be in, from libphonenumber's own time-zone map by number prefix
 * (`+1 808` -> Pacific/Honolulu; `+1 208` -> America/Boise and America/Los_Angeles; a mobile range
 * that spans a country -> all of its zones). When the map has nothing, every zone of the number's
 * region; when even that is unknown, Etc/UTC.
 */
export function zonesOfNumber(e164: string, region: string | undefined): NumberZones {
  const mapped = prefixZones(e164.replace(/^\+/, ''));
  if (mapped?.length) return { zones: canonicalSet(mapped), source: 'NUMBER' };
  const country = regionZones(region);
  return { zones: country.length ? country : [UTC_ZONE], source: 'COUNTRY' };
}

/**
 * The zones the dialler honours for a number: the contact's explicit zone when it has one, else the
 * number's candidates. A number is dialable only while the calling window holds in every one.
 */
export function dialZones(explicit: string | null | undefined, candidates: readonly string[]): string[] {
  return explicit ? [explicit] : [...candidates];
}

/**
 * A single zone for a person who needs one (an agent's followup screen): the number's zone when the
 * prefix pins it down, else null (the caller asks for it).
 */
export function singleZoneOf(e164: string, region: string | undefined): string | null {
  const { zones } = zonesOfNumber(e164, region);
  return zones.length === 1 ? zones[0]! : null;
}

export const KNOWN_REGIONS = new Set<string>(getCountries());
