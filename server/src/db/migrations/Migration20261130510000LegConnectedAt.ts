import { Migration } from '@mikro-orm/migrations';

/**
 * Occupancy from the call legs (issue 19): when a customer leg was put through to its agent. In predictive mode
 * that is up to the 2-second grace after the answer; talk time runs from here, not from the answer.
 */
export class Migration20261130510000LegConnectedAt extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "call_leg" add column "connected_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "call_leg" drop column "connected_at";`);
  }
}
