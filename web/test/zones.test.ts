import { describe, expect, it } from 'vitest';
import type { PhoneNumber } from '../src/lib/api/documents.js';
import {
  UTC_ZONE, abbreviationHint, formatOffset, hoursAndMinutes, localTime, numberZoneInfo, offsetRange, searchZones, sharedWindowMinutes,
  utcOffsetMinutes,
} from '../src/lib/zones.js';

/** A winter instant: no daylight saving in the northern hemisphere. */
const JAN = new Date('2026-01-15T12:00:00Z');
const JUL = new Date('2026-07-15T12:00:00Z');

function phone(over: Partial<PhoneNumber>): PhoneNumber {
  return { e164: '+12085550123', region: 'US', position: 0, candidateTimeZones: [], timeZones: [], zoneSource: 'NUMBER', ...over };
}

describe('searchZones', () => {
  // what the server's timeZones query returns (canonical names; the browser's own list says Asia/Calcutta)
  const names = [...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'Asia/Calcutta'), 'Asia/Kolkata', UTC_ZONE].sort();

  it.each([
    ['kolkata', 'Asia/Kolkata'],
    ['new york', 'America/New_York'],
    ['New_York', 'America/New_York'],
    ['america/los', 'America/Los_Angeles'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
  ])('%s finds %s first', (q, want) => expect(searchZones(q, names)[0]).toBe(want));

  it('ranks a place that starts with the text before names that merely contain it', () => {
    const names = ['X/Foobar', 'Bar/Baz', 'Y/Barfoo', 'Asia/Ho_Chi_Minh'];
    expect(searchZones('bar', names)).toEqual(['Y/Barfoo', 'Bar/Baz', 'X/Foobar']);
    expect(searchZones('ho chi', names)).toEqual(['Asia/Ho_Chi_Minh']);
  });

  it('limits the list, and gives the first names for empty text', () => {
    expect(searchZones('america', names, 5)).toHaveLength(5);
    expect(searchZones('  ', ['A/B', 'C/D', 'E/F'], 2)).toEqual(['A/B', 'C/D']);
    expect(searchZones('zzzz', names)).toEqual([]);
  });

  it('suggests a place for an abbreviation the server would refuse', () => {
    expect(abbreviationHint('est')).toEqual({ abbreviation: 'EST', suggestion: 'America/New_York' });
    expect(abbreviationHint('IST')?.suggestion).toBe('Asia/Kolkata');
    expect(abbreviationHint('Asia/Kolkata')).toBeNull();
  });
});

describe('offsets and local time', () => {
  it('reads a zone offset at an instant, following daylight saving', () => {
    expect(utcOffsetMinutes('Asia/Kolkata', JAN)).toBe(330);
    expect(utcOffsetMinutes('America/New_York', JAN)).toBe(-300);
    expect(utcOffsetMinutes('America/New_York', JUL)).toBe(-240);
    expect(utcOffsetMinutes('Etc/UTC', JAN)).toBe(0);
    expect(utcOffsetMinutes('Nowhere/Special', JAN)).toBeNull();
  });

  it('formats offsets and wall-clock times', () => {
    expect(formatOffset(330)).toBe('UTC+05:30');
    expect(formatOffset(-600)).toBe('UTC−10:00');
    expect(formatOffset(0)).toBe('UTC');
    expect(formatOffset(null)).toBe('');
    expect(localTime('Asia/Kolkata', JAN)).toBe('17:30');
    expect(localTime('Nowhere/Special', JAN)).toBe('');
    expect(hoursAndMinutes(480)).toBe('8 h');
    expect(hoursAndMinutes(150)).toBe('2 h 30 min');
    expect(hoursAndMinutes(45)).toBe('45 min');
  });
});

describe('sharedWindowMinutes: how long a 09:00-21:00 window is open in every candidate zone', () => {
  it('one zone: the whole window', () => expect(sharedWindowMinutes(['Asia/Kolkata'], JAN)).toBe(12 * 60));

  it('Boise and Los Angeles, one hour apart: 11 hours', () => {
    expect(sharedWindowMinutes(['America/Boise', 'America/Los_Angeles'], JAN)).toBe(11 * 60);
  });

  it('zones 20 hours apart still share the window across midnight UTC (offsets wrap around the day)', () => {
    // Honolulu UTC-10 and Guam UTC+10: 09-21 local is 19-07 and 23-11 UTC; both hold 23:00-07:00 UTC
    expect(sharedWindowMinutes(['Pacific/Honolulu', 'Pacific/Guam'], JAN)).toBe(8 * 60);
  });

  it('zones 12 hours apart never share a 12-hour window; unknown zones are ignored', () => {
    expect(sharedWindowMinutes(['Pacific/Honolulu', 'Asia/Shanghai', 'Etc/UTC'], JAN, { start: '09:00', end: '21:00' })).toBe(0);
    expect(sharedWindowMinutes(['Nowhere/Special'], JAN)).toBe(0);
    expect(sharedWindowMinutes(['Asia/Kolkata', 'Nowhere/Special'], JAN, { start: '10:00', end: '12:30' })).toBe(150);
  });

  it('offsetRange gives the lowest and highest offset', () => {
    expect(offsetRange(['Pacific/Honolulu', 'Pacific/Guam', 'America/New_York'], JAN)).toEqual({ min: -600, max: 600 });
    expect(offsetRange([], JAN)).toBeNull();
  });
});

describe('numberZoneInfo', () => {
  it('a number in two possible zones is uncertain, dialled by both', () => {
    const i = numberZoneInfo(phone({ candidateTimeZones: ['America/Boise', 'America/Los_Angeles'], timeZones: ['America/Boise', 'America/Los_Angeles'] }));
    expect(i).toMatchObject({ uncertain: true, source: 'NUMBER', overridden: [], mismatch: false });
  });

  it("a contact's zone overrides the number: the number's candidates are kept for reference", () => {
    const i = numberZoneInfo(phone({ candidateTimeZones: ['America/Boise', 'America/Los_Angeles'], timeZones: ['America/Boise'], zoneSource: 'CONTACT' }));
    expect(i).toMatchObject({ uncertain: false, overridden: ['America/Boise', 'America/Los_Angeles'], mismatch: false });
  });

  it("flags a contact's zone the number does not suggest", () => {
    const i = numberZoneInfo(phone({ candidateTimeZones: ['America/Boise'], timeZones: ['Asia/Kolkata'], zoneSource: 'CONTACT' }));
    expect(i.mismatch).toBe(true);
  });
});
