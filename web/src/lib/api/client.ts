import { createClient, type Client } from 'graphql-ws';

/** One problem with one input field, as the server reports validation errors. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** A GraphQL error with the server's code (`BAD_USER_INPUT`, `FORBIDDEN`, ...) and the fields at fault. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly problems: FieldProblem[] = [],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Problems keyed by field path (`input.endsAt`), first message per field. */
  byField(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of this.problems) out[p.field] ??= p.message;
    return out;
  }
}

interface WireError {
  message: string;
  extensions?: { code?: string; field?: string; problems?: FieldProblem[]; [k: string]: unknown };
}

/** Turns the first GraphQL error of a response into an ApiError. */
export function toApiError(errors: readonly WireError[]): ApiError {
  const e = errors[0] ?? { message: 'Unknown error' };
  const ext = e.extensions ?? {};
  const problems = ext.problems ?? (ext.field ? [{ field: ext.field, message: e.message }] : []);
  return new ApiError(e.message, ext.code ?? 'INTERNAL_SERVER_ERROR', problems, ext);
}

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting';

export interface ApiOptions {
  /** Base URL of the server; the page's own origin by default. */
  baseUrl?: string;
  /** The bearer token of the signed-in user, read on every request and (re)connection. */
  token: () => string | null;
  /** Called when the server rejects the token (the session ended). */
  onUnauthenticated?: () => void;
}

/**
 * The one way the web app talks to the server: HTTP for queries and mutations, graphql-ws for
 * everything live. The socket retries forever with capped backoff; graphql-ws re-subscribes every
 * active subscription after a reconnect, and each of our subscriptions starts with the current
 * value, so a reconnect is also a resync.
 */
/** graphql-ws closes with 4403 when the server refuses the session (none, revoked, expired). */
function isRefused(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === 4403;
}

export class Api {
  private ws: Client | undefined;
  private readonly listeners = new Set<(s: ConnectionStatus, reconnects: number) => void>();
  private status: ConnectionStatus = 'connecting';
  private reconnects = 0;
  private everConnected = false;

  constructor(private readonly opts: ApiOptions) {}

  private get base(): string {
    return this.opts.baseUrl ?? location.origin;
  }

  /** Runs a query or mutation over HTTP; throws ApiError with the server's code. */
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const token = this.opts.token();
    let res: Response;
    try {
      res = await fetch(`${this.base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
    } catch {
      throw new ApiError('The server cannot be reached. Check the connection and try again.', 'NETWORK_ERROR');
    }
    let body: { data?: T; errors?: WireError[] };
    try {
      body = await res.json();
    } catch {
      throw new ApiError(`The server answered ${res.status} ${res.statusText}`, 'NETWORK_ERROR');
    }
    if (body.errors?.length) {
      const err = toApiError(body.errors);
      if (err.code === 'UNAUTHENTICATED') this.opts.onUnauthenticated?.();
      throw err;
    }
    return body.data as T;
  }

  /**
   * GETs a file the server streams (a CSV report) with the session's token; throws ApiError with the
   * server's code when it refuses. The file name is the server's (Content-Disposition).
   */
  async download(path: string): Promise<{ filename: string; blob: Blob }> {
    const token = this.opts.token();
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    } catch {
      throw new ApiError('The server cannot be reached. Check the connection and try again.', 'NETWORK_ERROR');
    }
    if (!res.ok) {
      let body: { errors?: WireError[] } = {};
      try {
        body = await res.json();
      } catch {
        throw new ApiError(`The server answered ${res.status} ${res.statusText}`, 'NETWORK_ERROR');
      }
      const err = body.errors?.length ? toApiError(body.errors) : new ApiError(`The server answered ${res.status}`, 'NETWORK_ERROR');
      if (err.code === 'UNAUTHENTICATED') this.opts.onUnauthenticated?.();
      throw err;
    }
    const filename = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'download';
    return { filename, blob: await res.blob() };
  }

  /**
   * POSTs a file to a plain HTTP route (a contact CSV import) with the session's token, as it is read from disk, and
   * reports the bytes sent (XMLHttpRequest: fetch cannot tell upload progress). Resolves with the server's JSON;
   * throws ApiError with the server's code when it refuses.
   */
  upload<T>(path: string, file: Blob, onProgress?: (sent: number, total: number) => void): Promise<T> {
    const token = this.opts.token();
    return new Promise<T>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${this.base}${path}`);
      if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
      xhr.setRequestHeader('content-type', 'text/csv');
      xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onerror = () => reject(new ApiError('The server cannot be reached. Check the connection and try again.', 'NETWORK_ERROR'));
      xhr.onload = () => {
        let body: { errors?: WireError[] } & Record<string, unknown>;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          return reject(new ApiError(`The server answered ${xhr.status} ${xhr.statusText}`, 'NETWORK_ERROR'));
        }
        if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
        const err = body.errors?.length ? toApiError(body.errors) : new ApiError(`The server answered ${xhr.status}`, 'NETWORK_ERROR');
        if (err.code === 'UNAUTHENTICATED') this.opts.onUnauthenticated?.();
        reject(err);
      };
      xhr.send(file);
    });
  }

  /** Notified on every connection status change (and once at once). */
  onStatus(fn: (s: ConnectionStatus, reconnects: number) => void): () => void {
    this.listeners.add(fn);
    fn(this.status, this.reconnects);
    return () => this.listeners.delete(fn);
  }

  private setStatus(s: ConnectionStatus): void {
    this.status = s;
    for (const fn of this.listeners) fn(s, this.reconnects);
  }

  private client(): Client {
    this.ws ??= createClient({
      url: `${this.base.replace(/^http/, 'ws')}/graphql`,
      connectionParams: () => {
        const token = this.opts.token();
        return token ? { token } : {};
      },
      lazy: true,
      keepAlive: 5_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      // a dropped connection is retried; a refused one (4403: no or ended session) is not: sign in again
      shouldRetry: (e) => !isRefused(e),
      // 0.5 s, 1 s, 2 s, then every 3 s with jitter: a wallboard comes back soon after the server does.
      retryWait: (retries) => new Promise((r) => setTimeout(r, Math.min(3_000, 500 * 2 ** retries) + Math.random() * 300)),
      on: {
        connecting: () => this.setStatus(this.everConnected ? 'reconnecting' : 'connecting'),
        connected: () => {
          if (this.everConnected) this.reconnects++;
          this.everConnected = true;
          this.setStatus('connected');
        },
        closed: (e) => {
          if (isRefused(e)) this.opts.onUnauthenticated?.();
          else if (this.everConnected) this.setStatus('reconnecting');
        },
      },
    });
    return this.ws;
  }

  /**
   * Subscribes; `next` gets each payload. Errors the server sends (FORBIDDEN, NOT_FOUND) end the
   * subscription and reach `error`; dropped connections do not: they are retried.
   */
  subscribe<T>(query: string, variables: Record<string, unknown>, next: (data: T) => void, error?: (e: ApiError) => void): () => void {
    return this.client().subscribe<T>(
      { query, variables },
      {
        next: (msg) => {
          if (msg.errors?.length) error?.(toApiError(msg.errors as WireError[]));
          else if (msg.data) next(msg.data as T);
        },
        error: (e) => {
          if (Array.isArray(e)) error?.(toApiError(e as WireError[]));
          else error?.(new ApiError(e instanceof Error ? e.message : 'Subscription failed', 'NETWORK_ERROR'));
        },
        complete: () => undefined,
      },
    );
  }

  /** Closes the socket (sign-out: the next subscription connects with the new token). */
  reset(): void {
    void this.ws?.dispose();
    this.ws = undefined;
    this.everConnected = false;
    this.reconnects = 0;
    this.setStatus('connecting');
  }
}
