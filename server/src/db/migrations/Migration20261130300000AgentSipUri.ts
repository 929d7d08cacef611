import { Migration } from '@mikro-orm/migrations';

/** Real telephony (issue 18): an agent's phone may be a SIP endpoint (desk or soft phone), dialled for the agent's leg. */
export class Migration20261130300000AgentSipUri extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "agent" add column "sip_uri" varchar(64) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "agent" drop column "sip_uri";`);
  }
}
