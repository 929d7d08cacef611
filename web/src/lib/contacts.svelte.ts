import { ApiError, type Api } from './api/client.js';
import {
  CONTACT_LISTS, CONTACTS, SET_CONTACTS_TIME_ZONE, UPDATE_CONTACT,
  type Contact, type ContactListsResult, type ContactsResult, type SetContactsTimeZoneResult, type UpdateContactResult,
} from './api/documents.js';
import { fieldMessage } from './format.js';
import { LatestRead } from './latest.js';

/** Contacts per page. */
export const CONTACTS_PAGE = 25;

/** What a bulk zone change applies to. */
export type BulkTarget = 'selected' | 'list';

function message(e: unknown, field?: string): string {
  if (e instanceof ApiError) return fieldMessage(e.message, e.problems[0]?.field ?? field);
  return e instanceof Error ? e.message : String(e);
}

/** "3 contacts" / "1 contact". */
export function contactsWord(n: number): string {
  return `${n.toLocaleString('en-US')} contact${n === 1 ? '' : 's'}`;
}

/**
 * The contacts admin page: a searchable, paged directory with each number's zones, one
 * contact's zone editor, and a zone change for many contacts at once (the selected ones, kept
 * across pages, or every contact of a list). Server snapshots are replaced whole; the page is read
 * by the component's effect whenever {@link ContactsStore.query} changes.
 */
export class ContactsStore {
  search = $state('');
  offset = $state(0);
  page = $state.raw<ContactsResult['contacts']>({ items: [], totalCount: 0 });
  loading = $state(false);
  error = $state<string | null>(null);
  /** Contact lists, for "every contact of a list". */
  lists = $state.raw<ContactListsResult['contactLists']>([]);
  /** Selected contact ids (kept while paging and searching). */
  selected = $state.raw<ReadonlySet<string>>(new Set());

  /** The contact whose zone is being edited, the text in its zone field, and what the server said. */
  editingId = $state<string | null>(null);
  editZone = $state('');
  editError = $state<string | null>(null);
  editBusy = $state(false);
  /** The last change that went through, in words. */
  notice = $state<string | null>(null);

  bulkTarget = $state<BulkTarget>('selected');
  bulkListId = $state('');
  bulkZone = $state('');
  bulkError = $state<string | null>(null);
  bulkBusy = $state(false);

  /** What the page shows: the server searches names and numbers. */
  readonly query = $derived({ search: this.search.trim() || null, limit: CONTACTS_PAGE, offset: this.offset });
  readonly allOnPageSelected = $derived(this.page.items.length > 0 && this.page.items.every((c) => this.selected.has(c.id)));
  readonly bulkList = $derived(this.lists.find((l) => l.id === this.bulkListId) ?? null);
  /** How many contacts a bulk change would reach (a list's size as the server counted it). */
  readonly bulkCount = $derived(this.bulkTarget === 'selected' ? this.selected.size : (this.bulkList?.contactCount ?? 0));

  private readonly reads = new LatestRead();

  constructor(private readonly api: Api) {}

  /** Reads one page; an answer that arrives after a newer request is dropped. */
  async load(query = this.query): Promise<void> {
    await this.reads.run(() => this.api.request<ContactsResult>(CONTACTS, query), {
      ok: ({ contacts }) => {
        this.page = contacts;
        this.error = null;
      },
      fail: (e) => (this.error = message(e)),
      busy: (b) => (this.loading = b),
    });
  }

  async loadLists(): Promise<void> {
    try {
      this.lists = (await this.api.request<ContactListsResult>(CONTACT_LISTS)).contactLists;
    } catch (e) {
      this.error = message(e);
    }
  }

  setSearch(text: string): void {
    this.search = text;
    this.offset = 0;
  }

  next(): void {
    if (this.offset + CONTACTS_PAGE < this.page.totalCount) this.offset += CONTACTS_PAGE;
  }

  previous(): void {
    this.offset = Math.max(0, this.offset - CONTACTS_PAGE);
  }

  toggle(id: string): void {
    const s = new Set(this.selected);
    if (!s.delete(id)) s.add(id);
    this.selected = s;
  }

  /** Selects every contact of the page, or unselects them when all are selected. */
  togglePage(): void {
    const s = new Set(this.selected);
    const all = this.allOnPageSelected;
    for (const c of this.page.items) {
      if (all) s.delete(c.id);
      else s.add(c.id);
    }
    this.selected = s;
  }

  clearSelection(): void {
    this.selected = new Set();
  }

  startEdit(c: Contact): void {
    this.editingId = c.id;
    this.editZone = c.timeZone ?? '';
    this.editError = null;
    this.notice = null;
  }

  cancelEdit(): void {
    this.editingId = null;
    this.editError = null;
  }

  /**
   * Saves the edited contact's zone (`clear`: removes it, so its numbers' candidate zones apply).
   * The server checks and canonicalises the name; its refusal stays next to the field.
   */
  async saveEdit(clear = false): Promise<boolean> {
    const id = this.editingId;
    if (!id) return false;
    const typed = this.editZone.trim();
    if (!clear && !typed) {
      this.editError = 'Type or pick a time zone, or use "Clear zone"';
      return false;
    }
    this.editBusy = true;
    this.editError = null;
    try {
      const { updateContact: c } = await this.api.request<UpdateContactResult>(UPDATE_CONTACT, { id, input: { timeZone: clear ? null : typed } });
      this.page = { ...this.page, items: this.page.items.map((x) => (x.id === c.id ? c : x)) };
      this.editingId = null;
      this.notice = c.timeZone
        ? `${c.name} is now dialled in ${c.timeZone}${c.timeZone !== typed ? ` (the IANA name for ${typed})` : ''}.`
        : `${c.name} has no zone of its own: each number is dialled by its own zones.`;
      return true;
    } catch (e) {
      this.editError = message(e, 'input.timeZone');
      return false;
    } finally {
      this.editBusy = false;
    }
  }

  /**
   * Sets (or with `clear`, removes) the zone of the selected contacts or of every contact of the
   * chosen list, then reads the page again (the numbers' zones changed).
   */
  async applyBulk(clear = false): Promise<number | null> {
    const zone = this.bulkZone.trim();
    this.bulkError = null;
    this.notice = null;
    if (!clear && !zone) return this.failBulk('Type or pick a time zone, or use "Clear zones"');
    const target: { contactIds: string[] } | { listId: string } =
      this.bulkTarget === 'selected' ? { contactIds: [...this.selected] } : { listId: this.bulkListId };
    if ('contactIds' in target && !target.contactIds.length) return this.failBulk('Select contacts in the table first');
    if ('listId' in target && !target.listId) return this.failBulk('Choose a list');
    this.bulkBusy = true;
    try {
      const { setContactsTimeZone: n } = await this.api.request<SetContactsTimeZoneResult>(SET_CONTACTS_TIME_ZONE, {
        input: { ...target, timeZone: clear ? null : zone },
      });
      const scope = 'listId' in target ? ` in ${this.bulkList?.name ?? 'the list'}` : '';
      this.notice = `${clear ? 'Cleared the zone of' : `Set ${zone} on`} ${contactsWord(n)}${scope}${n === 0 ? (clear ? ' (none had a zone of its own)' : ' (they already had it)') : ''}.`;
      await this.load();
      return n;
    } catch (e) {
      return this.failBulk(message(e, 'input.timeZone'));
    } finally {
      this.bulkBusy = false;
    }
  }

  private failBulk(text: string): null {
    this.bulkError = text;
    return null;
  }
}
