import { Migration } from '@mikro-orm/migrations';

/**
 * Dial-whom and get-contacts URLs (issue 17, seed 004). `campaign_integration` keeps, per campaign and
 * URL kind, where the dial-whom paging stands (cursor, done, counts), a lease so one instance fetches
 * at a time, and the last failure with its retry time (the wallboard and campaign page show it).
 * `contact_lookup` caches what a get-contacts URL answered for a number, for the agent's screen (json, not
 * jsonb: the fields keep the CRM's order).
 */
export class Migration20261130200000Integrations extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "campaign_integration" (
      "campaign_id" uuid not null references "campaign" ("id") on update cascade on delete cascade,
      "kind" varchar(16) not null check ("kind" in ('DIAL_WHOM', 'GET_CONTACTS')),
      "cursor" varchar(500) null,
      "done" boolean not null default false,
      "pages" int not null default 0,
      "fetched" int not null default 0,
      "rejected" int not null default 0,
      "last_rejection" varchar(300) null,
      "lease_until" timestamptz null,
      "failures" int not null default 0,
      "last_error" varchar(500) null,
      "error_at" timestamptz null,
      "retry_at" timestamptz null,
      "ok_at" timestamptz null,
      primary key ("campaign_id", "kind"));`);
    this.addSql(`create table "contact_lookup" (
      "campaign_id" uuid not null references "campaign" ("id") on update cascade on delete cascade,
      "e164" varchar(20) not null,
      "fields" json null,
      "error" varchar(300) null,
      "fetched_at" timestamptz not null,
      primary key ("campaign_id", "e164"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "contact_lookup"; drop table "campaign_integration";`);
  }
}
