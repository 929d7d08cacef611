import type { Clock } from '../../clock.js';
import { requireSupervisor } from '../../auth/actor.js';
import type { Scope } from '../../auth/scope.js';
import { notFound } from '../../domain/errors.js';
import { assertId } from '../../domain/ids.js';
import { normalisePhone } from '../../domain/phone.js';
import type { AddSuppressionInput, ImportSuppressionsCsvInput, SuppressionsArgs } from './dialer.input.js';
import type { Suppression, SuppressionImportResult, SuppressionPage } from './dialer.type.js';
import { SuppressionRepository, type SuppressionRow } from './suppression.repository.js';
import { parseSuppressionCsv } from './suppression-csv.js';
import { requireCampaignId } from '../stats/campaign-access.js';

/** The suppression (DND) list: supervisors and admins read and change it; the pre-dial guard enforces it. */
export class SuppressionService {
  constructor(private readonly clock: Clock) {}

  /** Newest first; `search` matches part of a number (any spelling), a client id or the reason. */
  async page(scope: Scope, args: SuppressionsArgs): Promise<SuppressionPage> {
    requireSupervisor(scope.actor, 'read the suppression list');
    const { rows, total } = await new SuppressionRepository(scope.em).page(scope.actor.organizationId, { kind: args.kind, search: args.search }, args.limit, args.offset);
    return { items: rows.map(toSuppression), totalCount: total };
  }

  /**
   * Numbers are normalised so any spelling of a number matches; the guard re-checks before every dial.
   * With a campaign, the entry applies to that campaign only: its waiting followups for the number or
   * client id are cancelled (seed 002), its other waiting numbers fail as DND, within 15 s.
   */
  async add(scope: Scope, input: AddSuppressionInput): Promise<Suppression> {
    requireSupervisor(scope.actor, 'change the suppression list');
    const value = input.kind === 'NUMBER' ? normalisePhone(input.value, 'input.value').e164 : input.value.trim();
    const campaignId = input.campaignId ? await requireCampaignId(scope, input.campaignId) : null;
    return toSuppression(await new SuppressionRepository(scope.em).upsert(scope.actor.organizationId, input.kind, value, input.reason ?? null, campaignId, this.clock.now()));
  }

  async remove(scope: Scope, id: string): Promise<boolean> {
    requireSupervisor(scope.actor, 'change the suppression list');
    if (!(await new SuppressionRepository(scope.em).remove(scope.actor.organizationId, assertId(id, 'suppression')))) throw notFound('suppression', id);
    return true;
  }

  /**
   * Adds every good row of a suppression CSV in one transaction (rows already listed are counted,
   * not changed); bad rows are reported with their line. A file that cannot be read changes nothing.
   */
  async importCsv(scope: Scope, input: ImportSuppressionsCsvInput): Promise<SuppressionImportResult> {
    requireSupervisor(scope.actor, 'change the suppression list');
    const parsed = parseSuppressionCsv(input.csv, input.defaultRegion?.toUpperCase());
    const seen = new Set<string>();
    const entries = parsed.entries.filter((e) => {
      const k = `${e.kind}:${e.value}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const now = this.clock.now();
    const added = await scope.em.transactional((tx) => new SuppressionRepository(tx).addMissing(scope.actor.organizationId, entries, now));
    return { rows: parsed.rows, added, alreadyListed: entries.length - added, errors: parsed.errors };
  }
}

function toSuppression(r: SuppressionRow): Suppression {
  return { id: r.id, kind: r.kind, value: r.value, reason: r.reason, campaignId: r.campaign_id, campaignName: r.campaign_name, createdAt: new Date(r.created_at) };
}
