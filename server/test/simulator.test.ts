import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import type { LegEvent } from '../src/telephony/port.js';
import { CallSimulator } from '../src/telephony/simulator.js';

function run(seed: number, calls: number) {
  const clock = new ManualClock('2026-11-23T10:00:00Z');
  const sim = new CallSimulator(clock, { seed });
  const events: LegEvent[] = [];
  sim.onEvent((e) => events.push(e));
  for (let i = 0; i < calls; i++) void sim.originate({ legId: `L${i}`, kind: 'CUSTOMER', to: `+9198100${String(i).padStart(5, '0')}`, callerId: '+912240001234', ringTimeoutSec: 20 });
  clock.advance(3_600_000);
  return { events, sim };
}

describe('call simulator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = run(7, 200).events.map((e) => `${e.legId}:${e.type}:${e.at.getTime()}`);
    const b = run(7, 200).events.map((e) => `${e.legId}:${e.type}:${e.at.getTime()}`);
    const c = run(8, 200).events.map((e) => `${e.legId}:${e.type}:${e.at.getTime()}`);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('plays the configured outcome mix, every leg ends exactly once, in virtual time', () => {
    const { events, sim } = run(1, 4000);
    const final = new Map<string, string>();
    for (const e of events) {
      if (['BUSY', 'NO_ANSWER', 'FAILED', 'HUNGUP'].includes(e.type)) {
        expect(final.has(e.legId)).toBe(false);
        final.set(e.legId, e.type);
      }
    }
    expect(final.size).toBe(4000);
    expect(sim.activeLegs).toBe(0);
    const share = (t: string) => [...final.values()].filter((x) => x === t).length / 4000;
    const answeredLegs = new Set(events.filter((e) => e.type === 'ANSWERED').map((e) => e.legId));
    const machineLegs = new Set(events.filter((e) => e.type === 'MACHINE').map((e) => e.legId));
    expect(share('BUSY')).toBeGreaterThan(0.08);
    expect(share('BUSY')).toBeLessThan(0.12);
    expect(machineLegs.size / 4000).toBeGreaterThan(0.12);
    expect(machineLegs.size / 4000).toBeLessThan(0.18);
    // 20% answered by a person (a few ring out past 20 s: the gamma tail); with detection on (the default) a machine
    // is told as MACHINE instead of ANSWERED, never both: it cannot be put through to an agent
    expect(answeredLegs.size / 4000).toBeGreaterThan(0.16);
    expect(answeredLegs.size / 4000).toBeLessThan(0.21);
    expect([...machineLegs].filter((id) => answeredLegs.has(id))).toEqual([]);
    // each machine is told the detector's 3 s after it answered; its leg is up (the engine hangs it up)
    for (const e of events.filter((x) => x.type === 'MACHINE')) expect(final.get(e.legId)).toBe('HUNGUP');
  });

  it('without detection, a machine answers like a person and is never told apart', () => {
    const clock = new ManualClock('2026-11-23T10:00:00Z');
    const sim = new CallSimulator(clock, { seed: 4, customer: { busy: 0, failed: 0, answer: 0, machine: 1 } });
    const events: LegEvent[] = [];
    sim.onEvent((e) => events.push(e));
    for (let i = 0; i < 50; i++) void sim.originate({ legId: `M${i}`, kind: 'CUSTOMER', to: `+9198200${String(i).padStart(5, '0')}`, callerId: '+912240001234', ringTimeoutSec: 20, detectMachine: false });
    clock.advance(600_000);
    expect(new Set(events.filter((e) => e.type === 'ANSWERED').map((e) => e.legId)).size).toBe(50);
    expect(events.filter((e) => e.type === 'MACHINE')).toEqual([]);
  });

  it('bridges only answered legs, hangs up idempotently, and reports invalid numbers', async () => {
    const clock = new ManualClock('2026-11-23T10:00:00Z');
    const sim = new CallSimulator(clock, { seed: 3, agentPickup: 1, invalidNumbers: new Set(['+919800000000']) });
    const events: LegEvent[] = [];
    sim.onEvent((e) => events.push(e));
    const agent = await sim.originate({ legId: 'A', kind: 'AGENT', to: '+919812300001', callerId: '+912240001234', ringTimeoutSec: 30 });
    const bad = await sim.originate({ legId: 'X', kind: 'CUSTOMER', to: '+919800000000', callerId: '+912240001234', ringTimeoutSec: 20 });
    await expect(sim.bridge(agent.sid, bad.sid)).rejects.toThrow(/not both answered/);
    clock.advance(10_000);
    expect(events.find((e) => e.legId === 'A' && e.type === 'ANSWERED')).toBeTruthy();
    expect(events.find((e) => e.legId === 'X')).toMatchObject({ type: 'RINGING' });
    expect(events.find((e) => e.legId === 'X' && e.type === 'FAILED')).toMatchObject({ cause: 'INVALID_NUMBER' });
    await sim.hangup(agent.sid);
    await sim.hangup(agent.sid);
    expect(events.filter((e) => e.legId === 'A' && e.type === 'HUNGUP')).toEqual([expect.objectContaining({ by: 'local' })]);
  });
});
