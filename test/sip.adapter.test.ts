import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../server/src/logger.js';
import type { LegEvent } from '../server/src/telephony/port.js';
import { SipTelephony } from '../server/src/telephony/sip/sip-telephony.js';
import { heardBy, startPhone, type Phone } from './helpers/baresip.js';
import { dominant, powerAt } from './helpers/tone.js';
import { freePort } from './helpers/child.js';

/**
 * The SIP adapter against real SIP phones (baresip on 127.0.0.1; the adapter on 127.0.0.2, see
 * SipTelephony): legs answered, refused busy, rung out and cancelled, hung up from either side, and
 * two answered legs bridged so their media flows phone to phone.
 */
let sipPort: number;
let telephony: SipTelephony;
const events: LegEvent[] = [];
const phones: Phone[] = [];

beforeAll(async () => {
  sipPort = await freePort();
  telephony = new SipTelephony({ bindAddress: '127.0.0.2', bindPort: sipPort, trunkUri: 'sip:127.0.0.1:5999' }, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  telephony.onEvent((e) => events.push(e));
});
afterAll(async () => {
  await telephony?.close();
  for (const p of phones) await p.stop();
});

async function phone(user: string, answer: 'auto' | 'manual', toneHz?: number): Promise<Phone> {
  const p = await startPhone({ user, answer, toneHz });
  phones.push(p);
  return p;
}

async function until(legId: string, type: string, timeoutMs = 15_000): Promise<LegEvent> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const e = events.find((x) => x.legId === legId && x.type === type);
    if (e) return e;
    if (Date.now() > end) throw new Error(`no ${type} for ${legId}; got ${JSON.stringify(events.filter((x) => x.legId === legId))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const of = (legId: string) => events.filter((e) => e.legId === legId).map((e) => [e.type, e.cause ?? null, e.by ?? null]);

describe('SIP adapter against baresip phones', () => {
  it('a phone that answers by itself: RINGING then ANSWERED; our hang-up sends BYE (HUNGUP by local) and the phone hangs up too', async () => {
    const agent = await phone('agent1', 'auto');
    const { sid } = await telephony.originate({ legId: 'leg-auto', kind: 'AGENT', to: agent.uri, callerId: '+912240001234', ringTimeoutSec: 20 });
    await until('leg-auto', 'ANSWERED');
    expect((await telephony.activeCalls()).has(sid)).toBe(true);
    expect(agent.output()).toMatch(/Call established/);
    await telephony.hangup(sid);
    expect(of('leg-auto')).toEqual([['RINGING', null, null], ['ANSWERED', null, null], ['HUNGUP', 'NORMAL_CLEARING', 'local']]);
    await expect.poll(() => /Call terminated|closed|BYE/i.test(agent.output()), { timeout: 5_000 }).toBe(true);
    expect((await telephony.activeCalls()).has(sid)).toBe(false);
  });

  it('a phone that refuses is BUSY (486); one nobody answers rings out and is cancelled (NO_ANSWER, 487)', async () => {
    const busy = await phone('busy1', 'manual');
    await telephony.originate({ legId: 'leg-busy', kind: 'CUSTOMER', to: busy.uri, callerId: '+912240001234', ringTimeoutSec: 20 });
    await until('leg-busy', 'RINGING');
    expect((await busy.command('hangup')).ok).toBe(true); // refusing an incoming call answers 486
    const b = await until('leg-busy', 'BUSY');
    expect(b.cause).toBe('SIP_486');

    const silent = await phone('silent1', 'manual');
    const started = Date.now();
    await telephony.originate({ legId: 'leg-silent', kind: 'CUSTOMER', to: silent.uri, callerId: '+912240001234', ringTimeoutSec: 2 });
    const n = await until('leg-silent', 'NO_ANSWER');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(n.cause).toBe('CANCELLED'); // our CANCEL, confirmed by the phone's 487
    expect(of('leg-silent')).toEqual([['RINGING', null, null], ['NO_ANSWER', 'CANCELLED', null]]);
  });

  it('a customer who rings for a while and then answers; the far end hanging up is HUNGUP by remote', async () => {
    const slow = await phone('slow1', 'manual');
    await telephony.originate({ legId: 'leg-slow', kind: 'CUSTOMER', to: slow.uri, callerId: '+912240001234', ringTimeoutSec: 30 });
    await until('leg-slow', 'RINGING');
    await new Promise((r) => setTimeout(r, 3_000));
    expect(of('leg-slow')).toEqual([['RINGING', null, null]]);
    expect((await slow.command('accept')).ok).toBe(true);
    await until('leg-slow', 'ANSWERED');
    expect((await slow.command('hangup')).ok).toBe(true);
    const h = await until('leg-slow', 'HUNGUP');
    expect(h.by).toBe('remote');
  });

  it('bridges two answered legs: each phone is re-INVITEd with the other\'s media; each hears the other\'s tone', async () => {
    const agent = await phone('agent2', 'auto', 440);
    const customer = await phone('cust2', 'auto', 1000);
    const a = await telephony.originate({ legId: 'leg-a', kind: 'AGENT', to: agent.uri, callerId: '+912240001234', ringTimeoutSec: 20 });
    await until('leg-a', 'ANSWERED');
    const c = await telephony.originate({ legId: 'leg-c', kind: 'CUSTOMER', to: customer.uri, callerId: '+912240001234', ringTimeoutSec: 20 });
    await until('leg-c', 'ANSWERED');
    await telephony.bridge(a.sid, c.sid);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(agent.output().match(/got re-INVITE/g)).toHaveLength(1); // the bridge
    await telephony.hangup(c.sid);
    // the customer left: the agent's phone is parked again (a second re-INVITE) rather than left sending to nobody
    await expect.poll(() => agent.output().match(/got re-INVITE/g)?.length, { timeout: 3_000 }).toBe(2);
    await telephony.hangup(a.sid);
    // what each phone heard (baresip's sndfile module writes the decoded audio of a call): the other's tone
    const agentHeard = await heardBy(agent);
    const customerHeard = await heardBy(customer);
    expect(agentHeard.samples.length / agentHeard.channels / agentHeard.rate).toBeGreaterThan(1); // over a second of sound
    expect(customerHeard.samples.length / customerHeard.channels / customerHeard.rate).toBeGreaterThan(1);
    // the tone stands out: its power is over 20 times that of any other frequency tried (silence would fail)
    const standsOut = (w: typeof agentHeard, hz: number) => {
      const others = [440, 1000, 300, 2000, 3100].filter((f) => f !== hz).map((f) => powerAt(w.samples, w.rate, f, w.channels));
      return powerAt(w.samples, w.rate, hz, w.channels) > 20 * Math.max(...others);
    };
    expect(dominant(agentHeard, [440, 1000, 300, 2000])).toBe(1000); // the agent heard the customer's 1 kHz
    expect(standsOut(agentHeard, 1000)).toBe(true);
    expect(dominant(customerHeard, [440, 1000, 300, 2000])).toBe(440); // the customer heard the agent's 440 Hz
    expect(standsOut(customerHeard, 440)).toBe(true);
    // each phone now receives the other's RTP: "incoming rtp ... receiving from <the other phone's RTP address>"
    const from = (p: Phone) => /incoming rtp for 'audio' established, receiving from ([\d.]+):(\d+)/.exec(p.output());
    await expect.poll(() => Boolean(from(agent) && from(customer)), { timeout: 5_000 }).toBe(true);
    const within = (port: number, p: Phone) => port >= p.rtpPorts[0] && port <= p.rtpPorts[1];
    expect(within(Number(from(agent)![2]), customer)).toBe(true); // the agent hears the customer's phone
    expect(within(Number(from(customer)![2]), agent)).toBe(true); // and the customer the agent's
  });
});

describe('SIP adapter: calls in', () => {
  it('an inbound call nobody answers rings until the caller hangs up, then is reported as missed with caller, dialled number and session', async () => {
    const port = await freePort();
    const inbound = new SipTelephony({ bindAddress: '127.0.0.2', bindPort: port, trunkUri: 'sip:127.0.0.1:5999', inboundRingSec: 30, inboundFrom: ['127.0.0.1'] }, createLogger('silent'));
    const missed: { caller: string; dialled: string | null; sessionId: string }[] = [];
    inbound.onInbound((c) => missed.push(c));
    try {
      const caller = await phone('+919811100077', 'auto');
      expect((await caller.command('dial', `sip:+912240009999@127.0.0.2:${port}`)).ok).toBe(true);
      await expect.poll(() => /180 Ringing|ringing/i.test(caller.output()), { timeout: 5_000 }).toBe(true);
      await new Promise((r) => setTimeout(r, 500));
      expect(missed).toEqual([]); // still ringing
      expect((await caller.command('hangup')).ok).toBe(true);
      await expect.poll(() => missed.length, { timeout: 5_000 }).toBe(1);
      expect(missed[0]).toMatchObject({ caller: '+919811100077', dialled: '+912240009999' });
      expect(missed[0]!.sessionId.length).toBeGreaterThan(5);
    } finally {
      await inbound.close();
    }
  });

  it('refuses (403) and never reports a call from an address that is not the trunk', async () => {
    const port = await freePort();
    const guarded = new SipTelephony({ bindAddress: '127.0.0.2', bindPort: port, trunkUri: 'sip:127.0.0.9:5999', inboundFrom: ['127.0.0.9'] }, createLogger('silent'));
    const missed: unknown[] = [];
    guarded.onInbound((c) => missed.push(c));
    try {
      const stranger = await phone('+919811100066', 'auto');
      expect((await stranger.command('dial', `sip:+912240009999@127.0.0.2:${port}`)).ok).toBe(true);
      await expect.poll(() => /403 Forbidden/i.test(stranger.output()), { timeout: 5_000 }).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(missed).toEqual([]);
    } finally {
      await guarded.close();
    }
  });
});

describe('SIP adapter: a far end that vanishes', () => {
  it('an answered leg whose phone dies without a BYE is ended as HUNGUP by remote, cause LOST (OPTIONS keep-alives)', async () => {
    const port = await freePort();
    const probing = new SipTelephony({ bindAddress: '127.0.0.2', bindPort: port, trunkUri: 'sip:127.0.0.1:5999', keepaliveSec: 1, keepaliveTimeoutSec: 1.5 }, createLogger('silent'));
    const seen: LegEvent[] = [];
    probing.onEvent((e) => seen.push(e));
    try {
      const doomed = await phone('doomed1', 'auto');
      const { sid } = await probing.originate({ legId: 'leg-doomed', kind: 'CUSTOMER', to: doomed.uri, callerId: '+912240001234', ringTimeoutSec: 20 });
      await expect.poll(() => seen.some((e) => e.type === 'ANSWERED'), { timeout: 10_000 }).toBe(true);
      await new Promise((r) => setTimeout(r, 2_500)); // keep-alives answered meanwhile: still up
      expect(seen.map((e) => e.type)).toEqual(['RINGING', 'ANSWERED']);
      await doomed.kill();
      const killedAt = Date.now();
      await expect.poll(() => seen.find((e) => e.type === 'HUNGUP'), { timeout: 6_000 }).toMatchObject({ cause: 'LOST', by: 'remote', sid });
      expect(Date.now() - killedAt).toBeLessThan(4_000);
      expect((await probing.activeCalls()).has(sid)).toBe(false);
    } finally {
      await probing.close();
    }
  });
});
