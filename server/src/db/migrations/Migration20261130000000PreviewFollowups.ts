import { Migration } from '@mikro-orm/migrations';

/**
 * Preview followups (issue 16, seed 002): an agent launches a due followup from the console (the
 * request waits on the agent row until the campaign's runner takes it, as in-call requests do); a
 * followup not launched within 5 minutes of its time expires (swept by the index below); a
 * suppression entry may apply to one campaign only ("apply it to the strategy that services the
 * callbacks"), which cancels that campaign's followups for the number or client id.
 */
export class Migration20261130000000PreviewFollowups extends Migration {
  override async up(): Promise<void> {
    // INCOMPATIBLE_CHANNEL_TYPE (25 characters) is the longest reason
    this.addSql(`alter table "campaign_number" alter column "reason" type varchar(32);`);
    this.addSql(`alter table "campaign_state_count" alter column "reason" type varchar(32);`);
    this.addSql(`alter table "agent" add column "launch_number_id" uuid null, add column "launch_campaign_id" uuid null, add column "launch_requested_at" timestamptz null, add column "launch_notice" varchar(300) null;`);
    this.addSql(`create index "agent_launch_campaign_idx" on "agent" ("launch_campaign_id") where "launch_campaign_id" is not null;`);
    this.addSql(`create index "campaign_number_followup_due_idx" on "campaign_number" ("next_attempt_at") where "followup_time_zone" is not null and "state" in ('SCHEDULED', 'RETRY');`);
    this.addSql(`alter table "suppression" add column "campaign_id" uuid null references "campaign" ("id") on update cascade on delete cascade;`);
    this.addSql(`drop index "suppression_org_kind_value_unique";`);
    this.addSql(`create unique index "suppression_org_kind_value_unique" on "suppression" ("organization_id", "kind", "value", coalesce("campaign_id", '00000000-0000-0000-0000-000000000000'::uuid));`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "suppression" where "campaign_id" is not null;`);
    this.addSql(`drop index "suppression_org_kind_value_unique";`);
    this.addSql(`alter table "suppression" drop column "campaign_id";`);
    this.addSql(`create unique index "suppression_org_kind_value_unique" on "suppression" ("organization_id", "kind", "value");`);
    this.addSql(`drop index "campaign_number_followup_due_idx";`);
    this.addSql(`drop index "agent_launch_campaign_idx";`);
    this.addSql(`update "campaign_number" set "reason" = 'SUPPRESSED' where "reason" = 'INCOMPATIBLE_CHANNEL_TYPE';`);
    this.addSql(`alter table "agent" drop column "launch_number_id", drop column "launch_campaign_id", drop column "launch_requested_at", drop column "launch_notice";`);
  }
}
