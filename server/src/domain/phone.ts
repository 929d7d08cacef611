import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { badInput } from './errors.js';

export interface NormalisedPhone {
  e164: string;
  /** ISO 3166 region of the number, e.g. `IN`. */
  region: string | undefined;
}

/**
 * Normalises a phone number to E.164. National formats need `defaultRegion`.
 * Throws BAD_USER_INPUT naming `field` for anything that is not a valid, dialable number.
 */
export function normalisePhone(raw: string, field: string, defaultRegion?: string): NormalisedPhone {
  const text = raw.trim();
  if (!text) throw badInput(`${field}: phone number is empty`, field);
  if (text.length > 32) throw badInput(`${field}: "${text.slice(0, 32)}…" is too long to be a phone number`, field);
  if (/[a-z]/i.test(text.replace(/^(tel:)/i, '').replace(/\s*(ext\.?|x)\s*\d+$/i, ''))) {
    throw badInput(`${field}: "${text}" contains letters`, field);
  }
  const parsed = parsePhoneNumberFromString(text, defaultRegion as CountryCode | undefined);
  if (!parsed) {
    throw badInput(
      `${field}: "${text}" is not a phone number${text.startsWith('+') ? '' : ' (use +<country code> or set a default region)'}`,
      field,
    );
  }
  if (!parsed.isValid()) throw badInput(`${field}: "${text}" is not a valid number for its region`, field);
  return { e164: parsed.number, region: parsed.country };
}
