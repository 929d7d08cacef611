import { Migration } from '@mikro-orm/migrations';

/**
 * Sign-in: users may have a password (scrypt hash; null = cannot sign in), and instances that share
 * the database share the session-signing key through `server_secret` (filled at start, not here).
 */
export class Migration20261124000000Auth extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "app_user" add column "password_hash" varchar(255) null;`);
    // sign-in looks an email up across organisations; the unique key leads with organization_id
    this.addSql(`create index "app_user_email_index" on "app_user" ("email");`);
    this.addSql(`create table "server_secret" ("name" varchar(64) not null, "value" text not null, "created_at" timestamptz not null default now(), constraint "server_secret_pkey" primary key ("name"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "server_secret";`);
    this.addSql(`drop index if exists "app_user_email_index";`);
    this.addSql(`alter table "app_user" drop column "password_hash";`);
  }
}
