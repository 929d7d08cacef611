import { describe, expect, it } from 'vitest';
import { ApiError, type Api } from '../src/lib/api/client.js';
import type { AdminUser, AgentGroupRow, AgentRow, ApiKey, Suppression } from '../src/lib/api/documents.js';
import { formErrors } from '../src/lib/form-errors.js';
import { GENERATED_PASSWORD_LENGTH, UsersStore, generatePassword } from '../src/lib/users.svelte.js';
import { AGENTS_PAGE, AgentsStore, agentChanges, agentDraft, newAgentInput } from '../src/lib/agents.svelte.js';
import { GroupsStore, nonMembers } from '../src/lib/groups.svelte.js';
import { SuppressionsStore, csvText } from '../src/lib/suppressions.svelte.js';
import { ApiKeysStore } from '../src/lib/api-keys.svelte.js';
import { parseHash } from '../src/lib/router.svelte.js';

interface Call {
  op: string;
  variables: Record<string, unknown>;
}

/** An Api whose requests are answered by `answer` (by operation name) and recorded. */
function fakeApi(answer: (op: string, variables: Record<string, unknown>) => unknown): { api: Api; calls: Call[] } {
  const calls: Call[] = [];
  const api = {
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const op = /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? '';
      calls.push({ op, variables });
      const a = answer(op, variables);
      if (a instanceof Error) throw a;
      return a as T;
    },
  } as unknown as Api;
  return { api, calls };
}

const user = (id: string, over: Partial<AdminUser> = {}): AdminUser => ({ id, name: `User ${id}`, email: `${id}@x.test`, role: 'AGENT', agentId: null, disabled: false, ...over });
const agent = (id: string, over: Partial<AgentRow> = {}): AgentRow => ({ id, name: `Agent ${id}`, phone: '+919812300001', sipUri: null, timeZone: 'Asia/Kolkata', state: 'OFFLINE', userId: null, ...over });
const group = (id: string, members: string[], over: Partial<AgentGroupRow> = {}): AgentGroupRow => ({
  id, name: `Group ${id}`, memberCount: members.length, mayScheduleFollowups: true, members: members.map((m) => ({ id: m, name: `Agent ${m}`, state: 'OFFLINE' })), ...over,
});
const key = (id: string, over: Partial<ApiKey> = {}): ApiKey => ({
  id, name: `Key ${id}`, prefix: 'dk_abcdefg', scopes: ['CAMPAIGNS_READ'], createdBy: 'Admin', createdAt: '2026-11-29T10:00:00Z', lastUsedAt: null, revokedAt: null, ...over,
});
const suppression = (id: string, value: string): Suppression => ({ id, kind: 'NUMBER', value, reason: null, campaignId: null, campaignName: null, createdAt: '2026-11-29T10:00:00Z' });

describe('formErrors', () => {
  it('puts each problem next to its field, without the path, and the rest in the message', () => {
    const e = new ApiError('Invalid input: input.email: email must be an email; input.other: nope', 'BAD_USER_INPUT', [
      { field: 'input.email', message: 'email must be an email' },
      { field: 'input.phone', message: 'input.phone: "12" is not a valid number for its region' },
      { field: 'input.other', message: 'nope' },
    ]);
    expect(formErrors(e, ['input.email', 'input.phone'])).toEqual({
      fields: { 'input.email': 'email must be an email', 'input.phone': '"12" is not a valid number for its region' },
      message: 'input.other: nope',
    });
  });

  it('gives errors without a field (NOT_FOUND, FORBIDDEN, network) as the message', () => {
    expect(formErrors(new ApiError('user x not found', 'NOT_FOUND'), ['input.name'])).toEqual({ fields: {}, message: 'user x not found' });
    expect(formErrors(new Error('offline'), [])).toEqual({ fields: {}, message: 'offline' });
  });
});

describe('generatePassword', () => {
  it('draws 16 characters from the unambiguous alphabet', () => {
    const pw = generatePassword();
    expect(pw).toHaveLength(GENERATED_PASSWORD_LENGTH);
    expect(pw).toMatch(/^[A-HJ-NP-Za-km-z2-9]+$/);
    expect(generatePassword()).not.toBe(pw);
  });

  it('redraws bytes past the last whole multiple of the alphabet (no bias)', () => {
    // 57 characters: bytes 228..255 would favour the first 28; they are skipped
    let round = 0;
    const random = (b: Uint8Array) => b.fill(round++ === 0 ? 250 : 0);
    expect(generatePassword(4, random)).toBe('AAAA');
    expect(round).toBe(2);
  });
});

describe('UsersStore', () => {
  it('checks the form first and asks nothing of the server when it is incomplete', async () => {
    const { api, calls } = fakeApi(() => ({}));
    const s = new UsersStore(api, 'me');
    s.draft.name = 'Ida';
    s.draft.password = 'short';
    expect(await s.create()).toBeNull();
    expect(s.createErrors.fields).toEqual({ 'input.email': 'Type an email address', 'input.password': 'The password must be 8-200 characters' });
    expect(calls).toHaveLength(0);
  });

  it('creates a user with the generated password, shows it once and keeps the list by name', async () => {
    const { api, calls } = fakeApi((_op, v) => ({ createUser: user('n', { name: (v.input as { name: string }).name, role: 'SUPERVISOR' }) }));
    const s = new UsersStore(api, 'me');
    s.users = [user('z', { name: 'Zed' })];
    s.draft = { name: ' Ida ', email: ' ida@x.test ', role: 'SUPERVISOR', password: '' };
    s.generateDraftPassword();
    const pw = s.draft.password;
    expect(s.draftGenerated).toBe(true);
    expect((await s.create())?.id).toBe('n');
    expect(calls[0]!.variables).toEqual({ input: { name: 'Ida', email: 'ida@x.test', role: 'SUPERVISOR', password: pw } });
    expect(s.created?.password).toBe(pw);
    expect(s.users.map((u) => u.name)).toEqual(['Ida', 'Zed']);
    expect(s.draft).toEqual({ name: '', email: '', role: 'SUPERVISOR', password: '' });
  });

  it("keeps the server's refusal next to the field and creates nothing", async () => {
    const conflict = new ApiError('a user with email ida@x.test already exists', 'CONFLICT', [{ field: 'input.email', message: 'a user with email ida@x.test already exists' }]);
    const s = new UsersStore(fakeApi(() => conflict).api, 'me');
    s.draft = { name: 'Ida', email: 'ida@x.test', role: 'AGENT', password: 'long enough' };
    expect(await s.create()).toBeNull();
    expect(s.createErrors.fields['input.email']).toBe('a user with email ida@x.test already exists');
    expect(s.users).toEqual([]);
    expect(s.draft.email).toBe('ida@x.test');
    s.dropCreateError('input.email');
    expect(s.createErrors.fields).toEqual({});
  });

  it('sends only what the edit changed, and shows a refused role change at the role', async () => {
    const { api, calls } = fakeApi((op) =>
      op === 'UpdateUser' && calls.length > 1
        ? new ApiError('you cannot change your own role', 'BAD_USER_INPUT', [{ field: 'input.role', message: 'you cannot change your own role' }])
        : { updateUser: user('a', { role: 'SUPERVISOR' }) },
    );
    const s = new UsersStore(api, 'me');
    s.users = [user('a')];
    s.startEdit(s.users[0]!);
    s.editRole = 'SUPERVISOR';
    expect(await s.saveEdit()).toBe(true);
    expect(calls[0]!.variables).toEqual({ id: 'a', input: { role: 'SUPERVISOR' } });
    expect(s.users[0]!.role).toBe('SUPERVISOR');
    expect(s.rowMessage?.text).toMatch(/is now supervisor/);

    s.startEdit(s.users[0]!);
    s.editRole = 'ADMIN';
    expect(await s.saveEdit()).toBe(false);
    expect(s.editErrors.fields['input.role']).toBe('you cannot change your own role');
    expect(s.editingId).toBe('a');
  });

  it('disabling keeps the rest of the row (the answer carries only `disabled`)', async () => {
    const { api } = fakeApi(() => ({ setUserDisabled: { id: 'a', disabled: true } }));
    const s = new UsersStore(api, 'me');
    s.users = [user('a', { agentId: 'ag1' })];
    expect(await s.setDisabled(s.users[0]!, true)).toBe(true);
    expect(s.users[0]).toEqual(user('a', { agentId: 'ag1', disabled: true }));
    expect(s.rowMessage).toEqual({ userId: 'a', ok: true, text: 'User a is disabled: they cannot sign in, and their sessions ended.' });
  });

  it('a row action that fails says why on its row', async () => {
    const s = new UsersStore(fakeApi(() => new ApiError('you cannot disable yourself', 'BAD_USER_INPUT', [{ field: 'userId', message: 'you cannot disable yourself' }])).api, 'me');
    s.users = [user('me')];
    expect(await s.setDisabled(s.users[0]!, true)).toBe(false);
    expect(s.rowMessage).toEqual({ userId: 'me', ok: false, text: 'you cannot disable yourself' });
    expect(s.users[0]!.disabled).toBe(false);
  });

  it('sets a password (8+ characters) and shows a generated one to hand over', async () => {
    const { api, calls } = fakeApi(() => ({ setPassword: true }));
    const s = new UsersStore(api, 'me');
    s.users = [user('a')];
    s.startPassword(s.users[0]!);
    s.newPassword = 'short';
    expect(await s.savePassword()).toBe(false);
    expect(s.passwordErrors.fields.password).toMatch(/8-200/);
    s.generateNewPassword();
    const pw = s.newPassword;
    expect(await s.savePassword()).toBe(true);
    expect(calls[0]!.variables).toEqual({ userId: 'a', password: pw });
    expect(s.rowMessage?.text).toContain(pw);
    expect(s.passwordForId).toBeNull();
  });

  it('counts the sessions a sign-out everywhere ended', async () => {
    const s = new UsersStore(fakeApi(() => ({ signOutEverywhere: 2 })).api, 'me');
    s.users = [user('a')];
    await s.signOutEverywhere(s.users[0]!);
    expect(s.rowMessage?.text).toBe('User a: 2 sessions ended.');
  });
});

describe('agents', () => {
  it('an edit sends only the changed fields; "" unlinks the user; groupIds is the whole new set', () => {
    const a = agent('a', { userId: 'u1' });
    const d = agentDraft(a, ['g1']);
    expect(agentChanges(a, ['g1'], d)).toEqual({});
    d.phone = ' +919812300099 ';
    d.userId = '';
    d.groupIds = ['g2', 'g1'];
    expect(agentChanges(a, ['g1'], d)).toEqual({ phone: '+919812300099', userId: '', groupIds: ['g2', 'g1'] });
    expect(agentChanges(a, ['g1', 'g2'], { ...d, groupIds: ['g2', 'g1'] })).not.toHaveProperty('groupIds');
    // a SIP address set, then emptied ("" removes it)
    expect(agentChanges(a, ['g1'], { ...agentDraft(a, ['g1']), sipUri: 'sip:1001@pbx.example.com' })).toEqual({ sipUri: 'sip:1001@pbx.example.com' });
    const withSip = agent('b', { sipUri: 'sip:1001@pbx.example.com' });
    expect(agentChanges(withSip, [], { ...agentDraft(withSip, []), sipUri: ' ' })).toEqual({ sipUri: '' });
  });

  it('a new agent leaves out a blank zone and user', () => {
    expect(newAgentInput({ name: ' Ida ', phone: '+919812300001', sipUri: '', timeZone: ' ', userId: '', groupIds: ['g'] })).toEqual({ name: 'Ida', phone: '+919812300001', groupIds: ['g'] });
    expect(newAgentInput({ name: 'Ida', phone: '+1', sipUri: ' sip:1001@pbx.example.com ', timeZone: 'Asia/Kolkata', userId: 'u', groupIds: [] })).toEqual({ name: 'Ida', phone: '+1', sipUri: 'sip:1001@pbx.example.com', timeZone: 'Asia/Kolkata', userId: 'u', groupIds: [] });
  });

  it('reads one row more than a page to know there is a next one, and derives membership from the groups', async () => {
    const rows = Array.from({ length: AGENTS_PAGE + 1 }, (_, i) => agent(`a${i}`));
    const { api, calls } = fakeApi((op) =>
      op === 'Agents' ? { agents: rows } : { agentGroups: [{ id: 'g1', name: 'Sales', members: [{ id: 'a0' }, { id: 'a1' }] }, { id: 'g2', name: 'Night', members: [{ id: 'a0' }] }], users: [user('u1', { agentId: 'a0' }), user('u2')] },
    );
    const s = new AgentsStore(api);
    await s.load();
    expect(calls.find((c) => c.op === 'Agents')!.variables).toEqual({ limit: AGENTS_PAGE + 1, offset: 0 });
    expect(s.agents).toHaveLength(AGENTS_PAGE);
    expect(s.hasMore).toBe(true);
    expect(s.groupsOf.get('a0')!.map((g) => g.name)).toEqual(['Sales', 'Night']);
    expect(s.groupsOf.get('a2')).toBeUndefined();
    s.startCreate();
    expect(s.linkableUsers.map((u) => u.id)).toEqual(['u2']);
    s.startEdit(s.agents[0]!);
    expect(s.linkableUsers.map((u) => u.id)).toEqual(['u1', 'u2']);
    expect(s.draft.groupIds).toEqual(['g1', 'g2']);
  });

  it("shows the server's refusal next to the phone and keeps the form open", async () => {
    const bad = new ApiError('input.phone: "12" is not a valid number for its region', 'BAD_USER_INPUT', [{ field: 'input.phone', message: 'input.phone: "12" is not a valid number for its region' }]);
    const { api, calls } = fakeApi((op) => (op === 'CreateAgent' ? bad : {}));
    const s = new AgentsStore(api);
    s.startCreate();
    s.draft.name = 'Ida';
    s.draft.phone = '12';
    expect(await s.save()).toBeNull();
    expect(s.errors.fields['input.phone']).toBe('"12" is not a valid number for its region');
    expect(s.formFor).toBe('new');
    expect(calls.map((c) => c.op)).toEqual(['CreateAgent']);
  });
});

describe('GroupsStore', () => {
  it('offers to add only agents not in the group', () => {
    expect(nonMembers(group('g', ['a']), [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }])).toEqual([{ id: 'b', name: 'B' }]);
  });

  it('creates a group with members and followups forbidden', async () => {
    const { api, calls } = fakeApi(() => ({ createAgentGroup: group('n', ['a'], { name: 'Night', mayScheduleFollowups: false }) }));
    const s = new GroupsStore(api);
    s.draft.name = ' Night ';
    s.draft.mayScheduleFollowups = false;
    s.toggleDraftAgent('a');
    await s.create();
    expect(calls[0]!.variables).toEqual({ input: { name: 'Night', mayScheduleFollowups: false, agentIds: ['a'] } });
    expect(s.notice).toBe('Group Night created with 1 member.');
    expect(s.draft).toEqual({ name: '', mayScheduleFollowups: true, agentIds: [] });
  });

  it('adds and removes members and toggles followups, replacing the group with the answer', async () => {
    let answer: AgentGroupRow = group('g', ['a', 'b']);
    const { api, calls } = fakeApi((op) => (op === 'ChangeGroupMembers' ? { changeGroupMembers: answer } : { updateAgentGroup: answer }));
    const s = new GroupsStore(api);
    s.groups = [group('g', ['a'])];
    s.agents = [{ id: 'a', name: 'Agent a' }, { id: 'b', name: 'Agent b' }];
    expect(await s.addMember(s.groups[0]!)).toBe(false);
    expect(s.groupMessage).toEqual({ groupId: 'g', ok: false, text: 'Choose an agent to add' });
    s.adding.g = 'b';
    expect(await s.addMember(s.groups[0]!)).toBe(true);
    expect(calls[0]!.variables).toEqual({ groupId: 'g', add: ['b'], remove: [] });
    expect(s.groups[0]!.memberCount).toBe(2);
    expect(s.adding.g).toBe('');
    answer = group('g', ['b']);
    await s.removeMember(s.groups[0]!, 'a');
    expect(calls[1]!.variables).toEqual({ groupId: 'g', add: [], remove: ['a'] });
    expect(s.groupMessage?.text).toBe('Agent a removed from Group g.');
    answer = group('g', ['b'], { mayScheduleFollowups: false });
    await s.setFollowups(s.groups[0]!, false);
    expect(calls[2]!.variables).toEqual({ id: 'g', input: { mayScheduleFollowups: false } });
    expect(s.groups[0]!.mayScheduleFollowups).toBe(false);
  });
});

describe('SuppressionsStore', () => {
  it('asks for what it shows; a new search or kind goes back to the first page', () => {
    const s = new SuppressionsStore(fakeApi(() => ({})).api);
    s.page = { items: [], totalCount: 120 };
    s.next();
    s.setSearch(' 98123 ');
    expect(s.query).toEqual({ search: '98123', kind: null, limit: 50, offset: 0 });
    s.next();
    s.setKind('CLIENT_ID');
    expect(s.query).toEqual({ search: '98123', kind: 'CLIENT_ID', limit: 50, offset: 0 });
  });

  it('removes only after the confirm step, then reads the page again', async () => {
    const { api, calls } = fakeApi((op) => (op === 'RemoveSuppression' ? { removeSuppression: true } : { suppressions: { items: [], totalCount: 0 } }));
    const s = new SuppressionsStore(api);
    s.page = { items: [suppression('s1', '+919812345678')], totalCount: 1 };
    expect(await s.confirmRemove()).toBe(false);
    s.askRemove('s1');
    expect(await s.confirmRemove()).toBe(true);
    expect(calls.map((c) => c.op)).toEqual(['RemoveSuppression', 'Suppressions']);
    expect(s.notice).toBe('Number +919812345678 removed from the list: it may be dialled again.');
    expect(s.confirmingId).toBeNull();
  });

  it('imports pasted text (or the chosen file) and keeps the rejected rows with their lines', async () => {
    const result = { rows: 3, added: 1, alreadyListed: 1, errors: [{ line: 3, code: 'INVALID_NUMBER', reason: '"12" is not a valid number' }] };
    const { api, calls } = fakeApi((op) => (op === 'ImportSuppressions' ? { importSuppressionsCsv: result } : { suppressions: { items: [], totalCount: 0 } }));
    const s = new SuppressionsStore(api);
    expect(await s.importCsv()).toBeNull();
    expect(s.importErrors.fields['input.csv']).toBe('Choose a CSV file or paste CSV text');
    s.csv.text = 'number\n+919812345678\n12\n';
    s.region = 'in';
    expect(await s.importCsv()).toEqual(result);
    expect(calls[0]!.variables).toEqual({ input: { csv: 'number\n+919812345678\n12\n', defaultRegion: 'IN' } });
    expect(s.imported?.errors[0]!.line).toBe(3);
  });

  it('a chosen file wins over the text, and a file over 5 MB is refused before uploading', async () => {
    const file = (size: number) => ({ name: 'dnd.csv', size, text: async () => 'client_id\nC1' });
    expect(await csvText({ file: file(10), text: 'ignored' })).toEqual({ csv: 'client_id\nC1' });
    expect(await csvText({ file: file(6 * 1024 * 1024), text: '' })).toEqual({ problem: 'The file is 6.0 MB; split it into files of at most 5 MB' });
  });
});

describe('ApiKeysStore', () => {
  it('needs a name and a scope; sends the scopes in their listed order; shows the key until dismissed', async () => {
    const created = { key: 'dk_secret', apiKey: key('k') };
    const { api, calls } = fakeApi((op) => (op === 'CreateApiKey' ? { createApiKey: created } : { apiKeys: [created.apiKey] }));
    const s = new ApiKeysStore(api);
    expect(await s.create()).toBeNull();
    expect(Object.keys(s.createErrors.fields)).toEqual(['input.name', 'input.scopes']);
    expect(calls).toHaveLength(0);
    s.draft.name = 'CRM sync';
    s.toggleScope('REPORTS_READ');
    s.toggleScope('CAMPAIGNS_READ');
    expect(await s.create()).toBe('dk_secret');
    expect(calls[0]!.variables).toEqual({ input: { name: 'CRM sync', scopes: ['CAMPAIGNS_READ', 'REPORTS_READ'] } });
    expect(s.created?.key).toBe('dk_secret');
    expect(s.keys).toHaveLength(1);
    s.dismissCreated();
    expect(s.created).toBeNull();
  });

  it('revokes after the confirm step and forgets a shown key it revoked', async () => {
    const { api } = fakeApi(() => ({ revokeApiKey: key('k', { revokedAt: '2026-11-29T11:00:00Z' }) }));
    const s = new ApiKeysStore(api);
    s.keys = [key('k'), key('other')];
    s.created = { key: 'dk_secret', apiKey: key('k') };
    s.askRevoke('k');
    expect(await s.confirmRevoke()).toBe(true);
    expect(s.keys[0]!.revokedAt).not.toBeNull();
    expect(s.liveCount).toBe(1);
    expect(s.created).toBeNull();
    expect(s.notice).toMatch(/revoked/);
  });
});

describe('admin routes', () => {
  it.each(['users', 'agents', 'groups', 'suppressions', 'api-keys'])('#/%s', (page) => expect(parseHash(`#/${page}`)).toEqual({ page }));
});
