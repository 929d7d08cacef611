import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

/** TELEPHONY=sip: a bad setting stops the server at start, saying what to fix (issue 18). */
describe('telephony configuration', () => {
  it('defaults to the call simulator on wall time; SIM_TIME_SCALE speeds it up', () => {
    expect(loadConfig({}).telephony).toEqual({ kind: 'simulator' });
    expect(loadConfig({}).simTimeScale).toBe(1);
    expect(loadConfig({ SIM_TIME_SCALE: '5' }).simTimeScale).toBe(5);
    expect(loadConfig({ TELEPHONY: 'sip', SIP_TRUNK_URI: 'sip:trunk.example.com', SIP_BIND: '10.0.0.7:5060', SIM_TIME_SCALE: '1' }).simTimeScale).toBe(1);
  });

  it('reads a SIP trunk, bind address, public address and credentials', () => {
    expect(loadConfig({ TELEPHONY: 'sip', SIP_TRUNK_URI: 'sip:trunk.example.com', SIP_BIND: '10.0.0.7:5070', SIP_USERNAME: 'acme', SIP_PASSWORD: 's3cret' }).telephony)
      .toEqual({ kind: 'sip', trunkUri: 'sip:trunk.example.com', bindAddress: '10.0.0.7', bindPort: 5070, publicAddress: undefined, username: 'acme', password: 's3cret', inboundOrganizationId: undefined, inboundFrom: [] });
    // inbound calls are taken from the trunk only: its address when written as one, else SIP_INBOUND_FROM
    expect(loadConfig({ TELEPHONY: 'sip', SIP_TRUNK_URI: 'sip:10.0.0.5:5060', SIP_BIND: '10.0.0.7:5070' }).telephony).toMatchObject({ inboundFrom: ['10.0.0.5'] });
    expect(loadConfig({ TELEPHONY: 'sip', SIP_TRUNK_URI: 'sip:trunk.example.com', SIP_BIND: '10.0.0.7:5070', SIP_INBOUND_FROM: '198.51.100.1, 198.51.100.2' }).telephony).toMatchObject({ inboundFrom: ['198.51.100.1', '198.51.100.2'] });
  });

  it.each([
    [{ TELEPHONY: 'asterisk' }, /TELEPHONY must be "simulator" or "sip"/],
    [{ TELEPHONY: 'sip' }, /needs SIP_TRUNK_URI/],
    [{ TELEPHONY: 'sip', SIP_TRUNK_URI: 'http://trunk.example.com' }, /needs SIP_TRUNK_URI/],
    [{ TELEPHONY: 'sip', SIP_TRUNK_URI: 'sip:trunk.example.com', SIP_BIND: 'localhost' }, /SIP_BIND must be an IPv4 address and UDP port/],
    [{ TELEPHONY: 'sip', SIP_TRUNK_URI: 'sip:trunk.example.com', SIP_BIND: '10.0.0.7:70000' }, /SIP_BIND/],
    [{ TELEPHONY: 'sip', SIP_TRUNK_URI: 'sip:trunk.example.com' }, /set SIP_PUBLIC_ADDRESS/],
    [{ TELEPHONY: 'sip', SIP_TRUNK_URI: 'sip:trunk.example.com', SIP_BIND: '10.0.0.7:5060', SIP_PUBLIC_ADDRESS: 'me.example.com' }, /SIP_PUBLIC_ADDRESS must be the IPv4 address/],
    [{ TELEPHONY: 'sip', SIP_TRUNK_URI: 'sip:trunk.example.com', SIP_BIND: '10.0.0.7:5060', SIP_USERNAME: 'acme' }, /SIP_USERNAME and SIP_PASSWORD go together/],
    [{ TELEPHONY: 'sip', SIP_TRUNK_URI: 'sip:trunk.example.com', SIP_BIND: '10.0.0.7:5060', SIP_INBOUND_ORGANIZATION: 'acme' }, /SIP_INBOUND_ORGANIZATION must be the id/],
    [{ TELEPHONY: 'sip', SIP_TRUNK_URI: 'sip:trunk.example.com', SIP_BIND: '10.0.0.7:5060', SIP_INBOUND_FROM: 'trunk.example.com' }, /SIP_INBOUND_FROM must list IP addresses/],
    [{ SIM_TIME_SCALE: '0' }, /SIM_TIME_SCALE must be a whole number from 1 to 100/],
    [{ SIM_TIME_SCALE: '500' }, /SIM_TIME_SCALE must be a whole number from 1 to 100/],
    [{ SIM_TIME_SCALE: '2.5' }, /SIM_TIME_SCALE must be a non-negative integer/],
    [{ TELEPHONY: 'sip', SIP_TRUNK_URI: 'sip:trunk.example.com', SIP_BIND: '10.0.0.7:5060', SIM_TIME_SCALE: '5' }, /real calls over TELEPHONY=sip run in real time/],
  ])('%j is refused', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });
});
