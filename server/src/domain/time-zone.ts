import { getCountries } from 'libphonenumber-js/max';
import { badInput } from '../errors.js';

const SUPPORTED = new Set(Intl.supportedValuesOf('timeZone'));
SUPPORTED.add('UTC');

/** Checks an IANA zone name (e.g. `Asia/Kolkata`). */
export function assertTimeZone(zone: string, field: string): string {
  if (!SUPPORTED.has(zone)) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return zone;
    } catch {
      throw badInput(`${field}: "${zone}" is not an IANA time zone such as "Asia/Kolkata"`, field);
    }
  }
  return zone;
}

/**
 * The most likely zone for a number's region. Regions spanning several zones map to their most
 * populous zone; callers that know better pass the zone explicitly.
 */
const REGION_ZONE: Record<string, string> = {
  US: 'America/New_York', CA: 'America/Toronto', MX: 'America/Mexico_City', BR: 'America/Sao_Paulo',
  AR: 'America/Argentina/Buenos_Aires', CL: 'America/Santiago', CO: 'America/Bogota', PE: 'America/Lima',
  GB: 'Europe/London', IE: 'Europe/Dublin', FR: 'Europe/Paris', DE: 'Europe/Berlin', ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon', IT: 'Europe/Rome', NL: 'Europe/Amsterdam', BE: 'Europe/Brussels', CH: 'Europe/Zurich',
  AT: 'Europe/Vienna', SE: 'Europe/Stockholm', NO: 'Europe/Oslo', DK: 'Europe/Copenhagen', FI: 'Europe/Helsinki',
  PL: 'Europe/Warsaw', CZ: 'Europe/Prague', GR: 'Europe/Athens', TR: 'Europe/Istanbul', RU: 'Europe/Moscow',
  UA: 'Europe/Kyiv', RO: 'Europe/Bucharest', HU: 'Europe/Budapest', IN: 'Asia/Kolkata', NP: 'Asia/Kathmandu',
  LK: 'Asia/Colombo', PK: 'Asia/Karachi', BD: 'Asia/Dhaka', CN: 'Asia/Shanghai', HK: 'Asia/Hong_Kong',
  JP: 'Asia/Tokyo', KR: 'Asia/Seoul', SG: 'Asia/Singapore', MY: 'Asia/Kuala_Lumpur', ID: 'Asia/Jakarta',
  PH: 'Asia/Manila', TH: 'Asia/Bangkok', VN: 'Asia/Ho_Chi_Minh', AE: 'Asia/Dubai', SA: 'Asia/Riyadh',
  IL: 'Asia/Jerusalem', IR: 'Asia/Tehran', AF: 'Asia/Kabul', MM: 'Asia/Yangon', AU: 'Australia/Sydney',
  NZ: 'Pacific/Auckland', ZA: 'Africa/Johannesburg', NG: 'Africa/Lagos', KE: 'Africa/Nairobi', EG: 'Africa/Cairo',
  MA: 'Africa/Casablanca',
};

/** Zone derived from a number's region; UTC when the region is unknown or unmapped. */
export function zoneForRegion(region: string | undefined): string {
  if (region && REGION_ZONE[region]) return REGION_ZONE[region];
  return 'UTC';
}

export const KNOWN_REGIONS = new Set<string>(getCountries());
