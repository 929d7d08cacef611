import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { requireAdmin, requireSupervisor } from '../../auth/actor.js';
import type { Scope } from '../../auth/scope.js';
import type { Clock } from '../../clock.js';
import { MINUTE_MS } from '../../domain/campaign-rules.js';
import { badInput } from '../../domain/errors.js';
import { checkInboundTime, dropAddsCaller, InboundOutcome, type InboundSource } from '../../domain/missed-calls.js';
import { normalisePhone } from '../../domain/phone.js';
import { MissedCallRepository } from '../../engine/missed-call.repository.js';
import { OrganizationEntity } from '../../entities/index.js';
import type { Logger } from '../../logger.js';
import type { ContactService } from '../contact/contact.service.js';
import type { StatsService } from '../stats/stats.service.js';
import type { ReportInboundCallInput } from './inbound.input.js';
import { InboundRepository, type InboundCallRow } from './inbound.repository.js';
import type { InboundCallResult } from './inbound.type.js';

/** An inbound call event as the API and the signed hook take it (strings as sent). */
export interface InboundEventInput {
  caller: string;
  dialled?: string | null;
  outcome: string;
  at?: Date | string | null;
  sessionId?: string | null;
}

const OUTCOMES: readonly string[] = Object.values(InboundOutcome);

/**
 * Inbound call events and the missed-call rules (seed 001). An event comes from the API, the signed
 * HTTP hook or a telephony adapter; in one transaction (serialised per caller) it is recorded
 * (idempotent on the session id), an answered call removes the caller's pending numbers where the
 * rules say so, and a dropped session adds the caller to every campaign whose rule matches, or records
 * the drop on the number already pending there. Matching is on the normalised number, so directory
 * duplicates cannot block an add (the seed's trap): numbers are unique per directory.
 */
export class InboundService {
  constructor(
    private readonly clock: Clock,
    private readonly contacts: ContactService,
    private readonly stats: StatsService,
    private readonly log: Logger,
  ) {}

  /** `reportInboundCall`: supervisors, admins and API keys with the `inbound:write` scope. */
  report(scope: Scope, input: ReportInboundCallInput): Promise<InboundCallResult> {
    requireSupervisor(scope.actor, 'report inbound calls');
    return this.receive(scope.em, scope.actor.organizationId, input, 'API', 'input');
  }

  /** Creates (or replaces) the organisation's inbound-hook secret; shown once. Admins only. */
  async rotateHookSecret(scope: Scope): Promise<string> {
    requireAdmin(scope.actor, 'rotate the inbound hook secret');
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    await scope.em.nativeUpdate(OrganizationEntity, { id: scope.actor.organizationId }, { inboundHookSecret: secret });
    this.log.info({ organizationId: scope.actor.organizationId }, 'inbound hook secret rotated');
    return secret;
  }

  /** The organisation's hook secret (null: the hook is not enabled). */
  async hookSecret(em: EntityManager, organizationId: string): Promise<string | null> {
    const org = await em.findOne(OrganizationEntity, { id: organizationId }, { fields: ['inboundHookSecret'] });
    return org?.inboundHookSecret ?? null;
  }

  /** Validates, then applies the event in one transaction; an event already recorded returns what it did then. */
  async receive(em: EntityManager, organizationId: string, input: InboundEventInput, source: InboundSource, where = 'input'): Promise<InboundCallResult> {
    const now = this.clock.now();
    const caller = normalisePhone(String(input.caller ?? ''), `${where}.caller`);
    const dialled = input.dialled ? normalisePhone(String(input.dialled), `${where}.dialled`).e164 : null;
    if (!OUTCOMES.includes(input.outcome)) throw badInput(`${where}.outcome must be one of ${OUTCOMES.join(', ')}`, `${where}.outcome`);
    const outcome = input.outcome as InboundOutcome;
    const at = input.at ? checkInboundTime(input.at instanceof Date ? input.at : new Date(input.at), now, `${where}.at`) : now;
    const sessionId = input.sessionId?.trim() || null;
    if (sessionId && sessionId.length > 128) throw badInput(`${where}.sessionId is longer than 128 characters`, `${where}.sessionId`);

    const touched = new Set<string>();
    const result = await em.transactional(async (tx) => {
      const repo = new InboundRepository(tx);
      await repo.lockCaller(organizationId, caller.e164);
      const id = randomUUID();
      if (!(await repo.insert({ id, organizationId, sessionId, caller: caller.e164, dialled, outcome, at, source, now }))) {
        return toResult((await repo.bySession(organizationId, sessionId!))!, true);
      }
      const done = { addedTo: [] as string[], dropRecordedIn: [] as string[], cancelledIn: [] as string[] };
      if (outcome === InboundOutcome.ANSWERED) {
        const hit = await new MissedCallRepository(tx).cancelAnswered(organizationId, caller.e164, 'ANSWERED_INBOUND', at, now);
        done.cancelledIn = hit.map((h) => h.campaign_id);
      } else {
        const campaigns = (await repo.ruleCampaigns(organizationId)).filter((c) => dropAddsCaller(c.rules, outcome, dialled));
        let contactReady = false;
        for (const c of campaigns) {
          const pending = await repo.pendingNumber(c.id, caller.e164);
          if (pending) {
            await repo.recordDrop(pending, at, now);
            done.dropRecordedIn.push(c.id);
            continue;
          }
          if (!contactReady) {
            await this.contacts.contactForCaller(tx, organizationId, caller);
            contactReady = true;
          }
          const first = c.retry_schedule?.[0];
          await repo.addNumber(organizationId, c.id, caller.e164, at, now, first !== undefined ? new Date(now.getTime() + first * MINUTE_MS) : null);
          done.addedTo.push(c.id);
        }
      }
      await repo.saveOutcome(id, done);
      for (const c of [...done.addedTo, ...done.dropRecordedIn, ...done.cancelledIn]) touched.add(c);
      return { id, duplicate: false, ...done };
    });
    for (const c of touched) this.stats.publish(organizationId, c);
    if (!result.duplicate) this.log.info({ organizationId, source, outcome, added: result.addedTo.length, recorded: result.dropRecordedIn.length, cancelled: result.cancelledIn.length }, 'inbound call applied');
    return result;
  }
}

function toResult(r: InboundCallRow, duplicate: boolean): InboundCallResult {
  return { id: r.id, duplicate, addedTo: r.added_to, dropRecordedIn: r.drop_recorded_in, cancelledIn: r.cancelled_in };
}
