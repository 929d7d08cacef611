import { describe, expect, it } from 'vitest';
import { AgentState } from '../src/domain/agent-state.js';
import { IllegalSessionTransition, SESSION_PHASES, sessionTransition, type SessionEvent, type SessionPhase } from '../src/domain/agent-session.js';

const EVENTS: SessionEvent[] = [
  { type: 'JOIN', nailed: true }, { type: 'JOIN', nailed: false }, { type: 'AGENT_LEG_ANSWERED' }, { type: 'CLAIMED', agentFirst: true },
  { type: 'CLAIMED', agentFirst: false }, { type: 'RECORD_ANSWERED' }, { type: 'CONNECTED' }, { type: 'CALL_ENDED', talked: true },
  { type: 'CALL_ENDED', talked: false }, { type: 'AGENT_MISSED' }, { type: 'WRAP_DONE' }, { type: 'COOLDOWN_DONE' }, { type: 'PAUSE' },
  { type: 'RESUME' }, { type: 'LEAVE' }, { type: 'AGENT_LEG_ENDED' }, { type: 'LAUNCHED', agentFirst: true }, { type: 'LAUNCHED', agentFirst: false },
];
const name = (e: SessionEvent) => e.type + ('nailed' in e ? `(nailed ${e.nailed})` : 'agentFirst' in e ? `(agentFirst ${e.agentFirst})` : 'talked' in e ? `(talked ${e.talked})` : '');
const calm = { pauseRequested: false, leaving: false };

/** Every legal move with no pause asked and nobody leaving: from, event -> to, state shown (null: unchanged). */
const TABLE: [SessionPhase, string, SessionPhase, AgentState | null][] = [
  ['OFFLINE', 'JOIN(nailed true)', 'CONNECTING', 'RINGING'],
  ['OFFLINE', 'JOIN(nailed false)', 'READY', 'AVAILABLE'],
  ['CONNECTING', 'AGENT_LEG_ANSWERED', 'READY', 'AVAILABLE'],
  ['READY', 'CLAIMED(agentFirst true)', 'DIALLING', 'RINGING'],
  ['READY', 'CLAIMED(agentFirst false)', 'DIALLING', null],
  ['DIALLING', 'RECORD_ANSWERED', 'DIALLING', 'ON_CALL'],
  ['READY', 'CONNECTED', 'TALKING', 'ON_CALL'],
  ['DIALLING', 'CONNECTED', 'TALKING', 'ON_CALL'],
  ['DIALLING', 'CALL_ENDED(talked true)', 'WRAP_UP', 'WRAP_UP'],
  ['DIALLING', 'CALL_ENDED(talked false)', 'READY', 'AVAILABLE'],
  ['TALKING', 'CALL_ENDED(talked true)', 'WRAP_UP', 'WRAP_UP'],
  ['TALKING', 'CALL_ENDED(talked false)', 'READY', 'AVAILABLE'],
  ['DIALLING', 'AGENT_MISSED', 'COOLDOWN', 'AVAILABLE'],
  ['WRAP_UP', 'WRAP_DONE', 'READY', 'AVAILABLE'],
  ['COOLDOWN', 'COOLDOWN_DONE', 'READY', null],
  ['READY', 'PAUSE', 'PAUSED', 'PAUSED'],
  ['PAUSED', 'RESUME', 'READY', 'AVAILABLE'],
  // a preview followup its agent launched: from any phase between calls
  ...(['READY', 'PAUSED', 'COOLDOWN', 'WRAP_UP'] as const).flatMap((p): [SessionPhase, string, SessionPhase, AgentState | null][] => [
    [p, 'LAUNCHED(agentFirst true)', 'DIALLING', 'RINGING'],
    [p, 'LAUNCHED(agentFirst false)', 'DIALLING', 'AVAILABLE'],
  ]),
  ...SESSION_PHASES.filter((p) => p !== 'OFFLINE').flatMap((p): [SessionPhase, string, SessionPhase, AgentState | null][] => [
    [p, 'LEAVE', 'OFFLINE', 'OFFLINE'],
    [p, 'AGENT_LEG_ENDED', 'OFFLINE', 'OFFLINE'],
  ]),
];

describe('agent session machine', () => {
  it.each(TABLE)('%s --%s--> %s, shown %s', (from, event, to, show) => {
    const e = EVENTS.find((x) => name(x) === event)!;
    expect(sessionTransition(from, e, calm)).toEqual({ phase: to, show });
  });

  it('refuses every other (phase, event) pair', () => {
    const legal = new Set(TABLE.map(([from, event]) => `${from} ${event}`));
    let refused = 0;
    for (const from of SESSION_PHASES) {
      for (const e of EVENTS) {
        if (legal.has(`${from} ${name(e)}`)) continue;
        expect(() => sessionTransition(from, e, calm), `${from} ${name(e)}`).toThrow(IllegalSessionTransition);
        refused++;
      }
    }
    expect(refused + legal.size).toBe(SESSION_PHASES.length * EVENTS.length);
  });

  it('a session that becomes free pauses instead when the agent asked for a pause', () => {
    const ctx = { pauseRequested: true, leaving: false };
    for (const [from, e] of [['CONNECTING', { type: 'AGENT_LEG_ANSWERED' }], ['TALKING', { type: 'CALL_ENDED', talked: false }], ['WRAP_UP', { type: 'WRAP_DONE' }],
      ['COOLDOWN', { type: 'COOLDOWN_DONE' }], ['PAUSED', { type: 'RESUME' }], ['OFFLINE', { type: 'JOIN', nailed: false }]] as [SessionPhase, SessionEvent][]) {
      expect(sessionTransition(from, e, ctx), `${from} ${e.type}`).toEqual({ phase: 'PAUSED', show: 'PAUSED' });
    }
    // talking ends in wrap-up first; the pause waits for the agent to be free
    expect(sessionTransition('TALKING', { type: 'CALL_ENDED', talked: true }, ctx)).toEqual({ phase: 'WRAP_UP', show: 'WRAP_UP' });
  });

  it('a leaving session is never paused and shows nothing new until it ends', () => {
    const ctx = { pauseRequested: true, leaving: true };
    expect(sessionTransition('WRAP_UP', { type: 'WRAP_DONE' }, ctx)).toEqual({ phase: 'READY', show: null });
    expect(sessionTransition('DIALLING', { type: 'CALL_ENDED', talked: false }, ctx)).toEqual({ phase: 'READY', show: null });
    expect(sessionTransition('READY', { type: 'LEAVE' }, ctx)).toEqual({ phase: 'OFFLINE', show: 'OFFLINE' });
  });
});
