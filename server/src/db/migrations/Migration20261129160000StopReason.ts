import { Migration } from '@mikro-orm/migrations';

/** Why an agent's session last ended when the agent did not end it (issue 16: the console says why it went Offline). */
export class Migration20261129160000StopReason extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "agent" add column "stop_reason" varchar(300) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "agent" drop column "stop_reason";`);
  }
}
