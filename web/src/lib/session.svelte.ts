import { Api, ApiError } from './api/client.js';
import { ME, SIGN_IN, type MeResult, type SignInResult, type User } from './api/documents.js';

const TOKEN_KEY = 'dialer.token';

/** Storage the session keeps its token in (localStorage in the browser; a Map in tests). */
export interface TokenStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * The signed-in user. The bearer token lives in storage so a wallboard survives reloads; the
 * user is loaded from `me`, and a token the server rejects ends the session.
 */
export class Session {
  token = $state<string | null>(null);
  user = $state.raw<User | null>(null);
  organizationName = $state('');
  /** The user may manage campaigns (admins and supervisors). */
  readonly canManage = $derived(this.user?.role === 'ADMIN' || this.user?.role === 'SUPERVISOR');
  /** The user takes calls. */
  readonly isAgent = $derived(Boolean(this.user?.agentId));
  readonly api: Api;
  private loading: Promise<User | null> | undefined;

  constructor(
    private readonly storage: TokenStore,
    baseUrl?: string,
  ) {
    this.token = storage.getItem(TOKEN_KEY);
    this.api = new Api({ baseUrl, token: () => this.token, onUnauthenticated: () => this.clear() });
  }

  /** Loads the user behind the stored token once; null when there is none or it was rejected. */
  load(): Promise<User | null> {
    this.loading ??= (async () => {
      if (!this.token) return null;
      try {
        const { me } = await this.api.request<MeResult>(ME);
        this.user = me.user;
        this.organizationName = me.organizationName;
        return me.user;
      } catch (err) {
        if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') return null;
        throw err;
      }
    })();
    return this.loading;
  }

  async signIn(email: string, password: string): Promise<User> {
    this.clear(); // an old token would make the server refuse the sign-in itself
    const { signIn } = await this.api.request<SignInResult>(SIGN_IN, { email: email.trim(), password });
    this.token = signIn.token;
    this.storage.setItem(TOKEN_KEY, signIn.token);
    this.user = signIn.user;
    this.api.reset();
    this.loading = Promise.resolve(signIn.user);
    const { me } = await this.api.request<MeResult>(ME);
    this.organizationName = me.organizationName;
    return signIn.user;
  }

  signOut(): void {
    this.clear();
    this.api.reset();
  }

  private clear(): void {
    this.token = null;
    this.user = null;
    this.loading = undefined;
    this.storage.removeItem(TOKEN_KEY);
  }
}
