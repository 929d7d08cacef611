import { Migration } from '@mikro-orm/migrations';

/**
 * The agent's in-call controls (issue 16, problem 2): "end this call and go on" and "ready" (end
 * wrap-up early), asked through the API and carried out by whichever instance runs the campaign on
 * its next tick, as a pause request is; and when the current wrap-up ends, for the console's countdown.
 */
export class Migration20261129170000AgentRequests extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "agent" add column "end_call_requested" boolean not null default false, add column "ready_requested" boolean not null default false, add column "wrap_up_ends_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "agent" drop column "end_call_requested", drop column "ready_requested", drop column "wrap_up_ends_at";`);
  }
}
