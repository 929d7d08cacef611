import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NUMBER_STATES } from '../server/src/domain/number-state.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';
import pg from 'pg';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.dispose());

const drift = (url: string) =>
  sql(
    url,
    `select coalesce(a.campaign_id, b.campaign_id) as campaign_id, coalesce(a.state, b.state) as state, coalesce(a.reason, b.reason) as reason,
            coalesce(a.n, 0) as actual, coalesce(b.count, 0) as counter
       from (select campaign_id, state, coalesce(reason, '') as reason, count(*)::int as n from campaign_number group by 1, 2, 3) a
       full join (select campaign_id, state, reason, count from campaign_state_count where count <> 0) b
         on a.campaign_id = b.campaign_id and a.state = b.state and a.reason = b.reason
      where coalesce(a.n, 0) <> coalesce(b.count, 0)`,
  );

describe('campaign_state_count', () => {
  it('matches the numbers exactly after concurrent random transitions, rolled-back ones included', async () => {
    const b = await seedBasics(app, 40);
    const ids: string[] = [];
    for (const name of ['C1', 'C2']) {
      ids.push((await app.gql(CREATE_CAMPAIGN, { i: { name, listId: b.listId, groupId: b.groupId, callerId: '+912240001234' } })).data.createCampaign.id);
    }
    const reasons = [null, 'AGENT_RESCHEDULED', 'CUSTOMER_FAILED'];
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const workers = Array.from({ length: 4 }, async (_, w) => {
      const c = new pg.Client({ connectionString: app.databaseUrl });
      await c.connect();
      for (let i = 0; i < 60; i++) {
        const state = NUMBER_STATES[rnd(NUMBER_STATES.length)];
        const reason = reasons[rnd(3)];
        await c.query('begin');
        try {
          await c.query(
            `update campaign_number set state = $1, reason = $2 where id in (select id from campaign_number where campaign_id = $3 order by random() limit $4)`,
            [state, reason, ids[(w + i) % 2], 1 + rnd(5)],
          );
          await c.query(i % 7 === 0 ? 'rollback' : 'commit');
        } catch (err) {
          // random rows in random order: PostgreSQL may pick this transaction as a deadlock victim, which rolls it back
          if ((err as { code?: string }).code !== '40P01') throw err;
          await c.query('rollback');
        }
      }
      await c.end();
    });
    await Promise.all(workers);
    expect(await drift(app.databaseUrl)).toEqual([]);
    // and deletes move the counters too
    await sql(app.databaseUrl, `delete from campaign_number where id in (select id from campaign_number where campaign_id = $1 limit 7)`, [ids[0]]);
    expect(await drift(app.databaseUrl)).toEqual([]);
    const stats = await app.gql(`query($id: ID!) { campaignStats(campaignId: $id) { total } }`, { id: ids[0] });
    expect(stats.data.campaignStats.total).toBe(33);
  });
});
