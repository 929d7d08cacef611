import { Migration } from '@mikro-orm/migrations';

/**
 * A campaign's calls failing in the network (issue 18): `campaign_integration` rows of kind TELEPHONY say the
 * trunk is taken to be down for the campaign (the last cause, failures in a row, when a probe call goes out),
 * for the wallboard and the campaign page, like a failing dial-whom URL.
 */
export class Migration20261130400000TrunkStatus extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "campaign_integration" drop constraint "campaign_integration_kind_check";`);
    this.addSql(`alter table "campaign_integration" add constraint "campaign_integration_kind_check" check ("kind" in ('DIAL_WHOM', 'GET_CONTACTS', 'TELEPHONY'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "campaign_integration" where "kind" = 'TELEPHONY';`);
    this.addSql(`alter table "campaign_integration" drop constraint "campaign_integration_kind_check";`);
    this.addSql(`alter table "campaign_integration" add constraint "campaign_integration_kind_check" check ("kind" in ('DIAL_WHOM', 'GET_CONTACTS'));`);
  }
}
