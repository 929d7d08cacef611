import { Migration } from '@mikro-orm/migrations';

/** Initial schema: tenancy on every table, campaign snapshot numbers and trigger-kept counters. */
export class Migration20261123000000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "organization" ("id" uuid not null, "name" varchar(200) not null, "balance_minor" bigint not null default 0, "created_at" timestamptz not null, constraint "organization_pkey" primary key ("id"));`);
    this.addSql(`create table "contact_list" ("id" uuid not null, "organization_id" uuid not null, "name" varchar(200) not null, "created_at" timestamptz not null, constraint "contact_list_pkey" primary key ("id"));`);
    this.addSql(`alter table "contact_list" add constraint "contact_list_organization_id_name_unique" unique ("organization_id", "name");`);
    this.addSql(`create table "contact" ("id" uuid not null, "organization_id" uuid not null, "name" varchar(200) not null, "client_id" varchar(128) null, "time_zone" varchar(64) not null, "fields" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "contact_pkey" primary key ("id"));`);
    this.addSql(`alter table "contact" add constraint "contact_organization_id_client_id_unique" unique ("organization_id", "client_id");`);
    this.addSql(`create table "contact_list_member" ("list_id" uuid not null, "contact_id" uuid not null, constraint "contact_list_member_pkey" primary key ("list_id", "contact_id"));`);
    this.addSql(`create table "agent_group" ("id" uuid not null, "organization_id" uuid not null, "name" varchar(200) not null, "created_at" timestamptz not null, constraint "agent_group_pkey" primary key ("id"));`);
    this.addSql(`alter table "agent_group" add constraint "agent_group_organization_id_name_unique" unique ("organization_id", "name");`);
    this.addSql(`create table "campaign" ("id" uuid not null, "organization_id" uuid not null, "name" varchar(200) not null, "dial_mode" varchar(24) not null, "status" varchar(16) not null, "list_id" uuid null, "group_id" uuid not null, "caller_id" varchar(20) not null, "starts_at" timestamptz not null, "ends_at" timestamptz null, "window_start_minute" smallint not null, "window_end_minute" smallint not null, "retries" smallint not null, "retry_interval_minutes" int not null, "retry_on" jsonb not null, "retry_schedule" jsonb null, "agent_max_attempts" smallint not null, "agent_retry_interval_minutes" int not null, "continue_on_not_connected" boolean not null, "priority" smallint not null, "abandon_rate_cap" double precision not null, "max_dial_ratio" double precision not null, "call_type" varchar(16) not null, "popup_url" varchar(2048) null, "call_completed_url" varchar(2048) null, "call_no_answer_url" varchar(2048) null, "get_contacts_url" varchar(2048) null, "dial_whom_url" varchar(2048) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "completed_at" timestamptz null, constraint "campaign_pkey" primary key ("id"));`);
    this.addSql(`create index "campaign_organization_id_status_index" on "campaign" ("organization_id", "status");`);
    this.addSql(`create table "campaign_state_count" ("campaign_id" uuid not null, "state" varchar(20) not null, "reason" varchar(24) not null default '', "organization_id" uuid not null, "count" int not null, constraint "campaign_state_count_pkey" primary key ("campaign_id", "state", "reason"));`);
    this.addSql(`create table "phone_number" ("id" uuid not null, "organization_id" uuid not null, "contact_id" uuid not null, "e164" varchar(20) not null, "region" varchar(2) null, "position" smallint not null, constraint "phone_number_pkey" primary key ("id"));`);
    this.addSql(`alter table "phone_number" add constraint "phone_number_organization_id_e164_unique" unique ("organization_id", "e164");`);
    this.addSql(`create table "app_user" ("id" uuid not null, "organization_id" uuid not null, "name" varchar(200) not null, "email" varchar(320) not null, "role" varchar(16) not null, "created_at" timestamptz not null, constraint "app_user_pkey" primary key ("id"));`);
    this.addSql(`alter table "app_user" add constraint "app_user_organization_id_email_unique" unique ("organization_id", "email");`);
    this.addSql(`create table "agent" ("id" uuid not null, "organization_id" uuid not null, "user_id" uuid null, "name" varchar(200) not null, "phone" varchar(64) not null, "time_zone" varchar(64) not null, "state" varchar(16) not null, "state_changed_at" timestamptz not null, "created_at" timestamptz not null, constraint "agent_pkey" primary key ("id"));`);
    this.addSql(`alter table "agent" add constraint "agent_user_id_unique" unique ("user_id");`);
    this.addSql(`create table "campaign_number" ("id" uuid not null, "organization_id" uuid not null, "campaign_id" uuid not null, "contact_id" uuid null, "contact_name" varchar(200) not null, "contact_fields" jsonb not null, "client_id" varchar(128) null, "e164" varchar(20) not null, "time_zone" varchar(64) not null, "position" smallint not null, "state" varchar(20) not null, "reason" varchar(24) null, "agent_attempts" smallint not null default 0, "customer_attempts" smallint not null default 0, "dial_count" int not null default 0, "priority" smallint not null default 0, "next_attempt_at" timestamptz null, "owner_agent_id" uuid null, "created_at" timestamptz not null, "added_at" timestamptz not null, "updated_at" timestamptz not null, constraint "campaign_number_pkey" primary key ("id"));`);
    this.addSql(`create index "campaign_number_campaign_id_state_index" on "campaign_number" ("campaign_id", "state");`);
    this.addSql(`create table "agent_group_member" ("group_id" uuid not null, "agent_id" uuid not null, constraint "agent_group_member_pkey" primary key ("group_id", "agent_id"));`);
    this.addSql(`alter table "contact_list" add constraint "contact_list_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "contact" add constraint "contact_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "contact_list_member" add constraint "contact_list_member_list_id_foreign" foreign key ("list_id") references "contact_list" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "contact_list_member" add constraint "contact_list_member_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "agent_group" add constraint "agent_group_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign" add constraint "campaign_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign" add constraint "campaign_list_id_foreign" foreign key ("list_id") references "contact_list" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "campaign" add constraint "campaign_group_id_foreign" foreign key ("group_id") references "agent_group" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "campaign_state_count" add constraint "campaign_state_count_campaign_id_foreign" foreign key ("campaign_id") references "campaign" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_state_count" add constraint "campaign_state_count_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "phone_number" add constraint "phone_number_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "phone_number" add constraint "phone_number_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "app_user" add constraint "app_user_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "agent" add constraint "agent_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "agent" add constraint "agent_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "campaign_number" add constraint "campaign_number_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_number" add constraint "campaign_number_campaign_id_foreign" foreign key ("campaign_id") references "campaign" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_number" add constraint "campaign_number_owner_agent_id_foreign" foreign key ("owner_agent_id") references "agent" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "agent_group_member" add constraint "agent_group_member_group_id_foreign" foreign key ("group_id") references "agent_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "agent_group_member" add constraint "agent_group_member_agent_id_foreign" foreign key ("agent_id") references "agent" ("id") on update cascade on delete cascade;`);

    // Counters per campaign/state/reason move in the same transaction as the rows, via
    // statement-level triggers with transition tables (one upsert per statement, not per row).
    // Rows are upserted in key order so concurrent transactions lock counters in the same order.
    this.addSql(`create function campaign_state_count_apply() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into campaign_state_count (campaign_id, state, reason, organization_id, count)
      select campaign_id, state, coalesce(reason, ''), min(organization_id::text)::uuid, count(*)
      from new_rows group by 1, 2, 3 order by 1, 2, 3
    on conflict (campaign_id, state, reason) do update set count = campaign_state_count.count + excluded.count;
  elsif tg_op = 'DELETE' then
    update campaign_state_count c set count = c.count - d.n
      from (select campaign_id, state, coalesce(reason, '') as reason, count(*) as n from old_rows group by 1, 2, 3) d
      where c.campaign_id = d.campaign_id and c.state = d.state and c.reason = d.reason;
  else
    insert into campaign_state_count (campaign_id, state, reason, organization_id, count)
      select campaign_id, state, reason, org, sum(delta) from (
        select campaign_id, state, coalesce(reason, '') as reason, organization_id as org, 1 as delta from new_rows
        union all
        select campaign_id, state, coalesce(reason, ''), organization_id, -1 from old_rows
      ) d group by campaign_id, state, reason, org having sum(delta) <> 0 order by 1, 2, 3
    on conflict (campaign_id, state, reason) do update set count = campaign_state_count.count + excluded.count;
  end if;
  return null;
end $$;`);
    this.addSql(`create trigger campaign_number_count_ins after insert on campaign_number referencing new table as new_rows for each statement execute function campaign_state_count_apply();`);
    this.addSql(`create trigger campaign_number_count_upd after update on campaign_number referencing old table as old_rows new table as new_rows for each statement execute function campaign_state_count_apply();`);
    this.addSql(`create trigger campaign_number_count_del after delete on campaign_number referencing old table as old_rows for each statement execute function campaign_state_count_apply();`);
    this.addSql(`alter table campaign_number add constraint campaign_number_state_check check (state in ('SCHEDULED','IN_PROGRESS','RETRY','RETRYING','COMPLETED','FAILED','FAILED_DND','FAILED_BALANCE','FAILED_NO_ATTEMPT','INVALID','CANCELLED','EXPIRED'));`);
    this.addSql(`alter table campaign add constraint campaign_status_check check (status in ('SCHEDULED','RUNNING','PAUSED','COMPLETED','ARCHIVED'));`);
    this.addSql(`alter table agent add constraint agent_state_check check (state in ('OFFLINE','AVAILABLE','RINGING','ON_CALL','WRAP_UP','PAUSED'));`);
    this.addSql(`alter table app_user add constraint app_user_role_check check (role in ('ADMIN','SUPERVISOR','AGENT'));`);
    this.addSql(`create index campaign_number_campaign_due_index on campaign_number (campaign_id, next_attempt_at) where state in ('SCHEDULED','RETRY');`);
    this.addSql(`create index contact_organization_created_index on contact (organization_id, created_at);`);
    this.addSql(`create index campaign_organization_created_index on campaign (organization_id, created_at);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop schema public cascade; create schema public;`);
  }
}
