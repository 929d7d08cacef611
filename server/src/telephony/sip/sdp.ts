/**
 * SDP for third-party call control (RFC 3725): a leg is first offered a parked session (our
 * address, the discard port 9, G.711), then, to bridge, the other leg's media description under our
 * own origin line (each side must see one origin with a rising version, RFC 3264 §8).
 */

/** A parked offer: the phone answers, and sends its media nowhere useful until it is bridged. */
export function parkedSdp(address: string, sessionId: string, version: number): string {
  return [
    'v=0', `o=dialer ${sessionId} ${version} IN IP4 ${address}`, 's=dialer', `c=IN IP4 ${address}`, 't=0 0',
    'm=audio 9 RTP/AVP 0 8 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', 'a=sendrecv', '',
  ].join('\r\n');
}

/** The other leg's session description as our offer: its media lines, our origin line with the next version. */
export function rewriteOrigin(sdp: string, address: string, sessionId: string, version: number): string {
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  const out = lines.map((l) => (l.startsWith('o=') ? `o=dialer ${sessionId} ${version} IN IP4 ${address}` : l));
  return `${out.join('\r\n')}\r\n`;
}
