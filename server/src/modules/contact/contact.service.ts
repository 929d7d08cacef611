import { requireSupervisor } from '../../auth/actor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock.js';
import { ContactEntity, ContactListEntity } from '../../entities/index.js';
import { badInput, conflict, DialerError, ErrorCode, notFound } from '../../domain/errors.js';
import { assertId, assertInputId } from '../../domain/ids.js';
import { normalisePhone } from '../../domain/phone.js';
import { canonicalTimeZone, KNOWN_REGIONS, zonesOfNumber, type NumberZones } from '../../domain/time-zone.js';
import type { Scope } from '../../auth/scope.js';
import { contactColumns, MAX_CSV_ROWS, type ContactRowReader } from './csv.js';
import { ContactImportRepository, ImportSession } from './contact-import.repository.js';
import { CsvError, parse, type Options } from 'csv-parse';
import { once } from 'node:events';
import { setImmediate } from 'node:timers/promises';
import { Readable } from 'node:stream';
import { ContactRepository } from './contact.repository.js';
import { ContactListRepository } from './contact-list.repository.js';
import type { CreateContactInput, ImportContactsCsvInput, SetContactsTimeZoneInput, UpdateContactInput } from './contact.input.js';
import type { CsvImportResult, CsvRowError } from './contact.type.js';

interface PreparedContact {
  name: string;
  phones: { e164: string; region: string | undefined; zones: NumberZones }[];
  /** Explicit zone (canonical), or null: each number's candidate zones apply. */
  timeZone: string | null;
  clientId: string | null;
  fields: Record<string, string>;
}

/** Custom fields per contact, and their name and value lengths (the API's input limits, enforced for CSV rows too). */
const MAX_FIELDS = 50;
const MAX_FIELD_KEY = 64;
const MAX_FIELD_VALUE = 1000;
/** A CSV record longer than this is refused on its own (it is most likely an unclosed quote swallowing lines). */
const MAX_RECORD_CHARS = 1024 * 1024;

/**
 * Contact directory and contact lists. Supervisors and admins read and edit the directory. Agents may
 * add a contact or a list (seed 004: "create a list and contacts") but do not read the directory:
 * they see the customer on their line through their console (seed 004's live callee details).
 */
export class ContactService {
  constructor(
    private readonly clock: Clock,
    /** Where uploads are staged and merged (absent in code paths that never import). */
    private readonly imports?: ContactImportRepository,
  ) {}

  async get(scope: Scope, id: string): Promise<ContactEntity> {
    requireSupervisor(scope.actor, 'read the contact directory');
    const found = await new ContactRepository(scope.em).findById(scope.actor.organizationId, assertId(id, 'contact'));
    if (!found) throw notFound('contact', id);
    return found;
  }

  page(scope: Scope, search: string | undefined, limit: number, offset: number) {
    requireSupervisor(scope.actor, 'read the contact directory');
    return new ContactRepository(scope.em).findPage(scope.actor.organizationId, search?.trim() || undefined, limit, offset);
  }

  async create(scope: Scope, input: CreateContactInput): Promise<ContactEntity> {
    const org = scope.actor.organizationId;
    const region = checkRegion(input.defaultRegion, 'input.defaultRegion');
    const prepared = prepareContact(
      { name: input.name, phones: input.phones, timeZone: input.timeZone, clientId: input.clientId, fields: fieldsOf(input.fields) },
      region,
      'input',
    );
    const listIds = (input.listIds ?? []).map((id, i) => assertInputId(id, `input.listIds.${i}`));
    return scope.em.transactional(async (em) => {
      const repo = new ContactRepository(em);
      const owners = await repo.ownersOf(org, prepared.phones.map((p) => p.e164));
      if (owners.size) {
        const [e164, contactId] = [...owners][0]!;
        throw conflict(`${e164} already belongs to contact ${contactId}`, { field: 'input.phones', contactId });
      }
      if (prepared.clientId && (await repo.clientIdOwner(org, prepared.clientId))) {
        throw conflict(`clientId "${prepared.clientId}" already belongs to another contact`, { field: 'input.clientId' });
      }
      const lists = listIds.length ? await repo.findLists(org, listIds) : [];
      const missing = listIds.find((id) => !lists.some((l) => l.id === id));
      if (missing) throw notFound('contact list', missing);
      const contact = this.newContact(em, org, prepared);
      await em.flush();
      for (const list of lists) await repo.addToList(list.id, [contact.id]);
      return contact;
    });
  }

  /**
   * Imports contact CSV text given through the API (at most MAX_CSV_ROWS rows): the same importer as an upload.
   */
  importCsv(scope: Scope, input: ImportContactsCsvInput): Promise<CsvImportResult> {
    return this.importStream(scope, { listId: input.listId, defaultRegion: input.defaultRegion, maxRows: MAX_CSV_ROWS, field: 'input.csv' }, Readable.from([input.csv]));
  }

  /**
   * Imports a contact CSV as it arrives (an HTTP upload, issue 19): csv-parse reads it record by record, each row is
   * checked as the API checks a contact (name, numbers, zone, fields) and a bad one is reported with its line and
   * code; good rows are staged with COPY, then merged into the directory in one short transaction (see
   * ContactImportRepository.merge: a row whose numbers belong to one contact reuses it, so re-importing a list never
   * makes duplicates). A file that cannot be used at all (no header, too many rows, an upload cut off) changes nothing.
   */
  async importStream(scope: Scope, o: { listId?: string | null; defaultRegion?: string | null; maxRows: number; field: string }, source: Readable): Promise<CsvImportResult> {
    requireSupervisor(scope.actor, 'import contacts');
    const org = scope.actor.organizationId;
    const region = checkRegion(o.defaultRegion ?? undefined, 'input.defaultRegion');
    const listId = o.listId ? assertInputId(o.listId, 'input.listId') : null;
    if (listId && !(await new ContactListRepository(scope.em).findById(org, listId))) throw notFound('contact list', listId);
    if (!this.imports) throw new Error('contact imports are not configured');
    const session = await this.imports.open();
    let broken = true;
    try {
      const errors: CsvRowError[] = [];
      // (on the line it starts on: the one after the last record read; csv-parse gives where it noticed)
      let lastLine = 0;
      const parser = parse({
        bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true, skip_records_with_error: true, max_record_size: MAX_RECORD_CHARS,
        on_record: (record: string[], context: { lines: number }) => {
          lastLine = context.lines;
          return { record, line: context.lines };
        },
      } as unknown as Options); // on_record changes the record type, which the typings do not follow
      // a record csv-parse cannot read (an unclosed quote, a record too long) is that line's error, not the file's
      parser.on('skip', (err: Error & { lines?: number }) => {
        errors.push({ line: lastLine + 1, code: 'BAD_CSV', reason: err.message });
        lastLine = err.lines ?? lastLine + 1;
      });
      source.on('error', (err) => parser.destroy(err));
      source.pipe(parser);
      const copy = session.stream();
      const copied = new Promise<void>((resolve, reject) => {
        copy.once('finish', resolve);
        copy.once('error', reject);
      });
      copied.catch(() => undefined); // awaited below; a failure before then ends the session instead
      let read: ContactRowReader | undefined;
      let rows = 0;
      let chunk = '';
      for await (const { record, line } of parser as AsyncIterable<{ record: string[]; line: number }>) {
        if (!read) {
          read = contactColumns(record, o.field);
          continue;
        }
        if (++rows > o.maxRows) throw new DialerError(ErrorCode.PAYLOAD_TOO_LARGE, `CSV has more than ${o.maxRows} rows; at most ${o.maxRows} can be imported at once`, { field: o.field });
        const row = read(record, line);
        try {
          const p = prepareContact(row, region, `line ${row.line}`);
          chunk += ImportSession.line({ line: row.line, name: p.name, timeZone: p.timeZone, clientId: p.clientId, fields: p.fields,
            phones: p.phones.map((x) => [x.e164, x.region ?? null, x.zones.zones, x.zones.source]) });
        } catch (err) {
          errors.push(rowError(row.line, err));
        }
        if (chunk.length >= 256 * 1024) {
          if (!copy.write(chunk)) await once(copy, 'drain');
          chunk = '';
        }
        // records already parsed come without a pause: let other requests in every few hundred rows
        if (rows % 500 === 0) await setImmediate();
      }
      if (!read) throw badInput('CSV is empty: expected a header row and data rows', o.field);
      copy.end(chunk);
      await copied;
      const merged = await session.merge(org, listId, this.clock.now());
      broken = false;
      return { rows, created: merged.created, matched: merged.matched, zonesUpdated: merged.zonesUpdated, addedToList: merged.addedToList,
        errors: [...errors, ...merged.errors].sort((a, b) => a.line - b.line) };
    } catch (err) {
      if (err instanceof CsvError) throw badInput(`CSV could not be read: ${err.message}`, o.field);
      throw err;
    } finally {
      source.unpipe();
      await session.release(broken);
    }
  }

  /**
   * The directory contact of a caller's number, created when the number is unknown (seed 001: an
   * unknown caller of a missed call gets a contact). Runs in the caller's transaction; the caller
   * serialises events per number, and numbers are unique per directory, so no duplicate is made.
   * `name`: the new contact's name (an agent booking a followup may type one).
   */
  async contactForCaller(em: EntityManager, organizationId: string, phone: { e164: string; region?: string }, name?: string): Promise<{ contactId: string; created: boolean }> {
    const owners = await new ContactRepository(em).ownersOf(organizationId, [phone.e164]);
    const found = owners.get(phone.e164);
    if (found) return { contactId: found, created: false };
    const contact = this.newContact(em, organizationId, {
      name: name ?? `Caller ${phone.e164}`,
      phones: [{ e164: phone.e164, region: phone.region, zones: zonesOfNumber(phone.e164, phone.region) }],
      timeZone: null,
      clientId: null,
      fields: {},
    });
    await em.flush();
    return { contactId: contact.id, created: true };
  }

  private newContact(em: EntityManager, organizationId: string, prepared: PreparedContact): ContactEntity {
    const now = this.clock.now();
    const contact = em.create(ContactEntity, {
      organization: organizationId,
      name: prepared.name,
      clientId: prepared.clientId,
      timeZone: prepared.timeZone,
      fields: prepared.fields,
      createdAt: now,
      updatedAt: now,
    });
    const repo = new ContactRepository(em);
    prepared.phones.forEach((p, position) =>
      repo.newPhone({ organizationId, contact, e164: p.e164, region: p.region ?? null, position, timeZones: p.zones.zones, zoneSource: p.zones.source }),
    );
    return contact;
  }

  /**
   * Edits a contact. `timeZone` sets its explicit zone (canonical IANA; null clears it so each
   * number's candidate zones apply again); the change reaches its numbers in every campaign at once.
   */
  async update(scope: Scope, id: string, input: UpdateContactInput): Promise<ContactEntity> {
    requireSupervisor(scope.actor, 'edit contacts');
    const contact = await this.get(scope, id);
    const name = input.name === undefined || input.name === null ? undefined : input.name.trim();
    if (name !== undefined && !name) throw badInput('input.name: name is empty', 'input.name');
    const zone = input.timeZone === undefined ? undefined : input.timeZone === null ? null : canonicalTimeZone(input.timeZone, 'input.timeZone');
    await scope.em.transactional(async (em) => {
      const repo = new ContactRepository(em);
      const now = this.clock.now();
      if (name !== undefined) await em.nativeUpdate(ContactEntity, { id: contact.id }, { name, updatedAt: now });
      if (zone !== undefined && (await repo.setTimeZone(scope.actor.organizationId, [contact.id], zone, now)).length) await repo.syncCampaignZones([contact.id]);
    });
    scope.em.clear();
    return this.get(scope, contact.id);
  }

  /**
   * Sets (or clears) the zone of many contacts at once: those named, or every member of a list.
   * Returns how many contacts changed; their campaign numbers follow in the same transaction.
   */
  async setTimeZones(scope: Scope, input: SetContactsTimeZoneInput): Promise<number> {
    requireSupervisor(scope.actor, 'edit contacts');
    const org = scope.actor.organizationId;
    const given = [input.contactIds !== undefined && input.contactIds !== null, !!input.listId].filter(Boolean).length;
    if (given !== 1) throw badInput('name either contactIds or listId', 'input.contactIds');
    const zone = input.timeZone === null || input.timeZone === undefined ? null : canonicalTimeZone(input.timeZone, 'input.timeZone');
    return scope.em.transactional(async (em) => {
      const repo = new ContactRepository(em);
      let ids: string[];
      if (input.listId) {
        const listId = assertInputId(input.listId, 'input.listId');
        if (!(await new ContactListRepository(em).findById(org, listId))) throw notFound('contact list', listId);
        ids = await repo.listMemberIds(org, listId);
      } else {
        ids = [...new Set(input.contactIds!.map((id, i) => assertInputId(id, `input.contactIds.${i}`)))];
        const existing = await new ContactListRepository(em).existingContactIds(org, ids);
        const missing = ids.find((id) => !existing.has(id));
        if (missing) throw notFound('contact', missing);
      }
      const changed = await repo.setTimeZone(org, ids, zone, this.clock.now());
      await repo.syncCampaignZones(changed);
      return changed.length;
    });
  }

  // ---- lists ----

  async createList(scope: Scope, name: string): Promise<ContactListEntity> {
    const org = scope.actor.organizationId;
    const trimmed = name.trim();
    if (!trimmed) throw badInput('name is empty', 'name');
    if (trimmed.length > 200) throw badInput('name is longer than 200 characters', 'name');
    const repo = new ContactListRepository(scope.em);
    if (await repo.findByName(org, trimmed)) throw conflict(`a contact list named "${trimmed}" already exists`, { field: 'name' });
    const list = scope.em.create(ContactListEntity, { organization: org, name: trimmed, createdAt: this.clock.now() });
    await scope.em.flush();
    return list;
  }

  async getList(scope: Scope, id: string): Promise<{ list: ContactListEntity; contactCount: number }> {
    requireSupervisor(scope.actor, 'read contact lists');
    const repo = new ContactListRepository(scope.em);
    const list = await repo.findById(scope.actor.organizationId, assertId(id, 'contact list'));
    if (!list) throw notFound('contact list', id);
    const counts = await repo.countMembers([list.id]);
    return { list, contactCount: counts.get(list.id) ?? 0 };
  }

  listPage(scope: Scope, limit: number, offset: number) {
    requireSupervisor(scope.actor, 'read contact lists');
    return new ContactListRepository(scope.em).findPage(scope.actor.organizationId, limit, offset);
  }

  /** Adds existing contacts to a list; unknown contact ids refuse the whole call. */
  async addToList(scope: Scope, listId: string, contactIds: string[]): Promise<{ list: ContactListEntity; contactCount: number }> {
    requireSupervisor(scope.actor, 'change contact lists');
    const { list } = await this.getList(scope, listId);
    const ids = [...new Set(contactIds.map((id, i) => assertInputId(id, `contactIds.${i}`)))];
    const repo = new ContactListRepository(scope.em);
    const existing = await repo.existingContactIds(scope.actor.organizationId, ids);
    const missing = ids.find((id) => !existing.has(id));
    if (missing) throw notFound('contact', missing);
    await new ContactRepository(scope.em).addToList(list.id, ids);
    return this.getList(scope, list.id);
  }

  async removeFromList(scope: Scope, listId: string, contactIds: string[]) {
    requireSupervisor(scope.actor, 'change contact lists');
    const { list } = await this.getList(scope, listId);
    const ids = contactIds.map((id, i) => assertInputId(id, `contactIds.${i}`));
    await new ContactListRepository(scope.em).removeMembers(list.id, ids);
    return this.getList(scope, list.id);
  }
}

function checkRegion(region: string | undefined, field: string): string | undefined {
  if (!region) return undefined;
  const upper = region.toUpperCase();
  if (!KNOWN_REGIONS.has(upper)) throw badInput(`${field}: "${region}" is not an ISO 3166 region code such as IN or US`, field);
  return upper;
}

function fieldsOf(list: { key: string; value: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of list ?? []) {
    if (key in out) throw badInput(`custom field "${key}" is given twice`, 'input.fields');
    out[key] = value;
  }
  return out;
}

/** Validates and normalises one contact's data; `where` prefixes messages ("input", "line 7"). */
function prepareContact(
  raw: { name: string; phones: string[]; timeZone?: string; clientId?: string; fields: Record<string, string> },
  region: string | undefined,
  where: string,
): PreparedContact {
  const name = raw.name.trim();
  if (!name) throw badInput(`${where}: name is empty`, 'input.name');
  if (name.length > 200) throw badInput(`${where}: name is longer than 200 characters`, 'input.name');
  if (!raw.phones.length) throw badInput(`${where}: no phone number`, 'input.phones');
  const phones = raw.phones.map((p, i) => {
    const phone = normalisePhone(p, raw.phones.length > 1 ? `${where} phone ${i + 1}` : `${where} phone`, region);
    return { ...phone, zones: zonesOfNumber(phone.e164, phone.region) };
  });
  const dup = phones.find((p, i) => phones.findIndex((q) => q.e164 === p.e164) !== i);
  if (dup) throw badInput(`${where}: ${dup.e164} is given twice`, 'input.phones');
  const keys = Object.keys(raw.fields);
  if (keys.length > MAX_FIELDS) throw badInput(`${where}: at most ${MAX_FIELDS} custom fields, got ${keys.length}`, 'input.fields');
  const long = keys.find((k) => k.length > MAX_FIELD_KEY || raw.fields[k]!.length > MAX_FIELD_VALUE);
  if (long) throw badInput(`${where}: custom field "${long.slice(0, MAX_FIELD_KEY)}" is longer than ${long.length > MAX_FIELD_KEY ? `${MAX_FIELD_KEY} characters (name)` : `${MAX_FIELD_VALUE} characters`}`, 'input.fields');
  const timeZone = raw.timeZone?.trim() ? canonicalTimeZone(raw.timeZone, where === 'input' ? 'input.timeZone' : `${where} time zone`) : null;
  return { name, phones, timeZone, clientId: raw.clientId?.trim() || null, fields: raw.fields };
}

function rowError(line: number, err: unknown): CsvRowError {
  if (!(err instanceof DialerError)) throw err;
  const { code, field } = err.extensions as { code: string; field?: string };
  let rowCode = code;
  if (code === 'BAD_USER_INPUT') {
    rowCode = field?.includes('phone') ? 'INVALID_PHONE' : field?.includes('time zone') ? 'INVALID_TIME_ZONE' : 'INVALID_ROW';
  }
  return { line, code: rowCode, reason: err.message.replace(/^line \d+:? ?/, '') };
}
