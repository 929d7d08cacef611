import { Api, ApiError } from './api/client.js';
import { serverClock } from './server-clock.svelte.js';
import { ME, SIGN_IN, SIGN_OUT, TIME_ZONES, type MeResult, type SignInResult, type TimeZonesResult, type User } from './api/documents.js';

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
  /** The user may manage users (admins only). */
  readonly isAdmin = $derived(this.user?.role === 'ADMIN');
  /** The user takes calls. */
  readonly isAgent = $derived(Boolean(this.user?.agentId));
  readonly api: Api;
  /** The zone names the server stores (loaded once, by {@link loadZoneNames}): what zone pickers offer. */
  zoneNames = $state.raw<readonly string[]>([]);
  private loading: Promise<User | null> | undefined;
  private zonesLoading: Promise<readonly string[]> | undefined;

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
        const sent = Date.now();
        const { me } = await this.api.request<MeResult>(ME);
        serverClock.sync(me.now, me.timeScale, (sent + Date.now()) / 2);
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

  /** Loads the server's zone names once (the server is their only source: it canonicalises what it stores). */
  loadZoneNames(): Promise<readonly string[]> {
    this.zonesLoading ??= this.api.request<TimeZonesResult>(TIME_ZONES).then(
      ({ timeZones }) => (this.zoneNames = timeZones),
      (err) => {
        this.zonesLoading = undefined; // try again next time
        throw err;
      },
    );
    return this.zonesLoading;
  }

  async signIn(email: string, password: string): Promise<User> {
    this.clear(); // an old token would make the server refuse the sign-in itself
    const { signIn } = await this.api.request<SignInResult>(SIGN_IN, { email: email.trim(), password });
    this.token = signIn.token;
    this.storage.setItem(TOKEN_KEY, signIn.token);
    this.user = signIn.user;
    this.api.reset();
    this.loading = Promise.resolve(signIn.user);
    const sent = Date.now();
    const { me } = await this.api.request<MeResult>(ME);
    serverClock.sync(me.now, me.timeScale, (sent + Date.now()) / 2);
    this.organizationName = me.organizationName;
    return signIn.user;
  }

  /** Ends the session on the server too (best effort: the token is dropped here whatever happens). */
  signOut(): void {
    if (this.token) void this.api.request(SIGN_OUT).catch(() => undefined).finally(() => this.api.reset());
    else this.api.reset();
    this.clear();
  }

  private clear(): void {
    this.token = null;
    this.user = null;
    this.loading = undefined;
    this.storage.removeItem(TOKEN_KEY);
  }
}
