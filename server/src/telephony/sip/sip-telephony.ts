import { randomBytes } from 'node:crypto';
import sip, { type NameAddr, type SipMessage, type SipStack } from 'sip';
import digest from 'sip/digest.js';
import type { Logger } from '../../logger.js';
import type { InboundCall, LegEvent, LegEventType, OriginateRequest, TelephonyPort } from '../port.js';
import { parkedSdp, rewriteOrigin } from './sdp.js';

/** Where the adapter listens and what it dials through. */
export interface SipOptions {
  /** Local address and UDP port the SIP stack binds (e.g. 0.0.0.0:5060, or 127.0.0.2:5090 in tests). */
  bindAddress: string;
  bindPort: number;
  /** The address put in Via, Contact and SDP (what the trunk and phones reach us at). @default bindAddress */
  publicAddress?: string;
  /** Trunk or PBX that numbers are dialled through, e.g. `sip:trunk.example.com` or `sip:10.0.0.5:5060`. */
  trunkUri: string;
  /** Digest credentials for the trunk (answers to 401/407). */
  username?: string;
  password?: string;
  /** The user part of our From and Contact. @default "dialer" */
  localUser?: string;
  /** How long an inbound call rings before it is refused (480) and reported as missed. @default 60 s */
  inboundRingSec?: number;
  /**
   * Addresses inbound calls are taken from (the trunk's): an INVITE from anywhere else is refused 403 and
   * never reported, so nobody who can reach the port can add numbers to campaigns. @default none (no inbound)
   */
  inboundFrom?: readonly string[];
  /**
   * Answered legs are asked OPTIONS in their dialog this often; one that does not answer within
   * `keepaliveTimeoutSec` (a phone or trunk that vanished without a BYE) ends as HUNGUP by remote, cause LOST.
   * @default 30 s, 5 s
   */
  keepaliveSec?: number;
  keepaliveTimeoutSec?: number;
  /**
   * An INVITE that gets no answer at all (not even 100 Trying) within this time: the trunk or phone is not there.
   * The leg ends FAILED, cause UNREACHABLE, instead of ringing out as if the customer had not picked up. @default 8 s
   */
  inviteTimeoutSec?: number;
}

interface SipCall {
  sid: string;
  legId: string;
  kind: OriginateRequest['kind'];
  invite: SipMessage;
  state: 'CALLING' | 'RINGING' | 'ANSWERED' | 'ENDED';
  remoteTag?: string;
  remoteTarget?: string;
  /** The SDP the far end last answered (its media address). */
  remoteSdp?: string;
  cseq: number;
  sdpVersion: number;
  sessionId: string;
  ringTimer?: NodeJS.Timeout;
  fallbackTimer?: NodeJS.Timeout;
  /** Why we cancel it: the ring timeout (NO_ANSWER) or a hang-up (CANCELLED). */
  cancelling?: 'TIMEOUT' | 'HANGUP';
  authTried?: boolean;
  /** 3xx followed so far (at most 3). */
  redirects?: number;
  /** An OPTIONS keep-alive is waiting for its answer. */
  probing?: boolean;
  /** Anything came back for the INVITE (100 Trying at least). */
  responded?: boolean;
  inviteTimer?: NodeJS.Timeout;
  /** The dialog's route set (the Record-Route of its 2xx, reversed): in-dialog requests go through those proxies. */
  routeSet?: NameAddr[];
  /** The leg it is bridged to: when that one ends, this one is parked again. */
  peer?: string;
}

const BUSY = new Set([486, 600]);
const NO_ANSWER = new Set([408, 480]);
const INVALID = new Set([404, 484, 604]);
const CONGESTION = new Set([500, 502, 503, 504]);

/**
 * Real telephony over SIP (issue 18, first part): the telephony port as third-party call control.
 * Each leg is a SIP INVITE from the dialler to the agent's phone or, through the trunk, to the
 * customer, offered a parked SDP (our address, the discard port) so it can answer before it has
 * anyone to talk to; `bridge` then re-INVITEs each side with the other's media address (RFC 3725's
 * re-INVITE flow), so media flows phone to phone and the dialler relays none. A customer who rings
 * for a long time is fine: nothing about media is decided before the answer.
 *
 * SIP itself is the `sip` package (kirm/sip.js: parser, UDP transport, transactions with their
 * retransmission timers, digest). It treats a request to its own host name as a "flow token", so
 * the adapter must not share its address with the phones it calls (tests bind 127.0.0.2, phones
 * 127.0.0.1).
 */
export class SipTelephony implements TelephonyPort {
  readonly name = 'sip';
  private readonly stack: SipStack;
  private readonly calls = new Map<string, SipCall>();
  private handler: (e: LegEvent) => void = () => undefined;
  private inboundHandler?: (c: InboundCall) => void;
  /** Inbound calls ringing (nobody answers them here: the dialler only calls out), by Call-ID. */
  private readonly ringingIn = new Map<string, { invite: SipMessage; timer: NodeJS.Timeout }>();
  private readonly address: string;
  private readonly user: string;
  private readonly keepalive: NodeJS.Timeout;

  constructor(
    private readonly options: SipOptions,
    private readonly log: Logger,
  ) {
    this.address = options.publicAddress ?? options.bindAddress;
    this.user = options.localUser ?? 'dialer';
    this.stack = sip.create(
      { address: options.bindAddress, port: options.bindPort, publicAddress: this.address, tcp: false, logger: { error: (e) => this.log.warn({ err: e }, 'sip stack error') } },
      (rq, remote) => this.onRequest(rq, remote.address),
    );
    this.keepalive = setInterval(() => this.checkAlive(), (options.keepaliveSec ?? 30) * 1000);
    this.keepalive.unref();
  }

  /** Asks every answered leg if its far end is still there; a silent one is ended (its BYE will never come). */
  private checkAlive(): void {
    const limit = (this.options.keepaliveTimeoutSec ?? 5) * 1000;
    for (const call of this.calls.values()) {
      if (call.state !== 'ANSWERED' || call.probing) continue;
      call.probing = true;
      const timer = setTimeout(() => {
        if (call.state !== 'ANSWERED') return;
        this.log.warn({ sid: call.sid, legId: call.legId }, 'a SIP leg stopped answering: ended as lost');
        this.end(call, 'HUNGUP', 'LOST', 'remote');
      }, limit);
      const rq = this.dialogRequest(call, 'OPTIONS', ++call.cseq);
      this.stack.send(rq, (rs) => {
        if ((rs.status ?? 0) < 200) return;
        clearTimeout(timer);
        call.probing = false;
        // 481: the far end no longer knows the dialog (it restarted): the call is gone
        if (rs.status === 481 && call.state === 'ANSWERED') this.end(call, 'HUNGUP', 'LOST', 'remote');
      });
    }
  }

  onEvent(handler: (event: LegEvent) => void): void {
    this.handler = handler;
  }

  onInbound(handler: (call: InboundCall) => void): void {
    this.inboundHandler = handler;
  }

  async activeCalls(): Promise<ReadonlySet<string>> {
    return new Set([...this.calls.values()].filter((c) => c.state !== 'ENDED').map((c) => c.sid));
  }

  /** The SIP URI a leg is dialled at: a `sip:` URI as given (an agent's phone), else the number through the trunk. */
  targetOf(to: string): string {
    if (/^sips?:/i.test(to)) return to;
    const trunk = sip.parseUri(this.options.trunkUri);
    return `sip:${encodeURIComponent(to)}@${trunk.host}${trunk.port ? `:${trunk.port}` : ''}`;
  }

  async originate(req: OriginateRequest): Promise<{ sid: string }> {
    const sid = `${randomBytes(12).toString('hex')}@${this.address}`;
    const uri = this.targetOf(req.to);
    const sessionId = String(Date.now());
    const invite: SipMessage = {
      method: 'INVITE',
      uri,
      headers: {
        to: { uri, params: {} },
        from: { uri: `sip:${this.fromUser(req.callerId)}@${this.address}:${this.options.bindPort}`, params: { tag: randomBytes(6).toString('hex') } },
        'call-id': sid,
        cseq: { method: 'INVITE', seq: 1 },
        contact: [{ uri: `sip:${this.user}@${this.address}:${this.options.bindPort}`, params: {} }],
        'content-type': 'application/sdp',
        'max-forwards': 70,
      },
      content: parkedSdp(this.address, sessionId, 1),
    };
    const call: SipCall = { sid, legId: req.legId, kind: req.kind, invite, state: 'CALLING', cseq: 1, sdpVersion: 1, sessionId };
    this.calls.set(sid, call);
    call.ringTimer = setTimeout(() => this.cancel(call, 'TIMEOUT'), req.ringTimeoutSec * 1000);
    call.inviteTimer = setTimeout(() => {
      if (call.responded || call.state === 'ENDED') return;
      this.log.warn({ sid, to: uri }, 'an INVITE got no answer at all: the trunk or phone is unreachable');
      this.end(call, 'FAILED', 'UNREACHABLE');
    }, (this.options.inviteTimeoutSec ?? 8) * 1000);
    this.sendInvite(call, invite);
    return { sid };
  }

  async hangup(sid: string, cause = 'NORMAL_CLEARING'): Promise<void> {
    const call = this.calls.get(sid);
    if (!call || call.state === 'ENDED') return;
    if (call.state === 'ANSWERED') {
      this.end(call, 'HUNGUP', cause, 'local');
      await this.inDialog(call, 'BYE').catch((err) => this.log.warn({ err, sid }, 'BYE not answered'));
    } else this.cancel(call, 'HANGUP');
  }

  /** Connects two answered legs: each is re-INVITEd with the other's media address (RFC 3725). */
  async bridge(sidA: string, sidB: string): Promise<void> {
    const a = this.calls.get(sidA);
    const b = this.calls.get(sidB);
    if (!a || !b || a.state !== 'ANSWERED' || b.state !== 'ANSWERED' || !a.remoteSdp || !b.remoteSdp) {
      throw new Error(`cannot bridge ${sidA} and ${sidB}: not both answered`);
    }
    const aAnswer = await this.inDialog(a, 'INVITE', rewriteOrigin(b.remoteSdp, this.address, a.sessionId, ++a.sdpVersion));
    const bAnswer = await this.inDialog(b, 'INVITE', rewriteOrigin(aAnswer.content ?? a.remoteSdp, this.address, b.sessionId, ++b.sdpVersion));
    if (aAnswer.content) a.remoteSdp = aAnswer.content;
    if (bAnswer.content) b.remoteSdp = bAnswer.content;
    a.peer = b.sid;
    b.peer = a.sid;
  }

  /**
   * The leg `call` was bridged to has ended: if `call` is still up (an agent's nailed leg between customers), it is
   * offered the parked session again, so its phone stops sending media to the address of a party that left.
   */
  private repark(call: SipCall): void {
    const other = call.peer ? this.calls.get(call.peer) : undefined;
    call.peer = undefined;
    if (!other || other.state !== 'ANSWERED' || other.peer !== call.sid) return;
    other.peer = undefined;
    this.inDialog(other, 'INVITE', parkedSdp(this.address, other.sessionId, ++other.sdpVersion)).then(
      (rs) => {
        if (rs.content) other.remoteSdp = rs.content;
      },
      (err) => this.log.warn({ err: (err as Error).message, sid: other.sid }, 'parking a leg again failed'),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.keepalive);
    for (const id of [...this.ringingIn.keys()]) this.missed(id, 480, 'Temporarily Unavailable');
    await Promise.all([...this.calls.values()].filter((c) => c.state !== 'ENDED').map((c) => this.hangup(c.sid, 'SHUTDOWN')));
    this.stack.destroy();
  }

  private fromUser(callerId: string): string {
    return encodeURIComponent(callerId || this.user);
  }

  private sendInvite(call: SipCall, invite: SipMessage): void {
    this.stack.send(invite, (rs) => this.onInviteResponse(call, invite, rs));
  }

  private onInviteResponse(call: SipCall, invite: SipMessage, rs: SipMessage): void {
    const status = rs.status ?? 0;
    // a 408 the SIP stack makes up when its retransmissions ran out is not an answer from the far end
    if (!(status === 408 && !call.responded)) call.responded = true;
    if (status < 200) {
      if ((status === 180 || status === 183) && call.state === 'CALLING') {
        call.state = 'RINGING';
        this.emit(call, 'RINGING');
      }
      return;
    }
    if (status < 300) {
      // ACK every 2xx (a retransmitted one too), even for a call we gave up on, then say goodbye to those
      call.remoteTag = rs.headers.to.params.tag;
      call.remoteTarget = rs.headers.contact?.[0]?.uri ?? call.invite.uri;
      call.routeSet = (rs.headers['record-route'] ?? []).slice().reverse();
      this.stack.send(this.dialogRequest(call, 'ACK', call.cseq));
      if (call.state === 'ENDED' || call.cancelling) {
        // answered as our CANCEL crossed it (or after we gave up): the leg counts as not answered, and is hung up
        this.end(call, call.cancelling === 'TIMEOUT' ? 'NO_ANSWER' : 'FAILED', 'CANCELLED');
        void this.inDialog(call, 'BYE').catch(() => undefined);
        return;
      }
      if (call.state === 'ANSWERED') return;
      clearTimeout(call.ringTimer);
      call.state = 'ANSWERED';
      call.remoteSdp = rs.content;
      this.emit(call, 'ANSWERED');
      return;
    }
    if ((status === 401 || status === 407) && !call.authTried && this.options.username && this.options.password && call.state !== 'ENDED') {
      call.authTried = true;
      call.cseq++;
      const retry: SipMessage = { ...invite, headers: { ...invite.headers, cseq: { method: 'INVITE', seq: call.cseq }, via: [] } };
      digest.signRequest({}, retry, rs, { user: this.options.username, password: this.options.password });
      call.invite = retry;
      this.sendInvite(call, retry);
      return;
    }
    if (status >= 300 && status < 400 && call.state !== 'ENDED' && !call.cancelling && (call.redirects ?? 0) < 3) {
      // a redirect (a trunk or PBX that says where the number is): the INVITE goes there, with a new transaction
      const target = rs.headers.contact?.[0]?.uri;
      if (target) {
        call.redirects = (call.redirects ?? 0) + 1;
        call.cseq++;
        const next: SipMessage = { ...invite, uri: target, headers: { ...invite.headers, cseq: { method: 'INVITE', seq: call.cseq }, via: [] } };
        call.invite = next;
        this.sendInvite(call, next);
        return;
      }
    }
    if (call.state === 'ENDED') return;
    if (status === 487) return this.end(call, call.cancelling === 'TIMEOUT' ? 'NO_ANSWER' : 'FAILED', 'CANCELLED');
    if (BUSY.has(status)) return this.end(call, 'BUSY', `SIP_${status}`);
    if (NO_ANSWER.has(status)) return this.end(call, 'NO_ANSWER', `SIP_${status}`);
    if (INVALID.has(status)) return this.end(call, 'FAILED', 'INVALID_NUMBER');
    if (status === 603) return this.end(call, 'FAILED', 'REJECTED');
    if (CONGESTION.has(status)) return this.end(call, 'FAILED', 'CONGESTION');
    this.end(call, 'FAILED', `SIP_${status}`);
  }

  /** Cancels a leg still ringing; when the far end never confirms (a trunk that vanished), it ends anyway. */
  private cancel(call: SipCall, why: 'TIMEOUT' | 'HANGUP'): void {
    if (call.state === 'ENDED' || call.state === 'ANSWERED' || call.cancelling) return;
    call.cancelling = why;
    clearTimeout(call.ringTimer);
    const inv = call.invite;
    this.stack.send({
      method: 'CANCEL', uri: inv.uri,
      headers: { via: inv.headers.via, to: inv.headers.to, from: inv.headers.from, 'call-id': inv.headers['call-id'], cseq: { method: 'CANCEL', seq: inv.headers.cseq.seq } },
    });
    call.fallbackTimer = setTimeout(() => {
      if (call.state !== 'ENDED' && call.state !== 'ANSWERED') this.end(call, why === 'TIMEOUT' ? 'NO_ANSWER' : 'FAILED', why === 'TIMEOUT' ? 'NO_ANSWER' : 'CANCELLED');
    }, 4_000);
  }

  /** A request inside the dialog; resolves with its final answer (2xx ACKed for an INVITE), rejects otherwise. */
  private inDialog(call: SipCall, method: 'BYE' | 'INVITE', sdp?: string): Promise<SipMessage> {
    const seq = ++call.cseq;
    const rq = this.dialogRequest(call, method, seq);
    if (sdp) {
      rq.headers['content-type'] = 'application/sdp';
      rq.content = sdp;
    }
    return new Promise((resolve, reject) => {
      this.stack.send(rq, (rs) => {
        const status = rs.status ?? 0;
        if (status < 200) return;
        if (method === 'INVITE' && status < 300) this.stack.send(this.dialogRequest(call, 'ACK', seq));
        if (status < 300) resolve(rs);
        else reject(new Error(`${method} answered ${status} ${rs.reason ?? ''}`.trim()));
      });
    });
  }

  private dialogRequest(call: SipCall, method: string, seq: number): SipMessage {
    const inv = call.invite;
    return {
      method,
      uri: call.remoteTarget ?? inv.uri!,
      headers: {
        // a copy: the stack takes entries off the route it sends along
        ...(call.routeSet?.length ? { route: call.routeSet.map((r) => ({ ...r, params: { ...r.params } })) } : {}),
        to: { ...inv.headers.to, params: { ...inv.headers.to.params, tag: call.remoteTag } },
        from: inv.headers.from,
        'call-id': call.sid,
        cseq: { method, seq },
        contact: inv.headers.contact,
        'max-forwards': 70,
      },
    };
  }

  /** Requests from the network: the far end hanging up (BYE), keep-alives; new calls are not taken yet. */
  private onRequest(rq: SipMessage, from: string): void {
    const call = this.calls.get(rq.headers['call-id']);
    switch (rq.method) {
      case 'BYE':
        this.stack.send(sip.makeResponse(rq, call ? 200 : 481, call ? 'OK' : 'Call Does Not Exist'));
        if (call && call.state === 'ANSWERED') this.end(call, 'HUNGUP', 'NORMAL_CLEARING', 'remote');
        return;
      case 'OPTIONS':
        this.stack.send(sip.makeResponse(rq, 200, 'OK'));
        return;
      case 'ACK':
        return;
      case 'INVITE':
        if (call) {
          // a session refresh from the far end: the same media as we last agreed
          const rs = sip.makeResponse(rq, 200, 'OK');
          rs.headers.contact = call.invite.headers.contact;
          rs.headers['content-type'] = 'application/sdp';
          rs.content = parkedSdp(this.address, call.sessionId, ++call.sdpVersion);
          this.stack.send(rs);
          return;
        }
        return this.inbound(rq, from);
      case 'CANCEL': {
        // the caller gave up while it rang: the CANCEL is answered, the INVITE ends 487, the call is missed
        const ringing = this.ringingIn.get(rq.headers['call-id']);
        this.stack.send(sip.makeResponse(rq, ringing ? 200 : 481, ringing ? 'OK' : 'Call Does Not Exist'));
        if (ringing) this.missed(rq.headers['call-id'], 487, 'Request Terminated');
        return;
      }
      default:
        this.stack.send(sip.makeResponse(rq, 405, 'Method Not Allowed'));
    }
  }

  /**
   * A call into the contact centre: nobody answers here (the dialler only calls out), so it rings until the caller
   * gives up (CANCEL) or for `inboundRingSec`, then it is reported as a missed call (seed 001's missed-call rules
   * add the caller to campaigns). Without a consumer it is refused at once (480).
   */
  private inbound(rq: SipMessage, from: string): void {
    const id = rq.headers['call-id'];
    if (!this.ringingIn.has(id) && !(this.options.inboundFrom ?? []).includes(from)) {
      this.log.warn({ from }, 'inbound SIP call from an address that is not the trunk: refused');
      this.stack.send(sip.makeResponse(rq, 403, 'Forbidden'));
      return;
    }
    if (!this.inboundHandler || this.ringingIn.has(id)) {
      if (!this.ringingIn.has(id)) this.stack.send(sip.makeResponse(rq, 480, 'Temporarily Unavailable'));
      return;
    }
    const ringing = sip.makeResponse(rq, 180, 'Ringing');
    ringing.headers.to.params.tag = randomBytes(6).toString('hex');
    this.stack.send(ringing);
    const timer = setTimeout(() => this.missed(id, 480, 'Temporarily Unavailable'), (this.options.inboundRingSec ?? 60) * 1000);
    this.ringingIn.set(id, { invite: rq, timer });
  }

  private missed(callId: string, status: number, reason: string): void {
    const ringing = this.ringingIn.get(callId);
    if (!ringing) return;
    this.ringingIn.delete(callId);
    clearTimeout(ringing.timer);
    this.stack.send(sip.makeResponse(ringing.invite, status, reason));
    const user = (uri: string) => {
      try {
        return decodeURIComponent(sip.parseUri(uri).user ?? '') || null;
      } catch {
        return null;
      }
    };
    const caller = user(ringing.invite.headers.from.uri);
    if (!caller) return;
    this.inboundHandler?.({ caller, dialled: user(ringing.invite.uri!), at: new Date(), sessionId: callId });
  }

  private emit(call: SipCall, type: LegEventType, cause?: string, by?: 'remote' | 'local'): void {
    this.handler({ sid: call.sid, legId: call.legId, type, at: new Date(), cause, by });
  }

  private end(call: SipCall, type: LegEventType, cause?: string, by?: 'remote' | 'local'): void {
    if (call.state === 'ENDED') return;
    call.state = 'ENDED';
    clearTimeout(call.ringTimer);
    clearTimeout(call.fallbackTimer);
    clearTimeout(call.inviteTimer);
    this.emit(call, type, cause, by);
    this.repark(call);
    // kept a moment for retransmitted answers, then forgotten
    setTimeout(() => this.calls.delete(call.sid), 32_000).unref();
  }
}
