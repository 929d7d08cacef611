/**
 * Operator commands (not reachable through the API):
 *
 *   npm run admin -- create-org --name "Acme Collections" --admin-email ops@acme.example [--admin-name "Ops"] [--time-zone Asia/Kolkata]
 *
 * The administrator's password comes from ADMIN_PASSWORD or, when unset, the first line of standard input
 * (so it never appears in the process list or the shell history). Uses DATABASE_URL, or the embedded
 * PostgreSQL in DATA_DIR (attaching to a running one, e.g. the server's, and leaving it running).
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { SessionTokens } from './auth/session-token.js';
import { systemClock } from './clock.js';
import { loadConfig } from './config.js';
import { startEmbeddedPostgres } from './db/embedded-postgres.js';
import { initOrm } from './db/orm.js';
import { DialerError } from './domain/errors.js';
import { createLogger } from './logger.js';
import { UserService } from './modules/user/user.service.js';

const USAGE = 'usage: npm run admin -- create-org --name <organisation> --admin-email <email> [--admin-name <name>] [--time-zone <IANA zone>]\n' +
  '       (password: ADMIN_PASSWORD, or the first line of standard input)';

async function readPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write('Administrator password: ');
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'create-org') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, 'admin-email': { type: 'string' }, 'admin-name': { type: 'string' }, 'time-zone': { type: 'string' } },
    strict: true,
  });
  if (!values.name || !values['admin-email']) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const config = loadConfig();
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort, log);
  const orm = await initOrm(config.databaseUrl ?? embedded!.url, log);
  try {
    // no token is issued here, so the signing key does not matter
    const users = new UserService(systemClock, new SessionTokens('cli-issues-no-tokens', systemClock));
    const created = await users.createOrganization(orm.em.fork(), {
      name: values.name, adminEmail: values['admin-email'], adminName: values['admin-name'], timeZone: values['time-zone'], adminPassword: await readPassword(),
    });
    process.stdout.write(`${JSON.stringify({ ...created, adminEmail: values['admin-email'].trim().toLowerCase() })}\n`);
    return 0;
  } catch (err) {
    if (err instanceof DialerError) {
      process.stderr.write(`create-org: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await orm.close(true);
    if (embedded && !embedded.attached) await embedded.stop();
  }
}

// exit explicitly: embedded-postgres's exit hooks would otherwise turn a failure into exit code 0
process.exit(await main());
