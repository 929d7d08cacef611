import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ENTITIES } from '../entities/index.js';
import type { Logger } from '../logger.js';
import { MIGRATIONS } from './migrations/index.js';

export type { MikroORM };

/** ORM options; entities and migrations are listed explicitly, never discovered from folders. */
export function ormOptions(clientUrl: string, log?: Logger, poolMax = 20): Options {
  return {
    logger: (message: string) => log?.debug({ orm: message }, 'orm'),
    clientUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false },
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    pool: { min: 0, max: poolMax },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: false,
  };
}

/** Connects and applies every committed migration that has not run yet. */
export async function initOrm(clientUrl: string, log: Logger): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(clientUrl, log));
  const applied = await orm.getMigrator().up();
  if (applied.length) log.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
  return orm;
}
