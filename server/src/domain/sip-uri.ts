import { badInput } from './errors.js';

const SIP_URI = /^sips?:[A-Za-z0-9._~!$&'()*+,;=%-]+@[A-Za-z0-9.-]+(:\d{1,5})?(;[A-Za-z0-9._~=%-]+)*$/i;

/**
 * An agent's SIP endpoint as typed (`sip:1001@pbx.example.com`, `sips:agent7@10.0.0.5:5061;transport=tls`):
 * a user and a host are required (the user is what the phone or PBX answers to). BAD_USER_INPUT naming `field`.
 */
export function normaliseSipUri(raw: string, field: string): string {
  const text = raw.trim();
  if (text.length > 64) throw badInput(`${field}: a SIP address is at most 64 characters (what a call leg keeps)`, field);
  if (!SIP_URI.test(text)) throw badInput(`${field}: "${text.slice(0, 80)}" is not a SIP address such as sip:1001@pbx.example.com`, field);
  const port = /:(\d+)(;|$)/.exec(text.split('@')[1]!)?.[1];
  if (port && (Number(port) < 1 || Number(port) > 65535)) throw badInput(`${field}: port ${port} is out of range`, field);
  return text.replace(/^sips?/i, (s) => s.toLowerCase());
}
