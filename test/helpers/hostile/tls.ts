import { randomBytes } from 'node:crypto';
import { createServer as createTlsServer } from 'node:tls';
import { hostilePki } from './pki.js';
import { startTcpPeer, type TcpPeer } from './tcp.js';

/**
 * Scripted TLS peers: servers that break the handshake in the ways a slow, broken or hostile
 * endpoint can. The certificate probe must end each as a typed failure within its timeout.
 */
export type HostileTlsBehaviour =
  /** Accepts, reads the ClientHello, never answers. */
  | 'silent'
  /** Answers the ClientHello with the start of a 16 KB handshake record, then stalls. */
  | 'stall-mid-handshake'
  /** Sends a handshake record one octet per second. */
  | 'drip'
  /** Sends 16 KB of random octets, then stalls. */
  | 'garbage'
  /** Closes the connection as soon as the ClientHello arrives. */
  | 'reset'
  /** A real TLS server whose certificate chain is about 1 MB (the leaf and ~1,300 CA copies). */
  | 'huge-chain'
  /** XMPP (5222): opens the stream, then never offers STARTTLS. */
  | 'xmpp-stall'
  /** XMPP (5222): opens the stream, then streams whitespace and junk elements (bounded at 64 MB). */
  | 'xmpp-flood';

const HUGE_CHAIN_BYTES = 1024 * 1024;

const XMPP_STREAM_HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='h' from='imp-pub.example.com' version='1.0'>";

export async function startHostileTls(behaviour: HostileTlsBehaviour): Promise<TcpPeer> {
  if (behaviour === 'huge-chain') {
    const pki = hostilePki();
    pki.remove();
    const copies = Math.ceil(HUGE_CHAIN_BYTES / pki.ca.certPem.length);
    const chain = pki.leaf.certPem + pki.ca.certPem.repeat(copies);
    const server = createTlsServer({ key: pki.leaf.keyPem, cert: chain, handshakeTimeout: 60_000 });
    return startTcpPeer((connection) => {
      connection.socket.resume();
    }, server);
  }
  return startTcpPeer(async (connection) => {
    const { socket } = connection;
    if (behaviour === 'xmpp-stall' || behaviour === 'xmpp-flood') {
      socket.resume();
      if (!(await connection.write(XMPP_STREAM_HEADER))) return;
      if (behaviour === 'xmpp-stall') return;
      const junk = Buffer.from(`${' '.repeat(4096)}<junk>${'x'.repeat(60_000)}</junk>`);
      for (let sent = 0; sent < 64 * 1024 * 1024; sent += junk.length) {
        if (!(await connection.write(junk))) return;
      }
      return;
    }
    // Everything else reacts to the ClientHello.
    await new Promise<void>((resolve) => socket.once('data', () => resolve()).once('close', () => resolve()));
    socket.resume();
    switch (behaviour) {
      case 'silent':
        return;
      case 'reset':
        socket.destroy();
        return;
      case 'garbage':
        await connection.write(randomBytes(16 * 1024));
        return;
      case 'stall-mid-handshake':
        // Record header: handshake (22), TLS 1.2, 16,384 octets; then a ServerHello start and 100 octets.
        await connection.write(
          Buffer.concat([Buffer.from([22, 3, 3, 0x40, 0x00, 2, 0, 0x3f, 0xfc]), randomBytes(100)]),
        );
        return;
      case 'drip': {
        const record = Buffer.concat([Buffer.from([22, 3, 3, 0x40, 0x00, 2, 0, 0x3f, 0xfc]), randomBytes(16_380)]);
        for (const octet of record) {
          if (!(await connection.write(Buffer.from([octet])))) return;
          if (!(await connection.pause(1000))) return;
        }
        return;
      }
    }
  });
}
