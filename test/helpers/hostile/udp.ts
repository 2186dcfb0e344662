import { createSocket, type Socket } from 'node:dgram';

/** A UDP peer on 127.0.0.1 (random free port) that answers each datagram as scripted. */
export interface UdpPeer {
  host: string;
  port: number;
  /** host:port, as an inventory entry. */
  address: string;
  /** Datagrams received so far (what the peer was actually asked). */
  received: number;
  stop(): Promise<void>;
}

/** Returns zero, one or several datagrams to send back; undefined: stay silent. */
export type UdpScript = (request: Buffer) => Buffer | Buffer[] | undefined;

/** `delayMs`: answer that much later (a slow but healthy peer). */
export async function startUdpPeer(script: UdpScript, port = 0, delayMs = 0): Promise<UdpPeer> {
  const socket: Socket = createSocket('udp4');
  const peer: UdpPeer = {
    host: '127.0.0.1',
    port: 0,
    address: '',
    received: 0,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (message, from) => {
    peer.received++;
    const reply = script(message);
    const send = (): void => {
      for (const datagram of reply === undefined ? [] : Array.isArray(reply) ? reply : [reply]) {
        try {
          socket.send(datagram, from.port, from.address, () => undefined);
        } catch {
          // stopped in the meantime (a delayed answer)
        }
      }
    };
    if (delayMs > 0) setTimeout(send, delayMs).unref();
    else send();
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  peer.port = socket.address().port;
  peer.address = `127.0.0.1:${peer.port}`;
  return peer;
}
