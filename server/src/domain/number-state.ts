/** State of one phone number inside one campaign (what the wallboard counts). */
export const NumberState = {
  SCHEDULED: 'SCHEDULED',
  IN_PROGRESS: 'IN_PROGRESS',
  RETRY: 'RETRY',
  RETRYING: 'RETRYING',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  FAILED_DND: 'FAILED_DND',
  FAILED_BALANCE: 'FAILED_BALANCE',
  FAILED_NO_ATTEMPT: 'FAILED_NO_ATTEMPT',
  INVALID: 'INVALID',
  CANCELLED: 'CANCELLED',
  EXPIRED: 'EXPIRED',
  /**
   * A call cut off by a crash or a shutdown after the customer had answered: never redialled blind;
   * it waits for its agent or a supervisor to follow up (book a followup, call again, or close it).
   */
  INTERRUPTED: 'INTERRUPTED',
} as const;
export type NumberState = (typeof NumberState)[keyof typeof NumberState];
export const NUMBER_STATES = Object.values(NumberState);

/** Why a number is in RETRY or FAILED. */
export const NumberReason = {
  AGENT_RESCHEDULED: 'AGENT_RESCHEDULED',
  CUSTOMER_RESCHEDULED: 'CUSTOMER_RESCHEDULED',
  AGENT_FAILED: 'AGENT_FAILED',
  CUSTOMER_FAILED: 'CUSTOMER_FAILED',
  UNREACHABLE: 'UNREACHABLE',
  INVALID_NUMBER: 'INVALID_NUMBER',
  CAMPAIGN_COMPLETED: 'CAMPAIGN_COMPLETED',
  SUPPRESSED: 'SUPPRESSED',
  /** Missed-call rule (seed 001): the caller got through on an answered inbound call before the attempt was due. */
  ANSWERED_INBOUND: 'ANSWERED_INBOUND',
  /** Missed-call rule (seed 001): an outbound call to the same number was answered (in another campaign) first. */
  ANSWERED_OUTBOUND: 'ANSWERED_OUTBOUND',
  /** The call was cut off by a crash or a shutdown of the dialler (INTERRUPTED, or FAILED when closed so). */
  CALL_INTERRUPTED: 'CALL_INTERRUPTED',
  /** The owner of a due preview followup chose not to make the call (CANCELLED). */
  SKIPPED: 'SKIPPED',
  /**
   * A followup in a campaign whose dial mode is not PREVIEW was filtered out (expired, or cancelled by a
   * suppression entry): seed 002's completion status for records a non-preview pass filters, kept so
   * the report shows that the campaign servicing followups was not a preview one.
   */
  INCOMPATIBLE_CHANNEL_TYPE: 'INCOMPATIBLE_CHANNEL_TYPE',
} as const;
export type NumberReason = (typeof NumberReason)[keyof typeof NumberReason];
export const NUMBER_REASONS = Object.values(NumberReason);

/** States the dialler never dials again by itself (a person may reopen COMPLETED and INTERRUPTED with a followup). */
export const FINAL_STATES: ReadonlySet<NumberState> = new Set([
  NumberState.COMPLETED,
  NumberState.FAILED,
  NumberState.FAILED_DND,
  NumberState.FAILED_BALANCE,
  NumberState.FAILED_NO_ATTEMPT,
  NumberState.INVALID,
  NumberState.CANCELLED,
  NumberState.EXPIRED,
  NumberState.INTERRUPTED,
]);

/** Roll-ups shown on the campaign list (seed 004 "Performance"). */
export const ROLLUP = {
  completed: [NumberState.COMPLETED],
  failed: [NumberState.FAILED, NumberState.FAILED_DND, NumberState.FAILED_BALANCE, NumberState.FAILED_NO_ATTEMPT, NumberState.INVALID],
  scheduled: [NumberState.SCHEDULED, NumberState.IN_PROGRESS, NumberState.RETRY, NumberState.RETRYING],
  interrupted: [NumberState.INTERRUPTED],
} as const satisfies Record<string, readonly NumberState[]>;
