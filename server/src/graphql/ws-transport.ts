import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { CloseCode, handleProtocols, makeServer, MessageType, type ConnectionInitMessage, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../logger.js';

/** What every operation's context gets from the transport. */
export interface WsExtra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
  /**
   * A sender of subscription `id`'s `next` messages whose payload (an execution result) is already JSON: the message
   * graphql-ws would send, without serialising per subscriber the result that thousands of wallboards share
   * (`shared-subscribe.ts`). Nothing is sent once the socket is closing.
   */
  nextSender(id: string): (payloadJson: Buffer) => void;
}

const NEXT_END = Buffer.from('}');
const EMPTY = Buffer.alloc(0);

/**
 * A server's (unmasked) WebSocket frame header for a whole text message of `length` bytes (RFC 6455, 5.2), followed by
 * `head`, the message's first bytes.
 */
export function textFrameStart(length: number, head: Buffer = EMPTY): Buffer {
  const FIN_TEXT = 0x81;
  const size = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const start = Buffer.allocUnsafe(size + head.length);
  start[0] = FIN_TEXT;
  if (size === 2) start[1] = length;
  else if (size === 4) {
    start[1] = 126;
    start.writeUInt16BE(length, 2);
  } else {
    start[1] = 127;
    start.writeBigUInt64BE(BigInt(length), 2);
  }
  head.copy(start, size);
  return start;
}

/**
 * graphql-ws over `ws`: graphql-ws's own `use/ws` adapter, with one change for fan-out (issue 19). The messages a
 * socket is sent in one turn of the event loop leave in one write: the socket is corked when the turn's first message
 * is queued and uncorked when the turn ends. A wallboard is sent its campaigns' figures together (the engine's pass
 * publishes them together), and what limits a process serving thousands of sockets is the kernel's cost per write,
 * not the bytes. Results shared by many subscribers can be sent already serialised (`WsExtra.nextSender`). Errors go
 * to the logger rather than the console.
 */
export function serveGraphqlWs<P extends ConnectionInitMessage['payload'], E extends Record<PropertyKey, unknown>>(
  options: ServerOptions<P, WsExtra & Partial<E>>,
  wss: WebSocketServer,
  log: Logger,
  /** Ping every this often; a socket that does not answer within as long is closed. @default 12000 */
  keepAliveMs = 12_000,
): { dispose(): Promise<void> } {
  const server = makeServer(options);
  // frames are written beside ws's own only while it never queues them, i.e. without compression
  const directFrames = !wss.options.perMessageDeflate;
  wss.options.handleProtocols = handleProtocols;
  wss.once('error', (err) => {
    log.error({ err }, 'WebSocket server error');
    for (const client of wss.clients) client.close(CloseCode.InternalServerError, 'Internal server error');
  });

  wss.on('connection', (socket, request) => {
    socket.once('error', (err) => {
      log.warn({ err: err.message }, 'WebSocket error');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });

    let pongWait: NodeJS.Timeout | undefined;
    const pingInterval = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      pongWait = setTimeout(() => socket.terminate(), keepAliveMs);
      socket.once('pong', () => {
        clearTimeout(pongWait);
        pongWait = undefined;
      });
      socket.ping();
    }, keepAliveMs);

    // `ws` keeps the TCP socket as `_socket` (it corks it around each frame itself); there is no public handle
    const tcp = (socket as unknown as { _socket?: Socket })._socket;
    let corked = false;
    const uncork = () => {
      corked = false;
      tcp!.uncork();
    };
    const corkForTurn = () => {
      if (tcp && !corked) {
        corked = true;
        tcp.cork();
        setImmediate(uncork);
      }
    };
    const nextSender = (id: string) => {
      const head = Buffer.from(`{"id":${JSON.stringify(id)},"type":"${MessageType.Next}","payload":`);
      return (payload: Buffer) => {
        if (socket.readyState !== socket.OPEN) return;
        const length = head.length + payload.length + NEXT_END.length;
        if (!tcp || !directFrames) return socket.send(Buffer.concat([head, payload, NEXT_END], length), { binary: false });
        // the frame written in its parts, the shared payload not copied: copying it into one buffer per subscriber cost
        // more than the rest of a push. `ws` writes its own frames (graphql-ws's messages, pings) at once too (it
        // queues only while compressing, which is off), so frames never interleave.
        corkForTurn();
        tcp.write(textFrameStart(length, head));
        tcp.write(payload);
        tcp.write(NEXT_END);
      };
    };

    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            corkForTurn();
            socket.send(data, (err) => (err ? reject(err) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on('message', async (event) => {
            try {
              await cb(String(event));
            } catch (err) {
              log.error({ err }, 'graphql-ws message handling failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            }
          }),
      },
      { socket, request, nextSender } as WsExtra & Partial<E>,
    );

    socket.once('close', (code, reason) => {
      clearTimeout(pongWait);
      clearInterval(pingInterval);
      void closed(code, String(reason));
    });
  });

  return {
    async dispose() {
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
