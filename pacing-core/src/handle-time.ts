/**
 * A campaign's talk-time estimate from the calls it has actually had, for {@link PacingInput.handleTime}. Pure:
 * the caller keeps the state (plain, JSON-safe) and feeds it each finished conversation.
 *
 * The mean and mean square are moving averages that start from a prior ({@link DEFAULT_HANDLE_TIME}, worth 20
 * calls) and weigh
 * each new call 1/w, w growing with every call up to `window`: early on the prior dominates, later the last few
 * hundred calls do.
 */
import { badPacingInput } from './errors.js';
import { DEFAULT_HANDLE_TIME, type HandleTime } from './pacing.js';

/** State of a {@link observeTalk} estimate. */
export interface TalkTimeEstimate {
  /** Effective number of calls behind the estimate (prior included). */
  weight: number;
  /** Mean talk seconds. */
  mean: number;
  /** Mean of squared talk seconds. */
  meanSq: number;
}

/** Prior of a new campaign: {@link DEFAULT_HANDLE_TIME}'s talk (120 s, CV 1), worth 20 calls. */
export function initialTalkTime(meanSec = DEFAULT_HANDLE_TIME.talkMeanSec, cv = DEFAULT_HANDLE_TIME.talkCv, weight = 20): TalkTimeEstimate {
  if (!(meanSec > 0) || !(cv >= 0) || !(weight >= 1)) throw badPacingInput('initialTalkTime: meanSec > 0, cv >= 0 and weight >= 1 are required');
  return { weight, mean: meanSec, meanSq: meanSec * meanSec * (1 + cv * cv) };
}

/**
 * The estimate after one more finished conversation of `seconds`.
 * @param window the most calls the estimate remembers (weight cap) @default 300
 */
export function observeTalk(est: TalkTimeEstimate, seconds: number, window = 300): TalkTimeEstimate {
  if (!(seconds >= 0) || seconds === Infinity) throw badPacingInput(`observeTalk: seconds must be a finite number >= 0, got ${seconds}`);
  const weight = Math.min(est.weight + 1, window);
  return {
    weight,
    mean: est.mean + (seconds - est.mean) / weight,
    meanSq: est.meanSq + (seconds * seconds - est.meanSq) / weight,
  };
}

/** `handleTime` for {@link PacingInput}: the estimate's mean and CV (kept within [0.1, 5]), and the wrap-up time. */
export function handleTimeOf(est: TalkTimeEstimate, wrapMeanSec: number): HandleTime {
  const mean = Math.max(0.1, est.mean);
  const cv = Math.sqrt(Math.max(0, est.meanSq / (mean * mean) - 1));
  return { talkMeanSec: mean, talkCv: Math.min(5, Math.max(0.1, cv)), wrapMeanSec };
}
