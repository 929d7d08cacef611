import { Migration } from '@mikro-orm/migrations';

/** API keys for integrators (issue 13): scoped, stored as a SHA-256 of the key, revocable, with a last-used time. */
export class Migration20261129110000ApiKeys extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "api_key" ("id" uuid not null, "organization_id" uuid not null references "organization" ("id") on delete cascade,
      "name" varchar(100) not null, "prefix" varchar(16) not null, "key_hash" char(64) not null, "scopes" text[] not null,
      "created_by" uuid null references "app_user" ("id") on delete set null, "created_at" timestamptz not null,
      "last_used_at" timestamptz null, "revoked_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`);
    this.addSql(`create unique index "api_key_hash_unique" on "api_key" ("key_hash");`);
    this.addSql(`create index "api_key_organization_index" on "api_key" ("organization_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "api_key";`);
  }
}
