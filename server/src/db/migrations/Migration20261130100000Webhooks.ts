import { Migration } from '@mikro-orm/migrations';

/**
 * Webhooks (issue 17): a transactional outbox. Triggers write a delivery row for every endpoint that
 * wants an event, in the very statement (so the very transaction) that changed the number, the leg or
 * the campaign, and queue a graphile-worker job that sends it; an event is never lost (it commits with
 * its cause) nor invented (a rolled-back change takes its deliveries with it).
 *
 * Endpoints: an organisation's webhook subscriptions (by event type) and a campaign's own URLs
 * (call completed, call not answered, status callback), each signed with its own secret.
 *
 * Jobs: one graphile-worker job per (endpoint, order key) with that key as both job key and queue
 * name; the job sends that key's waiting deliveries oldest first and stops at the first failure, so
 * deliveries of one number (or one campaign's status changes) reach an endpoint in order. The
 * graphile_worker schema is installed by graphile-worker itself at start (before these triggers can
 * fire); plpgsql resolves `graphile_worker.add_jobs` when a trigger runs, not here.
 */
export class Migration20261130100000Webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "campaign" add column "status_callback_url" varchar(2048) null, add column "webhook_secret" varchar(80) null;`);
    this.addSql(`update "campaign" set "webhook_secret" = 'whsec_' || replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');`);
    this.addSql(`alter table "campaign" alter column "webhook_secret" set not null;`);

    this.addSql(`create table "webhook_subscription" (
      "id" uuid not null primary key,
      "organization_id" uuid not null references "organization" ("id") on update cascade on delete cascade,
      "url" varchar(2048) not null,
      "event_types" text[] not null,
      "description" varchar(200) not null default '',
      "secret" varchar(80) not null,
      "active" boolean not null default true,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null);`);
    this.addSql(`create index "webhook_subscription_org_idx" on "webhook_subscription" ("organization_id") where "active";`);

    this.addSql(`create table "webhook_delivery" (
      "id" uuid not null default gen_random_uuid() primary key,
      "seq" bigserial not null,
      "organization_id" uuid not null references "organization" ("id") on update cascade on delete cascade,
      "subscription_id" uuid null references "webhook_subscription" ("id") on update cascade on delete set null,
      "campaign_id" uuid null references "campaign" ("id") on update cascade on delete set null,
      "target" varchar(80) not null,
      "url" varchar(2048) not null,
      "event_type" varchar(40) not null,
      "order_key" varchar(80) not null,
      "payload" jsonb not null,
      "status" varchar(12) not null default 'PENDING' check ("status" in ('PENDING', 'DELIVERED', 'FAILED', 'CANCELLED')),
      "attempts" int not null default 0,
      "next_attempt_at" timestamptz not null default now(),
      "last_status_code" int null,
      "last_error" varchar(500) null,
      "created_at" timestamptz not null default now(),
      "delivered_at" timestamptz null,
      "failed_at" timestamptz null);`);
    this.addSql(`create unique index "webhook_delivery_seq_unique" on "webhook_delivery" ("seq");`);
    this.addSql(`create index "webhook_delivery_org_idx" on "webhook_delivery" ("organization_id", "seq" desc);`);
    this.addSql(`create index "webhook_delivery_org_status_idx" on "webhook_delivery" ("organization_id", "status", "seq" desc);`);
    this.addSql(`create index "webhook_delivery_pending_idx" on "webhook_delivery" ("target", "order_key", "seq") where "status" = 'PENDING';`);

    this.addSql(`create table "webhook_attempt" (
      "id" bigserial primary key,
      "delivery_id" uuid not null references "webhook_delivery" ("id") on update cascade on delete cascade,
      "attempt" int not null,
      "started_at" timestamptz not null,
      "duration_ms" int not null,
      "status_code" int null,
      "error_code" varchar(24) null,
      "error" varchar(500) null,
      "response_excerpt" varchar(500) null);`);
    this.addSql(`create index "webhook_attempt_delivery_idx" on "webhook_attempt" ("delivery_id", "id");`);

    // Which instances' graphile-worker workers are alive: a crashed instance's locked jobs are unlocked by the others.
    this.addSql(`create table "webhook_worker" ("worker_id" varchar(64) not null primary key, "instance_id" varchar(64) not null, "seen_at" timestamptz not null);`);

    // Queues the jobs of freshly written deliveries: one per (target, order key), its key and queue named alike.
    this.addSql(`create function webhook_enqueue(targets text[], okeys text[]) returns void language plpgsql as $$
      begin
        if targets is null then return; end if;
        perform graphile_worker.add_jobs(array(
          select row('webhook_flush', json_build_object('target', t, 'key', k), 'wh:' || t || ':' || k, null, 25, 'wh:' || t || ':' || k, null, null)::graphile_worker.job_spec
            from unnest(targets, okeys) as u(t, k)
        ), true);
      end $$;`);

    this.addSql(`create function webhook_number_changes() returns trigger language plpgsql as $$
      declare targets text[]; okeys text[];
      begin
        with changed as (
          select n.id, n.organization_id, n.campaign_id, n.contact_id, n.contact_name, n.client_id, n.e164, n.state, n.reason, o.state as previous_state,
                 n.agent_attempts, n.customer_attempts, n.dial_count, n.next_attempt_at, n.owner_agent_id, n.followup_at, n.disposition, n.updated_at
            from new_rows n join old_rows o on o.id = n.id
           where n.state is distinct from o.state
             and exists (select 1 from webhook_subscription s where s.organization_id = n.organization_id and s.active)
        ), events as (
          select c.*, t.type from changed c
            cross join lateral (values ('number.state_changed'), (case when c.state = 'EXPIRED' then 'followup.expired' end)) as t(type)
           where t.type is not null
        ), written as (
          insert into webhook_delivery (organization_id, subscription_id, campaign_id, target, url, event_type, order_key, payload)
          select e.organization_id, s.id, e.campaign_id, 'sub:' || s.id, s.url, e.type, e.id::text,
                 jsonb_build_object('campaignId', e.campaign_id, 'numberId', e.id, 'contactId', e.contact_id, 'contactName', e.contact_name,
                   'clientId', e.client_id, 'number', e.e164, 'state', e.state, 'reason', e.reason, 'previousState', e.previous_state,
                   'agentAttempts', e.agent_attempts, 'customerAttempts', e.customer_attempts, 'dialCount', e.dial_count,
                   'nextAttemptAt', e.next_attempt_at, 'ownerAgentId', e.owner_agent_id, 'followupAt', e.followup_at,
                   'disposition', e.disposition, 'at', e.updated_at)
            from events e join webhook_subscription s on s.organization_id = e.organization_id and s.active and e.type = any(s.event_types)
           order by e.updated_at, e.id, e.type
          returning target, order_key
        )
        select array_agg(target), array_agg(order_key) into targets, okeys from (select distinct target, order_key from written) w;
        perform webhook_enqueue(targets, okeys);
        return null;
      end $$;`);
    this.addSql(`create trigger campaign_number_webhooks after update on campaign_number referencing old table as old_rows new table as new_rows for each statement execute function webhook_number_changes();`);

    // A leg ends once (ended_at set): organisation subscriptions get every leg; a campaign's passthru URLs its customer calls.
    this.addSql(`create function webhook_leg_changes() returns trigger language plpgsql as $$
      declare targets text[]; okeys text[];
      begin
        with ended as (
          select l.*, coalesce(l.number_id::text, 'agent:' || l.agent_id::text, 'leg:' || l.id::text) as okey
            from new_rows l join old_rows o on o.id = l.id
           where o.ended_at is null and l.ended_at is not null
        ), legs as (
          select e.*, n.contact_id, n.contact_name, n.client_id, n.disposition, c.call_completed_url, c.call_no_answer_url, c.name as campaign_name,
                 jsonb_build_object('legId', e.id, 'sid', e.sid, 'campaignId', e.campaign_id, 'campaignName', c.name, 'numberId', e.number_id,
                   'contactId', n.contact_id, 'contactName', n.contact_name, 'clientId', n.client_id, 'agentId', e.agent_id, 'kind', e.kind,
                   'to', e.to_number, 'status', e.status, 'cause', e.cause, 'abandoned', e.abandoned, 'machine', e.machine,
                   'createdAt', e.created_at, 'answeredAt', e.answered_at, 'endedAt', e.ended_at, 'durationSec', e.duration_sec,
                   'recordingUrl', e.recording_url, 'agentAttempt', e.agent_attempt, 'customerAttempt', e.customer_attempt,
                   'disposition', n.disposition) as body
            from ended e join campaign c on c.id = e.campaign_id left join campaign_number n on n.id = e.number_id
        ), targets as (
          select l.organization_id, s.id as subscription_id, l.campaign_id, 'sub:' || s.id as target, s.url, 'call.leg_ended' as type, l.okey, l.body, l.ended_at, l.id
            from legs l join webhook_subscription s on s.organization_id = l.organization_id and s.active and 'call.leg_ended' = any(s.event_types)
          union all
          select l.organization_id, null, l.campaign_id, 'campaign:' || l.campaign_id || ':completed', l.call_completed_url, 'call.completed', l.okey, l.body, l.ended_at, l.id
            from legs l where l.kind = 'CUSTOMER' and l.call_completed_url is not null
          union all
          select l.organization_id, null, l.campaign_id, 'campaign:' || l.campaign_id || ':no_answer', l.call_no_answer_url, 'call.no_answer', l.okey, l.body, l.ended_at, l.id
            from legs l where l.kind = 'CUSTOMER' and l.call_no_answer_url is not null and l.status in ('NO_ANSWER', 'BUSY', 'FAILED')
        ), written as (
          insert into webhook_delivery (organization_id, subscription_id, campaign_id, target, url, event_type, order_key, payload)
          select organization_id, subscription_id, campaign_id, target, url, type, okey, body from targets order by ended_at, id, target
          returning target, order_key
        )
        select array_agg(target), array_agg(order_key) into targets, okeys from (select distinct target, order_key from written) w;
        perform webhook_enqueue(targets, okeys);
        return null;
      end $$;`);
    this.addSql(`create trigger call_leg_webhooks after update on call_leg referencing old table as old_rows new table as new_rows for each statement execute function webhook_leg_changes();`);

    this.addSql(`create function webhook_campaign_status() returns trigger language plpgsql as $$
      declare targets text[]; okeys text[];
      begin
        with body as (
          select jsonb_build_object('campaignId', new.id, 'name', new.name, 'status', new.status, 'previousStatus', old.status,
                   'completedAt', new.completed_at, 'at', new.updated_at) as b
        ), targets as (
          select 'sub:' || s.id as target, s.id as subscription_id, s.url from webhook_subscription s
           where s.organization_id = new.organization_id and s.active and 'campaign.status_changed' = any(s.event_types)
          union all
          select 'campaign:' || new.id || ':status', null, new.status_callback_url where new.status_callback_url is not null
        ), written as (
          insert into webhook_delivery (organization_id, subscription_id, campaign_id, target, url, event_type, order_key, payload)
          select new.organization_id, t.subscription_id, new.id, t.target, t.url, 'campaign.status_changed', new.id::text, body.b from targets t, body
          returning target, order_key
        )
        select array_agg(target), array_agg(order_key) into targets, okeys from (select distinct target, order_key from written) w;
        perform webhook_enqueue(targets, okeys);
        return null;
      end $$;`);
    this.addSql(`create trigger campaign_webhooks after update of status on campaign for each row when (old.status is distinct from new.status) execute function webhook_campaign_status();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger campaign_webhooks on campaign;`);
    this.addSql(`drop trigger call_leg_webhooks on call_leg;`);
    this.addSql(`drop trigger campaign_number_webhooks on campaign_number;`);
    this.addSql(`drop function webhook_campaign_status(); drop function webhook_leg_changes(); drop function webhook_number_changes(); drop function webhook_enqueue(text[], text[]);`);
    this.addSql(`drop table "webhook_worker"; drop table "webhook_attempt"; drop table "webhook_delivery"; drop table "webhook_subscription";`);
    this.addSql(`alter table "campaign" drop column "status_callback_url", drop column "webhook_secret";`);
  }
}
