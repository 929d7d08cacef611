import { describe, expect, it } from 'vitest';
import type { Campaign, CampaignLive, Followup } from '../src/lib/api/documents.js';
import { CampaignBoard, WallboardStore } from '../src/lib/wallboard.svelte.js';
import { ConsoleStore, describeState, splitFollowups } from '../src/lib/console.svelte.js';
import { ApiError, type Api } from '../src/lib/api/client.js';
import { parseHash } from '../src/lib/router.svelte.js';

function campaign(id: string, name: string, status: Campaign['status'], cap = 0.03): Campaign {
  return {
    id, name, status, dialMode: 'PREDICTIVE', actions: [], listId: null, groupId: 'g', callerId: '+912240001234', startsAt: '2026-11-23T09:00:00Z', endsAt: null,
    infinite: false, callingWindow: { start: '09:00', end: '21:00' },
    attemptPolicy: { retries: 0, retryIntervalMinutes: 60, retryOn: [], retrySchedule: null, agentMaxAttempts: 3, agentRetryIntervalMinutes: 10, continueOnNotConnected: false },
    priority: 0, abandonRateCap: cap, maxDialRatio: 3, callType: 'TRANSACTIONAL', wrapUpSeconds: 15, ringTimeoutSeconds: 20, webhooks: { popupUrl: null, callCompletedUrl: null, callNoAnswerUrl: null, statusCallbackUrl: null, dialWhomUrl: null, getContactsUrl: null },
    performance: { completed: 0, failed: 0, scheduled: 0, interrupted: 0, byState: [] }, createdAt: '2026-11-23T08:00:00Z', completedAt: null, completionReason: null, rules: null, ownerPool: null,
  };
}

function live(id: string, over: Partial<CampaignLive>, agents: Partial<CampaignLive['agents']> = {}): CampaignLive {
  return {
    campaignId: id, agents: { available: 0, ringing: 0, onCall: 0, wrapUp: 0, paused: 0, offline: 0, elsewhere: 0, ...agents }, callsRinging: 0, callsConnected: 0, occupancyThisMinute: null,
    waitingForAgent: 0, dialsToday: 0, liveAnswersToday: 0, connectsToday: 0, localTimeZone: 'Asia/Kolkata', answerRate: null, averageHandleTimeSec: null,
    abandonRateToday: null, abandonRate24h: null, abandonRate30d: null, abandonRateCap: 0.03, pacingRatio: 1, pacingReason: '', pacingBoundBy: null, hopperDepth: 0, hopperDue: 0, heldBack: [], remaining: 0,
    finishedLastHour: 0, etaMinutes: null, ownedCallbacks: { due: 0, overdue: 0, released: 0 }, followups: { waiting: 0, due: 0, expired: 0 }, integrations: [], updatedAt: '2026-11-23T10:00:00Z', ...over,
  };
}

describe('WallboardStore', () => {
  it('adds running and paused campaigns in name order, updates them, and drops them when they stop', () => {
    const wall = new WallboardStore();
    expect(wall.applyCampaign(campaign('b', 'Beta', 'RUNNING'))).toBe('added');
    expect(wall.applyCampaign(campaign('a', 'Alpha', 'PAUSED'))).toBe('added');
    expect(wall.applyCampaign(campaign('s', 'Scheduled', 'SCHEDULED'))).toBe('ignored');
    expect(wall.boards.map((b) => b.campaign.name)).toEqual(['Alpha', 'Beta']);
    expect(wall.totals.running).toBe(1);
    expect(wall.applyCampaign(campaign('a', 'Alpha', 'RUNNING'))).toBe('updated');
    expect(wall.totals.running).toBe(2);
    expect(wall.applyCampaign(campaign('b', 'Beta', 'COMPLETED'))).toBe('removed');
    expect(wall.boards.map((b) => b.campaign.id)).toEqual(['a']);
  });

  it('replaces its campaigns with a fresh list after a reconnect', () => {
    const wall = new WallboardStore();
    wall.applyList([campaign('a', 'Alpha', 'RUNNING'), campaign('b', 'Beta', 'RUNNING')]);
    wall.applyList([campaign('b', 'Beta', 'PAUSED'), campaign('c', 'Gamma', 'RUNNING')]);
    expect(wall.boards.map((b) => `${b.campaign.id}:${b.campaign.status}`)).toEqual(['b:PAUSED', 'c:RUNNING']);
  });

  it('totals follow each live push: agents, calls, rates against the strictest cap, longest ETA', () => {
    const wall = new WallboardStore();
    wall.applyList([campaign('a', 'Alpha', 'RUNNING', 0.03), campaign('b', 'Beta', 'RUNNING', 0.02)]);
    const [a, b] = wall.boards as [CampaignBoard, CampaignBoard];
    expect(wall.totals.loggedIn).toBe(0);
    a.applyLive(live('a', { dialsToday: 100, liveAnswersToday: 20, abandonRateToday: 0.05, callsRinging: 3, remaining: 50, etaMinutes: 30 }, { available: 1, onCall: 2 }));
    b.applyLive(live('b', { dialsToday: 50, liveAnswersToday: 10, abandonRateToday: 0, callsConnected: 2, remaining: 10, etaMinutes: 90 }, { wrapUp: 1, paused: 1, offline: 5 }));
    const t = wall.totals;
    expect(t).toMatchObject({ loggedIn: 5, available: 1, onCall: 2, wrapUp: 1, paused: 1, callsRinging: 3, callsConnected: 2, dialsToday: 150, remaining: 60, etaMinutes: 90, abandonsToday: 1, abandonRateCap: 0.02 });
    expect(t.answerRate).toBeCloseTo(30 / 150);
    expect(t.abandonRateToday).toBeCloseTo(1 / 30);
  });

  it("totals name the campaign whose rolling 24 h abandon rate stands highest against its own cap, and the centre's zone", () => {
    const wall = new WallboardStore();
    wall.applyList([campaign('a', 'Alpha', 'RUNNING', 0.03), campaign('b', 'Beta', 'RUNNING', 0.01), campaign('c', 'Gamma', 'RUNNING', 0.03)]);
    expect(wall.totals.abandon24hWorst).toBeNull();
    expect(wall.totals.localTimeZone).toBeNull();
    const [a, b, c] = wall.boards as [CampaignBoard, CampaignBoard, CampaignBoard];
    a.applyLive(live('a', { abandonRate24h: 0.02 }));
    b.applyLive(live('b', { abandonRate24h: 0.009 }));
    c.applyLive(live('c', { abandonRate24h: null }));
    // 0.9% of a 1% cap is closer to its cap than 2% of 3%
    expect(wall.totals.abandon24hWorst).toEqual({ rate: 0.009, cap: 0.01, campaign: 'Beta' });
    expect(wall.totals.localTimeZone).toBe('Asia/Kolkata');
  });

  it('a board remembers when it last heard from the server', () => {
    const b = new CampaignBoard(campaign('a', 'Alpha', 'RUNNING'));
    b.applyLive(live('a', {}), 1234);
    expect(b.receivedAt).toBe(1234);
    expect(b.points).toHaveLength(1);
  });
});

describe('console and routes', () => {
  it('describes the agent state in words', () => {
    const base = { agentId: 'x', name: 'A', activeCampaignId: 'c', stopReason: null as string | null, launchNotice: null, wrapUpEndsAt: null, currentCall: null, campaigns: [{ id: 'c', name: 'Renewals', status: 'RUNNING' as const, startsAt: '', remaining: 3, canStart: true, cannotStartReason: null, ownerPool: false, ownedCustomers: 0 }], followups: [] };
    expect(describeState({ ...base, state: 'AVAILABLE' })).toEqual({ label: 'Available', detail: 'Waiting for the next call in Renewals' });
    expect(describeState({ ...base, state: 'OFFLINE', activeCampaignId: null }).detail).toMatch(/Press Start/);
    expect(describeState(null).label).toBe('…');
    // issue 16: why the agent went Offline, and a campaign paused under them
    expect(describeState({ ...base, state: 'OFFLINE', activeCampaignId: null, stopReason: 'Your phone (+919700000001) did not answer, so dialling stopped: press Start to try again' }).detail)
      .toBe('Your phone (+919700000001) did not answer, so dialling stopped: press Start to try again');
    const paused = { ...base, campaigns: [{ ...base.campaigns[0]!, status: 'PAUSED' as const }] };
    expect(describeState({ ...paused, state: 'AVAILABLE' })).toEqual({ label: 'Campaign paused', detail: 'Renewals is paused by a supervisor: no calls until it resumes' });
    expect(describeState({ ...paused, state: 'WRAP_UP' }).label).toBe('Wrap-up'); // the call in hand goes on
  });

  it.each([
    ['', { page: 'wallboard' }],
    ['#/console', { page: 'console' }],
    ['#/campaigns', { page: 'campaigns' }],
    ['#/campaigns/new', { page: 'new-campaign' }],
    ['#/contacts', { page: 'contacts' }],
    ['#/campaigns/abc%20d/', { page: 'campaign', id: 'abc d' }],
    ['#/nope', { page: 'not-found' }],
  ])('route %s', (hash, want) => expect(parseHash(hash)).toEqual(want));
});

const NOT_PREVIEW = { preview: false, launching: false, expiresAt: null, customerAttempts: 1, fields: [] };

describe('splitFollowups (issue 16)', () => {
  const f = (numberId: string, over: Record<string, unknown>) =>
    ({ numberId, campaignId: 'c', campaignName: 'R', contactName: 'A', number: '+919812345678', dueAt: '2026-11-30T05:00:00Z', timeZone: 'Asia/Kolkata', note: null,
      state: 'RETRY', preview: true, launching: false, expiresAt: '2026-11-30T05:05:00Z', customerAttempts: 0, fields: [], ...over }) as Followup;
  it('puts preview followups whose time has come first, and everything else (not due, not preview, being dialled) after', () => {
    const now = Date.parse('2026-11-30T05:01:00Z');
    const list = [f('due', {}), f('later', { dueAt: '2026-11-30T06:00:00Z' }), f('callback', { preview: false }), f('dialling', { state: 'RETRYING', dueAt: null }), f('launching', { launching: true })];
    const { due, later } = splitFollowups(list, now);
    expect(due.map((x) => x.numberId)).toEqual(['due', 'launching']);
    expect(later.map((x) => x.numberId)).toEqual(['later', 'callback', 'dialling']);
    expect(splitFollowups(list, Date.parse('2026-11-30T04:59:59Z')).due).toEqual([]);
  });
});

describe('ConsoleStore: interrupted calls and followups', () => {
  const console0 = {
    agentId: 'ag', name: 'A', state: 'OFFLINE' as const, activeCampaignId: null, stopReason: null, launchNotice: null, wrapUpEndsAt: null, currentCall: null, campaigns: [],
    followups: [
      { numberId: 'n1', campaignId: 'c', campaignName: 'Renewals', contactName: 'Asha Rao', number: '+919812345678', dueAt: '2026-11-23T10:00:00Z', timeZone: 'Asia/Kolkata', note: 'cut off', state: 'INTERRUPTED' as const, ...NOT_PREVIEW },
      { numberId: 'n2', campaignId: 'c', campaignName: 'Renewals', contactName: 'Ben', number: '+919812345679', dueAt: null, timeZone: 'Asia/Kolkata', note: null, state: 'IN_PROGRESS' as const, ...NOT_PREVIEW },
    ],
  };
  function store(answer: (vars: Record<string, unknown>) => unknown) {
    const sent: Record<string, unknown>[] = [];
    const api = {
      request: async (_q: string, vars: Record<string, unknown>) => {
        sent.push(vars);
        const a = answer(vars);
        if (a instanceof Error) throw a;
        return a;
      },
    } as unknown as Api;
    const s = new ConsoleStore(api);
    s.data = console0;
    return { s, sent };
  }

  it('splits the queue and settles an interrupted call: the row goes at once and the queue says what happened', async () => {
    const { s, sent } = store(() => ({ resolveInterruptedCall: { numberId: 'n1', state: 'COMPLETED' } }));
    expect(s.queue.interrupted.map((f) => f.numberId)).toEqual(['n1']);
    expect(await s.resolveInterrupted('n1', 'COMPLETED')).toBe(true);
    expect(sent[0]).toEqual({ numberId: 'n1', outcome: 'COMPLETED' });
    expect(s.queue.interrupted).toEqual([]);
    expect(s.queueNotice).toBe('Asha Rao (+919812345678) marked done');
  });

  it('shows a refusal in the queue with its code', async () => {
    const { s } = store(() => new ApiError('number: RETRY cannot be settled', 'ILLEGAL_TRANSITION'));
    expect(await s.resolveInterrupted('n1', 'FAILED')).toBe(false);
    expect(s.queueError).toBe('number: RETRY cannot be settled (ILLEGAL_TRANSITION)');
    expect(s.queue.interrupted).toHaveLength(1);
  });

  it("puts a followup refusal on the form's field, for the number it was for", async () => {
    const { s } = store(() => new ApiError('input.time: 2026-11-23 09:00 in Asia/Kolkata is in the past', 'BAD_USER_INPUT', [{ field: 'input.time', message: 'input.time: 2026-11-23 09:00 in Asia/Kolkata is in the past' }]));
    expect(await s.scheduleFollowup({ numberId: 'n1', date: '2026-11-23', time: '09:00', timeZone: 'Asia/Kolkata' })).toBe(false);
    expect(s.followupFor).toBe('n1');
    expect(s.followupErrors).toEqual({ 'input.time': '2026-11-23 09:00 in Asia/Kolkata is in the past' });
    expect(s.error).toBeNull();
  });
});
