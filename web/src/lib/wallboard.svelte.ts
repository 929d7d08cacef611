import type { Api, ConnectionStatus } from './api/client.js';
import {
  AGENT_BOARD_CHANGED, CAMPAIGN_UPDATED, LIVE_CHANGED, STATS_CHANGED, TIMELINE, WALLBOARD_CAMPAIGNS,
  type AgentBoardChangedResult, type AgentBoardEntry, type Campaign, type CampaignLive, type CampaignStats, type CampaignsResult, type CampaignUpdatedResult,
  type LiveChangedResult, type StatsChangedResult, type TimelineResult,
} from './api/documents.js';
import { abandonsOf, accumulate, fromServer, type ChartPoint } from './timeline.js';

/** Campaigns that get a panel on the wall. */
export const ON_WALL: ReadonlySet<Campaign['status']> = new Set(['RUNNING', 'PAUSED']);
const CHART_MINUTES = 60;

/** One campaign's panel: its row, counts by number state, live figures and the last hour. */
export class CampaignBoard {
  campaign = $state.raw<Campaign>() as Campaign;
  stats = $state.raw<CampaignStats | null>(null);
  live = $state.raw<CampaignLive | null>(null);
  points = $state.raw<ChartPoint[]>([]);
  /** Client time of the last push for this campaign (ms). */
  receivedAt = $state(0);
  /** A subscription the server ended with an error (e.g. the campaign became inaccessible). */
  error = $state<string | null>(null);

  constructor(campaign: Campaign) {
    this.campaign = campaign;
  }

  applyStats(s: CampaignStats, at = Date.now()): void {
    this.stats = s;
    this.receivedAt = at;
  }

  applyLive(l: CampaignLive, at = Date.now()): void {
    this.points = accumulate(this.points, this.live, l, CHART_MINUTES);
    this.live = l;
    this.receivedAt = at;
  }

  /** The server's per-minute history replaces what this screen gathered (after load or reconnect). */
  setTimeline(points: ChartPoint[]): void {
    this.points = points.slice(-CHART_MINUTES);
  }
}

/** Figures across every campaign on the wall (each agent dials in at most one campaign). */
export interface Totals {
  campaigns: number;
  running: number;
  loggedIn: number;
  available: number;
  ringing: number;
  onCall: number;
  wrapUp: number;
  paused: number;
  callsRinging: number;
  callsConnected: number;
  dialsToday: number;
  liveAnswersToday: number;
  answerRate: number | null;
  abandonsToday: number;
  abandonRateToday: number | null;
  /** The strictest cap among the campaigns. */
  abandonRateCap: number;
  /**
   * The campaign whose rolling 24 h abandon rate (which bounds its pacer) stands highest against
   * its own cap; null until one has a rate.
   */
  abandon24hWorst: { rate: number; cap: number; campaign: string } | null;
  /** The contact centre's zone: "today" is its local day (null until the first live push). */
  localTimeZone: string | null;
  remaining: number;
  /** The longest ETA among running campaigns, in minutes. */
  etaMinutes: number | null;
}

export function totalsOf(boards: CampaignBoard[]): Totals {
  const t: Totals = {
    campaigns: boards.length, running: 0, loggedIn: 0, available: 0, ringing: 0, onCall: 0, wrapUp: 0, paused: 0, callsRinging: 0, callsConnected: 0,
    dialsToday: 0, liveAnswersToday: 0, answerRate: null, abandonsToday: 0, abandonRateToday: null, abandonRateCap: 0.03, abandon24hWorst: null,
    localTimeZone: null, remaining: 0, etaMinutes: null,
  };
  let cap = Number.POSITIVE_INFINITY;
  for (const b of boards) {
    if (b.campaign.status === 'RUNNING') t.running++;
    cap = Math.min(cap, b.campaign.abandonRateCap);
    const l = b.live;
    if (!l) continue;
    t.available += l.agents.available;
    t.ringing += l.agents.ringing;
    t.onCall += l.agents.onCall;
    t.wrapUp += l.agents.wrapUp;
    t.paused += l.agents.paused;
    t.callsRinging += l.callsRinging;
    t.callsConnected += l.callsConnected;
    t.dialsToday += l.dialsToday;
    t.liveAnswersToday += l.liveAnswersToday;
    t.abandonsToday += abandonsOf(l);
    t.remaining += l.remaining;
    t.localTimeZone ??= l.localTimeZone;
    const cap24 = b.campaign.abandonRateCap;
    if (l.abandonRate24h !== null && (!t.abandon24hWorst || l.abandonRate24h / cap24 > t.abandon24hWorst.rate / t.abandon24hWorst.cap)) {
      t.abandon24hWorst = { rate: l.abandonRate24h, cap: cap24, campaign: b.campaign.name };
    }
    if (b.campaign.status === 'RUNNING' && l.etaMinutes !== null) t.etaMinutes = Math.max(t.etaMinutes ?? 0, l.etaMinutes);
  }
  t.loggedIn = t.available + t.ringing + t.onCall + t.wrapUp + t.paused;
  t.answerRate = t.dialsToday > 0 ? t.liveAnswersToday / t.dialsToday : null;
  t.abandonRateToday = t.liveAnswersToday > 0 ? t.abandonsToday / t.liveAnswersToday : null;
  if (Number.isFinite(cap)) t.abandonRateCap = cap;
  return t;
}

/**
 * The supervisor wallboard: every running or paused campaign, kept live by subscriptions only.
 * `campaignUpdated` adds and removes panels; each panel listens to its counts and live figures.
 * After a reconnect graphql-ws re-subscribes (each subscription starts with the current value),
 * and the campaign list and chart history are read again, so the wall resyncs by itself.
 */
export class WallboardStore {
  boards = $state.raw<CampaignBoard[]>([]);
  status = $state<ConnectionStatus>('connecting');
  /** Client time of the newest push from any subscription (ms). */
  lastUpdate = $state(0);
  error = $state<string | null>(null);
  readonly totals = $derived(totalsOf(this.boards));
  /** Every agent, longest in their state first (supervisors; null until the first push or when not allowed). */
  agents = $state.raw<AgentBoardEntry[] | null>(null);

  private readonly subs = new Map<string, () => void>();
  private api: Api | undefined;

  /** Adds, updates or removes a campaign's panel; returns what happened. */
  applyCampaign(c: Campaign): 'added' | 'updated' | 'removed' | 'ignored' {
    const i = this.boards.findIndex((b) => b.campaign.id === c.id);
    if (!ON_WALL.has(c.status)) {
      if (i < 0) return 'ignored';
      this.boards = this.boards.filter((b) => b.campaign.id !== c.id);
      this.unwatch(c.id);
      return 'removed';
    }
    if (i >= 0) {
      this.boards[i]!.campaign = c;
      return 'updated';
    }
    const board = new CampaignBoard(c);
    this.boards = [...this.boards, board].sort((a, b) => a.campaign.name.localeCompare(b.campaign.name));
    this.watch(board);
    return 'added';
  }

  /** Replaces the set of campaigns with a fresh list (first load and after a reconnect). */
  applyList(list: Campaign[]): void {
    const ids = new Set(list.map((c) => c.id));
    for (const b of this.boards) if (!ids.has(b.campaign.id)) this.applyCampaign({ ...b.campaign, status: 'ARCHIVED' });
    for (const c of list) this.applyCampaign(c);
  }

  /** Starts listening; returns the function that stops everything. */
  connect(api: Api, withAgents = true): () => void {
    this.api = api;
    const offAgents = withAgents
      ? api.subscribe<AgentBoardChangedResult>(AGENT_BOARD_CHANGED, {}, (d) => {
          this.lastUpdate = Date.now();
          this.agents = d.agentBoardChanged;
        }, () => (this.agents = null))
      : () => undefined;
    // The list is read each time the socket is (re)connected, after `campaignUpdated` is on its way
    // to the server, so a campaign that changes while the list is read is not missed.
    const offCampaigns = api.subscribe<CampaignUpdatedResult>(CAMPAIGN_UPDATED, {}, (d) => {
      this.lastUpdate = Date.now();
      this.applyCampaign(d.campaignUpdated);
    }, (e) => (this.error = e.message));
    const offStatus = api.onStatus((s) => {
      this.status = s;
      if (s === 'connected') void this.resync();
    });
    return () => {
      offStatus();
      offCampaigns();
      offAgents();
      for (const id of [...this.subs.keys()]) this.unwatch(id);
      this.api = undefined;
    };
  }

  private async resync(): Promise<void> {
    const api = this.api;
    if (!api) return;
    try {
      const { campaigns } = await api.request<CampaignsResult>(WALLBOARD_CAMPAIGNS);
      this.applyList(campaigns.items);
      this.error = null;
      await Promise.all(this.boards.map((b) => this.loadTimeline(b)));
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  private async loadTimeline(b: CampaignBoard): Promise<void> {
    if (this.api) await loadTimeline(this.api, b);
  }

  private watch(b: CampaignBoard): void {
    const api = this.api;
    if (!api) return;
    this.subs.set(b.campaign.id, watchCampaign(api, b, () => (this.lastUpdate = b.receivedAt)));
    void this.loadTimeline(b).catch((e: Error) => (b.error = e.message));
  }

  private unwatch(id: string): void {
    this.subs.get(id)?.();
    this.subs.delete(id);
  }
}

/** Keeps a board's counts and live figures current; returns the function that stops it. */
export function watchCampaign(api: Api, b: CampaignBoard, onPush: () => void = () => undefined): () => void {
  const id = b.campaign.id;
  const fail = (e: { message: string }) => (b.error = e.message);
  const offStats = api.subscribe<StatsChangedResult>(STATS_CHANGED, { id }, (d) => {
    b.applyStats(d.campaignStatsChanged);
    onPush();
  }, fail);
  const offLive = api.subscribe<LiveChangedResult>(LIVE_CHANGED, { id }, (d) => {
    b.applyLive(d.campaignLiveChanged);
    onPush();
  }, fail);
  return () => {
    offStats();
    offLive();
  };
}

/** Reads the last hour per minute from the server into a board's charts. */
export async function loadTimeline(api: Api, b: CampaignBoard): Promise<void> {
  const { campaignTimeline } = await api.request<TimelineResult>(TIMELINE, { id: b.campaign.id, minutes: CHART_MINUTES });
  b.setTimeline(fromServer(campaignTimeline));
}
