/** The parts of `sip` (kirm/sip.js 0.0.6, no types of its own) the SIP adapter uses. */
declare module 'sip' {
  export interface SipUri {
    schema?: string;
    user?: string;
    host: string;
    port?: number;
    params: Record<string, string | undefined>;
  }
  export interface NameAddr {
    name?: string;
    uri: string;
    params: Record<string, string | undefined>;
  }
  export interface SipMessage {
    method?: string;
    uri?: string;
    status?: number;
    reason?: string;
    headers: {
      to: NameAddr;
      from: NameAddr;
      'call-id': string;
      cseq: { method: string; seq: number };
      contact?: NameAddr[];
      via?: unknown[];
      route?: NameAddr[];
      'record-route'?: NameAddr[];
      'content-type'?: string;
      [name: string]: unknown;
    };
    content?: string;
  }
  export interface SipStack {
    send(m: SipMessage, callback?: (rs: SipMessage) => void): void;
    destroy(): void;
  }
  export interface StackOptions {
    address: string;
    port: number;
    publicAddress?: string;
    udp?: boolean;
    tcp?: boolean;
    logger?: { error?(e: unknown): void; send?(m: SipMessage): void; recv?(m: SipMessage): void };
  }
  export function create(options: StackOptions, onRequest: (rq: SipMessage, remote: { protocol: string; address: string; port: number }) => void): SipStack;
  export function makeResponse(rq: SipMessage, status: number, reason?: string): SipMessage;
  export function parseUri(uri: string): SipUri;
  export function generateBranch(): string;
  const sip: { create: typeof create; makeResponse: typeof makeResponse; parseUri: typeof parseUri; generateBranch: typeof generateBranch };
  export default sip;
}

declare module 'sip/digest.js' {
  import type { SipMessage } from 'sip';
  export function signRequest(ctx: Record<string, unknown>, rq: SipMessage, rs: SipMessage, creds: { user: string; password: string }): SipMessage;
  const digest: { signRequest: typeof signRequest };
  export default digest;
}
