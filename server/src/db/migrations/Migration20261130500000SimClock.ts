import { Migration } from '@mikro-orm/migrations';

/**
 * Scaled time (issue 19): where a sped-up clock (SIM_TIME_SCALE) was anchored, so that a restart, or a second
 * instance, carries on from the same simulated time instead of jumping back to the wall's. One row at most.
 */
export class Migration20261130500000SimClock extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "sim_clock" (
      "id" boolean not null default true primary key check ("id"),
      "scale" int not null check ("scale" > 1),
      "anchor_wall" timestamptz(3) not null,
      "anchor_sim" timestamptz(3) not null
    );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "sim_clock";`);
  }
}
