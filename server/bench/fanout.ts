/**
 * Wallboard fan-out benchmark (issue 19): the real server (built entry point, its own process, the demo data on a
 * fresh PostgreSQL database, the call simulator dialling the demo campaigns) and CLIENTS graphql-ws clients in
 * separate processes, each subscribed to `campaignStatsChanged` and `campaignLiveChanged` of every running demo
 * campaign, as a wallboard is. Measures for SECONDS after a warm-up: change -> client latency (a push's `updatedAt`
 * for live figures, `changedAt`, the earliest commit in it, for counts), split per event into the wait before its first
 * delivery and its spread over the clients; pushes/s received, the server's and the client processes' CPU and the
 * server's resident memory (idle, and with the clients connected: memory per subscribed client). Clients connect at a
 * steady rate and reconnect as the web app does. Ends with one JSON line.
 *
 *   npm run bench:fanout -- [clients=1000] [seconds=30]
 *   FANOUT_CONNECT_RATE (new connections per second, default 200), FANOUT_CLIENTS_PER_PROCESS (default 250),
 *   BENCH_SERVER_NODE_ARGS (e.g. --cpu-prof), BENCH_SERVER_LOG (a file for the server's log)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { cpuSec, rssMb, sleep, startBenchServer } from './harness.js';
// the wallboard's own subscriptions, fields and all
import { LIVE_CHANGED, STATS_CHANGED } from '../../web/src/lib/api/documents.js';


interface Start { url: string; token: string; campaigns: string[]; clients: number; gapMs: number }
/** `arrivals`: per push, the event (stream, campaign, its time) and when it arrived, to tell the wait before a push's first delivery from its spread over all clients. */
type FromClient = { type: 'connected'; n: number } | { type: 'report'; live: number[]; stats: number[]; errors: number; retries: number; arrivals: [string, number][] };

/** A client process: opens its share of the connections and records each push's latency. */
async function clientMain(): Promise<void> {
  process.once('disconnect', () => process.exit(0)); // the benchmark ended or died: so do its clients
  const start = await new Promise<Start>((r) => process.once('message', (m) => r(m as Start)));
  let live: number[] = [];
  let stats: number[] = [];
  let errors = 0;
  let connected = 0;
  let retries = 0;
  let arrivals: [string, number][] = [];
  const clients: ReturnType<typeof createClient>[] = [];
  for (let i = 0; i < start.clients; i++) {
    const client = createClient({ url: start.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { token: start.token }, retryAttempts: 5, lazy: false,
      shouldRetry: () => (retries++, true), onNonLazyError: () => void errors++,
      on: { connected: (_socket, _payload, wasRetry) => void (wasRetry || process.send!({ type: 'connected', n: ++connected } satisfies FromClient)) } });
    clients.push(client);
    for (const c of start.campaigns) {
      client.subscribe<{ campaignLiveChanged: { updatedAt: string } }>({ query: LIVE_CHANGED, variables: { id: c } }, {
        next: (m) => m.data && (live.push(Date.now() - Date.parse(m.data.campaignLiveChanged.updatedAt)), arrivals.push([`L ${c} ${m.data.campaignLiveChanged.updatedAt}`, Date.now()])), error: () => errors++, complete: () => undefined });
      client.subscribe<{ campaignStatsChanged: { changedAt: string } }>({ query: STATS_CHANGED, variables: { id: c } }, {
        next: (m) => m.data && (stats.push(Date.now() - Date.parse(m.data.campaignStatsChanged.changedAt)), arrivals.push([`S ${c} ${m.data.campaignStatsChanged.changedAt}`, Date.now()])), error: () => errors++, complete: () => undefined });
    }
    await new Promise((r) => setTimeout(r, start.gapMs)); // wallboards arriving at a steady rate, not a storm
  }
  process.on('message', (m: { type: string }) => {
    if (m.type === 'reset') {
      live = [];
      stats = [];
      arrivals = [];
      errors = 0;
    } else if (m.type === 'report') {
      process.send!({ type: 'report', live, stats, errors, retries, arrivals } satisfies FromClient);
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
  /** New connections per second, all client processes together (FANOUT_CONNECT_RATE). */
  const CONNECT_RATE = Number(process.env.FANOUT_CONNECT_RATE ?? 200);
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

    const perWorker = Number(process.env.FANOUT_CLIENTS_PER_PROCESS ?? 250);
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
      child.send({ url, token, campaigns, clients: Math.min(perWorker, CLIENTS - w * perWorker), gapMs: (nWorkers * 1000) / CONNECT_RATE } satisfies Start);
      workers.push(child);
    }
    while (connected < CLIENTS && Date.now() - connectStart < 600_000) await sleep(200);
    if (connected < CLIENTS) console.error(`only ${connected} of ${CLIENTS} clients connected in 600 s`);
    const connectSec = (Date.now() - connectStart) / 1000;
    await sleep(10_000); // warm-up with everyone connected
    const connectedRss = rssMb(server.pid!);
    for (const w of workers) w.send({ type: 'reset' });
    const cpu0 = cpuSec(server.pid!);
    const clientCpu0 = workers.reduce((n, w) => n + cpuSec(w.pid!), 0);
    let peakRss = connectedRss;
    const t0 = Date.now();
    while (Date.now() - t0 < SECONDS * 1000) {
      await sleep(1000);
      peakRss = Math.max(peakRss, rssMb(server.pid!));
    }
    const window = (Date.now() - t0) / 1000;
    const cpu = (cpuSec(server.pid!) - cpu0) / window;
    const clientCpu = (workers.reduce((n, w) => n + cpuSec(w.pid!), 0) - clientCpu0) / window;
    for (const w of workers) w.send({ type: 'report' });
    for (let i = 0; reports.length < workers.length; i++) {
      if (i > 300) throw new Error(`only ${reports.length} of ${workers.length} client processes reported`);
      await sleep(100);
    }
    const live = reports.flatMap((r) => r.live).sort((a, b) => a - b);
    const stats = reports.flatMap((r) => r.stats).sort((a, b) => a - b);
    const all = [...live, ...stats].sort((a, b) => a - b);
    // per event: its first delivery (the server's work before anything leaves) and the spread to the last client
    const byEvent = new Map<string, number[]>();
    for (const r of reports) {
      for (const [key, at] of r.arrivals) {
        const times = byEvent.get(key);
        if (times) times.push(at);
        else byEvent.set(key, [at]);
      }
    }
    const firsts: number[] = [];
    const spreads: number[] = [];
    for (const [key, times] of byEvent) {
      const first = Math.min(...times);
      firsts.push(first - Date.parse(key.split(' ')[2]!));
      spreads.push(Math.max(...times) - first);
    }
    firsts.sort((a, b) => a - b);
    spreads.sort((a, b) => a - b);
    const errors = reports.reduce((n, r) => n + r.errors, 0);
    const retries = reports.reduce((n, r) => n + r.retries, 0);
    const result = {
      bench: 'fanout', clients: CLIENTS, connected, campaigns: campaigns.length, subscriptions: CLIENTS * campaigns.length * 2, seconds: Math.round(window),
      connectSec: Math.round(connectSec * 10) / 10,
      p50Ms: pct(all, 50), p99Ms: pct(all, 99), liveP50Ms: pct(live, 50), liveP99Ms: pct(live, 99), statsP50Ms: pct(stats, 50), statsP99Ms: pct(stats, 99),
      events: byEvent.size, firstP50Ms: pct(firsts, 50), firstP99Ms: pct(firsts, 99), spreadP50Ms: pct(spreads, 50), spreadP99Ms: pct(spreads, 99),
      pushesPerSec: Math.round(all.length / window), errors, retries,
      serverCpu: Math.round(cpu * 100) / 100, clientCpu: Math.round(clientCpu * 100) / 100, idleRssMb: Math.round(idleRss), connectedRssMb: Math.round(connectedRss), peakRssMb: Math.round(peakRss),
      kbPerClient: Math.round(((connectedRss - idleRss) * 1024) / Math.max(1, connected)),
    };
    console.log(`${CLIENTS} clients (${connected} connected in ${result.connectSec} s), ${result.subscriptions} subscriptions on ${campaigns.length} campaigns, ${result.seconds} s measured`);
    console.log(`change -> client: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms (live p50 ${result.liveP50Ms} / p99 ${result.liveP99Ms}; counts p50 ${result.statsP50Ms} / p99 ${result.statsP99Ms}); ${result.pushesPerSec} pushes/s; ${errors} errors, ${retries} reconnections`);
    console.log(`per event (${result.events}): first client served after p50 ${result.firstP50Ms} / p99 ${result.firstP99Ms} ms; last one p50 ${result.spreadP50Ms} / p99 ${result.spreadP99Ms} ms after the first`);
    console.log(`server: ${result.serverCpu} CPU cores busy (the client processes ${result.clientCpu}); RSS idle ${result.idleRssMb} MB, connected ${result.connectedRssMb} MB (${result.kbPerClient} KB per client), peak ${result.peakRssMb} MB`);
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
