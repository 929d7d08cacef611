/**
 * Contact import benchmark (issue 19): a CSV of ROWS contacts (a BOM, CRLF line ends, quoted commas, a client_id
 * column, 1% malformed numbers, 1% numbers repeated from earlier rows) uploaded to the real server (built entry
 * point, its own process, a fresh PostgreSQL database) as `POST /imports/contacts`, streamed from disk. Prints the
 * time, rows/s, what was imported and refused, the server's peak resident memory above idle, and the slowest
 * `/healthz` answer during the import (is the server still responsive?), then one JSON line.
 *
 *   npm run bench:import -- [rows=100000]
 */
import { execFile, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync, statSync, unlinkSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';

const ROWS = Number(process.argv[2] ?? 100_000);
const ADMIN = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = path.resolve(import.meta.dirname, '../..');
const dbName = `dialer_bench_import_${Date.now()}`;
const u = new URL(ADMIN);
u.pathname = `/${dbName}`;
const env = { ...process.env, DATABASE_URL: u.toString(), REDIS_URL: '', DEMO_SEED: 'false', LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', IMPORT_MAX_ROWS: String(Math.max(ROWS, 1_000_000)) };
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The file: row i has number +91 98 <8 digits of i>; every 100th is malformed, every 100th (offset 50) repeats row i-7. */
async function writeCsv(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('\ufeffname,phone,client_id,order_id,city\r\n');
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    const phone = i % 100 === 7 ? `98${i}x` : i % 100 === 57 ? `+9198${String(10_000_000 + i - 7)}` : `+9198${String(10_000_000 + i)}`;
    chunk += `"Customer ${i}, Jr",${phone},CID-${i},ORD-${i},"Pune, MH"\r\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((r) => out.once('finish', () => r()));
}

const admin = new pg.Client({ connectionString: ADMIN });
await admin.connect();
await admin.query(`create database ${dbName}`);
const file = path.join(tmpdir(), `contacts-${ROWS}.csv`);
await writeCsv(file);
const server = spawn(process.execPath, ['server/dist/main.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
let out = '';
server.stdout!.on('data', (d) => (out += d));
server.stderr!.on('data', (d) => (out += d));
try {
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    server.stdout!.on('data', () => {
      const m = /GraphQL \(HTTP and WebSocket\): (\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  const base = url.replace(/\/graphql$/, '');
  await new Promise<void>((resolve, reject) => {
    const c = execFile(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', 'create-org', '--name', 'Bench', '--admin-email', 'bench@localhost'], { cwd: ROOT, env: { ...env, ADMIN_PASSWORD: '' } },
      (err) => (err ? reject(err) : resolve()));
    c.stdin!.end('bench-password-1\n');
  });
  const post = async (query: string, token?: string) => {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query }) });
    const body = (await r.json()) as { data: any; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const token = (await post('mutation { signIn(email: "bench@localhost", password: "bench-password-1") { token } }')).signIn.token as string;
  const list = (await post('mutation { createContactList(name: "Bench") { id } }', token)).createContactList.id as string;
  await sleep(2_000);
  const idle = rssMb(server.pid!);
  let peak = idle;
  let slowestHealthMs = 0;
  let watching = true;
  const watch = (async () => {
    while (watching) {
      const t = performance.now();
      await fetch(`${base}/healthz`).then((r) => r.text());
      slowestHealthMs = Math.max(slowestHealthMs, performance.now() - t);
      peak = Math.max(peak, rssMb(server.pid!));
      await sleep(100);
    }
  })();
  const t0 = performance.now();
  const result = await new Promise<any>((resolve, reject) => {
    const target = new URL(`${base}/imports/contacts?listId=${list}`);
    const req = request({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': String(statSync(file).size) } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${res.statusCode}: ${body.slice(0, 500)}`))));
    });
    req.on('error', reject);
    pipeline(createReadStream(file), req).catch(reject);
  });
  const seconds = (performance.now() - t0) / 1000;
  watching = false;
  await watch;
  const byCode: Record<string, number> = {};
  for (const e of result.errors as { code: string }[]) byCode[e.code] = (byCode[e.code] ?? 0) + 1;
  const summary = {
    bench: 'import', rows: result.rows, fileMb: Math.round(statSync(file).size / 1048576), seconds: Math.round(seconds * 10) / 10, rowsPerSec: Math.round(result.rows / seconds),
    created: result.created, addedToList: result.addedToList, refused: result.errors.length, refusedByCode: byCode,
    idleRssMb: Math.round(idle), peakRssMb: Math.round(peak), growthMb: Math.round(peak - idle), slowestHealthzMs: Math.round(slowestHealthMs),
  };
  console.log(`${summary.rows} rows (${summary.fileMb} MB) in ${summary.seconds} s: ${summary.rowsPerSec} rows/s; ${summary.created} created, ${summary.refused} refused ${JSON.stringify(byCode)}`);
  console.log(`server memory: idle ${summary.idleRssMb} MB, peak ${summary.peakRssMb} MB (+${summary.growthMb} MB); slowest /healthz during the import ${summary.slowestHealthzMs} ms`);
  console.log(JSON.stringify(summary));
} finally {
  if (server.exitCode === null && server.signalCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  unlinkSync(file);
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
