import { Migration } from '@mikro-orm/migrations';

/**
 * Incremental hopper refills (issue 14): every insert or update of a campaign number stamps the
 * writing transaction's id. A reader that remembers `pg_snapshot_xmin` of its last read can fetch
 * exactly the rows written since, including those of transactions still open at that read, without
 * trusting any writer to set `updated_at` or any clock to agree.
 */
export class Migration20261129130000HopperChanges extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "campaign_number" add column "change_xid" xid8 not null default pg_current_xact_id();`);
    this.addSql(`create function campaign_number_stamp_xid() returns trigger language plpgsql as $$
      begin
        new.change_xid := pg_current_xact_id();
        return new;
      end $$;`);
    this.addSql(`create trigger campaign_number_stamp_xid before insert or update on campaign_number for each row execute function campaign_number_stamp_xid();`);
    this.addSql(`create index "campaign_number_campaign_id_change_xid_index" on "campaign_number" ("campaign_id", "change_xid");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger campaign_number_stamp_xid on campaign_number;`);
    this.addSql(`drop function campaign_number_stamp_xid();`);
    this.addSql(`alter table "campaign_number" drop column "change_xid";`);
  }
}
