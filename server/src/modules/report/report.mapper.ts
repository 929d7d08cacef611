import type { CallReportRow as CallRow, NumberReportRow as NumberRow } from './report.repository.js';
import type { CallReportRow, NumberReportRow } from './report.type.js';

export function toCallReportRow(r: CallRow): CallReportRow {
  return {
    legId: r.leg_id, campaignId: r.campaign_id, campaign: r.campaign_name, sid: r.sid, contactName: r.contact_name, clientId: r.client_id,
    number: r.number, dialled: r.dialled, agent: r.agent_name, legKind: r.kind, status: r.status, cause: r.cause, createdAt: r.created_at,
    answeredAt: r.answered_at, endedAt: r.ended_at, durationSec: r.duration_sec, recordingUrl: r.recording_url, agentAttempt: r.agent_attempt,
    customerAttempt: r.customer_attempt, rescheduleAgentCall: r.reschedule_agent_call, rescheduleCustomerCall: r.reschedule_customer_call,
    disposition: r.disposition, abandoned: r.abandoned, machine: r.machine,
  };
}

export function toNumberReportRow(r: NumberRow): NumberReportRow {
  return {
    numberId: r.number_id, contactName: r.contact_name, number: r.number, clientId: r.client_id, timeZones: r.time_zones, state: r.state, reason: r.reason,
    agentAttempts: r.agent_attempts, customerAttempts: r.customer_attempts, dialCount: r.dial_count, lastCallStatus: r.last_call_status,
    lastCallAt: r.last_call_at, lastCallDurationSec: r.last_call_duration_sec, disposition: r.disposition, ownerAgent: r.owner_agent,
    nextAttemptAt: r.next_attempt_at, rescheduleAgentCall: r.reschedule_agent_call, rescheduleCustomerCall: r.reschedule_customer_call,
    fields: Object.entries(r.contact_fields ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, value: String(value) })),
  };
}
