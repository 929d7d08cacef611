export const DialMode = {
  PROGRESSIVE: 'PROGRESSIVE',
  AGENT_FIRST_FLOW: 'AGENT_FIRST_FLOW',
  PREDICTIVE: 'PREDICTIVE',
  PREVIEW: 'PREVIEW',
} as const;
export type DialMode = (typeof DialMode)[keyof typeof DialMode];

/** Call outcomes that trigger a customer retry (seed 004 "Retry call with Status"). */
export const RetryStatus = { BUSY: 'BUSY', NO_ANSWER: 'NO_ANSWER', FAILED: 'FAILED' } as const;
export type RetryStatus = (typeof RetryStatus)[keyof typeof RetryStatus];

export const CallType = { TRANSACTIONAL: 'TRANSACTIONAL', PROMOTIONAL: 'PROMOTIONAL' } as const;
export type CallType = (typeof CallType)[keyof typeof CallType];

/** Campaign option limits, shared by input validation and the web form. */
export const LIMITS = {
  maxRetries: 3,
  maxRetryIntervalMinutes: 7 * 24 * 60,
  maxAgentAttempts: 10,
  maxRetryScheduleEntries: 4,
  maxAbandonRateCap: 0.03,
  /** Lines per ready agent at most: a list answered 20% of the time needs about 6; the abandon cap keeps it safe. */
  maxDialRatio: 10,
  /** A customer call rings at least this long before it counts as unanswered (Ofcom, FTC: 15 s or 4 rings). */
  minRingTimeoutSeconds: 15,
  nameMax: 200,
  pageMax: 200,
} as const;
