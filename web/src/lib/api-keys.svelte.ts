import type { Api } from './api/client.js';
import {
  API_KEYS, CREATE_API_KEY, REVOKE_API_KEY,
  type ApiKey, type ApiKeyScope, type ApiKeysResult, type CreateApiKeyResult, type RevokeApiKeyResult,
} from './api/documents.js';
import { errorText, formErrors, NO_ERRORS, type FormErrors } from './form-errors.js';

/** Every scope, with its wire name and what it allows (as schema.graphql describes them). */
export const API_KEY_SCOPES: readonly { scope: ApiKeyScope; name: string; help: string }[] = [
  { scope: 'CAMPAIGNS_READ', name: 'campaigns:read', help: 'Campaigns, their numbers, live figures, call lists, agents and groups' },
  { scope: 'CAMPAIGNS_WRITE', name: 'campaigns:write', help: 'Create campaigns, pause, resume, complete, archive, settle interrupted calls' },
  { scope: 'CONTACTS_READ', name: 'contacts:read', help: 'The contact directory and lists' },
  { scope: 'CONTACTS_WRITE', name: 'contacts:write', help: 'Create, import and edit contacts and lists' },
  { scope: 'SUPPRESSIONS_WRITE', name: 'suppressions:write', help: 'Read and change the suppression (DND) list' },
  { scope: 'STATS_SUBSCRIBE', name: 'stats:subscribe', help: 'The live subscriptions of campaign figures and changes' },
  { scope: 'REPORTS_READ', name: 'reports:read', help: 'Campaign reports (CSV)' },
  { scope: 'INBOUND_WRITE', name: 'inbound:write', help: 'Report inbound call events (missed calls feed campaigns by their rules)' },
  { scope: 'WEBHOOKS_WRITE', name: 'webhooks:write', help: 'Webhook subscriptions, campaign signing secrets, the delivery log and replays' },
];

export function scopeName(scope: ApiKeyScope): string {
  return API_KEY_SCOPES.find((s) => s.scope === scope)?.name ?? scope.toLowerCase();
}

/**
 * The API keys page: the organisation's keys (live first), a form that creates one with scopes,
 * the new key shown once (only its hash is kept), and revocation after a confirm step.
 */
export class ApiKeysStore {
  keys = $state.raw<ApiKey[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);

  draft = $state({ name: '', scopes: [] as ApiKeyScope[] });
  createErrors = $state.raw<FormErrors>(NO_ERRORS);
  createBusy = $state(false);
  /** The key just created: shown once, until dismissed. */
  created = $state.raw<{ key: string; apiKey: ApiKey } | null>(null);

  confirmingId = $state<string | null>(null);
  revokingId = $state<string | null>(null);

  readonly liveCount = $derived(this.keys.filter((k) => !k.revokedAt).length);

  constructor(private readonly api: Api) {}

  async load(): Promise<void> {
    try {
      this.keys = (await this.api.request<ApiKeysResult>(API_KEYS)).apiKeys;
      this.loaded = true;
      this.error = null;
    } catch (e) {
      this.error = errorText(e);
    }
  }

  toggleScope(scope: ApiKeyScope): void {
    const s = this.draft.scopes;
    this.draft.scopes = s.includes(scope) ? s.filter((x) => x !== scope) : [...s, scope];
  }

  async create(): Promise<string | null> {
    const name = this.draft.name.trim();
    const fields: Record<string, string> = {};
    if (!name) fields['input.name'] = 'Say what the key is for, e.g. "CRM sync"';
    if (!this.draft.scopes.length) fields['input.scopes'] = 'Choose at least one scope';
    this.notice = null;
    if (Object.keys(fields).length) {
      this.createErrors = { fields, message: null };
      return null;
    }
    this.createBusy = true;
    this.createErrors = NO_ERRORS;
    try {
      const scopes = API_KEY_SCOPES.map((s) => s.scope).filter((s) => this.draft.scopes.includes(s));
      const { createApiKey } = await this.api.request<CreateApiKeyResult>(CREATE_API_KEY, { input: { name, scopes } });
      this.created = createApiKey;
      this.draft = { name: '', scopes: [] };
      await this.load();
      return createApiKey.key;
    } catch (e) {
      this.createErrors = formErrors(e, ['input.name', 'input.scopes']);
      return null;
    } finally {
      this.createBusy = false;
    }
  }

  /** Forgets the new key (it cannot be shown again). */
  dismissCreated(): void {
    this.created = null;
  }

  askRevoke(id: string): void {
    this.confirmingId = id;
    this.notice = null;
  }

  cancelRevoke(): void {
    this.confirmingId = null;
  }

  /** Revokes the key awaiting confirmation: refused from its next request, its sockets closed. */
  async confirmRevoke(): Promise<boolean> {
    const id = this.confirmingId;
    if (!id) return false;
    this.revokingId = id;
    this.error = null;
    try {
      const { revokeApiKey: k } = await this.api.request<RevokeApiKeyResult>(REVOKE_API_KEY, { id });
      this.keys = this.keys.map((x) => (x.id === k.id ? k : x));
      this.confirmingId = null;
      if (this.created?.apiKey.id === k.id) this.created = null;
      this.notice = `Key “${k.name}” (${k.prefix}…) revoked: it is refused from its next request.`;
      return true;
    } catch (e) {
      this.error = errorText(e);
      return false;
    } finally {
      this.revokingId = null;
    }
  }
}
