import { badInput } from './errors.js';
import { LIMITS, RetryStatus } from './campaign-options.js';

export interface AttemptPolicy {
  retries: number;
  retryIntervalMinutes: number;
  retryOn: RetryStatus[];
  retrySchedule: number[] | null;
  agentMaxAttempts: number;
  agentRetryIntervalMinutes: number;
  continueOnNotConnected: boolean;
}

export const DEFAULT_ATTEMPT_POLICY: AttemptPolicy = {
  retries: 0,
  retryIntervalMinutes: 60,
  retryOn: [RetryStatus.BUSY, RetryStatus.NO_ANSWER, RetryStatus.FAILED],
  retrySchedule: null,
  agentMaxAttempts: 3,
  agentRetryIntervalMinutes: 10,
  continueOnNotConnected: false,
};

const MAX_OFFSET_MINUTES = 30 * 24 * 60;
const F = 'input.attemptPolicy';

function intIn(value: number, min: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(`${field} must be a whole number from ${min} to ${max}`, `${F}.${field}`);
}

/**
 * Checks an attempt policy and fills defaults. A retry schedule (minutes from when a number was
 * added, one entry per attempt) fixes the number of retries to its length minus one.
 */
export function resolveAttemptPolicy(input: Partial<AttemptPolicy> | undefined): AttemptPolicy {
  const p: AttemptPolicy = { ...DEFAULT_ATTEMPT_POLICY, ...Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== undefined)) };
  intIn(p.retries, 0, LIMITS.maxRetries, 'retries');
  intIn(p.retryIntervalMinutes, 1, LIMITS.maxRetryIntervalMinutes, 'retryIntervalMinutes');
  intIn(p.agentMaxAttempts, 1, LIMITS.maxAgentAttempts, 'agentMaxAttempts');
  intIn(p.agentRetryIntervalMinutes, 1, LIMITS.maxRetryIntervalMinutes, 'agentRetryIntervalMinutes');
  const valid = new Set<string>(Object.values(RetryStatus));
  const bad = p.retryOn.find((s) => !valid.has(s));
  if (bad) throw badInput(`retryOn: "${bad}" is not one of BUSY, NO_ANSWER, FAILED`, `${F}.retryOn`);
  if (new Set(p.retryOn).size !== p.retryOn.length) throw badInput('retryOn lists a status twice', `${F}.retryOn`);
  if (p.retrySchedule) {
    const s = p.retrySchedule;
    if (!s.length || s.length > LIMITS.maxRetryScheduleEntries) {
      throw badInput(`retrySchedule needs 1 to ${LIMITS.maxRetryScheduleEntries} entries`, `${F}.retrySchedule`);
    }
    s.forEach((m, i) => intIn(m, 0, MAX_OFFSET_MINUTES, `retrySchedule.${i}`));
    if (s.some((m, i) => i > 0 && m <= s[i - 1]!)) throw badInput('retrySchedule must be strictly ascending', `${F}.retrySchedule`);
    if (p.retries !== 0 && p.retries !== s.length - 1) {
      throw badInput(`retries (${p.retries}) disagrees with retrySchedule (${s.length} attempts = ${s.length - 1} retries)`, `${F}.retries`);
    }
    p.retries = s.length - 1;
  }
  if (p.retries > 0 && !p.retryOn.length) throw badInput('retryOn must name at least one status when retries > 0', `${F}.retryOn`);
  return p;
}
