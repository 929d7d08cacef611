import { describe, expect, it } from 'vitest';
import { ApiError, type Api } from '../src/lib/api/client.js';
import type { Contact, Followup } from '../src/lib/api/documents.js';
import { CONTACTS_PAGE, ContactsStore, contactsWord } from '../src/lib/contacts.svelte.js';
import { InterruptedCallsStore, actionError } from '../src/lib/interrupted.svelte.js';
import { splitQueue } from '../src/lib/console.svelte.js';

interface Call {
  query: string;
  variables: Record<string, unknown>;
}

/** An Api whose requests are answered by `answer` (by operation name) and recorded. */
function fakeApi(answer: (op: string, variables: Record<string, unknown>) => unknown): { api: Api; calls: Call[] } {
  const calls: Call[] = [];
  const api = {
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      calls.push({ query, variables });
      const op = /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? '';
      const a = answer(op, variables);
      if (a instanceof Error) throw a;
      return a as T;
    },
  } as unknown as Api;
  return { api, calls };
}

function contact(id: string, over: Partial<Contact> = {}): Contact {
  return {
    id, name: `Contact ${id}`, clientId: null, timeZone: null, createdAt: '2026-11-23T10:00:00Z',
    phones: [{ e164: '+12085550123', region: 'US', position: 0, candidateTimeZones: ['America/Boise', 'America/Los_Angeles'], timeZones: ['America/Boise', 'America/Los_Angeles'], zoneSource: 'NUMBER' }],
    ...over,
  };
}

const badZone = () =>
  new ApiError('input.timeZone: "EST" is not a region time zone; name a place, e.g. "America/Panama"', 'BAD_USER_INPUT', [
    { field: 'input.timeZone', message: 'input.timeZone: "EST" is not a region time zone; name a place, e.g. "America/Panama"' },
  ]);

describe('ContactsStore', () => {
  it('reads a page with the search and offset it shows, and drops answers to older requests', async () => {
    let resolveFirst: (v: unknown) => void = () => undefined;
    let n = 0;
    const calls: Call[] = [];
    const api = {
      request: (query: string, variables: Record<string, unknown>) => {
        calls.push({ query, variables });
        n++;
        if (n === 1) return new Promise((r) => (resolveFirst = r));
        return Promise.resolve({ contacts: { totalCount: 1, items: [contact('new')] } });
      },
    } as unknown as Api;
    const s = new ContactsStore(api);
    s.setSearch('  +1208 ');
    expect(s.query).toEqual({ search: '+1208', limit: CONTACTS_PAGE, offset: 0 });
    const first = s.load();
    await s.load();
    resolveFirst({ contacts: { totalCount: 9, items: [contact('old')] } });
    await first;
    expect(s.page.items.map((c) => c.id)).toEqual(['new']);
    expect(s.loading).toBe(false);
    expect(calls[0]!.variables).toEqual({ search: '+1208', limit: CONTACTS_PAGE, offset: 0 });
  });

  it('pages forward only while there is more, and a new search goes back to the first page', () => {
    const s = new ContactsStore(fakeApi(() => ({})).api);
    s.page = { totalCount: 30, items: [] };
    s.next();
    expect(s.offset).toBe(CONTACTS_PAGE);
    s.next();
    expect(s.offset).toBe(CONTACTS_PAGE);
    s.setSearch('Ida');
    expect(s.offset).toBe(0);
  });

  it('keeps the selection across pages; the header box selects or unselects the page', () => {
    const s = new ContactsStore(fakeApi(() => ({})).api);
    s.page = { totalCount: 3, items: [contact('a'), contact('b')] };
    s.toggle('z');
    s.togglePage();
    expect([...s.selected].sort()).toEqual(['a', 'b', 'z']);
    expect(s.allOnPageSelected).toBe(true);
    s.togglePage();
    expect([...s.selected]).toEqual(['z']);
    s.toggle('z');
    expect(s.selected.size).toBe(0);
  });

  it("saves one contact's zone and shows the name the server stored", async () => {
    const { api, calls } = fakeApi(() => ({ updateContact: contact('a', { timeZone: 'Asia/Kolkata' }) }));
    const s = new ContactsStore(api);
    s.page = { totalCount: 1, items: [contact('a')] };
    s.startEdit(s.page.items[0]!);
    s.editZone = ' Asia/Calcutta ';
    expect(await s.saveEdit()).toBe(true);
    expect(calls[0]!.variables).toEqual({ id: 'a', input: { timeZone: 'Asia/Calcutta' } });
    expect(s.page.items[0]!.timeZone).toBe('Asia/Kolkata');
    expect(s.editingId).toBeNull();
    expect(s.notice).toBe('Contact a is now dialled in Asia/Kolkata (the IANA name for Asia/Calcutta).');
  });

  it('clears a zone with null, and needs a zone to save one', async () => {
    const { api, calls } = fakeApi(() => ({ updateContact: contact('a') }));
    const s = new ContactsStore(api);
    s.page = { totalCount: 1, items: [contact('a', { timeZone: 'Asia/Kolkata' })] };
    s.startEdit(s.page.items[0]!);
    expect(s.editZone).toBe('Asia/Kolkata');
    s.editZone = '';
    expect(await s.saveEdit()).toBe(false);
    expect(s.editError).toMatch(/pick a time zone/);
    expect(calls).toHaveLength(0);
    expect(await s.saveEdit(true)).toBe(true);
    expect(calls[0]!.variables).toEqual({ id: 'a', input: { timeZone: null } });
    expect(s.notice).toMatch(/no zone of its own/);
  });

  it("keeps the server's refusal next to the field, without the field path, and stays in the editor", async () => {
    const s = new ContactsStore(fakeApi(() => badZone()).api);
    s.page = { totalCount: 1, items: [contact('a')] };
    s.startEdit(s.page.items[0]!);
    s.editZone = 'EST';
    expect(await s.saveEdit()).toBe(false);
    expect(s.editError).toBe('"EST" is not a region time zone; name a place, e.g. "America/Panama"');
    expect(s.editingId).toBe('a');
  });

  it('sets the zone of the selected contacts or of a whole list, then reads the page again', async () => {
    const { api, calls } = fakeApi((op) => (op === 'SetContactsTimeZone' ? { setContactsTimeZone: 2 } : { contacts: { totalCount: 0, items: [] } }));
    const s = new ContactsStore(api);
    s.lists = [{ id: 'L', name: 'Renewals', contactCount: 370, createdAt: '' }];
    s.bulkZone = 'Asia/Kolkata';
    expect(await s.applyBulk()).toBeNull();
    expect(s.bulkError).toBe('Select contacts in the table first');
    s.toggle('a');
    s.toggle('b');
    expect(s.bulkCount).toBe(2);
    expect(await s.applyBulk()).toBe(2);
    expect(calls[0]!.variables).toEqual({ input: { contactIds: ['a', 'b'], timeZone: 'Asia/Kolkata' } });
    expect(s.notice).toBe('Set Asia/Kolkata on 2 contacts.');
    expect(calls[1]!.query).toMatch(/query Contacts/);

    s.bulkTarget = 'list';
    expect(await s.applyBulk()).toBeNull();
    expect(s.bulkError).toBe('Choose a list');
    s.bulkListId = 'L';
    expect(s.bulkCount).toBe(370);
    await s.applyBulk(true);
    expect(calls[2]!.variables).toEqual({ input: { listId: 'L', timeZone: null } });
    expect(s.notice).toBe('Cleared the zone of 2 contacts in Renewals.');
  });

  it('shows a bulk refusal next to the zone field', async () => {
    const s = new ContactsStore(fakeApi(() => badZone()).api);
    s.toggle('a');
    s.bulkZone = 'EST';
    expect(await s.applyBulk()).toBeNull();
    expect(s.bulkError).toMatch(/^"EST" is not a region time zone/);
  });

  it('words counts', () => {
    expect(contactsWord(1)).toBe('1 contact');
    expect(contactsWord(1234)).toBe('1,234 contacts');
  });
});

function followup(numberId: string, state: Followup['state'] = 'INTERRUPTED'): Followup {
  return {
    numberId, campaignId: 'c', campaignName: 'Renewals', contactName: 'Asha Rao', number: '+919812345678', dueAt: '2026-11-23T10:00:00Z',
    timeZone: 'Asia/Kolkata', note: 'Call cut off after the customer answered', state, preview: false, launching: false, expiresAt: null, customerAttempts: 1, fields: [],
  };
}

describe('interrupted calls', () => {
  it('a supervisor settles one: it leaves the list and says what happened', async () => {
    const { api, calls } = fakeApi((op) =>
      op === 'InterruptedCalls' ? { interruptedCalls: [followup('n1'), followup('n2')] } : { resolveInterruptedCall: { numberId: 'n1', state: 'RETRY' } });
    const s = new InterruptedCallsStore(api, 'c');
    await s.load();
    expect(s.items).toHaveLength(2);
    expect(await s.resolve('n1', 'RETRY')).toBe(true);
    expect(calls[1]!.variables).toEqual({ numberId: 'n1', outcome: 'RETRY' });
    expect(s.items.map((f) => f.numberId)).toEqual(['n2']);
    expect(s.notice).toBe('Asha Rao (+919812345678) will be called again');
  });

  it('a refusal (ILLEGAL_TRANSITION: someone settled it first) is shown with its code and the list is read again', async () => {
    let listed = 0;
    const { api } = fakeApi((op) => {
      if (op === 'InterruptedCalls') return { interruptedCalls: listed++ ? [] : [followup('n1')] };
      return new ApiError('number: COMPLETED cannot go to FAILED: only an INTERRUPTED number can be settled', 'ILLEGAL_TRANSITION');
    });
    const s = new InterruptedCallsStore(api, 'c');
    await s.load();
    expect(await s.resolve('n1', 'FAILED')).toBe(false);
    expect(s.error).toBe('number: COMPLETED cannot go to FAILED: only an INTERRUPTED number can be settled (ILLEGAL_TRANSITION)');
    await new Promise((r) => setTimeout(r, 0));
    expect(listed).toBe(2);
    expect(s.items).toEqual([]);
  });

  it('the agent queue puts interrupted calls apart from followups', () => {
    const q = splitQueue([followup('a', 'RETRY'), followup('b'), followup('c', 'IN_PROGRESS')]);
    expect(q.interrupted.map((f) => f.numberId)).toEqual(['b']);
    expect(q.followups.map((f) => f.numberId)).toEqual(['a', 'c']);
  });

  it('words errors', () => {
    expect(actionError(new ApiError('nope', 'FORBIDDEN'))).toBe('nope (FORBIDDEN)');
    expect(actionError(new ApiError('bad', 'BAD_USER_INPUT'))).toBe('bad');
    expect(actionError(new Error('x'))).toBe('x');
  });
});
