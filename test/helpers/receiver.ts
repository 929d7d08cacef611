import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: { id: string; type: string; createdAt: string; data: Record<string, any> };
  at: number;
  path: string;
}

/**
 * A real local HTTP server that receives webhooks (and plays a dial-whom or get-contacts URL): records every request (headers, raw body) and
 * answers what `respond` says (default 200). `stop()` closes it (connections refused: "down"),
 * `start()` listens again on the same port.
 */
export class Receiver {
  readonly received: Received[] = [];
  respond: (r: Received) => { status: number; headers?: Record<string, string>; delayMs?: number; body?: string } = () => ({ status: 200 });
  private server?: Server;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        let body: Received['body'];
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          body = { id: '', type: '', createdAt: '', data: {} };
        }
        const r: Received = { headers: req.headers, raw, body, at: Date.now(), path: req.url ?? '/' };
        this.received.push(r);
        const answer = this.respond(r);
        setTimeout(() => {
          if (res.destroyed) return; // the caller gave up (a timeout)
          res.writeHead(answer.status, { 'content-type': answer.body === undefined ? 'text/plain' : 'application/json', ...answer.headers });
          res.end(answer.body ?? `status ${answer.status}`);
        }, answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Waits until `pred` holds over what was received (polls). */
  async waitFor(pred: (all: Received[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!pred(this.received)) {
      if (Date.now() > end) throw new Error(`receiver: condition not met in ${timeoutMs} ms; got ${this.received.length} requests: ${this.received.slice(-5).map((r) => `${r.body.type} ${JSON.stringify(r.body.data).slice(0, 120)}`).join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
