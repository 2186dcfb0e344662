import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { randomInt } from 'node:crypto';

/**
 * Loopback addresses for servers that want the standard MRA ports (8443, 5222, 3478, 5349)
 * without root and without clashing with anything else on the machine: Linux routes all of
 * 127.0.0.0/8 to the loopback interface, so a random 127.x.y.z has those ports to itself. Ports
 * above 1024 need no privilege.
 */
export function randomLoopbackAddress(): string {
  // 127.0.0.0/16 is left alone: 127.0.0.1 and 127.0.1.1 are where other services live.
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/** Whether TCP `port` can be bound on `host` right now (a wildcard listener elsewhere makes it busy). */
export function tcpPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export function udpPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

export interface PortClaim {
  host: string;
  /** TCP (and UDP, when asked) port by name, e.g. `{ turn: 3478, turnTls: 5349 }`. */
  ports: Record<string, number>;
  /** True when every standard port was free on `host`; false when random ports had to be used. */
  standard: boolean;
}

/**
 * A random loopback address on which all the `wanted` ports are free (TCP, plus UDP for names in
 * `udp`). After a few tries the ports are replaced by free random ones on that address: a wildcard
 * listener on the machine (say a system coturn on 0.0.0.0:3478) takes the port on every 127.x.
 */
export async function claimLoopbackPorts(
  wanted: Record<string, number>,
  udp: readonly string[] = [],
  attempts = 6,
): Promise<PortClaim> {
  const free = async (host: string, name: string, port: number): Promise<boolean> =>
    (await tcpPortFree(host, port)) && (!udp.includes(name) || (await udpPortFree(host, port)));
  for (let attempt = 0; attempt < attempts; attempt++) {
    const host = randomLoopbackAddress();
    let all = true;
    for (const [name, port] of Object.entries(wanted)) {
      if (!(await free(host, name, port))) {
        all = false;
        break;
      }
    }
    if (all) return { host, ports: { ...wanted }, standard: true };
  }
  const host = randomLoopbackAddress();
  const ports: Record<string, number> = {};
  for (const name of Object.keys(wanted)) ports[name] = await freePort(host, udp.includes(name));
  return { host, ports, standard: false };
}

/** A port free for TCP (and UDP when `udp`) on `host` at the moment of asking. */
export async function freePort(host: string, udp = false): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, host, () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port > 0 && (!udp || (await udpPortFree(host, port)))) return port;
  }
  throw new Error(`no free port on ${host}`);
}

/**
 * A TCP port on `host` that refuses connections (the kernel answers SYN with RST): bound, then
 * closed, so nothing listens there. Asks for `preferred` first (e.g. 5222 on the lab's edge address).
 */
export async function refusingPort(host: string, preferred?: number): Promise<number> {
  if (preferred !== undefined && (await tcpPortFree(host, preferred))) return preferred;
  return freePort(host);
}
