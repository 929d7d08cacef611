/**
 * Preview followups (seed 002): the owner launches a followup from its time; one not launched within
 * {@link FOLLOWUP_LAUNCH_WINDOW_MS} of its time expires.
 */

/** Seed 002: "five minutes from the scheduled start time ... before the system will automatically expire the call". */
export const FOLLOWUP_LAUNCH_WINDOW_MS = 5 * 60_000;

/**
 * A launch request the dialler has not been able to carry out for this long (the agent stayed busy,
 * the campaign was paused) no longer holds the followup back from expiring.
 */
export const LAUNCH_REQUEST_TTL_MS = 60_000;

/** When a followup due at `dueAt` expires if nobody launched it. */
export function followupExpiresAt(dueAt: Date): Date {
  return new Date(dueAt.getTime() + FOLLOWUP_LAUNCH_WINDOW_MS);
}

/** Where a followup stands for its owner at `now`: not due yet, launchable, or past its window. */
export function followupWindow(dueAt: Date, now: Date): 'NOT_DUE' | 'LAUNCHABLE' | 'EXPIRED' {
  if (now.getTime() < dueAt.getTime()) return 'NOT_DUE';
  return now.getTime() < followupExpiresAt(dueAt).getTime() ? 'LAUNCHABLE' : 'EXPIRED';
}
