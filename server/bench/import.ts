/**
 * Contact import benchmark (issue 19): a CSV of ROWS contacts (a BOM, CRLF line ends, quoted commas, a client_id
 * column, 1% malformed numbers, 1% numbers repeated from earlier rows) uploaded to the real server (built entry
 * point, its own process, a fresh PostgreSQL database) as `POST /imports/contacts`, streamed from disk. Prints the
 * time, rows/s, what was imported and refused, the server's peak resident memory above idle, and the slowest
 * `/healthz` answer during the import (is the server still responsive?), then one JSON line.
 *
 *   npm run bench:import -- [rows=100000]
 */
import { createReadStream, createWriteStream, statSync, unlinkSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { rssMb, sleep, startBenchServer } from './harness.js';

const ROWS = Number(process.argv[2] ?? 100_000);

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

const file = path.join(tmpdir(), `contacts-${ROWS}.csv`);
await writeCsv(file);
const bench = await startBenchServer('dialer_bench_import', { DEMO_SEED: 'false', IMPORT_MAX_ROWS: String(Math.max(ROWS, 1_000_000)) });
const server = bench.process;
const base = bench.base;
try {
  const token = await bench.adminToken();
  const list = (await bench.post('mutation { createContactList(name: "Bench") { id } }', {}, token)).createContactList.id as string;
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
  await bench.stop();
  unlinkSync(file);
}
