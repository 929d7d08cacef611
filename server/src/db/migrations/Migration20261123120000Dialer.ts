import { Migration } from '@mikro-orm/migrations';

/** The dialler: call legs (written before a call is placed), suppression, flow variables, agent sessions, daily call stats. */
export class Migration20261123120000Dialer extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "suppression" ("id" uuid not null, "organization_id" uuid not null, "kind" varchar(12) not null, "value" varchar(128) not null, "reason" varchar(200) null, "created_at" timestamptz not null, constraint "suppression_pkey" primary key ("id"));`);
    this.addSql(`alter table "suppression" add constraint "suppression_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "suppression" add constraint "suppression_kind_check" check (kind in ('NUMBER','CLIENT_ID'));`);
    this.addSql(`create unique index "suppression_org_kind_value_unique" on "suppression" ("organization_id", "kind", "value");`);

    this.addSql(`create table "call_leg" ("id" uuid not null, "organization_id" uuid not null, "campaign_id" uuid not null, "number_id" uuid null, "agent_id" uuid null, "kind" varchar(8) not null, "sid" varchar(64) null, "to_number" varchar(64) not null, "status" varchar(12) not null, "cause" varchar(32) null, "abandoned" boolean not null default false, "machine" boolean not null default false, "agent_attempt" smallint not null default 0, "customer_attempt" smallint not null default 0, "instance_id" varchar(64) not null, "created_at" timestamptz not null, "answered_at" timestamptz null, "ended_at" timestamptz null, "duration_sec" int null, "recording_url" varchar(2048) null, constraint "call_leg_pkey" primary key ("id"));`);
    this.addSql(`alter table "call_leg" add constraint "call_leg_sid_unique" unique ("sid");`);
    this.addSql(`create index "call_leg_campaign_id_created_at_index" on "call_leg" ("campaign_id", "created_at");`);
    this.addSql(`create index "call_leg_live_index" on "call_leg" ("campaign_id") where status in ('QUEUED','RINGING','ANSWERED');`);
    this.addSql(`alter table "call_leg" add constraint "call_leg_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "call_leg" add constraint "call_leg_campaign_id_foreign" foreign key ("campaign_id") references "campaign" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "call_leg" add constraint "call_leg_number_id_foreign" foreign key ("number_id") references "campaign_number" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "call_leg" add constraint "call_leg_agent_id_foreign" foreign key ("agent_id") references "agent" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "call_leg" add constraint "call_leg_status_check" check (status in ('QUEUED','RINGING','ANSWERED','COMPLETED','NO_ANSWER','BUSY','FAILED','CANCELLED'));`);
    this.addSql(`alter table "call_leg" add constraint "call_leg_kind_check" check (kind in ('AGENT','CUSTOMER'));`);

    this.addSql(`alter table "campaign" add column "wrap_up_seconds" smallint not null default 15, add column "ring_timeout_seconds" smallint not null default 20;`);
    this.addSql(`alter table "agent" add column "active_campaign_id" uuid null;`);
    this.addSql(`alter table "agent" add constraint "agent_active_campaign_id_foreign" foreign key ("active_campaign_id") references "campaign" ("id") on update cascade on delete set null;`);
    this.addSql(`create index "agent_active_campaign_index" on "agent" ("active_campaign_id") where active_campaign_id is not null;`);
    this.addSql(`alter table "campaign_number" add column "reschedule_agent_call" boolean not null default false, add column "reschedule_customer_call" boolean not null default false, add column "disposition" varchar(64) null;`);

    // Per campaign and UTC day: what the wallboard's answer rate, abandon rate and handle time are computed from.
    // Updated in the same transaction as the call events that move them.
    this.addSql(`create table "campaign_day_stat" ("campaign_id" uuid not null references "campaign" ("id") on delete cascade, "day" date not null, "organization_id" uuid not null references "organization" ("id") on delete cascade, "dials" int not null default 0, "live_answers" int not null default 0, "abandons" int not null default 0, "connects" int not null default 0, "machines" int not null default 0, "handled" int not null default 0, "handle_seconds" bigint not null default 0, constraint "campaign_day_stat_pkey" primary key ("campaign_id", "day"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists campaign_day_stat, call_leg, suppression cascade;`);
    this.addSql(`alter table campaign drop column wrap_up_seconds, drop column ring_timeout_seconds;`);
    this.addSql(`alter table agent drop column active_campaign_id;`);
    this.addSql(`alter table campaign_number drop column reschedule_agent_call, drop column reschedule_customer_call, drop column disposition;`);
  }
}
