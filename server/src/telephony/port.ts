/**
 * The telephony port: what the dialler needs from any provider. Shaped for third-party call
 * control on real networks (agent leg first, customer leg second, then bridge), so nothing above
 * it may assume a call resolves instantly or that events arrive in order.
 */
export type LegKind = 'AGENT' | 'CUSTOMER';

export type LegEventType =
  /** The far end is ringing. */
  | 'RINGING'
  /** A person (or, without detection, anything) answered. */
  | 'ANSWERED'
  /**
   * Answering-machine detection decided a machine answered. Adapters that screen answers (the simulator) send it
   * instead of ANSWERED, so a machine never reaches an agent; one that cannot may send it after ANSWERED (the
   * engine then drops the call it had put through). The leg is up either way: the engine hangs it up.
   */
  | 'MACHINE'
  | 'BUSY'
  | 'NO_ANSWER'
  /** The network refused the call; `cause` says why (e.g. INVALID_NUMBER, CONGESTION). */
  | 'FAILED'
  /** An answered leg ended; `by` tells which side hung up. */
  | 'HUNGUP';

export interface LegEvent {
  /** Provider call id. */
  sid: string;
  /** Our leg id, echoed back. */
  legId: string;
  type: LegEventType;
  at: Date;
  cause?: string;
  by?: 'remote' | 'local';
  recordingUrl?: string;
}

export interface OriginateRequest {
  legId: string;
  kind: LegKind;
  to: string;
  callerId: string;
  ringTimeoutSec: number;
  detectMachine?: boolean;
}

/** A call into the contact centre that nobody answered (the caller hung up while it rang, or it rang out). */
export interface InboundCall {
  /** The caller's number as the network gave it (From). */
  caller: string;
  /** The number dialled (the request's user part), when there is one. */
  dialled: string | null;
  at: Date;
  /** The provider's id of the session (a repeat changes nothing). */
  sessionId: string;
}

export interface TelephonyPort {
  /** Shown in logs and health: "simulator", "sip", ... */
  readonly name: string;
  /** Places a leg; resolves with the provider id once the provider accepted it (not when answered). */
  originate(request: OriginateRequest): Promise<{ sid: string }>;
  /** Connects two answered legs. */
  bridge(sidA: string, sidB: string): Promise<void>;
  /** Ends a leg (ringing or answered). Idempotent. */
  hangup(sid: string, cause?: string): Promise<void>;
  /** Provider ids of the calls the provider still has up (the engine reconciles its legs against them). */
  activeCalls(): Promise<ReadonlySet<string>>;
  /** Registers the single consumer of leg events. */
  onEvent(handler: (event: LegEvent) => void): void;
  /** Registers the consumer of unanswered inbound calls (missed-call rules); adapters without inbound calls omit it. */
  onInbound?(handler: (call: InboundCall) => void): void;
  close(): Promise<void>;
}
