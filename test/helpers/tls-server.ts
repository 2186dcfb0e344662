import { createServer, type Socket } from 'node:net';
import { serveTls, serveXmppStartTls, type RunningServer, type ServedCertificate } from '../../lab/tls.js';
import type { Issued, IssuedEc } from '../../lab/pki.js';

export { serveTls, serveXmppStartTls, type RunningServer };

/** Serves `leaf` with `chain` after it (any order, extras included) from a real node:tls server on loopback. */
export function serveChain(leaf: Issued | IssuedEc, ...chain: Array<Issued | IssuedEc>): Promise<RunningServer> {
  const served: ServedCertificate = {
    chainPem: [leaf, ...chain].map((cert) => cert.certPem).join(''),
    keyPem: leaf.keyPem,
  };
  return serveTls(served);
}

export type HostileMode =
  /** Accepts the connection and never answers (a handshake that never finishes). */
  | 'stall'
  /** Sends the start of a TLS handshake record, then closes (a truncated handshake). */
  | 'truncate'
  /** Answers the ClientHello with bytes that are not TLS. */
  | 'garbage';

/** A peer that misbehaves in one of the ways a hostile or broken endpoint does. */
export function serveHostile(mode: HostileMode): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', () => {
      if (mode === 'truncate') {
        // A handshake record header announcing 4000 bytes of ServerHello, then 10 of them and EOF.
        socket.end(Buffer.from([0x16, 0x03, 0x03, 0x0f, 0xa0, 0x02, 0x00, 0x0f, 0x9c, 0x03, 0x03, 1, 2, 3, 4]));
      } else if (mode === 'garbage') {
        socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') return reject(new Error('no port'));
      resolve({
        host: '127.0.0.1',
        port: address.port,
        endpoint: `127.0.0.1:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
