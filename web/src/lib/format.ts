/** Formatting shared by the wallboard, the console and the admin pages. Pure functions. */

const DASH = '—';

/** 0.0213 → "2.1%"; null → "—". One decimal below 10%, none above (wall readability). */
export function percent(value: number | null | undefined, digits?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const p = value * 100;
  const d = digits ?? (Math.abs(p) < 10 ? 1 : 0);
  return `${p.toFixed(d)}%`;
}

/** 125 → "2:05"; 3725 → "1:02:05"; null → "—". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return DASH;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Minutes to list exhaustion, short enough for a wall tile: 0 → "done", 95 → "1h 35m", 4000 → "2d 18h", null → "—". */
export function eta(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes) || minutes < 0) return DASH;
  if (minutes === 0) return 'done';
  const m = Math.round(minutes);
  if (m < 60) return `${Math.max(1, m)}m`;
  if (m < 48 * 60) return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(m / 1440)}d ${Math.floor((m % 1440) / 60)}h`;
}

/** 12345 → "12,345" (fixed locale so the wall and the tests agree). */
export function count(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return Math.round(n).toLocaleString('en-US');
}

export type Level = 'ok' | 'near' | 'over';

/**
 * Where an abandon rate stands against its cap: amber from 80% of the cap, red above it. No
 * rate yet (no live answers) is "ok".
 * @default near = 0.8 of the cap
 */
export function capLevel(rate: number | null | undefined, cap: number, near = 0.8): Level {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return 'ok';
  if (rate > cap) return 'over';
  if (rate >= cap * near) return 'near';
  return 'ok';
}

/** How old data is, for the freshness badge: "just now", "4 s ago", "3 min ago", "2 h ago". */
export function age(ms: number): string {
  if (!Number.isFinite(ms)) return 'never';
  if (ms < 2_000) return 'just now';
  if (ms < 60_000) return `${Math.floor(ms / 1000)} s ago`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  return `${Math.floor(ms / 3_600_000)} h ago`;
}

/** Freshness of a live figure: fresh under 5 s, stale under 30 s, then old. */
export function freshness(ms: number): 'fresh' | 'stale' | 'old' {
  if (ms < 5_000) return 'fresh';
  if (ms < 30_000) return 'stale';
  return 'old';
}

/** Wallboard names of the hopper's filters (why numbers are held back). */
export const HELD_BACK_LABELS: Record<string, string> = {
  outsideWindow: 'outside calling window',
  outsideWindowUncertainZone: 'in an uncertain zone',
  suppressed: 'suppressed / DND',
  attemptCap: 'at attempt cap',
  notDue: 'retry not due yet',
  ownedByOther: "another agent's callback",
  contactBusy: 'contact already in a call',
  otherNumberOfContact: "contact's other number first",
  inProgress: 'call in progress',
};

/** What a held-back filter means, for tooltips. */
export const HELD_BACK_HELP: Record<string, string> = {
  outsideWindowUncertainZone:
    'Part of "outside calling window": numbers that may be in several zones are dialled only while the window is open in all of them; these are held back only because one of their possible zones is closed. Set the contact\'s zone on the Contacts page to dial them sooner.',
};

export function heldBackLabel(filter: string): string {
  return HELD_BACK_LABELS[filter] ?? filter.replace(/([A-Z])/g, ' $1').toLowerCase();
}

/** Filters whose count is a part of another filter's count (shown inside it, never added to the total). */
const HELD_BACK_PARTS: Record<string, string> = { outsideWindowUncertainZone: 'outsideWindow' };

/** One reason numbers are held back, with the part of it a finer filter explains. */
export interface HeldBackReason {
  filter: string;
  count: number;
  label: string;
  parts: { filter: string; count: number; label: string }[];
}

/**
 * The hopper's held-back counts as reasons that add up, largest first: sub-counts such as
 * `outsideWindowUncertainZone` (numbers outside the window only because one of their candidate
 * zones is closed) go inside their parent instead of appearing as a reason of their own. Zero
 * counts are left out.
 */
export function heldBackReasons(heldBack: readonly { filter: string; count: number }[]): HeldBackReason[] {
  const reasons = new Map<string, HeldBackReason>();
  for (const h of heldBack) {
    if (h.count <= 0 || HELD_BACK_PARTS[h.filter]) continue;
    reasons.set(h.filter, { filter: h.filter, count: h.count, label: heldBackLabel(h.filter), parts: [] });
  }
  for (const h of heldBack) {
    const parent = HELD_BACK_PARTS[h.filter];
    if (!parent || h.count <= 0) continue;
    reasons.get(parent)?.parts.push({ filter: h.filter, count: h.count, label: heldBackLabel(h.filter) });
  }
  return [...reasons.values()].sort((a, b) => b.count - a.count);
}

export const NUMBER_STATES = [
  ['scheduled', 'Scheduled'],
  ['inProgress', 'In progress'],
  ['retry', 'Retry'],
  ['retrying', 'Retrying'],
  ['completed', 'Completed'],
  ['failed', 'Failed'],
  ['failedDnd', 'Failed DND'],
  ['failedBalance', 'Failed balance'],
  ['failedNoAttempt', 'Failed no-attempt'],
  ['invalid', 'Invalid'],
  ['cancelled', 'Cancelled'],
  ['expired', 'Expired'],
  ['interrupted', 'Interrupted'],
] as const;

/** How a person settles a call cut off by a crash or shutdown: the button, what it does, and what happened. */
export const INTERRUPTED_OUTCOMES = [
  { outcome: 'COMPLETED', label: 'Done', help: 'The conversation had done its job: mark the number completed', done: 'marked done' },
  { outcome: 'RETRY', label: 'Call again', help: 'Dial the number again now, within its attempt budgets', done: 'will be called again' },
  { outcome: 'FAILED', label: "Don't call", help: 'Do not call this number again', done: 'will not be called again' },
] as const;

/** The line shown once an interrupted call is settled: "Asha Rao (+919812345678) marked done". */
export function settledText(call: { contactName: string; number: string }, outcome: string): string {
  const o = INTERRUPTED_OUTCOMES.find((x) => x.outcome === outcome);
  return `${call.contactName} (${call.number}) ${o?.done ?? `settled as ${outcome.toLowerCase()}`}`;
}

export const AGENT_STATES = [
  ['available', 'Available'],
  ['ringing', 'Ringing'],
  ['onCall', 'On call'],
  ['wrapUp', 'Wrap-up'],
  ['paused', 'Paused'],
  ['offline', 'Offline'],
  ['elsewhere', 'Elsewhere'],
] as const;

export const DIAL_MODE_LABELS: Record<string, string> = {
  PROGRESSIVE: 'Progressive',
  AGENT_FIRST_FLOW: 'Agent-first flow',
  PREDICTIVE: 'Predictive',
  PREVIEW: 'Preview',
};

/** "2026-11-23T10:15:00.000Z" → "23 Nov 2026, 10:15" in the given zone (the viewer's by default). */
export function dateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone }).format(d);
}

/** The same instant as a `datetime-local` input value in the viewer's zone ("2026-11-23T10:15"). */
export function toLocalInput(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}`;
}

/**
 * A server error message for display next to its field, without the field path the API puts in
 * front ("input.timeZone: \"EST\" is not ..." -> "\"EST\" is not ...").
 */
export function fieldMessage(message: string, field?: string): string {
  if (field && message.startsWith(`${field}: `)) return message.slice(field.length + 2);
  return message.replace(/^input(\.[\w]+)+: /, '');
}

/** Why a campaign was completed, in words (the same wording agents see on their console). */
export const COMPLETION_TEXT: Record<'SUPERVISOR' | 'END_TIME' | 'LIST_EXHAUSTED', string> = {
  SUPERVISOR: 'completed by a supervisor',
  END_TIME: 'its end time was reached',
  LIST_EXHAUSTED: 'no new or retry numbers were left',
};

/** What a wallboard needs to say how a campaign is paced. */
export interface PacingInputs {
  status: string;
  dialMode: string;
  abandonRateCap: number;
  live: { pacingBoundBy: string | null; pacingRatio: number; abandonRate24h: number | null; abandonRate30d: number | null; agents: { available: number } } | null;
}

/**
 * The pacing line in plain words (issue 16): why the dialler dials as it does, the abandon rate against
 * its cap first (amber past 80% of it, red past it). The controller's own reason stays available as detail.
 */
export function pacingSummary(p: PacingInputs): { text: string; level: Level } {
  if (p.status === 'PAUSED') return { text: 'Paused: no calls until a supervisor resumes', level: 'ok' };
  if (p.status === 'COMPLETED' || p.status === 'ARCHIVED') return { text: 'Finished: no more calls', level: 'ok' };
  if (p.status === 'SCHEDULED') return { text: 'Not started yet', level: 'ok' };
  if (p.dialMode === 'PREVIEW') return { text: 'Preview: agents launch each call themselves', level: 'ok' };
  const live = p.live;
  if (!live) return { text: 'Waiting for the first figures', level: 'ok' };
  if (p.dialMode !== 'PREDICTIVE') return { text: 'One customer call for each agent who is ready', level: 'ok' };
  const rates = [live.abandonRate24h, live.abandonRate30d].filter((r): r is number => r !== null && Number.isFinite(r));
  const worst = rates.length ? Math.max(...rates) : null;
  const level = capLevel(worst, p.abandonRateCap);
  if (level === 'over') return { text: `Over the cap: abandon rate ${percent(worst)} against ${percent(p.abandonRateCap)}; dialling only what agents can take`, level };
  if (live.pacingBoundBy === 'abandonCap' || level === 'near') {
    return { text: `Holding back: abandon rate ${percent(worst)} is close to the ${percent(p.abandonRateCap)} cap`, level: level === 'ok' ? 'near' : level };
  }
  switch (live.pacingBoundBy) {
    case 'noAgents': return { text: 'Waiting: no agent is free or about to be', level };
    case 'readyAgents': return { text: `One call per ready agent (${live.agents.available} ready)`, level };
    case 'agentForecast': return { text: `Dialling ahead: ${live.pacingRatio.toFixed(1)} calls per agent expected free`, level };
    case 'maxDialRatio': return { text: `At the most calls per agent allowed (${live.pacingRatio.toFixed(1)})`, level };
    case 'trunkCps': return { text: 'Held by the trunk’s calls-per-second limit', level };
    default: return { text: 'Waiting for the first pacing decision', level };
  }
}

/** Seed 004's breakdown of the campaign list's Failed and Scheduled columns, in words ("2 DND · 1 balance"); empty parts left out. */
export const ROLLUP_PARTS: Record<'failed' | 'scheduled', [string, string][]> = {
  failed: [['FAILED', 'failed'], ['FAILED_DND', 'DND'], ['FAILED_BALANCE', 'balance'], ['FAILED_NO_ATTEMPT', 'no attempt'], ['INVALID', 'invalid']],
  scheduled: [['SCHEDULED', 'new'], ['IN_PROGRESS', 'in progress'], ['RETRY', 'retry'], ['RETRYING', 'retrying']],
};

export function rollupParts(byState: readonly { state: string; count: number }[], column: 'failed' | 'scheduled'): { state: string; label: string; count: number }[] {
  const by = new Map(byState.map((s) => [s.state, s.count]));
  return ROLLUP_PARTS[column].map(([state, label]) => ({ state, label, count: by.get(state) ?? 0 })).filter((p) => p.count > 0);
}

/** A campaign URL's state as the wallboard and campaign page say it (null: nothing worth a line). */
export interface IntegrationLine {
  kind: string;
  text: string;
  failing: boolean;
  title: string;
}

const INTEGRATION_NAMES: Record<string, string> = { DIAL_WHOM: 'Dial-whom URL', GET_CONTACTS: 'Get-contacts URL', TELEPHONY: 'Trunk' };

export function integrationLine(i: { kind: string; done: boolean; fetched: number; rejected: number; lastRejection: string | null; failures: number; lastError: string | null; retryAt: string | null }, timeZone?: string): IntegrationLine | null {
  const name = INTEGRATION_NAMES[i.kind] ?? i.kind;
  if (i.failures > 0) {
    const retry = i.retryAt ? new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone }).format(new Date(i.retryAt)) : null;
    return { kind: i.kind, failing: true, text: `${name} failing: ${i.lastError ?? 'no answer'}${retry ? ` · retry ${retry}` : ''}${i.failures > 1 ? ` · ${i.failures} failures in a row` : ''}`, title: i.lastError ?? '' };
  }
  if (i.kind === 'DIAL_WHOM') {
    return { kind: i.kind, failing: false, text: `${name}: ${count(i.fetched)} numbers taken${i.rejected ? ` · ${count(i.rejected)} refused` : ''}${i.done ? ' · last page read' : ''}`, title: i.lastRejection ? `Last refused: ${i.lastRejection}` : '' };
  }
  return null;
}
