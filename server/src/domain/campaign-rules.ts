import { badInput } from './errors.js';

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;
/** A campaign runs at most 30 days (seed 004). */
export const MAX_CAMPAIGN_MS = 30 * DAY_MS;
/** End must be at least 2 minutes after start (seed 004). */
export const MIN_CAMPAIGN_MS = 2 * MINUTE_MS;
/** A start this far in the past is accepted as "now" (clock skew between client and server). */
export const START_GRACE_MS = 60_000;

export interface CampaignWindowInput {
  startsAt?: Date | null;
  endsAt?: Date | null;
  infinite: boolean;
}

/**
 * Resolves start and end per seed 004: start defaults to now and may not be in the past; end
 * defaults to start + 30 days, must be >= start + 2 min and <= start + 30 days. Infinite campaigns
 * have no end.
 */
export function resolveCampaignSchedule(input: CampaignWindowInput, now: Date): { startsAt: Date; endsAt: Date | null } {
  const startsAt = input.startsAt ?? now;
  if (Number.isNaN(startsAt.getTime())) throw badInput('startsAt is not a valid date', 'input.startsAt');
  if (startsAt.getTime() < now.getTime() - START_GRACE_MS) {
    throw badInput(`startsAt ${startsAt.toISOString()} is in the past (now is ${now.toISOString()})`, 'input.startsAt');
  }
  if (input.infinite) {
    if (input.endsAt) throw badInput('an infinite campaign has no endsAt', 'input.endsAt');
    return { startsAt, endsAt: null };
  }
  const endsAt = input.endsAt ?? new Date(startsAt.getTime() + MAX_CAMPAIGN_MS);
  if (Number.isNaN(endsAt.getTime())) throw badInput('endsAt is not a valid date', 'input.endsAt');
  const span = endsAt.getTime() - startsAt.getTime();
  if (span < MIN_CAMPAIGN_MS) {
    throw badInput('endsAt must be at least 2 minutes after startsAt', 'input.endsAt', { startsAt: startsAt.toISOString() });
  }
  if (span > MAX_CAMPAIGN_MS) {
    throw badInput('endsAt may be at most 30 days after startsAt', 'input.endsAt', { startsAt: startsAt.toISOString() });
  }
  return { startsAt, endsAt };
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Parses "HH:MM" to minutes after midnight. */
export function parseClockTime(value: string, field: string): number {
  const m = HHMM.exec(value);
  if (!m) throw badInput(`${field}: "${value}" is not a time of day in HH:MM (24 h)`, field);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The contact-local calling window; defaults to 09:00-21:00 (TRAI rule in seed 004). */
export function resolveCallingWindow(start = '09:00', end = '21:00'): { startMinute: number; endMinute: number } {
  const startMinute = parseClockTime(start, 'input.callingWindow.start');
  const endMinute = parseClockTime(end, 'input.callingWindow.end');
  if (endMinute <= startMinute) throw badInput('callingWindow.end must be after callingWindow.start', 'input.callingWindow.end');
  return { startMinute, endMinute };
}

export function formatClockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
