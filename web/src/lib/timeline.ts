import type { CampaignLive, TimelinePoint } from './api/documents.js';

const MINUTE = 60_000;

/** A point of the wallboard's charts: a timeline minute, loaded or built from live pushes. */
export type ChartPoint = TimelinePoint;

export function fromServer(points: TimelinePoint[]): ChartPoint[] {
  return points.slice();
}

function minuteOf(iso: string): number {
  return Math.floor(Date.parse(iso) / MINUTE) * MINUTE;
}

/** Abandons today, from the rate and the live answers the server sends. */
export function abandonsOf(l: CampaignLive): number {
  return Math.round((l.abandonRateToday ?? 0) * l.liveAnswersToday);
}

/**
 * Folds one live push into the per-minute series: the counters' growth since the previous push
 * goes to the push's minute (today's counters restart at midnight UTC, so a drop counts as
 * nothing), the minute's occupancy is the server's measure of it so far (`occupancyThisMinute`: the same figure
 * the timeline gives for that minute later), missing minutes are filled with zeros, and
 * only the last `minutes` are kept. Returns a new array; the input is not changed.
 */
export function accumulate(points: ChartPoint[], prev: CampaignLive | null, next: CampaignLive, minutes = 60): ChartPoint[] {
  const at = minuteOf(next.updatedAt);
  const grow = (a: number, b: number) => (b >= a ? b - a : 0);
  const dials = prev ? grow(prev.dialsToday, next.dialsToday) : 0;
  const live = prev ? grow(prev.liveAnswersToday, next.liveAnswersToday) : 0;
  const abandons = prev ? grow(abandonsOf(prev), abandonsOf(next)) : 0;
  const occ = next.occupancyThisMinute;

  const out = points.slice();
  let last = out[out.length - 1];
  const lastAt = last ? Date.parse(last.at) : Number.NEGATIVE_INFINITY;
  if (at < lastAt) return out; // a late push from before the newest minute: nothing to add
  if (!last || at > lastAt) {
    const from = last ? Math.max(lastAt + MINUTE, at - (minutes - 1) * MINUTE) : at;
    for (let t = from; t <= at; t += MINUTE) out.push({ at: new Date(t).toISOString(), dials: 0, liveAnswers: 0, abandons: 0, occupancy: null });
    last = out[out.length - 1]!;
  }
  const merged: ChartPoint = { ...last, dials: last.dials + dials, liveAnswers: last.liveAnswers + live, abandons: last.abandons + abandons };
  if (occ !== null && occ !== undefined) merged.occupancy = occ;
  out[out.length - 1] = merged;
  return out.length > minutes ? out.slice(out.length - minutes) : out;
}

/** Abandon rate of each minute (null when the minute had no live answer). */
export function abandonSeries(points: TimelinePoint[]): (number | null)[] {
  return points.map((p) => (p.liveAnswers > 0 ? p.abandons / p.liveAnswers : null));
}
