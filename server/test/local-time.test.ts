import { describe, expect, it } from 'vitest';
import { localTimeToInstant } from '../src/domain/local-time.js';

describe('localTimeToInstant', () => {
  it.each([
    ['2026-11-24', '17:00', 'America/New_York', '2026-11-24T22:00:00.000Z'],
    ['2026-11-24', '14:00', 'America/Los_Angeles', '2026-11-24T22:00:00.000Z'], // seed 002: 2 PM PST = 5 PM ET
    ['2026-11-24', '10:30', 'Asia/Kolkata', '2026-11-24T05:00:00.000Z'],
    ['2026-11-24', '09:15', 'Asia/Kathmandu', '2026-11-24T03:30:00.000Z'],
    ['2027-07-01', '12:00', 'Europe/London', '2027-07-01T11:00:00.000Z'],
    ['2027-03-14', '01:59', 'America/New_York', '2027-03-14T06:59:00.000Z'],
    ['2027-03-14', '03:00', 'America/New_York', '2027-03-14T07:00:00.000Z'],
    // fall back: 01:30 happens twice; the earlier (EDT) instant
    ['2027-11-07', '01:30', 'America/New_York', '2027-11-07T05:30:00.000Z'],
    ['2027-10-31', '02:30', 'Europe/Berlin', '2027-10-31T00:30:00.000Z'],
    ['2028-02-29', '00:00', 'UTC', '2028-02-29T00:00:00.000Z'],
  ])('%s %s in %s -> %s', (date, time, zone, iso) => {
    expect(localTimeToInstant(date, time, zone).toISOString()).toBe(iso);
  });

  it.each([
    ['2027-03-14', '02:30', 'America/New_York', 'input.time', /does not exist in America\/New_York/],
    ['2027-03-28', '02:00', 'Europe/Berlin', 'input.time', /does not exist/],
    ['2027-02-29', '10:00', 'UTC', 'input.date', /not a calendar date/],
    ['24/11/2026', '10:00', 'UTC', 'input.date', /YYYY-MM-DD/],
    ['2026-11-24', '24:00', 'UTC', 'input.time', /HH:MM/],
    ['2026-11-24', '9:00', 'UTC', 'input.time', /HH:MM/],
    ['2026-11-24', '09:00', 'Mars/Olympus', 'input.timeZone', /not an IANA time zone/],
  ])('%s %s in %s -> BAD_USER_INPUT on %s', (date, time, zone, field, message) => {
    let err: any;
    try {
      localTimeToInstant(date, time, zone);
    } catch (e) {
      err = e;
    }
    expect(err?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(err.message).toMatch(message);
  });
});
