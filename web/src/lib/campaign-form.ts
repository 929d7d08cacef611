import type { DialMode } from './api/documents.js';

/**
 * The new-campaign form and the same rules the API applies (seed 004: end ≥ start + 2 min and
 * ≤ start + 30 days, start not in the past, calling window HH:MM with end after start, retries
 * 0–3, abandon cap ≤ 3%). The form checks them as the user types; the server checks them again
 * and its errors land on the same fields, keyed by the API's input paths.
 */
export interface CampaignForm {
  name: string;
  dialMode: DialMode;
  listId: string;
  groupId: string;
  callerId: string;
  /** `datetime-local` values in the browser's zone; empty start = now, empty end = start + 30 days. */
  startsAt: string;
  endsAt: string;
  infinite: boolean;
  windowStart: string;
  windowEnd: string;
  retries: number;
  retryIntervalMinutes: number;
  retryOn: string[];
  agentMaxAttempts: number;
  agentRetryIntervalMinutes: number;
  continueOnNotConnected: boolean;
  priority: number;
  /** Percent, e.g. 3 for 3%. */
  abandonRateCapPercent: number;
  maxDialRatio: number;
  wrapUpSeconds: number;
  ringTimeoutSeconds: number;
  popupUrl: string;
  /** Passthru URLs (seed 004) and the status callback: signed POSTs with the campaign's secret. */
  callCompletedUrl: string;
  callNoAnswerUrl: string;
  statusCallbackUrl: string;
  /** Seed 004: numbers from this URL (paged JSON) instead of a list. */
  dialWhomUrl: string;
  /** Seed 004: the callee's details for the agent's screen. */
  getContactsUrl: string;
  /** Minutes after a number is added, e.g. "5, 15, 60" (the missed-call rule); empty: retry by interval. */
  retrySchedule: string;
  /** Seed 003: agents dial only the customers they own. */
  ownerPool: boolean;
  perClickMax: number;
  maxUnprocessed: number;
  releaseAfterMinutes: number;
}

/** "5, 15, 60" as minutes, or null when it is not a list of whole numbers. */
export function parseSchedule(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (!parts.every((p) => /^\d+$/.test(p))) return null;
  return parts.map(Number);
}

export function emptyForm(): CampaignForm {
  return {
    name: '', dialMode: 'PROGRESSIVE', listId: '', groupId: '', callerId: '', startsAt: '', endsAt: '', infinite: false,
    windowStart: '09:00', windowEnd: '21:00', retries: 2, retryIntervalMinutes: 60, retryOn: ['BUSY', 'NO_ANSWER', 'FAILED'],
    agentMaxAttempts: 3, agentRetryIntervalMinutes: 10, continueOnNotConnected: false, priority: 0, abandonRateCapPercent: 3,
    maxDialRatio: 3, wrapUpSeconds: 15, ringTimeoutSeconds: 20, popupUrl: '', callCompletedUrl: '', callNoAnswerUrl: '', statusCallbackUrl: '', dialWhomUrl: '', getContactsUrl: '', retrySchedule: '',
    ownerPool: false, perClickMax: 10, maxUnprocessed: 50, releaseAfterMinutes: 30,
  };
}

const MINUTE = 60_000;
/** Seconds a customer's phone may ring before the call is dropped (regulators require at least 15). */
export const RING_TIMEOUT_MIN = 15;
export const RING_TIMEOUT_MAX = 60;
const START_GRACE_MS = MINUTE;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** E.164: a plus and 8–15 digits (the server also checks the number plan). */
const E164 = /^\+[1-9]\d{7,14}$/;

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function parseLocal(value: string): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function intIn(v: number, lo: number, hi: number): boolean {
  return Number.isInteger(v) && v >= lo && v <= hi;
}

/** Problems keyed by the API's field path; empty when the form may be sent. */
export function validateCampaignForm(f: CampaignForm, now: Date): Record<string, string> {
  const e: Record<string, string> = {};
  const name = f.name.trim();
  if (!name) e['input.name'] = 'Give the campaign a name';
  else if (name.length > 200) e['input.name'] = 'At most 200 characters';
  if (!f.infinite && !f.listId && !f.dialWhomUrl.trim()) e['input.listId'] = 'Choose a contact list (required unless the campaign is infinite or takes its numbers from a dial-whom URL)';
  if (f.listId && f.dialWhomUrl.trim()) e['input.listId'] = 'A campaign takes its numbers from a list or from a dial-whom URL, not both';
  if (!f.groupId) e['input.groupId'] = 'Choose the agent group that takes the calls';
  const caller = f.callerId.replace(/[\s()-]/g, '');
  if (!caller) e['input.callerId'] = 'Caller ID is required';
  else if (!E164.test(caller)) e['input.callerId'] = 'Caller ID must be in E.164 format, e.g. +912240001234';

  const start = f.startsAt ? parseLocal(f.startsAt) : now;
  if (!start) e['input.startsAt'] = 'Not a valid date and time';
  else if (start.getTime() < now.getTime() - START_GRACE_MS) e['input.startsAt'] = 'The start may not be in the past';
  if (f.infinite) {
    if (f.endsAt) e['input.endsAt'] = 'An infinite campaign has no end';
  } else if (f.endsAt) {
    const end = parseLocal(f.endsAt);
    if (!end) e['input.endsAt'] = 'Not a valid date and time';
    else if (start) {
      const span = end.getTime() - start.getTime();
      if (span < 2 * MINUTE) e['input.endsAt'] = 'The end must be at least 2 minutes after the start';
      else if (span > 30 * 24 * 60 * MINUTE) e['input.endsAt'] = 'The end may be at most 30 days after the start';
    }
  }

  if (!HHMM.test(f.windowStart)) e['input.callingWindow.start'] = 'Use HH:MM (24 h)';
  if (!HHMM.test(f.windowEnd)) e['input.callingWindow.end'] = 'Use HH:MM (24 h)';
  else if (HHMM.test(f.windowStart) && minutes(f.windowEnd) <= minutes(f.windowStart)) e['input.callingWindow.end'] = 'The window must end after it starts';

  const schedule = parseSchedule(f.retrySchedule);
  if (f.retrySchedule.trim()) {
    if (!schedule || !schedule.length) e['input.attemptPolicy.retrySchedule'] = 'Whole minutes separated by commas, e.g. 5, 15, 60';
    else if (schedule.length > 4) e['input.attemptPolicy.retrySchedule'] = 'At most 4 attempts';
    else if (schedule.some((m, i) => i > 0 && m <= schedule[i - 1]!)) e['input.attemptPolicy.retrySchedule'] = 'Each offset must be later than the one before';
  } else if (!intIn(f.retries, 0, 3)) e['input.attemptPolicy.retries'] = 'retries must be between 0 and 3';
  if (f.ownerPool) {
    if (f.dialMode !== 'PROGRESSIVE' && f.dialMode !== 'AGENT_FIRST_FLOW') e['input.ownerPool'] = 'Owner pools need progressive or agent-first dialling';
    if (!intIn(f.perClickMax, 1, 500)) e['input.ownerPool.perClickMax'] = 'Between 1 and 500';
    if (!intIn(f.maxUnprocessed, 1, 10_000)) e['input.ownerPool.maxUnprocessed'] = 'Between 1 and 10,000';
    if (!intIn(f.releaseAfterMinutes, 0, 1440)) e['input.ownerPool.releaseAfterMinutes'] = 'Between 0 (never) and 1,440 minutes';
  }
  if (!intIn(f.retryIntervalMinutes, 1, 7 * 24 * 60)) e['input.attemptPolicy.retryIntervalMinutes'] = 'Between 1 minute and 7 days';
  if (!intIn(f.agentMaxAttempts, 1, 10)) e['input.attemptPolicy.agentMaxAttempts'] = 'Between 1 and 10';
  if (!intIn(f.agentRetryIntervalMinutes, 1, 7 * 24 * 60)) e['input.attemptPolicy.agentRetryIntervalMinutes'] = 'Between 1 minute and 7 days';
  if (!intIn(f.priority, 0, 100)) e['input.priority'] = 'Between 0 and 100';
  if (!(f.abandonRateCapPercent >= 0.1 && f.abandonRateCapPercent <= 3)) e['input.abandonRateCap'] = 'Between 0.1% and 3% (the legal cap)';
  if (!(f.maxDialRatio >= 1 && f.maxDialRatio <= 10)) e['input.maxDialRatio'] = 'Between 1 and 10';
  if (!intIn(f.wrapUpSeconds, 0, 600)) e['input.wrapUpSeconds'] = 'Between 0 and 600 seconds';
  if (!intIn(f.ringTimeoutSeconds, RING_TIMEOUT_MIN, RING_TIMEOUT_MAX)) {
    e['input.ringTimeoutSeconds'] = `Between ${RING_TIMEOUT_MIN} and ${RING_TIMEOUT_MAX} seconds (regulators require at least ${RING_TIMEOUT_MIN} s)`;
  }
  for (const key of URL_FIELDS) {
    if (f[key].trim() && !/^https?:\/\/[^\s]+$/i.test(f[key].trim())) e[`input.webhooks.${key}`] = 'Must be an http(s) URL';
  }
  return e;
}

/** The `CreateCampaignInput` the form describes. */
export function toCampaignInput(f: CampaignForm): Record<string, unknown> {
  const schedule = f.retrySchedule.trim() ? parseSchedule(f.retrySchedule) : null;
  const start = parseLocal(f.startsAt);
  const end = parseLocal(f.endsAt);
  return {
    name: f.name.trim(),
    dialMode: f.dialMode,
    listId: f.listId || null,
    groupId: f.groupId,
    callerId: f.callerId.replace(/[\s()-]/g, ''),
    startsAt: start ? start.toISOString() : null,
    endsAt: !f.infinite && end ? end.toISOString() : null,
    infinite: f.infinite,
    callingWindow: { start: f.windowStart, end: f.windowEnd },
    ownerPool: f.ownerPool ? { perClickMax: f.perClickMax, maxUnprocessed: f.maxUnprocessed, releaseAfterMinutes: f.releaseAfterMinutes } : null,
    attemptPolicy: {
      ...(schedule?.length ? { retrySchedule: schedule } : {}),
      retries: schedule?.length ? schedule.length - 1 : f.retries,
      retryIntervalMinutes: f.retryIntervalMinutes,
      retryOn: f.retryOn,
      agentMaxAttempts: f.agentMaxAttempts,
      agentRetryIntervalMinutes: f.agentRetryIntervalMinutes,
      continueOnNotConnected: f.continueOnNotConnected,
    },
    priority: f.priority,
    abandonRateCap: Math.round(f.abandonRateCapPercent * 1000) / 100_000,
    maxDialRatio: f.maxDialRatio,
    wrapUpSeconds: f.wrapUpSeconds,
    ringTimeoutSeconds: f.ringTimeoutSeconds,
    webhooks: webhooksOf(f),
  };
}

const URL_FIELDS = ['popupUrl', 'callCompletedUrl', 'callNoAnswerUrl', 'statusCallbackUrl', 'dialWhomUrl', 'getContactsUrl'] as const;

/** The URLs typed, or null when none is. */
function webhooksOf(f: CampaignForm): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const key of URL_FIELDS) if (f[key].trim()) out[key] = f[key].trim();
  return Object.keys(out).length ? out : null;
}
