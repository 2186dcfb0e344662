import { createServer, type Server, type Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';

/** A TCP peer on 127.0.0.1 (random free port); `onConnection` scripts what each connection sees. */
export interface TcpPeer {
  host: string;
  port: number;
  address: string;
  /** Connections accepted so far. */
  connections: number;
  /** Octets the peer wrote to clients (what a client would have had to buffer). */
  bytesSent: number;
  stop(): Promise<void>;
}

export interface ConnectionContext {
  socket: Socket;
  /** Writes respecting backpressure; false once the client is gone (stop writing then). */
  write(chunk: Buffer | string): Promise<boolean>;
  /** Resolves after `ms`, or at once when the connection or the peer is closed. */
  pause(ms: number): Promise<boolean>;
  readonly closed: boolean;
}

export async function startTcpPeer(
  onConnection: (context: ConnectionContext) => void | Promise<void>,
  server: Server = createServer(),
): Promise<TcpPeer> {
  const sockets = new Set<Socket>();
  let stopped = false;
  const peer: TcpPeer = {
    host: '127.0.0.1',
    port: 0,
    address: '',
    connections: 0,
    bytesSent: 0,
    async stop() {
      stopped = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  // A TLS server hands over the socket once the handshake is done.
  const connectionEvent = server instanceof TlsServer ? 'secureConnection' : 'connection';
  server.on(connectionEvent, (socket: Socket) => {
    peer.connections++;
    sockets.add(socket);
    let closed = false;
    const timers = new Set<NodeJS.Timeout>();
    const wakers = new Set<() => void>();
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      sockets.delete(socket);
      for (const timer of timers) clearTimeout(timer);
      for (const wake of wakers) wake();
    });
    const context: ConnectionContext = {
      socket,
      get closed() {
        return closed || stopped;
      },
      write(chunk) {
        if (context.closed) return Promise.resolve(false);
        peer.bytesSent += chunk.length;
        return new Promise<boolean>((resolve) => {
          const flushed = socket.write(chunk);
          if (flushed) resolve(!context.closed);
          else {
            const wake = (): void => {
              wakers.delete(wake);
              socket.off('drain', wake);
              resolve(!context.closed);
            };
            wakers.add(wake);
            socket.once('drain', wake);
          }
        });
      },
      pause(ms) {
        if (context.closed) return Promise.resolve(false);
        return new Promise<boolean>((resolve) => {
          const wake = (): void => {
            clearTimeout(timer);
            timers.delete(timer);
            wakers.delete(wake);
            resolve(!context.closed);
          };
          const timer = setTimeout(wake, ms);
          timers.add(timer);
          wakers.add(wake);
        });
      },
    };
    void Promise.resolve(onConnection(context)).catch(() => socket.destroy());
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  peer.port = typeof address === 'object' && address ? address.port : 0;
  peer.address = `127.0.0.1:${peer.port}`;
  return peer;
}
