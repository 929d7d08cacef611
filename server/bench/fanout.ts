/**
 * Wallboard fan-out benchmark (issue 19): the real server (built entry point, its own process, the demo data on a
 * fresh PostgreSQL database, the call simulator dialling the demo campaigns) and CLIENTS graphql-ws clients in
 * separate processes, each subscribed to `campaignStatsChanged` and `campaignLiveChanged` of every running demo
 * campaign, as a wallboard is. Measures for SECONDS after a warm-up: change -> client latency (a push's `updatedAt`
 * for live figures, `changedAt`, the earliest commit in it, for counts), pushes/s received, the server's CPU and
 * resident memory (idle, and with the clients connected: memory per subscribed client). Ends with one JSON line.
 *
 *   npm run bench:fanout -- [clients=1000] [seconds=30]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { cpuSec, rssMb, sleep, startBenchServer } from './harness.js';
// the wallboard's own subscriptions, fields and all
import { LIVE_CHANGED, STATS_CHANGED } from '../../web/src/lib/api/documents.js';


interface Start { url: string; token: string; campaigns: string[]; clients: number }
type FromClient = { type: 'connected'; n: number } | { type: 'report'; live: number[]; stats: number[]; errors: number };

/** A client process: opens its share of the connections and records each push's latency. */
async function clientMain(): Promise<void> {
  const start = await new Promise<Start>((r) => process.once('message', (m) => r(m as Start)));
  let live: number[] = [];
  let stats: number[] = [];
  let errors = 0;
  let connected = 0;
  const clients: ReturnType<typeof createClient>[] = [];
  for (let i = 0; i < start.clients; i++) {
    const client = createClient({ url: start.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { token: start.token }, retryAttempts: 0, lazy: false,
      on: { connected: () => void process.send!({ type: 'connected', n: ++connected } satisfies FromClient) } });
    clients.push(client);
    for (const c of start.campaigns) {
      client.subscribe<{ campaignLiveChanged: { updatedAt: string } }>({ query: LIVE_CHANGED, variables: { id: c } }, {
        next: (m) => m.data && live.push(Date.now() - Date.parse(m.data.campaignLiveChanged.updatedAt)), error: () => errors++, complete: () => undefined });
      client.subscribe<{ campaignStatsChanged: { changedAt: string } }>({ query: STATS_CHANGED, variables: { id: c } }, {
        next: (m) => m.data && stats.push(Date.now() - Date.parse(m.data.campaignStatsChanged.changedAt)), error: () => errors++, complete: () => undefined });
    }
    if (i % 25 === 24) await new Promise((r) => setTimeout(r, 50)); // no connection storm
  }
  process.on('message', (m: { type: string }) => {
    if (m.type === 'reset') {
      live = [];
      stats = [];
      errors = 0;
    } else if (m.type === 'report') {
      process.send!({ type: 'report', live, stats, errors } satisfies FromClient);
    } else if (m.type === 'stop') {
      for (const c of clients) void c.dispose();
      setTimeout(() => process.exit(0), 500);
    }
  });
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);

async function main(): Promise<void> {
  const CLIENTS = Number(process.argv[2] ?? 1000);
  const SECONDS = Number(process.argv[3] ?? 30);
  const bench = await startBenchServer('dialer_bench_fanout', { DEMO_SEED: 'true', RATE_LIMIT_PER_MINUTE: '10000000' });
  const server = bench.process;
  const url = bench.url;
  const post = (query: string, token?: string) => bench.post(query, {}, token);
  const workers: ChildProcess[] = [];
  try {
    const token = (await post('mutation { signIn(email: "supervisor@demo.local", password: "demo1234") { token } }')).signIn.token as string;
    // the demo's campaigns start running and its agents dialling a few seconds after start
    let campaigns: string[] = [];
    for (let i = 0; i < 60 && campaigns.length < 3; i++) {
      await sleep(1000);
      campaigns = ((await post('{ campaigns { items { id status } } }', token)).campaigns.items as { id: string; status: string }[]).filter((c) => c.status === 'RUNNING').map((c) => c.id);
    }
    if (!campaigns.length) throw new Error('no demo campaign is running');
    console.error(`server up; ${campaigns.length} demo campaigns running; connecting ${CLIENTS} clients`);
    await sleep(10_000);
    const idleRss = rssMb(server.pid!);

    const perWorker = 250;
    const nWorkers = Math.max(1, Math.ceil(CLIENTS / perWorker));
    let connected = 0;
    const reports: Extract<FromClient, { type: 'report' }>[] = [];
    const connectStart = Date.now();
    for (let w = 0; w < nWorkers; w++) {
      const child = fork(import.meta.filename, [], { env: { ...process.env, FANOUT_ROLE: 'client' }, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const before = new Map<ChildProcess, number>();
      child.on('message', (m: FromClient) => {
        if (m.type === 'connected') {
          connected += m.n - (before.get(child) ?? 0);
          before.set(child, m.n);
        } else reports.push(m);
      });
      child.send({ url, token, campaigns, clients: Math.min(perWorker, CLIENTS - w * perWorker) } satisfies Start);
      workers.push(child);
    }
    while (connected < CLIENTS && Date.now() - connectStart < 600_000) await sleep(200);
    if (connected < CLIENTS) console.error(`only ${connected} of ${CLIENTS} clients connected in 600 s`);
    const connectSec = (Date.now() - connectStart) / 1000;
    await sleep(10_000); // warm-up with everyone connected
    const connectedRss = rssMb(server.pid!);
    for (const w of workers) w.send({ type: 'reset' });
    const cpu0 = cpuSec(server.pid!);
    let peakRss = connectedRss;
    const t0 = Date.now();
    while (Date.now() - t0 < SECONDS * 1000) {
      await sleep(1000);
      peakRss = Math.max(peakRss, rssMb(server.pid!));
    }
    const window = (Date.now() - t0) / 1000;
    const cpu = (cpuSec(server.pid!) - cpu0) / window;
    for (const w of workers) w.send({ type: 'report' });
    for (let i = 0; reports.length < workers.length; i++) {
      if (i > 300) throw new Error(`only ${reports.length} of ${workers.length} client processes reported`);
      await sleep(100);
    }
    const live = reports.flatMap((r) => r.live).sort((a, b) => a - b);
    const stats = reports.flatMap((r) => r.stats).sort((a, b) => a - b);
    const all = [...live, ...stats].sort((a, b) => a - b);
    const errors = reports.reduce((n, r) => n + r.errors, 0);
    const result = {
      bench: 'fanout', clients: CLIENTS, connected, campaigns: campaigns.length, subscriptions: CLIENTS * campaigns.length * 2, seconds: Math.round(window),
      connectSec: Math.round(connectSec * 10) / 10,
      p50Ms: pct(all, 50), p99Ms: pct(all, 99), liveP50Ms: pct(live, 50), liveP99Ms: pct(live, 99), statsP50Ms: pct(stats, 50), statsP99Ms: pct(stats, 99),
      pushesPerSec: Math.round(all.length / window), errors,
      serverCpu: Math.round(cpu * 100) / 100, idleRssMb: Math.round(idleRss), connectedRssMb: Math.round(connectedRss), peakRssMb: Math.round(peakRss),
      kbPerClient: Math.round(((connectedRss - idleRss) * 1024) / Math.max(1, connected)),
    };
    console.log(`${CLIENTS} clients (${connected} connected in ${result.connectSec} s), ${result.subscriptions} subscriptions on ${campaigns.length} campaigns, ${result.seconds} s measured`);
    console.log(`change -> client: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms (live p50 ${result.liveP50Ms} / p99 ${result.liveP99Ms}; counts p50 ${result.statsP50Ms} / p99 ${result.statsP99Ms}); ${result.pushesPerSec} pushes/s; ${errors} errors`);
    console.log(`server: ${result.serverCpu} CPU cores busy; RSS idle ${result.idleRssMb} MB, connected ${result.connectedRssMb} MB (${result.kbPerClient} KB per client), peak ${result.peakRssMb} MB`);
    console.log(JSON.stringify(result));
  } finally {
    for (const w of workers) w.send({ type: 'stop' });
    await sleep(1000);
    for (const w of workers) w.kill('SIGKILL');
    await bench.stop();
  }
}

if (process.env.FANOUT_ROLE === 'client') await clientMain();
else await main();
