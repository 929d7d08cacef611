import { badInput } from './errors.js';
import { canonicalTimeZone } from './time-zone.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;

/** Wall-clock fields of an instant in a zone, as a UTC epoch (so two wall times compare as numbers). */
function wallClock(zone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(at));
  const f = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return Date.UTC(f('year'), f('month') - 1, f('day'), f('hour'), f('minute'), f('second'));
}

/**
 * The instant a local date and time ("YYYY-MM-DD", "HH:MM" 24 h) names in an IANA zone, DST-correct:
 * a time the clocks skip (spring forward) is BAD_USER_INPUT with a clear message; a time that
 * happens twice (fall back) is the earlier instant. Each malformed part is BAD_USER_INPUT naming
 * its field (`${prefix}.date`, `.time`, `.timeZone`).
 */
export function localTimeToInstant(date: string, time: string, zone: string, prefix = 'input'): Date {
  const d = DATE.exec(date);
  if (!d) throw badInput(`${prefix}.date: "${date}" is not a date in the form YYYY-MM-DD`, `${prefix}.date`);
  const [y, mo, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const naive = Date.UTC(y, mo - 1, day);
  const check = new Date(naive);
  if (y < 1970 || check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== day) {
    throw badInput(`${prefix}.date: ${date} is not a calendar date`, `${prefix}.date`);
  }
  const t = TIME.exec(time);
  if (!t) throw badInput(`${prefix}.time: "${time}" is not a time in the form HH:MM (24 h)`, `${prefix}.time`);
  canonicalTimeZone(zone, `${prefix}.timeZone`);
  const wanted = naive + (Number(t[1]) * 60 + Number(t[2])) * 60_000;
  // The zone's offsets a day either side cover any one change; try each and keep those that give back the wall time.
  const offsets = new Set([wallClock(zone, wanted - DAY_MS) - (wanted - DAY_MS), wallClock(zone, wanted + DAY_MS) - (wanted + DAY_MS)]);
  const hits = [...offsets].map((o) => wanted - o).filter((at) => wallClock(zone, at) === wanted).sort((a, b) => a - b);
  if (!hits.length) {
    throw badInput(`${prefix}.time: ${time} on ${date} does not exist in ${zone} (the clocks skip it for daylight saving time); choose another time`, `${prefix}.time`);
  }
  return new Date(hits[0]!);
}
