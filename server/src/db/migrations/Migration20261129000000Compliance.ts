import { Migration } from '@mikro-orm/migrations';
import { canonicalTimeZone, zonesOfNumber } from '../../domain/time-zone.js';

/**
 * Zones by number under the most restrictive rule, interrupted calls, the ring-time floor and rolling
 * abandon windows (issue 12).
 *
 * - Contacts keep only an explicit zone (nullable); each phone number carries the zones its prefix may
 *   be in (libphonenumber's map), and campaign numbers carry the set the calling window must hold in.
 *   Zones imported before were derived from the country alone (every +1 number got New York), so a
 *   contact zone equal to that old default is taken as derived and cleared; the others are explicit and
 *   stored canonically. Names this release refuses (EST, ...) are cleared too, so the numbers decide.
 * - INTERRUPTED: a call cut off by a crash or shutdown after the customer answered.
 * - Ring timeout at least 15 s.
 * - Per-minute call counters (what rolling 24-hour and local-day figures are summed from), backfilled
 *   from the call legs of the last 31 days; the contact centre's zone on the organisation.
 */
export class Migration20261129000000Compliance extends Migration {
  override async up(): Promise<void> {
    await this.execute(`alter table campaign_number drop constraint campaign_number_state_check`);
    await this.execute(`alter table campaign_number add constraint campaign_number_state_check check (state in ('SCHEDULED','IN_PROGRESS','RETRY','RETRYING','COMPLETED','FAILED','FAILED_DND','FAILED_BALANCE','FAILED_NO_ATTEMPT','INVALID','CANCELLED','EXPIRED','INTERRUPTED'))`);

    await this.execute(`update campaign set ring_timeout_seconds = 15 where ring_timeout_seconds < 15`);
    await this.execute(`alter table campaign add constraint campaign_ring_timeout_check check (ring_timeout_seconds between 15 and 60)`);

    await this.execute(`alter table organization add column time_zone varchar(64) not null default 'Etc/UTC'`);

    // phone numbers: candidate zones from the prefix
    await this.execute(`alter table phone_number add column time_zones text[] not null default '{}', add column zone_source varchar(8) not null default 'NUMBER'`);
    const phones = await this.execute(`select id, e164, region from phone_number`);
    await this.updateRows('phone_number', 'time_zones text[], zone_source text', phones.map((p) => {
      const z = zonesOfNumber(p.e164 as string, (p.region as string | null) ?? undefined);
      return { id: p.id, time_zones: z.zones, zone_source: z.source };
    }));

    // contacts: explicit zones only, canonical
    await this.execute(`alter table contact alter column time_zone drop not null`);
    const contacts = await this.execute(`select c.id, c.time_zone, p.region from contact c left join phone_number p on p.contact_id = c.id and p.position = 0`);
    await this.updateRows('contact', 'time_zone text', contacts.map((c) => ({ id: c.id, time_zone: explicitZone(c.time_zone as string, c.region as string | null) })));

    // agents and booked followups: canonical names (an agent's zone is always set)
    for (const table of ['agent', 'campaign_number'] as const) {
      const col = table === 'agent' ? 'time_zone' : 'followup_time_zone';
      const rows = await this.execute(`select distinct ${col} as zone from ${table} where ${col} is not null`);
      for (const { zone } of rows) {
        const canonical = tryCanonical(zone as string) ?? 'Etc/UTC';
        if (canonical !== zone) await this.execute(`update ${table} set ${col} = ? where ${col} = ?`, [canonical, zone]);
      }
    }

    // campaign numbers: the contact's explicit zone, else the number's candidates (else the stored zone, canonical)
    await this.execute(`alter table campaign_number add column time_zones text[]`);
    await this.execute(
      `update campaign_number n set time_zones = case when c.time_zone is null then p.time_zones else array[c.time_zone]::text[] end
         from contact c join phone_number p on p.contact_id = c.id where n.contact_id = c.id and n.e164 = p.e164`,
    );
    const orphans = await this.execute(`select distinct time_zone as zone from campaign_number where time_zones is null`);
    for (const { zone } of orphans) {
      await this.execute(`update campaign_number set time_zones = ? where time_zones is null and time_zone = ?`, [`{${tryCanonical(zone as string) ?? 'Etc/UTC'}}`, zone]);
    }
    await this.execute(`alter table campaign_number alter column time_zones set not null, drop column time_zone`);

    // per-minute call counters (same definitions as campaign_day_stat), backfilled for the rolling windows
    await this.execute(
      `alter table campaign_minute_stat add column dials int not null default 0, add column live_answers int not null default 0,
         add column abandons int not null default 0, add column connects int not null default 0, add column machines int not null default 0,
         add column handled int not null default 0, add column handle_seconds bigint not null default 0`,
    );
    await this.execute(
      `insert into campaign_minute_stat (campaign_id, minute, dials)
       select campaign_id, date_trunc('minute', created_at), count(*) from call_leg
        where kind = 'CUSTOMER' and created_at > now() - interval '31 days' group by 1, 2
       on conflict (campaign_id, minute) do update set dials = excluded.dials`,
    );
    await this.execute(
      `insert into campaign_minute_stat (campaign_id, minute, live_answers, abandons, machines, connects)
       select campaign_id, date_trunc('minute', answered_at), count(*) filter (where not machine), count(*) filter (where abandoned),
              count(*) filter (where machine), count(*) filter (where not machine and not abandoned and agent_id is not null)
         from call_leg where kind = 'CUSTOMER' and answered_at > now() - interval '31 days' group by 1, 2
       on conflict (campaign_id, minute) do update set live_answers = excluded.live_answers, abandons = excluded.abandons,
              machines = excluded.machines, connects = excluded.connects`,
    );
  }

  /** Writes `rows` (each with `id` and the named columns) into `table` in chunks of one statement each. */
  private async updateRows(table: string, columns: string, rows: Record<string, unknown>[]): Promise<void> {
    const names = columns.split(',').map((c) => c.trim().split(' ')[0]!);
    for (let i = 0; i < rows.length; i += 5000) {
      await this.execute(
        `update ${table} t set ${names.map((n) => `${n} = v.${n}`).join(', ')}
           from jsonb_to_recordset(?::jsonb) as v(id uuid, ${columns}) where t.id = v.id`,
        [JSON.stringify(rows.slice(i, i + 5000))],
      );
    }
  }

  override async down(): Promise<void> {
    this.addSql(`alter table campaign_minute_stat drop column dials, drop column live_answers, drop column abandons, drop column connects, drop column machines, drop column handled, drop column handle_seconds`);
    this.addSql(`alter table campaign_number add column time_zone varchar(64)`);
    this.addSql(`update campaign_number set time_zone = time_zones[1]`);
    this.addSql(`alter table campaign_number alter column time_zone set not null, drop column time_zones`);
    this.addSql(`update contact c set time_zone = coalesce(c.time_zone, (select p.time_zones[1] from phone_number p where p.contact_id = c.id order by p.position limit 1), 'Etc/UTC')`);
    this.addSql(`alter table contact alter column time_zone set not null`);
    this.addSql(`alter table phone_number drop column time_zones, drop column zone_source`);
    this.addSql(`alter table organization drop column time_zone`);
    this.addSql(`alter table campaign drop constraint campaign_ring_timeout_check`);
    this.addSql(`update campaign_number set state = 'FAILED', reason = 'CALL_INTERRUPTED' where state = 'INTERRUPTED'`);
    this.addSql(`alter table campaign_number drop constraint campaign_number_state_check`);
    this.addSql(`alter table campaign_number add constraint campaign_number_state_check check (state in ('SCHEDULED','IN_PROGRESS','RETRY','RETRYING','COMPLETED','FAILED','FAILED_DND','FAILED_BALANCE','FAILED_NO_ATTEMPT','INVALID','CANCELLED','EXPIRED'))`);
  }
}

function tryCanonical(zone: string): string | null {
  try {
    return canonicalTimeZone(zone, 'zone');
  } catch {
    return null;
  }
}

/** The region defaults the previous release filled in when a contact had no zone (one zone per country). */
const OLD_REGION_DEFAULT: Record<string, string> = {
  US: 'America/New_York', CA: 'America/Toronto', MX: 'America/Mexico_City', BR: 'America/Sao_Paulo',
  AR: 'America/Argentina/Buenos_Aires', CL: 'America/Santiago', CO: 'America/Bogota', PE: 'America/Lima',
  GB: 'Europe/London', IE: 'Europe/Dublin', FR: 'Europe/Paris', DE: 'Europe/Berlin', ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon', IT: 'Europe/Rome', NL: 'Europe/Amsterdam', BE: 'Europe/Brussels', CH: 'Europe/Zurich',
  AT: 'Europe/Vienna', SE: 'Europe/Stockholm', NO: 'Europe/Oslo', DK: 'Europe/Copenhagen', FI: 'Europe/Helsinki',
  PL: 'Europe/Warsaw', CZ: 'Europe/Prague', GR: 'Europe/Athens', TR: 'Europe/Istanbul', RU: 'Europe/Moscow',
  UA: 'Europe/Kyiv', RO: 'Europe/Bucharest', HU: 'Europe/Budapest', IN: 'Asia/Kolkata', NP: 'Asia/Kathmandu',
  LK: 'Asia/Colombo', PK: 'Asia/Karachi', BD: 'Asia/Dhaka', CN: 'Asia/Shanghai', HK: 'Asia/Hong_Kong',
  JP: 'Asia/Tokyo', KR: 'Asia/Seoul', SG: 'Asia/Singapore', MY: 'Asia/Kuala_Lumpur', ID: 'Asia/Jakarta',
  PH: 'Asia/Manila', TH: 'Asia/Bangkok', VN: 'Asia/Ho_Chi_Minh', AE: 'Asia/Dubai', SA: 'Asia/Riyadh',
  IL: 'Asia/Jerusalem', IR: 'Asia/Tehran', AF: 'Asia/Kabul', MM: 'Asia/Yangon', AU: 'Australia/Sydney',
  NZ: 'Pacific/Auckland', ZA: 'Africa/Johannesburg', NG: 'Africa/Lagos', KE: 'Africa/Nairobi', EG: 'Africa/Cairo',
  MA: 'Africa/Casablanca',
};

/** A stored contact zone that someone gave (canonical), or null when it was the old country default or is refused now. */
function explicitZone(zone: string, region: string | null): string | null {
  if (zone === (region ? OLD_REGION_DEFAULT[region] ?? 'UTC' : 'UTC')) return null;
  return tryCanonical(zone);
}
