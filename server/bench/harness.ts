import { createWriteStream } from 'node:fs';
/**
 * What the server benchmarks share: a fresh PostgreSQL database, the built server (`server/dist/main.js`) in its own
 * process, an organisation made through the operator CLI, GraphQL over HTTP, and the process's memory and CPU.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const ADMIN = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Resident memory of a process, in MB (Linux /proc). */
export const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
/** CPU seconds (user + system) a process has used (Linux /proc, 100 ticks a second). */
export const cpuSec = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

/** A fresh database named `<prefix>_<time>` (for a server run in this process, or several); `drop()` removes it. */
export async function createBenchDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const dbName = `${prefix}_${Date.now()}`;
  const u = new URL(ADMIN);
  u.pathname = `/${dbName}`;
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  try {
    await admin.query(`create database ${dbName}`);
  } finally {
    await admin.end();
  }
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN });
      await c.connect();
      await c.query(`drop database if exists ${dbName} with (force)`);
      await c.end();
    },
  };
}

export interface BenchServer {
  process: ChildProcess;
  /** The GraphQL URL it printed; `base` is its origin. */
  url: string;
  base: string;
  databaseUrl: string;
  env: NodeJS.ProcessEnv;
  /** GraphQL over HTTP; throws on errors. */
  post(query: string, variables?: Record<string, unknown>, token?: string): Promise<any>;
  /** Creates an organisation and its admin through the operator CLI and signs in: the session token. */
  adminToken(): Promise<string>;
  /** Stops the server (SIGTERM, or SIGKILL) and drops its database. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/**
 * A fresh database named `<prefix>_<time>` and the built server on it with `env`; resolves once it prints its URL.
 * With `databaseUrl` (another instance of a cluster) the server joins that database, and `stop` leaves it.
 */
/** The server's Node options as `npm start` and the Dockerfile run it. */
const SERVER_NODE_ARGS = ['--max-semi-space-size=32'];

export async function startBenchServer(prefix: string, env: Record<string, string>, options: { databaseUrl?: string } = {}): Promise<BenchServer> {
  const own = options.databaseUrl ? undefined : await createBenchDatabase(prefix);
  const databaseUrl = options.databaseUrl ?? own!.url;
  const fullEnv = { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: '', LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', ...env };
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), 'server/dist/main.js'], { cwd: ROOT, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  // BENCH_SERVER_LOG=<file>: the server's own log lines there (LOG_LEVEL decides how many)
  if (process.env.BENCH_SERVER_LOG) {
    const file = createWriteStream(process.env.BENCH_SERVER_LOG);
    child.stdout!.pipe(file);
    child.stderr!.pipe(file);
  }
  // a benchmark stopped early (Ctrl-C, a closed pipe, a timeout) must not leave its server running and skewing the next
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE'] as const) {
    process.once(sig, () => {
      orphan();
      process.exit(1);
    });
  }
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await new Promise((r) => child.once('exit', r));
    }
    await own?.drop();
  };
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 90_000);
      child.stdout!.on('data', () => {
        const m = /GraphQL \(HTTP and WebSocket\): (\S+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
    });
  } catch (err) {
    await stop('SIGKILL');
    throw err;
  }
  const post = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
    const body = (await r.json()) as { data: any; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  return {
    process: child, url, base: url.replace(/\/graphql$/, ''), databaseUrl, env: fullEnv, post, stop,
    async adminToken() {
      await new Promise<void>((resolve, reject) => {
        const c = execFile(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', 'create-org', '--name', 'Bench', '--admin-email', 'bench@localhost'],
          { cwd: ROOT, env: { ...fullEnv, ADMIN_PASSWORD: '' } }, (err) => (err ? reject(err) : resolve()));
        c.stdin!.end('bench-password-1\n');
      });
      return (await post('mutation { signIn(email: "bench@localhost", password: "bench-password-1") { token } }')).signIn.token as string;
    },
  };
}
