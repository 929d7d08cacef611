/**
 * Report export benchmark: a campaign with LEGS call legs (default 1,000,000), exported as the call
 * report CSV over real HTTP from the real server (built entry point, its own process). Prints rows/s
 * and the server's peak resident memory above idle while it streams, then one JSON line.
 *
 *   npm run bench:report -- [legs=1000000]
 */
import pg from 'pg';
import { rssMb, startBenchServer } from './harness.js';

const LEGS = Number(process.argv[2] ?? 1_000_000);
const NUMBERS = 1_000;

const bench = await startBenchServer('dialer_bench_report', { DEMO_SEED: 'false', RATE_LIMIT_PER_MINUTE: '100000' });
const server = bench.process;
const url = bench.url;
const dbUrl = bench.databaseUrl;
try {
  const token = await bench.adminToken();
  const post = (query: string, variables: Record<string, unknown> = {}, t?: string) => bench.post(query, variables, t);
  const agent = (await post(`mutation { createAgent(input: { name: "Bench agent", phone: "+919700000001" }) { id } }`, {}, token)).createAgent.id;
  const group = (await post(`mutation($a: [ID!]!) { createAgentGroup(input: { name: "Bench", agentIds: $a }) { id } }`, { a: [agent] }, token)).createAgentGroup.id;
  const list = (await post(`mutation { createContactList(name: "Bench") { id } }`, {}, token)).createContactList.id;
  const csv = ['name,phone,order_id', ...Array.from({ length: NUMBERS }, (_, i) => `Customer ${i},+9198${String(10_000_000 + i)},ORD-${i}`)].join('\n');
  await post(`mutation($i: ImportContactsCsvInput!) { importContactsCsv(input: $i) { created } }`, { i: { csv, listId: list } }, token);
  const campaign = (await post(`mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`, {
    i: { name: 'Bench report', dialMode: 'AGENT_FIRST_FLOW', listId: list, groupId: group, callerId: '+912240001234' },
  }, token)).createCampaign.id as string;

  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  let t = Date.now();
  // LEGS legs over the campaign's numbers, alternating agent and customer legs, spread over 30 days
  await db.query(`
    with nums as (select array_agg(id order by id) as ids, array_agg(e164 order by id) as es, min(organization_id::text)::uuid as org from campaign_number where campaign_id = $1)
    insert into call_leg (id, organization_id, campaign_id, number_id, agent_id, kind, sid, to_number, status, agent_attempt, customer_attempt, instance_id, created_at, answered_at, ended_at, duration_sec, recording_url)
    select gen_random_uuid(), nums.org, $1, nums.ids[1 + g % ${NUMBERS}], $2, case when g % 2 = 0 then 'AGENT' else 'CUSTOMER' end, 'BENCH' || g,
           nums.es[1 + g % ${NUMBERS}], case when g % 5 = 0 then 'NO_ANSWER' else 'COMPLETED' end, 1 + g % 3, 1 + g % 2, 'bench',
           now() - make_interval(secs => g * 2.5), case when g % 5 = 0 then null else now() - make_interval(secs => g * 2.5 - 9) end,
           now() - make_interval(secs => g * 2.5 - 70), case when g % 5 = 0 then 0 else 61 end, case when g % 5 = 0 then null else 'https://rec.example.com/' || g || '.mp3' end
      from nums, generate_series(1, $3::int) g`, [campaign, agent, LEGS]);
  await db.query('analyze call_leg');
  const insertSec = (Date.now() - t) / 1000;
  console.log(`inserted ${LEGS.toLocaleString('en')} legs in ${insertSec.toFixed(1)} s`);

  // idle: the server after start-up and setup, sampled for 3 s
  const pid = server.pid!;
  let idle = 0;
  for (let i = 0; i < 30; i++) {
    idle = Math.max(idle, rssMb(pid));
    await new Promise((r) => setTimeout(r, 100));
  }
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);

  t = Date.now();
  const res = await fetch(`${url.replace(/\/graphql$/, '')}/reports/campaigns/${campaign}/calls.csv?timeZone=Asia/Kolkata`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`report answered ${res.status}: ${await res.text()}`);
  const firstByteMs = Date.now() - t;
  let bytes = 0;
  let lines = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
  }
  const seconds = (Date.now() - t) / 1000;
  clearInterval(sampler);
  await db.end();
  const rows = lines - 1;
  if (rows !== LEGS) throw new Error(`the report has ${rows} rows, expected ${LEGS}`);
  const growth = peak - idle;
  console.log(`exported ${rows.toLocaleString('en')} rows (${(bytes / 1e6).toFixed(1)} MB) in ${seconds.toFixed(1)} s: ${Math.round(rows / seconds).toLocaleString('en')} rows/s, first byte after ${firstByteMs} ms`);
  console.log(`server memory: idle ${idle.toFixed(1)} MB, peak ${peak.toFixed(1)} MB, growth ${growth.toFixed(1)} MB (target < 64 MB)`);
  console.log(JSON.stringify({ bench: 'report', legs: LEGS, rows, megabytes: Math.round(bytes / 1e5) / 10, seconds: Math.round(seconds * 10) / 10, rowsPerSec: Math.round(rows / seconds), firstByteMs, idleMb: Math.round(idle), peakMb: Math.round(peak), growthMb: Math.round(growth * 10) / 10, targetMb: 64, ok: growth < 64 }));
} finally {
  await bench.stop('SIGKILL');
}
