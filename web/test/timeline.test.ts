import { describe, expect, it } from 'vitest';
import type { CampaignLive } from '../src/lib/api/documents.js';
import { abandonSeries, accumulate, type ChartPoint } from '../src/lib/timeline.js';

function live(at: string, over: Partial<CampaignLive> = {}, agents: Partial<CampaignLive['agents']> = {}): CampaignLive {
  return {
    campaignId: 'c', agents: { available: 1, ringing: 0, onCall: 2, wrapUp: 1, paused: 0, offline: 4, elsewhere: 0, ...agents }, callsRinging: 0, callsConnected: 0,
    waitingForAgent: 0, occupancyThisMinute: null, dialsToday: 0, liveAnswersToday: 0, connectsToday: 0, localTimeZone: 'Asia/Kolkata', answerRate: null, averageHandleTimeSec: null,
    abandonRateToday: null, abandonRate24h: null, abandonRate30d: null, abandonRateCap: 0.03, pacingRatio: 1, pacingReason: '', pacingBoundBy: null, hopperDepth: 0, hopperDue: 0, heldBack: [], remaining: 0,
    finishedLastHour: 0, etaMinutes: null, ownedCallbacks: { due: 0, overdue: 0, released: 0 }, followups: { waiting: 0, due: 0, expired: 0 }, integrations: [], updatedAt: at, ...over,
  };
}

describe('timeline accumulation', () => {
  it("puts counter growth into the push minute; the minute's occupancy is the server's measure of it so far", () => {
    const a = live('2026-11-23T10:00:05Z', { dialsToday: 10, liveAnswersToday: 4, occupancyThisMinute: 0.75 });
    const b = live('2026-11-23T10:00:35Z', { dialsToday: 13, liveAnswersToday: 6, abandonRateToday: 1 / 6, occupancyThisMinute: 0.6 }, { onCall: 0, wrapUp: 0, available: 4 });
    let pts: ChartPoint[] = accumulate([], null, a);
    expect(pts).toHaveLength(1);
    expect(pts[0]).toMatchObject({ at: '2026-11-23T10:00:00.000Z', dials: 0, occupancy: 0.75 });
    pts = accumulate(pts, a, b);
    expect(pts).toHaveLength(1);
    // not an average of the agents seen at two instants (0.75 and 0): the measured time of the whole minute so far
    expect(pts[0]).toMatchObject({ dials: 3, liveAnswers: 2, abandons: 1, occupancy: 0.6 });
    // a push with no measure (a screen's first read) keeps what the minute had
    expect(accumulate(pts, b, live('2026-11-23T10:00:40Z', { dialsToday: 13, liveAnswersToday: 6, abandonRateToday: 1 / 6 }))[0]!.occupancy).toBe(0.6);
  });

  it('fills the minutes with no push with zeros and keeps only the window', () => {
    const a = live('2026-11-23T10:00:05Z', { dialsToday: 1 });
    const b = live('2026-11-23T10:03:10Z', { dialsToday: 5 });
    const pts = accumulate(accumulate([], null, a), a, b);
    expect(pts.map((p) => p.at.slice(11, 16))).toEqual(['10:00', '10:01', '10:02', '10:03']);
    expect(pts.map((p) => p.dials)).toEqual([0, 0, 0, 4]);
    const far = live('2026-11-23T12:00:00Z', { dialsToday: 6 });
    const kept = accumulate(pts, b, far, 60);
    expect(kept).toHaveLength(60);
    expect(kept.at(-1)).toMatchObject({ at: '2026-11-23T12:00:00.000Z', dials: 1 });
  });

  it('counts nothing when the daily counters restart at midnight, and ignores late pushes', () => {
    const a = live('2026-11-23T23:59:50Z', { dialsToday: 500 });
    const b = live('2026-11-24T00:00:02Z', { dialsToday: 2 });
    const pts = accumulate(accumulate([], null, a), a, b);
    expect(pts.at(-1)!.dials).toBe(0);
    const late = live('2026-11-23T23:58:00Z', { dialsToday: 900 });
    expect(accumulate(pts, b, late)).toEqual(pts);
  });

  it('has no occupancy without logged-in agents and no abandon rate without live answers', () => {
    expect(accumulate([], null, live('2026-11-23T10:00:00Z', {}, { available: 0, onCall: 0, wrapUp: 0 }))[0]!.occupancy).toBeNull();
    expect(abandonSeries([{ at: '', dials: 3, liveAnswers: 0, abandons: 0, occupancy: null }, { at: '', dials: 9, liveAnswers: 4, abandons: 1, occupancy: 1 }])).toEqual([null, 0.25]);
  });
});
