import type { EntityManager } from '@mikro-orm/postgresql';
import { ScaledClock, systemClock, type Clock } from '../clock.js';

/**
 * The call centre's clock for SIM_TIME_SCALE `scale`. Above 1 it is a {@link ScaledClock} anchored in the database,
 * so a restarted server, or a second instance on the same database, reads the same simulated time (it never jumps
 * back to the wall's, behind the times already written); a new scale re-anchors where the old clock had got to.
 * At 1 it is the wall's clock (a database left ahead by a sped-up demo keeps its rows; new ones are at wall time).
 */
export async function loadSimClock(em: EntityManager, scale: number): Promise<Clock> {
  if (scale <= 1) return systemClock;
  const wall = Date.now();
  // the first instance anchors (at the old clock's time when the scale changed); the others read its anchor
  const [row] = await em.execute<{ scale: number; anchor_wall: Date; anchor_sim: Date }[]>(
    `insert into sim_clock (id, scale, anchor_wall, anchor_sim) values (true, ?, ?, ?)
       on conflict (id) do update set scale = excluded.scale, anchor_wall = excluded.anchor_wall,
         anchor_sim = greatest(excluded.anchor_sim, sim_clock.anchor_sim + (excluded.anchor_wall - sim_clock.anchor_wall) * sim_clock.scale)
       where sim_clock.scale <> excluded.scale
     returning scale, anchor_wall, anchor_sim`, [scale, new Date(wall), new Date(wall)]);
  const anchor = row ?? (await em.execute<{ scale: number; anchor_wall: Date; anchor_sim: Date }[]>(`select scale, anchor_wall, anchor_sim from sim_clock`))[0]!;
  return new ScaledClock(scale, new Date(anchor.anchor_wall).getTime(), new Date(anchor.anchor_sim).getTime());
}
