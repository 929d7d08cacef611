import type { Scope } from '../../auth/scope.js';
import type { LegStatus } from '../../entities/call-leg.entity.js';
import { requireCampaignId } from '../stats/campaign-access.js';
import { CallListRepository, type CallLegRow } from './call-list.repository.js';
import type { CallLegsArgs } from './dialer.input.js';
import type { CallLeg } from './dialer.type.js';

/** The call list (seed 004): search by number, filter by status, sort by date; an agent sees their groups' campaigns only. */
export class CallListService {
  async page(scope: Scope, args: CallLegsArgs): Promise<{ items: CallLeg[]; totalCount: number }> {
    const campaignId = await requireCampaignId(scope, args.campaignId);
    const { rows, total } = await new CallListRepository(scope.em).page(
      campaignId, { search: args.search, status: args.status as LegStatus[] | undefined, kind: args.kind, direction: args.sortDirection === 'ASC' ? 'asc' : 'desc' }, args.limit, args.offset);
    return { totalCount: total, items: rows.map(toCallLeg) };
  }
}

function toCallLeg(r: CallLegRow): CallLeg {
  return {
    id: r.id, campaignId: r.campaign_id, numberId: r.number_id, agentId: r.agent_id, kind: r.kind, sid: r.sid, number: r.to_number,
    contactName: r.contact_name ?? null, status: r.status, cause: r.cause, abandoned: r.abandoned, machine: r.machine,
    agentAttempt: r.agent_attempt, customerAttempt: r.customer_attempt, createdAt: new Date(r.created_at),
    answeredAt: r.answered_at ? new Date(r.answered_at) : null, endedAt: r.ended_at ? new Date(r.ended_at) : null,
    durationSec: r.duration_sec, recordingUrl: r.recording_url, agentName: r.agent_name, direction: 'OUTBOUND',
  };
}
