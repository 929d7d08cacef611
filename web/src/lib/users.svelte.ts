import type { Api } from './api/client.js';
import {
  CREATE_USER, SET_PASSWORD, SET_USER_DISABLED, SIGN_OUT_EVERYWHERE, UPDATE_USER, USERS,
  type AdminUser, type CreateUserResult, type Role, type SetPasswordResult, type SetUserDisabledResult,
  type SignOutEverywhereResult, type UpdateUserResult, type UsersResult,
} from './api/documents.js';
import { errorText, formErrors, NO_ERRORS, type FormErrors } from './form-errors.js';

/** The server's password limits. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 200;
/** Length of a generated password. */
export const GENERATED_PASSWORD_LENGTH = 16;

/** Letters and digits a person can read out without confusion (no 0/O, 1/l/I). */
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/**
 * A random password of `length` characters from an unambiguous alphabet, drawn without bias
 * (bytes past the last whole multiple of the alphabet are redrawn).
 * @default length = 16, random = crypto.getRandomValues
 */
export function generatePassword(length = GENERATED_PASSWORD_LENGTH, random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const n = PASSWORD_ALPHABET.length;
  const limit = 256 - (256 % n);
  let out = '';
  while (out.length < length) {
    for (const b of random(new Uint8Array(length * 2))) {
      if (b < limit && out.length < length) out += PASSWORD_ALPHABET[b % n];
    }
  }
  return out;
}

export const ROLES: readonly Role[] = ['ADMIN', 'SUPERVISOR', 'AGENT'];

export const ROLE_HELP: Record<Role, string> = {
  ADMIN: 'Everything, including users',
  SUPERVISOR: 'Campaigns, agents, groups, suppressions, API keys',
  AGENT: 'Takes calls at the console (link an agent profile on the Agents page)',
};

/** A password problem before asking the server (it would refuse the same way). */
function passwordProblem(password: string): string | null {
  if (!password) return 'Type a password or generate one';
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) return `The password must be ${PASSWORD_MIN}-${PASSWORD_MAX} characters`;
  return null;
}

const CREATE_FIELDS = ['input.name', 'input.email', 'input.role', 'input.password'];
const EDIT_FIELDS = ['input.name', 'input.role'];
const PASSWORD_FIELDS = ['password'];

/** A row action's outcome, shown on the row it concerns. */
export interface RowMessage {
  userId: string;
  text: string;
  ok: boolean;
}

/**
 * The users page: the organisation's users; admins create them, rename them, change their role,
 * disable or enable them, set their password and end their sessions. The server's snapshot is
 * replaced whole; what the server refused stays next to the form or the row it concerns.
 */
export class UsersStore {
  users = $state.raw<AdminUser[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);

  /** The new-user form. */
  draft = $state({ name: '', email: '', role: 'AGENT' as Role, password: '' });
  /** The draft's password was generated here: it is shown so the admin can hand it over. */
  draftGenerated = $state(false);
  createErrors = $state.raw<FormErrors>(NO_ERRORS);
  createBusy = $state(false);
  /** The last user created, with the password the admin set (to hand over). */
  created = $state.raw<{ user: AdminUser; password: string } | null>(null);

  /** The user whose name and role are being edited. */
  editingId = $state<string | null>(null);
  editName = $state('');
  editRole = $state<Role>('AGENT');
  editErrors = $state.raw<FormErrors>(NO_ERRORS);
  editBusy = $state(false);

  /** The user whose password is being reset. */
  passwordForId = $state<string | null>(null);
  newPassword = $state('');
  newPasswordGenerated = $state(false);
  passwordErrors = $state.raw<FormErrors>(NO_ERRORS);
  passwordBusy = $state(false);

  /** The user a row action is running for, and what the last one said. */
  busyId = $state<string | null>(null);
  rowMessage = $state.raw<RowMessage | null>(null);

  readonly activeCount = $derived(this.users.filter((u) => !u.disabled).length);

  constructor(
    private readonly api: Api,
    /** The signed-in admin: the server refuses changing one's own role or disabling oneself. */
    readonly selfId: string | null,
  ) {}

  async load(): Promise<void> {
    try {
      this.users = (await this.api.request<UsersResult>(USERS)).users;
      this.loaded = true;
      this.error = null;
    } catch (e) {
      this.error = errorText(e);
    }
  }

  generateDraftPassword(): void {
    this.draft.password = generatePassword();
    this.draftGenerated = true;
    this.dropCreateError('input.password');
  }

  /** Forgets a field's server message once the admin edits it. */
  dropCreateError(field: string): void {
    if (!(field in this.createErrors.fields)) return;
    const { [field]: _gone, ...rest } = this.createErrors.fields;
    this.createErrors = { ...this.createErrors, fields: rest };
  }

  async create(): Promise<AdminUser | null> {
    const d = this.draft;
    const fields: Record<string, string> = {};
    if (!d.name.trim()) fields['input.name'] = 'Type a name';
    if (!d.email.trim()) fields['input.email'] = 'Type an email address';
    const pw = passwordProblem(d.password);
    if (pw) fields['input.password'] = pw;
    this.created = null;
    if (Object.keys(fields).length) {
      this.createErrors = { fields, message: null };
      return null;
    }
    this.createBusy = true;
    this.createErrors = NO_ERRORS;
    try {
      const { createUser: user } = await this.api.request<CreateUserResult>(CREATE_USER, {
        input: { name: d.name.trim(), email: d.email.trim(), role: d.role, password: d.password },
      });
      this.users = [...this.users, user].sort((a, b) => a.name.localeCompare(b.name));
      this.created = { user, password: d.password };
      this.draft = { name: '', email: '', role: d.role, password: '' };
      this.draftGenerated = false;
      return user;
    } catch (e) {
      this.createErrors = formErrors(e, CREATE_FIELDS);
      return null;
    } finally {
      this.createBusy = false;
    }
  }

  startEdit(u: AdminUser): void {
    this.cancelPassword();
    this.editingId = u.id;
    this.editName = u.name;
    this.editRole = u.role;
    this.editErrors = NO_ERRORS;
    this.rowMessage = null;
  }

  cancelEdit(): void {
    this.editingId = null;
    this.editErrors = NO_ERRORS;
  }

  /** Saves the name and role; only what changed is sent (the server refuses any change of one's own role). */
  async saveEdit(): Promise<boolean> {
    const u = this.users.find((x) => x.id === this.editingId);
    if (!u) return false;
    const name = this.editName.trim();
    if (!name) {
      this.editErrors = { fields: { 'input.name': 'Type a name' }, message: null };
      return false;
    }
    const input: { name?: string; role?: Role } = {};
    if (name !== u.name) input.name = name;
    if (this.editRole !== u.role) input.role = this.editRole;
    if (!Object.keys(input).length) {
      this.cancelEdit();
      return true;
    }
    this.editBusy = true;
    this.editErrors = NO_ERRORS;
    try {
      const { updateUser } = await this.api.request<UpdateUserResult>(UPDATE_USER, { id: u.id, input });
      this.replace(updateUser);
      this.editingId = null;
      this.rowMessage = { userId: u.id, ok: true, text: input.role ? `${updateUser.name} is now ${updateUser.role.toLowerCase()} (from their next request).` : `Renamed to ${updateUser.name}.` };
      return true;
    } catch (e) {
      this.editErrors = formErrors(e, EDIT_FIELDS);
      return false;
    } finally {
      this.editBusy = false;
    }
  }

  startPassword(u: AdminUser): void {
    this.cancelEdit();
    this.passwordForId = u.id;
    this.newPassword = '';
    this.newPasswordGenerated = false;
    this.passwordErrors = NO_ERRORS;
    this.rowMessage = null;
  }

  generateNewPassword(): void {
    this.newPassword = generatePassword();
    this.newPasswordGenerated = true;
    this.passwordErrors = NO_ERRORS;
  }

  cancelPassword(): void {
    this.passwordForId = null;
    this.newPassword = '';
    this.passwordErrors = NO_ERRORS;
  }

  /** Sets the user's password; every session of theirs ends. The password stays on the row to hand over. */
  async savePassword(): Promise<boolean> {
    const u = this.users.find((x) => x.id === this.passwordForId);
    if (!u) return false;
    const problem = passwordProblem(this.newPassword);
    if (problem) {
      this.passwordErrors = { fields: { password: problem }, message: null };
      return false;
    }
    this.passwordBusy = true;
    this.passwordErrors = NO_ERRORS;
    try {
      await this.api.request<SetPasswordResult>(SET_PASSWORD, { userId: u.id, password: this.newPassword });
      const shown = this.newPasswordGenerated ? ` The new password is ${this.newPassword}.` : '';
      this.rowMessage = { userId: u.id, ok: true, text: `Password of ${u.name} set; their sessions ended.${shown}` };
      this.cancelPassword();
      return true;
    } catch (e) {
      this.passwordErrors = formErrors(e, PASSWORD_FIELDS);
      return false;
    } finally {
      this.passwordBusy = false;
    }
  }

  /** Disables (sign-in refused, every session ended) or enables a user; not oneself. */
  async setDisabled(u: AdminUser, disabled: boolean): Promise<boolean> {
    return this.rowAction(u, async () => {
      const { setUserDisabled: r } = await this.api.request<SetUserDisabledResult>(SET_USER_DISABLED, { userId: u.id, disabled });
      this.replace({ ...u, disabled: r.disabled });
      return r.disabled ? `${u.name} is disabled: they cannot sign in, and their sessions ended.` : `${u.name} is enabled again.`;
    });
  }

  async signOutEverywhere(u: AdminUser): Promise<boolean> {
    return this.rowAction(u, async () => {
      const { signOutEverywhere: n } = await this.api.request<SignOutEverywhereResult>(SIGN_OUT_EVERYWHERE, { userId: u.id });
      return `${u.name}: ${n === 0 ? 'no session was open' : `${n} session${n === 1 ? '' : 's'} ended`}.`;
    });
  }

  private async rowAction(u: AdminUser, run: () => Promise<string>): Promise<boolean> {
    this.busyId = u.id;
    this.rowMessage = null;
    try {
      this.rowMessage = { userId: u.id, ok: true, text: await run() };
      return true;
    } catch (e) {
      this.rowMessage = { userId: u.id, ok: false, text: errorText(e) };
      return false;
    } finally {
      this.busyId = null;
    }
  }

  private replace(user: AdminUser): void {
    this.users = this.users.map((x) => (x.id === user.id ? user : x));
  }
}
