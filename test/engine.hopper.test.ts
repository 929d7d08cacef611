import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { Hopper } from '../server/src/engine/hopper.js';
import { PacingPool } from '../server/src/engine/pacing-pool.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const NOW = new Date('2026-11-23T06:00:00Z'); // 11:30 in Asia/Kolkata
const clock = new ManualClock(NOW);
let app: TestApp;
let pool: PacingPool;
beforeAll(async () => {
  app = await startTestApp({ clock, simulator: { seed: 11, agentPickup: 1 } });
  pool = new PacingPool(1);
});
afterAll(async () => {
  await pool?.close();
  await app?.dispose();
});

const WINDOW = { startMinute: 0, endMinute: 24 * 60 - 1 };
const START = `mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`;
const run = (ms: number) => clock.run(ms, () => app.engine.idle());

async function campaign(name: string, b: Awaited<ReturnType<typeof seedBasics>>, over: Record<string, unknown> = {}) {
  const r = await app.gql(CREATE_CAMPAIGN, { i: { name, listId: b.listId, groupId: b.groupId, callerId: '+912240001234', callingWindow: { start: '00:00', end: '23:59' }, ...over } });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.createCampaign.id as string;
}

/** A small seeded generator, so a failing round can be replayed. */
function lcg(seed: number) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * Issue 14: between full loads the hopper is kept exact incrementally (rows written since its last
 * read, by transaction id), and refills walk a prebuilt order index. Whatever others write, the next
 * numbers it gives must be exactly those a hopper loaded afresh gives.
 */
describe('incremental hopper', () => {
  it('after changes by others (updates, inserts, a transaction still open at the read) orders exactly like a fresh load', async () => {
    const b = await seedBasics(app, 300);
    const id = await campaign('Hopper', b, { dialMode: 'PROGRESSIVE' }); // SCHEDULED status: no runner touches it
    const em = () => app.orm.em.fork();
    const t = NOW.getTime();
    // distinct order keys, so that "the same order" does not depend on how ties fall
    await sql(app.databaseUrl, `update campaign_number n set created_at = $2::timestamptz - r.k * interval '1 second'
      from (select id, row_number() over (order by id) as k from campaign_number where campaign_id = $1) r where n.id = r.id`, [id, NOW]);
    const hopper = new Hopper(id, pool);
    await hopper.load(em(), t);
    expect(hopper.size).toBe(300);

    const fresh = async () => {
      const h = new Hopper(id, pool);
      await h.load(em(), t);
      return h.next(t, 1000, WINDOW);
    };
    /** Syncs, refreshes the counts (a full pass), then refills through the index: the path production takes. */
    const incremental = async () => {
      await hopper.sync(em(), t);
      await hopper.next(t, 0, WINDOW);
      const before = hopper.stats.indexedRefills;
      const ids = await hopper.next(t, 1000, WINDOW);
      expect(hopper.stats.indexedRefills).toBe(before + 1);
      return ids;
    };
    expect(await incremental()).toEqual(await fresh());

    const rnd = lcg(14);
    const rows = await sql<{ id: string; contact_id: string }>(app.databaseUrl, `select id, contact_id from campaign_number where campaign_id = $1 order by id`, [id]);
    let changed = 0;
    for (let round = 0; round < 6; round++) {
      const synced = hopper.stats.rowsSynced;
      const picks = Array.from({ length: 25 }, () => rows[Math.floor(rnd() * rows.length)]!.id);
      for (const [j, n] of picks.entries()) {
        const kind = j % 5;
        if (kind === 0) await sql(app.databaseUrl, `update campaign_number set state = 'COMPLETED' where id = $1`, [n]);
        else if (kind === 1) {
          await sql(app.databaseUrl, `update campaign_number set state = 'RETRY', next_attempt_at = $2, priority = $3 where id = $1`,
            [n, new Date(t + Math.floor((rnd() - 0.7) * 3600) * 1000 + round * 25 + j), Math.floor(rnd() * 5)]);
        } else if (kind === 2) await sql(app.databaseUrl, `update campaign_number set dial_count = dial_count + 1, state = 'SCHEDULED', next_attempt_at = null where id = $1`, [n]);
        else if (kind === 3) {
          // the owner's own claim: written, and mirrored at once with mark()
          await sql(app.databaseUrl, `update campaign_number set state = 'IN_PROGRESS' where id = $1`, [n]);
          hopper.mark(n, 'IN_PROGRESS' as never, null);
        } else await sql(app.databaseUrl, `update campaign_number set priority = $2 where id = $1`, [n, Math.floor(rnd() * 9)]);
      }
      changed += new Set(picks).size;
      // numbers added to the running campaign (rules, the API): appended, the index rebuilt (every other round, so
      // that the rounds between walk an old index merged with the changed rows)
      if (round % 2 === 1) await sql(app.databaseUrl, `
        insert into campaign_number
        select (jsonb_populate_record(null::campaign_number, to_jsonb(n) || jsonb_build_object(
                 'id', gen_random_uuid(), 'contact_id', null, 'contact_name', 'Added ' || $2, 'e164', '+9199' || (10000000 + $2::int * 10 + g)::text,
                 'state', 'SCHEDULED', 'reason', null, 'next_attempt_at', null, 'dial_count', 0, 'customer_attempts', 0, 'agent_attempts', 0,
                 'created_at', $3::timestamptz - ((3 * $2::int + g) || ' seconds')::interval - interval '500 milliseconds'))).*
          from campaign_number n, generate_series(1, 3) g where n.id = $1`, [rows[round]!.id, round, NOW]);
      expect(await incremental()).toEqual(await fresh());
      expect(hopper.stats.rowsSynced - synced).toBeGreaterThanOrEqual(new Set(picks).size);
    }
    expect(hopper.stats.rowsAdded).toBe(9);
    expect(hopper.size).toBe(309);

    // a writer whose transaction is still open when the hopper reads commits afterwards: the next sync still sees it
    const c = new pg.Client({ connectionString: app.databaseUrl });
    await c.connect();
    try {
      const [late] = await fresh();
      await c.query('begin');
      await c.query(`update campaign_number set state = 'CANCELLED' where id = $1`, [late]);
      // a later transaction commits first: the hopper has seen a newer write than the one still open
      const [second] = (await fresh()).slice(1);
      await sql(app.databaseUrl, `update campaign_number set priority = priority + 1 where id = $1`, [second]);
      await hopper.sync(em(), t);
      expect((await hopper.next(t, 1000, WINDOW))[0]).toBe(late);
      await c.query('commit');
      const after = await incremental();
      expect(after).not.toContain(late);
      expect(after).toEqual(await fresh());
    } finally {
      await c.end();
    }
    expect(hopper.stats.loads).toBe(1);
    expect(hopper.stats.indexBuilds).toBeGreaterThan(0);
    expect(changed).toBeGreaterThan(0);
  }, 120_000);

  it('one paceMany per tick paces every owned predictive campaign; a running campaign loads its numbers once and then syncs', async () => {
    const b1 = await seedBasics(app, 60);
    const b2 = await seedBasics(app, 60);
    const ids = [await campaign('Batch A', b1, { dialMode: 'PREDICTIVE', wrapUpSeconds: 5 }), await campaign('Batch B', b2, { dialMode: 'PREDICTIVE', wrapUpSeconds: 5 })];
    await app.scheduler.tick();
    for (const [i, bb] of [b1, b2].entries()) for (const a of bb.agents) expect((await app.gql(START, { c: ids[i], a })).errors).toBeUndefined();
    await run(5_000); // both runners exist from here on
    const s0 = { ...app.engine.stats };
    await run(3 * 60_000);
    const passes = app.engine.stats.passes - s0.passes;
    const batches = app.engine.stats.pacingBatches - s0.pacingBatches;
    expect(passes).toBeGreaterThan(100);
    expect(batches).toBe(passes); // one pacing call per pass...
    expect(app.engine.stats.pacedCampaigns - s0.pacedCampaigns).toBe(2 * batches); // ...deciding both campaigns
    for (const id of ids) {
      const [legs] = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from call_leg where campaign_id = $1 and kind = 'CUSTOMER'`, [id]);
      expect(Number(legs!.n)).toBeGreaterThan(5); // each campaign dialled what the batch decided for it
      const live = (await app.gql(`query($id: ID!) { campaignLive(campaignId: $id) { pacingReason } }`, { id })).data.campaignLive;
      expect(live.pacingReason).not.toMatch(/waiting for the first decision/);
      const h = app.engine.hopperStats(id)!;
      expect(h.loads).toBe(1);
      expect(h.syncs).toBeGreaterThan(50);
      expect(h.indexedRefills).toBeGreaterThan(0);
    }
  }, 120_000);
});
