import type { CampaignLive, TimelinePoint } from './api/documents.js';

const MINUTE = 60_000;

/** A timeline point with the number of occupancy samples averaged into it. */
export interface ChartPoint extends TimelinePoint {
  /** Occupancy samples taken in this minute on this screen (0 for minutes loaded from the server). */
  samples: number;
}

export function fromServer(points: TimelinePoint[]): ChartPoint[] {
  return points.map((p) => ({ ...p, samples: p.occupancy === null ? 0 : 1 }));
}

function minuteOf(iso: string): number {
  return Math.floor(Date.parse(iso) / MINUTE) * MINUTE;
}

/** Abandons today, from the rate and the live answers the server sends. */
export function abandonsOf(l: CampaignLive): number {
  return Math.round((l.abandonRateToday ?? 0) * l.liveAnswersToday);
}

/** Occupancy right now: (on call + wrap-up) / agents logged in; null when nobody is logged in. */
export function occupancyOf(l: CampaignLive): number | null {
  const a = l.agents;
  const loggedIn = a.available + a.ringing + a.onCall + a.wrapUp + a.paused;
  return loggedIn > 0 ? (a.onCall + a.wrapUp) / loggedIn : null;
}

/**
 * Folds one live push into the per-minute series: the counters' growth since the previous push
 * goes to the push's minute (today's counters restart at midnight UTC, so a drop counts as
 * nothing), occupancy is averaged over the samples, missing minutes are filled with zeros, and
 * only the last `minutes` are kept. Returns a new array; the input is not changed.
 */
export function accumulate(points: ChartPoint[], prev: CampaignLive | null, next: CampaignLive, minutes = 60): ChartPoint[] {
  const at = minuteOf(next.updatedAt);
  const grow = (a: number, b: number) => (b >= a ? b - a : 0);
  const dials = prev ? grow(prev.dialsToday, next.dialsToday) : 0;
  const live = prev ? grow(prev.liveAnswersToday, next.liveAnswersToday) : 0;
  const abandons = prev ? grow(abandonsOf(prev), abandonsOf(next)) : 0;
  const occ = occupancyOf(next);

  const out = points.slice();
  let last = out[out.length - 1];
  const lastAt = last ? Date.parse(last.at) : Number.NEGATIVE_INFINITY;
  if (at < lastAt) return out; // a late push from before the newest minute: nothing to add
  if (!last || at > lastAt) {
    const from = last ? Math.max(lastAt + MINUTE, at - (minutes - 1) * MINUTE) : at;
    for (let t = from; t <= at; t += MINUTE) out.push({ at: new Date(t).toISOString(), dials: 0, liveAnswers: 0, abandons: 0, occupancy: null, samples: 0 });
    last = out[out.length - 1]!;
  }
  const merged: ChartPoint = { ...last, dials: last.dials + dials, liveAnswers: last.liveAnswers + live, abandons: last.abandons + abandons };
  if (occ !== null) {
    const n = last.samples;
    merged.occupancy = n > 0 && last.occupancy !== null ? (last.occupancy * n + occ) / (n + 1) : occ;
    merged.samples = n + 1;
  }
  out[out.length - 1] = merged;
  return out.length > minutes ? out.slice(out.length - minutes) : out;
}

/** Abandon rate of each minute (null when the minute had no live answer). */
export function abandonSeries(points: TimelinePoint[]): (number | null)[] {
  return points.map((p) => (p.liveAnswers > 0 ? p.abandons / p.liveAnswers : null));
}
