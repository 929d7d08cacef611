/**
 * Outbound requests to URLs users typed (issue 17): only http(s) to public addresses, checked on the
 * address connected to and on every redirect; bounded in time and size. Against real HTTP receivers
 * on 127.0.0.1 (allowed only where the test says so).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutboundUrl, OutboundError, SafeFetch } from '../server/src/http/safe-fetch.js';

let server: Server;
let base = '';
const seen: { method: string; url: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body });
      const path = req.url!;
      if (path === '/echo') return void res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ got: body, method: req.method }));
      if (path === '/see-other') return void res.writeHead(303, { location: '/echo' }).end();
      if (path === '/to-metadata') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (path === '/to-private') return void res.writeHead(307, { location: 'http://10.1.2.3/hook' }).end();
      if (path === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      if (path === '/big') return void res.writeHead(200).end(Buffer.alloc(2 * 1024 * 1024, 120));
      if (path === '/slow') return; // never answers
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function refusedWith(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(OutboundError);
    return (e as OutboundError).code;
  }
  throw new Error('expected a refusal');
}

describe('checkOutboundUrl', () => {
  const none = { allowAddresses: [] };
  it.each([
    'ftp://example.com/file', 'javascript:alert(1)', 'file:///etc/passwd', 'http://user:secret@example.com/hook', 'not a url',
    'http://10.0.0.1/hook', 'http://192.168.1.10/', 'http://172.16.0.5/', 'http://127.0.0.1:8080/', 'http://169.254.169.254/latest/meta-data/',
    'http://0.0.0.0/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[fe80::1]/', 'http://[fd00::1]/', 'http://100.64.0.1/',
  ])('refuses %s', (url) => {
    expect(() => checkOutboundUrl(url, none)).toThrow(OutboundError);
  });
  it('takes public http(s) URLs, and private addresses the deployment allows (an address or a range)', () => {
    expect(checkOutboundUrl('https://hooks.example.com/dialer?x=1', none).hostname).toBe('hooks.example.com');
    expect(checkOutboundUrl('http://93.184.215.14/hook', none).hostname).toBe('93.184.215.14');
    expect(checkOutboundUrl('http://127.0.0.1:9000/hook', { allowAddresses: ['127.0.0.1'] }).port).toBe('9000');
    expect(checkOutboundUrl('http://10.20.30.40/hook', { allowAddresses: ['10.0.0.0/8'] }).hostname).toBe('10.20.30.40');
    expect(() => checkOutboundUrl('http://10.20.30.40/hook', { allowAddresses: ['127.0.0.1', '192.168.0.0/16'] })).toThrow(/not a public address/);
  });
});

describe('SafeFetch against real receivers', () => {
  it('refuses loopback by default, by address and by a name that resolves to it, and the receiver never hears of it', async () => {
    const strict = new SafeFetch({ allowAddresses: [] });
    const before = seen.length;
    expect(await refusedWith(strict.fetch(`${base}/echo`))).toBe('UNSAFE_URL');
    expect(await refusedWith(strict.fetch(`${base.replace('127.0.0.1', 'localhost')}/echo`, { method: 'POST', body: '{}' }))).toBe('UNSAFE_URL');
    expect(seen.length).toBe(before);
    strict.destroy();
  });

  it('with the receiver allowed: posts and reads the answer; follows a 303 as GET; refuses a redirect to a private or metadata address', async () => {
    const f = new SafeFetch({ allowAddresses: ['127.0.0.1'] });
    const r = await f.fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(r.status).toBe(201);
    expect(JSON.parse(r.body.toString())).toEqual({ got: '{"a":1}', method: 'POST' });
    const other = await f.fetch(`${base}/see-other`, { method: 'POST', body: 'x' });
    expect(other.status).toBe(201);
    expect(JSON.parse(other.body.toString())).toEqual({ got: '', method: 'GET' });
    expect(other.url).toBe(`${base}/echo`);
    expect(await refusedWith(f.fetch(`${base}/to-metadata`))).toBe('UNSAFE_URL');
    expect(await refusedWith(f.fetch(`${base}/to-private`, { method: 'POST', body: 'x' }))).toBe('UNSAFE_URL');
    expect(await refusedWith(f.fetch(`${base}/loop`))).toBe('TOO_MANY_REDIRECTS');
    expect((await f.fetch(`${base}/missing`)).status).toBe(404); // an HTTP error is an answer
    f.destroy();
  });

  it('bounds the answer: too large, too slow, nobody listening', async () => {
    const f = new SafeFetch({ allowAddresses: ['127.0.0.1'], maxBytes: 1024 * 1024, timeoutMs: 400 });
    expect(await refusedWith(f.fetch(`${base}/big`))).toBe('TOO_LARGE');
    const t0 = Date.now();
    expect(await refusedWith(f.fetch(`${base}/slow`))).toBe('TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(3000);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await refusedWith(f.fetch(`http://127.0.0.1:${port}/`))).toBe('NETWORK');
    f.destroy();
  });
});
