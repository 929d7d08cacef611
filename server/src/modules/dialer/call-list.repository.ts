import type { EntityManager } from '@mikro-orm/postgresql';
import type { LegStatus } from '../../entities/call-leg.entity.js';
import { escapeLike } from '../contact/contact.repository.js';

export interface CallLegRow {
  id: string;
  campaign_id: string;
  number_id: string | null;
  agent_id: string | null;
  kind: 'AGENT' | 'CUSTOMER';
  sid: string | null;
  to_number: string;
  status: LegStatus;
  cause: string | null;
  abandoned: boolean;
  machine: boolean;
  agent_attempt: number;
  customer_attempt: number;
  created_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
  duration_sec: number | null;
  recording_url: string | null;
  contact_name: string | null;
  agent_name: string | null;
}

export interface CallLegFilter {
  /** Part of the dialled number, in any spelling. */
  search?: string;
  status?: readonly LegStatus[];
  kind?: 'AGENT' | 'CUSTOMER';
  direction: 'asc' | 'desc';
}

/** A campaign's call legs (seed 004's call list). */
export class CallListRepository {
  constructor(private readonly em: EntityManager) {}

  async page(campaignId: string, filter: CallLegFilter, limit: number, offset: number): Promise<{ rows: CallLegRow[]; total: number }> {
    const where = ['l.campaign_id = ?'];
    const params: unknown[] = [campaignId];
    if (filter.search?.trim()) {
      where.push(`l.to_number like ?`);
      params.push(`%${escapeLike(filter.search.trim().replace(/[\s()-]/g, ''))}%`);
    }
    if (filter.kind) {
      where.push('l.kind = ?');
      params.push(filter.kind);
    }
    if (filter.status?.length) {
      where.push(`l.status in (${filter.status.map(() => '?').join(', ')})`);
      params.push(...filter.status);
    }
    const rows = await this.em.execute<(CallLegRow & { total: string })[]>(
      `select l.*, n.contact_name, a.name as agent_name, count(*) over () as total
         from call_leg l left join campaign_number n on n.id = l.number_id left join agent a on a.id = l.agent_id
        where ${where.join(' and ')} order by l.created_at ${filter.direction === 'asc' ? 'asc' : 'desc'}, l.id limit ? offset ?`,
      [...params, limit, offset],
    );
    return { rows, total: rows.length ? Number(rows[0]!.total) : 0 };
  }
}
