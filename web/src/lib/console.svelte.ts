import { ApiError, type Api } from './api/client.js';
import {
  AGENT_PROFILE, CANCEL_FOLLOWUP, CONSOLE_CHANGED, END_CALL, FOLLOWUP_CONTACTS, GET_CUSTOMERS, LAUNCH_FOLLOWUP, READY, RESOLVE_INTERRUPTED, SCHEDULE_FOLLOWUP,
  SCHEDULE_MANUAL_FOLLOWUP, SET_FLOW, SET_PAUSED, SKIP_FOLLOWUP, START_DIALLING, STOP_DIALLING,
  type AgentConsole, type AgentProfileResult, type ConsoleChangedResult, type ConsoleResult, type Followup, type FollowupContact, type FollowupContactsResult,
  type InterruptedCallOutcome, type GetCustomersResult, type ManualFollowupResult, type ResolveInterruptedResult,
} from './api/documents.js';
import { fieldMessage, settledText } from './format.js';
import { actionError } from './interrupted.svelte.js';

export interface FollowupRequest {
  numberId: string;
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM (24 h) */
  time: string;
  timeZone: string;
  note?: string;
}

/** A followup booked from idle (seed 002's manual scenario): a typed number, or a customer picked from the campaign. */
export interface ManualFollowupRequest {
  campaignId: string;
  number?: string;
  contactId?: string;
  name?: string;
  date: string;
  time: string;
  timeZone: string;
  note?: string;
}

/**
 * Booked followups and callbacks split for the console: preview followups due now (launch, skip or
 * reschedule them within 5 minutes of their time) and the rest, soonest first.
 */
export function splitFollowups(followups: readonly Followup[], now: number): { due: Followup[]; later: Followup[] } {
  const isDue = (f: Followup) => f.preview && (f.state === 'RETRY' || f.state === 'SCHEDULED') && !!f.dueAt && Date.parse(f.dueAt) <= now;
  return { due: followups.filter(isDue), later: followups.filter((f) => !isDue(f)) };
}

/** What the agent sees, in words: the state badge and the line under it. */
export function describeState(c: AgentConsole | null): { label: string; detail: string } {
  if (!c) return { label: '…', detail: '' };
  const active = c.campaigns.find((x) => x.id === c.activeCampaignId);
  const campaign = active?.name;
  // a supervisor paused the campaign: the agent stays in it, but no call comes until it resumes
  if (active?.status === 'PAUSED' && c.state !== 'ON_CALL' && c.state !== 'WRAP_UP') {
    return { label: 'Campaign paused', detail: `${active.name} is paused by a supervisor: no calls until it resumes` };
  }
  switch (c.state) {
    case 'OFFLINE':
      return { label: 'Offline', detail: c.activeCampaignId ? 'Connecting your phone…' : c.stopReason ?? 'Press Start on a campaign to begin' };
    case 'RINGING':
      return { label: 'Ringing', detail: c.followups.some((f) => f.launching) || !c.activeCampaignId ? 'Your followup call: your phone is ringing, answer it' : 'Your phone is ringing: answer it' };
    case 'AVAILABLE':
      return { label: 'Available', detail: campaign ? `Waiting for the next call in ${campaign}` : 'Waiting for the next call' };
    case 'ON_CALL':
      return { label: 'On call', detail: c.currentCall ? `With ${c.currentCall.contactName}` : 'On a call' };
    case 'WRAP_UP':
      return { label: 'Wrap-up', detail: 'Set the disposition; the next call comes after wrap-up' };
    case 'PAUSED':
      return { label: 'Paused', detail: 'No new calls until you resume' };
  }
}

/**
 * The agent's queue split for the console: calls of theirs cut off after the customer answered
 * (INTERRUPTED, to settle first) and booked followups and callbacks.
 */
export function splitQueue(followups: readonly Followup[]): { interrupted: Followup[]; followups: Followup[] } {
  return {
    interrupted: followups.filter((f) => f.state === 'INTERRUPTED'),
    followups: followups.filter((f) => f.state !== 'INTERRUPTED'),
  };
}

/**
 * The agent console: the agent's own state, campaigns, live call and followup queue, pushed by
 * `agentConsoleChanged` (current value first, so a reconnect resyncs), and the agent's actions.
 */
export class ConsoleStore {
  data = $state.raw<AgentConsole | null>(null);
  /** The agent's own time zone (followups default to it). */
  timeZone = $state(Intl.DateTimeFormat().resolvedOptions().timeZone);
  busy = $state(false);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  /** Problems with the last followup booking, by the API's field path ('' for the booking as a whole). */
  followupErrors = $state.raw<Record<string, string>>({});
  /** The number the last booking was for (its form shows {@link followupErrors}). */
  followupFor = $state<string | null>(null);
  /** What happened to the last action on the queue (settling an interrupted call, cancelling a followup). */
  queueError = $state<string | null>(null);
  queueNotice = $state<string | null>(null);
  readonly queue = $derived(splitQueue(this.data?.followups ?? []));

  constructor(private readonly api: Api) {}

  /** Follows the console (the first push is the current one) and reads the agent's zone once. */
  connect(): () => void {
    let profile: Promise<void> | undefined;
    return this.api.subscribe<ConsoleChangedResult>(CONSOLE_CHANGED, {}, ({ agentConsoleChanged: c }) => {
      this.data = c;
      profile ??= this.api.request<AgentProfileResult>(AGENT_PROFILE, { id: c.agentId }).then(
        ({ agent }) => void (this.timeZone = agent.timeZone),
        (e: Error) => void (this.error = e.message),
      );
    }, (e) => (this.error = e.message));
  }

  /** The error of the last failed action, as thrown. */
  private lastError: unknown = null;

  private async act(work: () => Promise<AgentConsole | void>, notice?: string): Promise<boolean> {
    this.busy = true;
    this.error = null;
    this.notice = null;
    this.lastError = null;
    try {
      const next = await work();
      if (next) this.data = next;
      if (notice) this.notice = notice;
      return true;
    } catch (e) {
      this.lastError = e;
      this.error = actionError(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  start(campaignId: string) {
    return this.act(async () => (await this.api.request<ConsoleResult>(START_DIALLING, { campaignId })).agentConsole);
  }
  /** "Get customers" (seed 003): take unassigned customers of an owner-pool campaign; the answer says how many and what bounded it. */
  getCustomers(campaignId: string) {
    this.claimNotice = null;
    return this.act(async () => {
      const { getCustomers: r } = await this.api.request<GetCustomersResult>(GET_CUSTOMERS, { campaignId });
      this.claimNotice = claimText(r);
    });
  }
  /** What the last "Get customers" did. */
  claimNotice = $state<string | null>(null);
  /** "End call and go on": the customer is hung up, wrap-up follows, the agent stays in the campaign. */
  endCall() {
    return this.act(async () => (await this.api.request<ConsoleResult>(END_CALL)).agentConsole, 'Call ended: wrap up, then the next call comes');
  }
  /** "Ready": end wrap-up now. */
  ready() {
    return this.act(async () => (await this.api.request<ConsoleResult>(READY)).agentConsole);
  }
  stop() {
    return this.act(async () => (await this.api.request<ConsoleResult>(STOP_DIALLING)).agentConsole);
  }
  setPaused(paused: boolean) {
    return this.act(async () => (await this.api.request<ConsoleResult>(SET_PAUSED, { paused })).agentConsole);
  }
  setFlow(numberId: string, input: { rescheduleAgentCall?: boolean; rescheduleCustomerCall?: boolean; disposition?: string }) {
    return this.act(async () => {
      await this.api.request(SET_FLOW, { numberId, input });
    }, 'Saved');
  }
  /**
   * Books a followup (during a call, after it, or for an interrupted call). The server's refusal
   * lands on the form's fields (a time in the past, a zone it does not know) or on the form.
   */
  async scheduleFollowup(req: FollowupRequest): Promise<boolean> {
    this.followupErrors = {};
    this.followupFor = req.numberId;
    const ok = await this.act(async () => {
      await this.api.request(SCHEDULE_FOLLOWUP, { input: { ...req, timeZone: req.timeZone.trim(), note: req.note?.trim() || null } });
    }, `Followup scheduled for ${req.date} ${req.time} (${req.timeZone})`);
    if (!ok) this.showBookingErrors();
    return ok;
  }
  /** Books a followup from idle; the form is cleared by its caller when this resolves true. */
  async scheduleManual(req: ManualFollowupRequest): Promise<boolean> {
    this.followupErrors = {};
    this.followupFor = 'manual';
    let booked = '';
    const ok = await this.act(async () => {
      const { scheduleManualFollowup: f } = await this.api.request<ManualFollowupResult>(SCHEDULE_MANUAL_FOLLOWUP, {
        input: { ...req, number: req.number?.trim() || null, name: req.name?.trim() || null, note: req.note?.trim() || null, timeZone: req.timeZone.trim() },
      });
      booked = `Followup with ${f.contactName} (${f.number}) booked for ${req.date} ${req.time} (${f.timeZone})`;
    });
    if (ok) this.notice = booked;
    else this.showBookingErrors();
    return ok;
  }
  /** A refused booking: the server's reasons land on the form's fields (or on the form), not in the console's banner. */
  private showBookingErrors(): void {
    const e = this.lastError;
    if (!e) return;
    const byField = e instanceof ApiError ? e.byField() : {};
    const fields = Object.fromEntries(Object.entries(byField).map(([f, m]) => [f, fieldMessage(m, f)]));
    this.followupErrors = Object.keys(fields).length ? fields : { '': actionError(e) };
    this.error = null;
  }
  /** Customers of a campaign matching a name or number (3+ characters): the manual booking's pick list. */
  async lookup(campaignId: string, search: string): Promise<FollowupContact[]> {
    if (search.trim().length < 3) return [];
    return (await this.api.request<FollowupContactsResult>(FOLLOWUP_CONTACTS, { campaignId, search: search.trim() })).followupContacts;
  }
  /** Launches a due followup: my phone first (or my line, if it is up in its campaign), then the customer. */
  launch(numberId: string) {
    // no banner: the card says "launching…" and the state badge follows the call
    return this.queueAct(async () => {
      this.data = (await this.api.request<ConsoleResult>(LAUNCH_FOLLOWUP, { numberId })).agentConsole;
    });
  }
  /** Does not make this followup call: the number is closed (skipped). */
  skip(numberId: string) {
    const f = this.data?.followups.find((x) => x.numberId === numberId);
    return this.queueAct(async () => {
      await this.api.request(SKIP_FOLLOWUP, { numberId });
      if (this.data) this.data = { ...this.data, followups: this.data.followups.filter((x) => x.numberId !== numberId) };
    }, f ? `Skipped: ${f.contactName} will not be called` : 'Skipped');
  }
  async cancelFollowup(numberId: string): Promise<boolean> {
    return this.queueAct(async () => {
      await this.api.request(CANCEL_FOLLOWUP, { numberId });
    }, 'Followup cancelled');
  }
  /** Settles one of my interrupted calls: done, call again, or don't call. */
  async resolveInterrupted(numberId: string, outcome: InterruptedCallOutcome): Promise<boolean> {
    const call = this.data?.followups.find((f) => f.numberId === numberId);
    return this.queueAct(async () => {
      await this.api.request<ResolveInterruptedResult>(RESOLVE_INTERRUPTED, { numberId, outcome });
      // the push that follows brings the new queue; drop the row now so it cannot be pressed twice
      if (this.data) this.data = { ...this.data, followups: this.data.followups.filter((f) => f.numberId !== numberId) };
    }, call ? settledText(call, outcome) : 'Settled');
  }

  private async queueAct(work: () => Promise<void>, notice: string | null = null): Promise<boolean> {
    this.busy = true;
    this.queueError = null;
    this.queueNotice = null;
    try {
      await work();
      this.queueNotice = notice;
      return true;
    } catch (e) {
      this.queueError = actionError(e);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

/** The answer to a "Get customers" click, in words. */
export function claimText(r: GetCustomersResult['getCustomers']): string {
  const took = `You took ${r.claimed} ${r.claimed === 1 ? 'customer' : 'customers'}; you own ${r.owned} unprocessed.`;
  if (r.limitedBy === 'NONE_LEFT') return `${took} No unassigned customer is left.`;
  if (r.limitedBy === 'MAX_UNPROCESSED') return `${took} That is the most you may own (${r.maxUnprocessed}): work some first.`;
  return `${took} (${r.perClickMax} a click at most.)`;
}
