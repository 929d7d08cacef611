/**
 * The engine's outbound port: what happened, told after each commit. The engine defines it and
 * knows nothing of who listens; modules implement it (live counters and console pushes today,
 * webhooks later) and `app.ts` wires them in.
 */
export interface DialerEvents {
  /** A campaign's numbers, legs or counters changed (committed). */
  campaignChanged(organizationId: string, campaignId: string): void;
  /** A campaign's status changed without a user asking (its start or end time came). */
  campaignStatusChanged(organizationId: string, campaignId: string): void;
  /** These agents' states or legs changed (committed). */
  agentsChanged(agentIds: Iterable<string>): void;
}
