import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import type { CallSimulator } from '../server/src/telephony/simulator.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const clock = new ManualClock('2026-11-23T06:00:00Z');
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock, simulator: { seed: 11, agentPickup: 0.85 } });
});
afterAll(() => app?.dispose());

const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const gql = async (query: string, variables: Record<string, unknown>) => {
  const r = await app.gql(query, variables);
  return r;
};

type Step =
  | { kind: 'wait' | 'burst'; seconds: number }
  | { kind: 'hangupAgent' | 'hangupCustomer'; pick: number }
  | { kind: 'stop' | 'start' | 'pauseAgent' | 'resumeAgent'; agent: number }
  | { kind: 'pause' | 'resume' | 'complete' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 90 }) }) },
  // timers fire back to back without the engine settling in between: events, ticks and hang-ups interleave as on a busy server
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('burst' as const), seconds: fc.integer({ min: 1, max: 60 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('hangupAgent' as const, 'hangupCustomer' as const), pick: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('stop' as const, 'start' as const, 'pauseAgent' as const, 'resumeAgent' as const), agent: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('pause' as const, 'resume' as const, 'complete' as const) }) },
);

const mix = fc.record({
  busy: fc.double({ min: 0, max: 0.3, noNaN: true }),
  failed: fc.double({ min: 0, max: 0.2, noNaN: true }),
  answer: fc.double({ min: 0.1, max: 0.4, noNaN: true }),
  machine: fc.double({ min: 0, max: 0.3, noNaN: true }),
});

/**
 * Issue 12, "no ghost calls": whatever the network and the people do (machines, busy, no answer,
 * hang-ups on either side, agents stopping and pausing, the campaign paused and completed), once the
 * campaign has drained no leg is left open, no agent shows ON_CALL (or any other busy state), and
 * no number is left IN_PROGRESS.
 */
describe('ghost legs', () => {
  it('every leg reaches an end and every agent is OFFLINE once a campaign drains, in every mode', async () => {
    const sim = app.telephony as CallSimulator;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('PROGRESSIVE', 'AGENT_FIRST_FLOW', 'PREDICTIVE'),
        mix,
        fc.array(step, { minLength: 5, maxLength: 30 }),
        async (mode, customer, steps) => {
          Object.assign(sim.options.customer, customer);
          const b = await seedBasics(app, 12);
          const r = await gql(CREATE_CAMPAIGN, {
            i: { name: `Ghosts ${Math.random()}`, listId: b.listId, groupId: b.groupId, callerId: '+912240001234', dialMode: mode, wrapUpSeconds: 5,
              callingWindow: { start: '00:00', end: '23:59' }, attemptPolicy: { retries: 2, retryIntervalMinutes: 1 } },
          });
          const id = r.data.createCampaign.id as string;
          await app.scheduler.tick();
          for (const a of b.agents) await gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: id, a });
          let completed = false;
          for (const s of steps) {
            switch (s.kind) {
              case 'wait':
                await run(s.seconds * 1000);
                break;
              case 'burst':
                clock.advance(s.seconds * 1000);
                await app.engine.idle();
                break;
              case 'hangupAgent':
              case 'hangupCustomer': {
                const legs = await sql<{ sid: string }>(app.databaseUrl,
                  `select sid from call_leg where campaign_id = $1 and kind = $2 and status = 'ANSWERED' and sid is not null order by created_at`, [id, s.kind === 'hangupAgent' ? 'AGENT' : 'CUSTOMER']);
                const leg = legs[s.pick % Math.max(1, legs.length)];
                if (leg) sim.farEndHangup(leg.sid);
                await run(1000);
                break;
              }
              case 'stop':
                await gql(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a: b.agents[s.agent] });
                break;
              case 'start':
                if (!completed) await gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: id, a: b.agents[s.agent] });
                break;
              case 'pauseAgent':
              case 'resumeAgent':
                await gql(`mutation($a: ID, $p: Boolean!) { setAgentPaused(agentId: $a, paused: $p) { state } }`, { a: b.agents[s.agent], p: s.kind === 'pauseAgent' });
                break;
              case 'pause':
                await gql(`mutation($id: ID!) { pauseCampaign(id: $id) { status } }`, { id });
                break;
              case 'resume':
                await gql(`mutation($id: ID!) { resumeCampaign(id: $id) { status } }`, { id });
                break;
              case 'complete':
                await gql(`mutation($id: ID!) { pauseCampaign(id: $id) { status } }`, { id });
                await gql(`mutation($id: ID!) { completeCampaign(id: $id) { status } }`, { id });
                completed = true;
                break;
            }
          }
          // drain: the campaign ends, the agents stop, the calls in flight finish
          await gql(`mutation($id: ID!) { pauseCampaign(id: $id) { status } }`, { id });
          await gql(`mutation($id: ID!) { completeCampaign(id: $id) { status } }`, { id });
          for (const a of b.agents) await gql(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a });
          await run(10 * 60_000);

          const open = await sql(app.databaseUrl, `select kind, status, cause from call_leg where campaign_id = $1 and (status in ('QUEUED','RINGING','ANSWERED') or ended_at is null)`, [id]);
          expect(open).toEqual([]);
          const agents = await sql<{ state: string }>(app.databaseUrl, `select state from agent where id = any($1::uuid[])`, [b.agents]);
          expect(agents.map((a) => a.state)).toEqual(['OFFLINE', 'OFFLINE']);
          const stuck = await sql(app.databaseUrl, `select state from campaign_number where campaign_id = $1 and state in ('IN_PROGRESS','RETRYING')`, [id]);
          expect(stuck).toEqual([]);
        },
      ),
      { numRuns: 8, seed: Number(process.env.GHOST_SEED ?? 20261129), endOnFailure: true },
    );
  }, 600_000);
});
