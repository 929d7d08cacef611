/**
 * A SIP trunk for tests, run as its own process so that a test can SIGKILL it (a trunk that vanishes):
 * a record-routing proxy (kirm/sip.js's proxy) on argv[2]:argv[3] that sends each number to the phone
 * argv[4] maps it to ({ "+9198…": "sip:cust0@127.0.0.1:5071" }), refuses it with the status given instead
 * ({ "+9198…": 503 }, or "*" for every number), and stays in the path of every dialog it set up (Route /
 * Record-Route), so in-dialog requests (ACK, BYE, re-INVITE, OPTIONS) go through it too.
 */
import sip from 'sip';
import proxy from 'sip/proxy.js';

const [address, port, routesJson] = process.argv.slice(2);
const routes = JSON.parse(routesJson);
const self = `sip:${address}:${port};lr`;

proxy.start({ address, port: Number(port), publicAddress: address, tcp: false, logger: { error: (e) => console.error(String(e)) } }, (rq) => {
  // in-dialog: drop our own Route entry (loose routing), then on to the next one or the request URI
  if (rq.headers.route?.length) {
    if (sip.parseUri(rq.headers.route[0].uri).host === address) rq.headers.route.shift();
    if (!rq.headers.route.length) delete rq.headers.route;
    return proxy.send(rq);
  }
  if (rq.method === 'ACK') return;
  if (rq.method !== 'INVITE') return proxy.send(sip.makeResponse(rq, rq.method === 'OPTIONS' ? 200 : 405));
  const number = decodeURIComponent(sip.parseUri(rq.uri).user ?? '');
  const to = routes[number] ?? routes['*'];
  if (typeof to !== 'string') return proxy.send(sip.makeResponse(rq, typeof to === 'number' ? to : 404));
  proxy.send(sip.makeResponse(rq, 100, 'Trying'));
  rq.uri = to;
  rq.headers['record-route'] = [{ uri: self, params: {} }, ...(rq.headers['record-route'] ?? [])];
  console.log(`INVITE ${number} -> ${to}`);
  proxy.send(rq);
});
console.log('trunk ready');
