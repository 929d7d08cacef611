import { Migration } from '@mikro-orm/migrations';

/**
 * The agent's in-call controls (issue 16, problem 2): "end this call and go on" and "ready" (end
 * wrap-up early), asked through the API and carried out by whichever instance runs the campaign on
 * its next tick, as a pause request is.
 */
export class Migration20261129170000AgentRequests extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "agent" add column "end_call_requested" boolean not null default false, add column "ready_requested" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "agent" drop column "end_call_requested", drop column "ready_requested";`);
  }
}
