import { Migration } from '@mikro-orm/migrations';

/** Agent-owned customer pools (seed 003): the campaign option, and when an owned callback was released to the group. */
export class Migration20261129150000OwnerPools extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "campaign" add column "owner_pool" jsonb null;`);
    this.addSql(`alter table "campaign_number" add column "released_at" timestamptz null;`);
    this.addSql(`create index "campaign_number_campaign_id_owner_agent_id_index" on "campaign_number" ("campaign_id", "owner_agent_id") where "state" in ('SCHEDULED', 'RETRY', 'IN_PROGRESS', 'RETRYING');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "campaign_number_campaign_id_owner_agent_id_index";`);
    this.addSql(`alter table "campaign_number" drop column "released_at";`);
    this.addSql(`alter table "campaign" drop column "owner_pool";`);
  }
}
