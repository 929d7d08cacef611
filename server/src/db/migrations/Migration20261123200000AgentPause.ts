import { Migration } from '@mikro-orm/migrations';

/** Agents can ask for a pause: it takes effect when they are next free (no new calls while PAUSED). */
export class Migration20261123200000AgentPause extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "agent" add column "pause_requested" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "agent" drop column "pause_requested";`);
  }
}
