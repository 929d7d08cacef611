import { Migration } from '@mikro-orm/migrations';

/** Agent groups say whether their members may schedule followups (seed 002, issue 13 admin screens). */
export class Migration20261129120000GroupFollowups extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "agent_group" add column "may_schedule_followups" boolean not null default true;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "agent_group" drop column "may_schedule_followups";`);
  }
}
