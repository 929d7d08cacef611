import { Migration } from '@mikro-orm/migrations';

/**
 * Server-side sessions (issue 13): a signed token names a `user_session` row, so a session can end on
 * the server (sign out, sign out everywhere, a password change, a disabled user) and open sockets are
 * closed. Users can be disabled. Tokens issued before this release carry no session and are refused.
 */
export class Migration20261129100000Sessions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "user_session" ("id" uuid not null, "organization_id" uuid not null references "organization" ("id") on delete cascade,
      "user_id" uuid not null references "app_user" ("id") on delete cascade, "created_at" timestamptz not null, "expires_at" timestamptz not null,
      "revoked_at" timestamptz null, "last_used_at" timestamptz null, constraint "user_session_pkey" primary key ("id"));`);
    this.addSql(`create index "user_session_user_live_index" on "user_session" ("user_id") where revoked_at is null;`);
    this.addSql(`alter table "app_user" add column "disabled_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "app_user" drop column "disabled_at";`);
    this.addSql(`drop table if exists "user_session";`);
  }
}
