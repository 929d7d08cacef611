import { Migration } from '@mikro-orm/migrations';

/**
 * Wallboard and agent console: per-minute occupancy samples for the timeline, the index the
 * timeline's answer counts read, and scheduled followups on campaign numbers.
 */
export class Migration20261124010000Wallboard extends Migration {
  override async up(): Promise<void> {
    // One row per campaign and minute, upserted by the owning instance after each tick: occupancy
    // of the minute = busy_sum / logged_in_sum (agent-samples on call or in wrap-up over agent-samples logged in).
    this.addSql(`create table "campaign_minute_stat" ("campaign_id" uuid not null references "campaign" ("id") on delete cascade, "minute" timestamptz not null, "samples" int not null default 0, "busy_sum" int not null default 0, "logged_in_sum" int not null default 0, constraint "campaign_minute_stat_pkey" primary key ("campaign_id", "minute"));`);
    // Dials come from (campaign_id, created_at) (existing index); live answers and abandons by the minute they were answered.
    this.addSql(`create index "call_leg_customer_answered_index" on "call_leg" ("campaign_id", "answered_at") where kind = 'CUSTOMER' and answered_at is not null;`);
    // A number's latest customer leg (who handled it: followups, flow variables).
    this.addSql(`create index "call_leg_number_customer_index" on "call_leg" ("number_id", "created_at") where kind = 'CUSTOMER';`);

    // Scheduled followups (seed 002): the owner is owner_agent_id; followup_at is one booked during a call,
    // applied when the attempt finishes; the zone it was booked in and the agent's note are shown in the console.
    this.addSql(`alter table "campaign_number" add column "followup_at" timestamptz null, add column "followup_time_zone" varchar(64) null, add column "followup_note" varchar(500) null;`);
    this.addSql(`create index "campaign_number_owner_index" on "campaign_number" ("owner_agent_id") where owner_agent_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "campaign_number_owner_index";`);
    this.addSql(`alter table "campaign_number" drop column "followup_at", drop column "followup_time_zone", drop column "followup_note";`);
    this.addSql(`drop index if exists "call_leg_number_customer_index";`);
    this.addSql(`drop index if exists "call_leg_customer_answered_index";`);
    this.addSql(`drop table if exists "campaign_minute_stat";`);
  }
}
