import { badInput } from './errors.js';
import { normalisePhone } from './phone.js';

/** How an inbound call ended (seed 001). */
export const InboundOutcome = {
  ANSWERED: 'ANSWERED',
  /** The caller hung up while waiting in the queue for an operator. */
  DROPPED_IN_QUEUE: 'DROPPED_IN_QUEUE',
  /** The caller hung up in the voice menu (IVR), before reaching the queue. */
  DROPPED_IN_IVR: 'DROPPED_IN_IVR',
} as const;
export type InboundOutcome = (typeof InboundOutcome)[keyof typeof InboundOutcome];

/** Where an inbound call event came from. */
export type InboundSource = 'API' | 'HOOK' | 'SIP';

/**
 * A campaign's rules, as in seed 001's case study: a dropped session whose dialled number matches
 * adds the caller to the campaign; an answered call with the organisation removes a pending number.
 * The "call again" offsets are the campaign's retry schedule (attempt policy).
 */
export interface CampaignRules {
  /** Add the caller when a session to one of these numbers is dropped; null: no adding. */
  addOnDrop: {
    /** Dialled numbers (E.164) that count; empty: every number of the organisation. */
    dialledNumbers: string[];
    /** Drops in the voice menu count too (the IVR tree must allow it, seed 001). */
    includeIvrDrops: boolean;
  } | null;
  /** A pending number is removed (CANCELLED) once the same number has an answered inbound or outbound call. */
  removeOnAnswered: boolean;
}

export const MAX_RULE_NUMBERS = 50;

/** Validates and normalises rules from the API (numbers to E.164, duplicates dropped). */
export function resolveCampaignRules(
  input: { addOnDrop?: { dialledNumbers?: string[] | null; includeIvrDrops?: boolean | null } | null; removeOnAnswered?: boolean | null },
  field = 'input.rules',
): CampaignRules {
  let addOnDrop: CampaignRules['addOnDrop'] = null;
  if (input.addOnDrop) {
    const raw = input.addOnDrop.dialledNumbers ?? [];
    if (raw.length > MAX_RULE_NUMBERS) throw badInput(`at most ${MAX_RULE_NUMBERS} dialled numbers per rule`, `${field}.addOnDrop.dialledNumbers`);
    const numbers = raw.map((n, i) => normalisePhone(n, `${field}.addOnDrop.dialledNumbers.${i}`).e164);
    addOnDrop = { dialledNumbers: [...new Set(numbers)], includeIvrDrops: input.addOnDrop.includeIvrDrops ?? false };
  }
  return { addOnDrop, removeOnAnswered: input.removeOnAnswered ?? true };
}

/** Whether a dropped session adds its caller to a campaign with these rules. */
export function dropAddsCaller(rules: CampaignRules | null, outcome: InboundOutcome, dialled: string | null): boolean {
  const add = rules?.addOnDrop;
  if (!add) return false;
  if (outcome === InboundOutcome.ANSWERED) return false;
  if (outcome === InboundOutcome.DROPPED_IN_IVR && !add.includeIvrDrops) return false;
  return add.dialledNumbers.length === 0 || (dialled !== null && add.dialledNumbers.includes(dialled));
}

/** How far an inbound event's time may be ahead of ours (clock skew), and how old it may be. */
export const INBOUND_MAX_SKEW_MS = 5 * 60_000;
export const INBOUND_MAX_AGE_MS = 7 * 24 * 3600_000;

/** Checks an event's time: not in the future beyond skew, not older than a week. */
export function checkInboundTime(at: Date, now: Date, field = 'input.at'): Date {
  if (Number.isNaN(at.getTime())) throw badInput('at is not a valid date', field);
  if (at.getTime() > now.getTime() + INBOUND_MAX_SKEW_MS) throw badInput(`at ${at.toISOString()} is in the future (now is ${now.toISOString()})`, field);
  if (at.getTime() < now.getTime() - INBOUND_MAX_AGE_MS) throw badInput(`at ${at.toISOString()} is more than 7 days old`, field);
  return at;
}
