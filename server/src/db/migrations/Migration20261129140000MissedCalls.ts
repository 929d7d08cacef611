import { Migration } from '@mikro-orm/migrations';

/**
 * Missed-call campaigns (seed 001) and campaigns that finish themselves (seed 004): campaign rules,
 * inbound call events (idempotent on the caller's session id), the per-organisation secret of the
 * signed inbound hook, drops recorded on a pending number, and why a campaign was completed.
 */
export class Migration20261129140000MissedCalls extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "campaign" add column "rules" jsonb null, add column "completion_reason" varchar(24) null;`);
    this.addSql(`update "campaign" set "completion_reason" = case when "ends_at" is not null and "completed_at" >= "ends_at" then 'END_TIME' else 'SUPERVISOR' end where "status" in ('COMPLETED', 'ARCHIVED') and "completed_at" is not null;`);
    this.addSql(`alter table "organization" add column "inbound_hook_secret" varchar(64) null;`);
    this.addSql(`alter table "campaign_number" add column "inbound_drops" smallint not null default 0, add column "last_inbound_at" timestamptz null;`);
    this.addSql(`create index "campaign_number_organization_id_e164_index" on "campaign_number" ("organization_id", "e164") where "state" in ('SCHEDULED', 'RETRY');`);
    this.addSql(`create table "inbound_call" (
      "id" uuid not null, "organization_id" uuid not null, "session_id" varchar(128) null, "caller" varchar(20) not null,
      "dialled" varchar(20) null, "outcome" varchar(20) not null, "at" timestamptz not null, "source" varchar(8) not null,
      "added_to" jsonb not null default '[]', "drop_recorded_in" jsonb not null default '[]', "cancelled_in" jsonb not null default '[]',
      "received_at" timestamptz not null, constraint "inbound_call_pkey" primary key ("id"));`);
    this.addSql(`alter table "inbound_call" add constraint "inbound_call_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`create unique index "inbound_call_organization_id_session_id_unique" on "inbound_call" ("organization_id", "session_id") where "session_id" is not null;`);
    this.addSql(`create index "inbound_call_organization_id_caller_at_index" on "inbound_call" ("organization_id", "caller", "at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "inbound_call" cascade;`);
    this.addSql(`drop index if exists "campaign_number_organization_id_e164_index";`);
    this.addSql(`alter table "campaign_number" drop column "inbound_drops", drop column "last_inbound_at";`);
    this.addSql(`alter table "organization" drop column "inbound_hook_secret";`);
    this.addSql(`alter table "campaign" drop column "rules", drop column "completion_reason";`);
  }
}
