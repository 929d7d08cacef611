import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logger; `LOG_LEVEL` sets the level (default `info`, `silent` in tests). */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'dialer' }, timestamp: pino.stdTimeFunctions.isoTime });
}
