import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../clock.js';
import type { DialMode } from '../domain/campaign-options.js';
import { transition, type NumberEvent } from '../domain/number-machine.js';
import type { Logger } from '../logger.js';
import type { DialerEvents } from './events.js';
import { DialerRepository, policyOf, snapshotOf } from './dialer.repository.js';

export interface OrphanDeps {
  orm: MikroORM;
  clock: Clock;
  log: Logger;
  events: DialerEvents;
}

/**
 * Settles numbers left IN_PROGRESS/RETRYING with no live leg behind them (after a crash, a
 * shutdown or a lost call), by the last leg of their attempt:
 * - a customer who had answered: INTERRUPTED, handed to the agent who was talking (never redialled blind);
 * - a customer leg that was placed: the attempt counts and the number is rescheduled within its budget;
 * - an agent-first record whose agent leg was ringing: the agent attempt counts; answered: back in line;
 * - no leg at all: back in line without spending anything.
 * `numberIds`: only these (the numbers of legs just closed); omitted: every stranded number (at start,
 * before any runner exists). Returns how many numbers moved.
 */
export async function settleStrandedNumbers(d: OrphanDeps, numberIds?: string[]): Promise<number> {
  if (numberIds && !numberIds.length) return 0;
  const em = d.orm.em.fork();
  const now = d.clock.now();
  let settled = 0;
  for (const n of await new DialerRepository(em).strandedNumbers(numberIds)) {
    await em.transactional(async (tx) => {
      const repo = new DialerRepository(tx);
      const row = await repo.lockNumber(n.id);
      const c = await repo.campaign(n.campaign_id);
      if (!row || !c || (row.state !== 'IN_PROGRESS' && row.state !== 'RETRYING')) return;
      const event: NumberEvent = n.kind === 'CUSTOMER' ? { type: 'INTERRUPTED', customer: n.answered ? 'ANSWERED' : 'PLACED' }
        : n.kind === 'AGENT' ? { type: 'INTERRUPTED', agent: n.answered ? 'ANSWERED' : 'PLACED' }
        : { type: 'RECOVERED' };
      const t = transition(snapshotOf(row), event, { mode: c.dial_mode as DialMode, policy: policyOf(c), now, campaignCompleted: c.status === 'COMPLETED' });
      await repo.saveNumber(n.id, t, now);
      if (t.state === 'INTERRUPTED') await repo.handInterrupted(n.id, c.dial_mode === 'PREDICTIVE' ? null : n.agent_id, now);
      settled++;
      if (repo.touchedAgents.size) d.events.agentsChanged(repo.touchedAgents);
    });
    d.events.campaignChanged(n.organization_id, n.campaign_id);
  }
  return settled;
}

/** Closes legs nobody tracks any more (see {@link DialerRepository.closeLegs}) and settles their numbers. */
export async function closeOrphanLegs(d: OrphanDeps, by: Parameters<DialerRepository['closeLegs']>[0], cause: string): Promise<{ legs: number; numbers: number }> {
  const repo = new DialerRepository(d.orm.em.fork());
  const closed = await repo.closeLegs(by, cause, d.clock.now());
  if (repo.touchedAgents.size) d.events.agentsChanged(repo.touchedAgents);
  const numbers = await settleStrandedNumbers(d, [...new Set(closed.map((l) => l.number_id).filter((x): x is string => !!x))]);
  return { legs: closed.length, numbers };
}
