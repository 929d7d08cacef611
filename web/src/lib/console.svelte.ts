import type { Api } from './api/client.js';
import {
  AGENT_PROFILE, CANCEL_FOLLOWUP, CONSOLE_CHANGED, SCHEDULE_FOLLOWUP, SET_FLOW, SET_PAUSED, START_DIALLING, STOP_DIALLING,
  type AgentConsole, type AgentProfileResult, type ConsoleChangedResult, type ConsoleResult,
} from './api/documents.js';

export interface FollowupRequest {
  numberId: string;
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM (24 h) */
  time: string;
  timeZone: string;
  note?: string;
}

/** What the agent sees, in words: the state badge and the line under it. */
export function describeState(c: AgentConsole | null): { label: string; detail: string } {
  if (!c) return { label: '…', detail: '' };
  const campaign = c.campaigns.find((x) => x.id === c.activeCampaignId)?.name;
  switch (c.state) {
    case 'OFFLINE':
      return { label: 'Offline', detail: c.activeCampaignId ? 'Connecting your phone…' : 'Press Start on a campaign to begin' };
    case 'AVAILABLE':
      return { label: 'Available', detail: campaign ? `Waiting for the next call in ${campaign}` : 'Waiting for the next call' };
    case 'RINGING':
      return { label: 'Ringing', detail: 'Your phone is ringing: answer it' };
    case 'ON_CALL':
      return { label: 'On call', detail: c.currentCall ? `With ${c.currentCall.contactName}` : 'On a call' };
    case 'WRAP_UP':
      return { label: 'Wrap-up', detail: 'Set the disposition; the next call comes after wrap-up' };
    case 'PAUSED':
      return { label: 'Paused', detail: 'No new calls until you resume' };
  }
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

  private async act(work: () => Promise<AgentConsole | void>, notice?: string): Promise<boolean> {
    this.busy = true;
    this.error = null;
    this.notice = null;
    try {
      const next = await work();
      if (next) this.data = next;
      if (notice) this.notice = notice;
      return true;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  start(campaignId: string) {
    return this.act(async () => (await this.api.request<ConsoleResult>(START_DIALLING, { campaignId })).agentConsole);
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
  scheduleFollowup(req: FollowupRequest) {
    return this.act(async () => {
      await this.api.request(SCHEDULE_FOLLOWUP, { input: { ...req, note: req.note?.trim() || null } });
    }, `Followup scheduled for ${req.date} ${req.time} (${req.timeZone})`);
  }
  cancelFollowup(numberId: string) {
    return this.act(async () => {
      await this.api.request(CANCEL_FOLLOWUP, { numberId });
    }, 'Followup cancelled');
  }
}
