import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

/**
 * Outbound HTTP to URLs that users typed (webhooks, dial-whom, get-contacts): only http(s), never a
 * private, loopback, link-local or otherwise non-public address - checked on the address actually
 * connected to, after DNS resolution, on every redirect - unless the deployment allows it
 * ({@link OutboundPolicy.allowAddresses}); response time and size bounded.
 *
 * The address check is request-filtering-agent's (an http.Agent that validates the resolved address
 * in the connection's own lookup, so a name cannot resolve to a public address for the check and a
 * private one for the connection). Redirects are followed here, one hop at a time, so each hop's URL
 * is checked again.
 */

/** What outbound requests may reach, and how long and large an answer may be. */
export interface OutboundPolicy {
  /** IPs or CIDRs reachable although not public (an on-premises receiver; tests use 127.0.0.1). @default none */
  allowAddresses: readonly string[];
  /** Whole request, redirects included. @default 10 s */
  timeoutMs?: number;
  /** Largest response body read. @default 1 MB */
  maxBytes?: number;
  /** @default 3 */
  maxRedirects?: number;
}

export type OutboundErrorCode = 'UNSAFE_URL' | 'TIMEOUT' | 'TOO_LARGE' | 'TOO_MANY_REDIRECTS' | 'NETWORK';

/** Why an outbound request did not get an answer (the code is stored with each delivery attempt). */
export class OutboundError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
}

export interface OutboundRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

const DEFAULTS = { timeoutMs: 10_000, maxBytes: 1024 * 1024, maxRedirects: 3 };

/**
 * Checks a URL a user gave before anything is fetched: http or https, a host, no user name or
 * password in it, and (when the host is a literal address) a public one unless allowed. Names are
 * checked when they are resolved, at each request. Throws {@link OutboundError} UNSAFE_URL.
 */
export function checkOutboundUrl(raw: string, policy: Pick<OutboundPolicy, 'allowAddresses'>): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundError('UNSAFE_URL', `"${raw.slice(0, 80)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundError('UNSAFE_URL', `only http and https URLs are fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new OutboundError('UNSAFE_URL', 'a URL with a user name or password in it is not fetched (send credentials in a header)');
  if (!url.hostname) throw new OutboundError('UNSAFE_URL', 'the URL has no host');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !publicOrAllowed(host, policy.allowAddresses)) throw new OutboundError('UNSAFE_URL', `${host} is not a public address`);
  return url;
}

/**
 * A literal address typed in a URL: public (ipaddr.js range "unicast", the rule request-filtering-agent
 * applies when connecting), or in the allowed list. Nothing is connected to.
 */
function publicOrAllowed(address: string, allow: readonly string[]): boolean {
  const parsed = ipaddr.parse(address);
  for (const a of allow) {
    if (isIP(a) ? a === address : parsed.kind() === ipaddr.parseCIDR(a)[0].kind() && parsed.match(ipaddr.parseCIDR(a))) return true;
  }
  return parsed.range() === 'unicast';
}

/** An outbound client for one policy: its agents are made once and reused. */
export class SafeFetch {
  private readonly httpAgent: RequestFilteringHttpAgent;
  private readonly httpsAgent: RequestFilteringHttpsAgent;
  private readonly opts: Required<OutboundPolicy>;

  constructor(policy: OutboundPolicy) {
    this.opts = { ...DEFAULTS, ...policy };
    const filter = { allowIPAddressList: [...policy.allowAddresses], keepAlive: false };
    this.httpAgent = new RequestFilteringHttpAgent(filter);
    this.httpsAgent = new RequestFilteringHttpsAgent(filter);
  }

  /** Checks a URL as {@link checkOutboundUrl} does with this client's policy. */
  check(raw: string): URL {
    return checkOutboundUrl(raw, this.opts);
  }

  /**
   * One request with its redirects (each hop checked; 303, and 301/302 after a POST, continue as GET
   * without a body). Resolves with any HTTP status; rejects with {@link OutboundError} only when no
   * answer came (unsafe target, timeout, too large, too many redirects, network).
   */
  async fetch(raw: string, req: OutboundRequest = {}): Promise<OutboundResponse> {
    const deadline = AbortSignal.timeout(this.opts.timeoutMs);
    let url = this.check(raw);
    let method = req.method ?? 'GET';
    let body = req.body;
    for (let hop = 0; ; hop++) {
      const res = await this.once(url, method, req.headers ?? {}, body, deadline);
      const location = res.headers.location;
      if (res.status < 300 || res.status >= 400 || res.status === 304 || !location) return res;
      if (hop >= this.opts.maxRedirects) throw new OutboundError('TOO_MANY_REDIRECTS', `more than ${this.opts.maxRedirects} redirects`);
      url = this.check(new URL(location, url).toString());
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
    }
  }

  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private once(url: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal): Promise<OutboundResponse> {
    const { maxBytes, timeoutMs } = this.opts;
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(body);
      const request = (url.protocol === 'https:' ? https : http).request(url, {
        method,
        agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
        headers: { 'user-agent': 'dialer-outbound/1', ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) },
        signal,
      });
      const fail = (e: Error & { code?: string; name?: string }) => {
        if (e instanceof OutboundError) return reject(e);
        if (signal.aborted || e.name === 'AbortError') return reject(new OutboundError('TIMEOUT', `no complete answer within ${timeoutMs} ms`));
        if (/is not allowed\. Because/.test(e.message)) return reject(new OutboundError('UNSAFE_URL', `${url.hostname} resolves to an address that is not public`));
        reject(new OutboundError('NETWORK', `${e.code ?? e.name}: ${e.message}`.slice(0, 300)));
      };
      request.on('error', fail);
      request.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            request.destroy(new OutboundError('TOO_LARGE', `the answer is larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: url.toString() }));
      });
      request.end(payload);
    });
  }
}
