import type { Clock } from '../../clock.js';
import { checkOutboundUrl, OutboundError, type OutboundPolicy } from '../../http/safe-fetch.js';
import { requireSupervisor } from '../../auth/actor.js';
import { newSigningSecret } from '../../auth/hook-signature.js';
import { resolveAttemptPolicy } from '../../domain/attempt-policy.js';
import { CampaignStatus, CompletionReason, nextCampaignStatus, type CampaignAction } from '../../domain/campaign-lifecycle.js';
import { MINUTE_MS, resolveCallingWindow, resolveCampaignSchedule } from '../../domain/campaign-rules.js';
import { assertId, assertInputId } from '../../domain/ids.js';
import { normalisePhone } from '../../domain/phone.js';
import { resolveCampaignRules } from '../../domain/missed-calls.js';
import { resolveOwnerPool } from '../../domain/owner-pool.js';
import { AgentGroupEntity, CampaignEntity, ContactListEntity } from '../../entities/index.js';
import { badInput, conflict, notFound } from '../../domain/errors.js';
import { DialerRepository } from '../../engine/dialer.repository.js';
import type { Scope } from '../../auth/scope.js';
import type { Logger } from '../../logger.js';
import type { StatsService } from '../stats/stats.service.js';
import { requireCampaignId, visibleGroupIds } from '../stats/campaign-access.js';
import { buildReportCsv, REPORT_MAX_ROWS, reportFilename, type ReportRow } from './campaign-report.js';
import { CampaignRepository } from './campaign.repository.js';
import type { CampaignReport } from './campaign.type.js';
import type { CampaignRulesInput, CampaignsArgs, CreateCampaignInput } from './campaign.input.js';

/** At most one lakh numbers per campaign (seed 004). */
export const MAX_CAMPAIGN_NUMBERS = 100_000;

/** Campaign creation, listing and lifecycle. Only supervisors and admins change campaigns (seed 004). */
export class CampaignService {
  constructor(
    private readonly clock: Clock,
    private readonly stats: StatsService,
    private readonly log: Logger,
    /** What the dialler's outbound requests may reach (webhooks, dial-whom, get-contacts): checked when a URL is set. */
    private readonly outbound: Pick<OutboundPolicy, 'allowAddresses'> = { allowAddresses: [] },
  ) {}

  async get(scope: Scope, id: string): Promise<CampaignEntity> {
    const found = await new CampaignRepository(scope.em).findById(scope.actor.organizationId, await requireCampaignId(scope, id));
    if (!found) throw notFound('campaign', id);
    return found;
  }

  /** The actor's campaigns: agents see only those of their groups (seed 004). */
  async page(scope: Scope, args: CampaignsArgs) {
    const search = args.search?.trim();
    if (search && search.length < 3) throw badInput('search needs at least 3 characters', 'search');
    return new CampaignRepository(scope.em).findPage(
      scope.actor.organizationId,
      { status: args.status, search: search || undefined, groups: (await visibleGroupIds(scope)) ?? undefined },
      { field: args.sortBy, direction: args.sortDirection },
      args.limit,
      args.offset,
    );
  }

  /** Validates everything first, then creates the campaign and its number snapshot in one transaction. */
  async create(scope: Scope, input: CreateCampaignInput): Promise<CampaignEntity> {
    requireSupervisor(scope.actor, 'create campaigns');
    const org = scope.actor.organizationId;
    const now = this.clock.now();
    const name = input.name.trim();
    if (!name) throw badInput('name is empty', 'input.name');
    const schedule = resolveCampaignSchedule({ startsAt: input.startsAt, endsAt: input.endsAt, infinite: input.infinite }, now);
    const window = resolveCallingWindow(input.callingWindow?.start, input.callingWindow?.end);
    const policy = resolveAttemptPolicy(input.attemptPolicy);
    const callerId = normalisePhone(input.callerId, 'input.callerId').e164;
    const groupId = assertInputId(input.groupId, 'input.groupId');
    const listId = input.listId ? assertInputId(input.listId, 'input.listId') : undefined;
    const rules = input.rules ? resolveCampaignRules(input.rules) : null;
    const ownerPool = input.ownerPool ? resolveOwnerPool(input.ownerPool, input.dialMode) : null;
    // URLs the server will fetch: http(s), no credentials, no private or loopback address (names are checked when fetched)
    for (const key of ['callCompletedUrl', 'callNoAnswerUrl', 'getContactsUrl', 'dialWhomUrl', 'statusCallbackUrl'] as const) {
      const url = input.webhooks?.[key];
      if (!url) continue;
      try {
        checkOutboundUrl(url, this.outbound);
      } catch (err) {
        if (err instanceof OutboundError) throw badInput(`input.webhooks.${key}: unsafe URL: ${err.message}`, `input.webhooks.${key}`, { reason: err.code });
        throw err;
      }
    }

    const dialWhom = Boolean(input.webhooks?.dialWhomUrl);
    if (listId && dialWhom) throw badInput('a campaign takes its numbers from a list or from a dial-whom URL, not both', 'input.listId');
    if (!listId && !input.infinite && !dialWhom) throw badInput('listId is required unless the campaign is infinite or takes its numbers from a dial-whom URL', 'input.listId');

    const campaign = await scope.em.transactional(async (em) => {
      const repo = new CampaignRepository(em);
      const group = await em.findOne(AgentGroupEntity, { id: groupId, organization: org });
      if (!group) throw notFound('agent group', groupId);
      let list: ContactListEntity | null = null;
      if (listId) {
        list = await em.findOne(ContactListEntity, { id: listId, organization: org });
        if (!list) throw notFound('contact list', listId);
        const n = await repo.countListNumbers(org, listId);
        if (n === 0 && !input.infinite) throw badInput('the contact list has no numbers', 'input.listId');
        if (n > MAX_CAMPAIGN_NUMBERS) {
          throw badInput(`the list has ${n} numbers; a campaign takes at most ${MAX_CAMPAIGN_NUMBERS}`, 'input.listId');
        }
      }
      const w = input.webhooks;
      const entity = em.create(CampaignEntity, {
        organization: org,
        name,
        dialMode: input.dialMode,
        status: CampaignStatus.SCHEDULED,
        list,
        group,
        callerId,
        startsAt: schedule.startsAt,
        endsAt: schedule.endsAt,
        windowStartMinute: window.startMinute,
        windowEndMinute: window.endMinute,
        retries: policy.retries,
        retryIntervalMinutes: policy.retryIntervalMinutes,
        retryOn: policy.retryOn,
        retrySchedule: policy.retrySchedule,
        agentMaxAttempts: policy.agentMaxAttempts,
        agentRetryIntervalMinutes: policy.agentRetryIntervalMinutes,
        continueOnNotConnected: policy.continueOnNotConnected,
        priority: input.priority,
        abandonRateCap: input.abandonRateCap,
        maxDialRatio: input.maxDialRatio,
        callType: input.callType,
        wrapUpSeconds: input.wrapUpSeconds ?? 15,
        ringTimeoutSeconds: input.ringTimeoutSeconds ?? 20,
        popupUrl: w?.popupUrl ?? null,
        callCompletedUrl: w?.callCompletedUrl ?? null,
        callNoAnswerUrl: w?.callNoAnswerUrl ?? null,
        getContactsUrl: w?.getContactsUrl ?? null,
        dialWhomUrl: w?.dialWhomUrl ?? null,
        statusCallbackUrl: w?.statusCallbackUrl ?? null,
        webhookSecret: newSigningSecret(),
        createdAt: now,
        updatedAt: now,
        completedAt: null,
        rules,
        ownerPool,
      });
      await em.flush();
      if (listId) {
        const firstAt = policy.retrySchedule ? new Date(now.getTime() + policy.retrySchedule[0]! * MINUTE_MS) : null;
        const copied = await repo.snapshotList(org, entity.id, listId, now, firstAt);
        this.log.info({ campaignId: entity.id, numbers: copied }, 'campaign created');
      }
      return entity;
    });
    this.stats.publish(org, campaign.id);
    this.stats.publishCampaign(campaign);
    return campaign;
  }

  /**
   * Pause, resume, complete (only from PAUSED; undialled numbers become FAILED_NO_ATTEMPT) or
   * archive (only COMPLETED or SCHEDULED). Illegal moves are refused with ILLEGAL_TRANSITION.
   */
  async transition(scope: Scope, id: string, action: CampaignAction): Promise<CampaignEntity> {
    requireSupervisor(scope.actor, `${action} campaigns`);
    const campaignId = assertId(id, 'campaign');
    const campaign = await scope.em.transactional(async (em) => {
      const repo = new CampaignRepository(em);
      const c = await repo.lock(scope.actor.organizationId, campaignId);
      if (!c) throw notFound('campaign', id);
      const now = this.clock.now();
      c.status = nextCampaignStatus(c.status, action);
      c.updatedAt = now;
      if (c.status === CampaignStatus.COMPLETED) {
        c.completedAt = now;
        c.completionReason = CompletionReason.SUPERVISOR;
        const failed = await new DialerRepository(em).failUnattempted(c.id, now);
        this.log.info({ campaignId: c.id, failedNoAttempt: failed }, 'campaign completed');
      }
      await em.flush();
      return c;
    });
    this.stats.publish(scope.actor.organizationId, campaign.id);
    this.stats.publishCampaign(campaign);
    return campaign;
  }

  /** Replaces a campaign's missed-call rules (seed 001); refused once the campaign is completed or archived. */
  async setRules(scope: Scope, id: string, input: CampaignRulesInput): Promise<CampaignEntity> {
    requireSupervisor(scope.actor, 'edit campaign rules');
    const campaignId = assertId(id, 'campaign');
    const rules = resolveCampaignRules(input, 'rules');
    const campaign = await scope.em.transactional(async (em) => {
      const c = await new CampaignRepository(em).lock(scope.actor.organizationId, campaignId);
      if (!c) throw notFound('campaign', id);
      if (c.status === CampaignStatus.COMPLETED || c.status === CampaignStatus.ARCHIVED) {
        throw conflict(`the campaign is ${c.status.toLowerCase()}: its rules no longer change`, { status: c.status });
      }
      c.rules = rules;
      c.updatedAt = this.clock.now();
      await em.flush();
      return c;
    });
    this.stats.publishCampaign(campaign);
    return campaign;
  }

  /**
   * The campaign report: one CSV row per number with its latest call, owner and custom fields.
   * Supervisors and admins only; refused (CONFLICT) above {@link REPORT_MAX_ROWS} numbers.
   */
  async report(scope: Scope, campaignId: string): Promise<CampaignReport> {
    requireSupervisor(scope.actor, 'download campaign reports');
    const id = await requireCampaignId(scope, campaignId);
    const repo = new CampaignRepository(scope.em);
    const campaign = (await repo.findById(scope.actor.organizationId, id))!;
    const found = await repo.reportRows(id, REPORT_MAX_ROWS + 1);
    if (found.length > REPORT_MAX_ROWS) {
      throw conflict(`the campaign has more than ${REPORT_MAX_ROWS} numbers, too many for one report`, { limit: REPORT_MAX_ROWS });
    }
    const rows: ReportRow[] = found.map((r) => ({
      contactName: r.contact_name,
      number: r.e164,
      timeZones: r.time_zones,
      state: r.state,
      reason: r.reason,
      agentAttempts: r.agent_attempts,
      customerAttempts: r.customer_attempts,
      dialCount: r.dial_count,
      lastCallStatus: r.last_status,
      lastCallAt: r.last_at ? new Date(r.last_at) : null,
      lastCallDurationSec: r.last_duration,
      disposition: r.disposition,
      ownerAgentName: r.owner_name,
      nextAttemptAt: r.next_attempt_at ? new Date(r.next_attempt_at) : null,
      fields: r.contact_fields ?? {},
    }));
    return { filename: reportFilename(campaign.name, this.clock.now()), csv: buildReportCsv(rows), rows: rows.length };
  }
}
