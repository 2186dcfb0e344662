import { createSocket, type RemoteInfo } from 'node:dgram';
import { NTP_HEADER_LENGTH, writeNtpTimestamp, type LeapIndicator } from '../src/probes/ntp.js';
import { formatAddress } from '../src/inventory/address.js';
import type { LabPart } from './part.js';

/** What an in-process SNTP server claims about itself. */
export interface SntpServerProfile {
  stratum: number;
  leap?: LeapIndicator;
  /** Four ASCII characters for stratum 0 (kiss code) and 1 (clock name); a dotted quad above. */
  referenceId?: string;
  /** The served clock is the real clock plus this (a server that is off). */
  clockOffsetMs?: number;
  version?: 3 | 4;
}

/**
 * A server-mode reply (RFC 5905 mode 4) to a client request, or undefined when the datagram is not
 * a client request. The origin timestamp echoes the request's transmit timestamp, as every real
 * server does; that echo is what the client checks.
 */
export function sntpServerReply(request: Buffer, profile: SntpServerProfile, nowMs = Date.now()): Buffer | undefined {
  if (request.length < NTP_HEADER_LENGTH || (request.readUInt8(0) & 0b111) !== 3) return undefined;
  const served = nowMs + (profile.clockOffsetMs ?? 0);
  const reply = Buffer.alloc(NTP_HEADER_LENGTH);
  reply[0] = ((profile.leap ?? 0) << 6) | ((profile.version ?? 4) << 3) | 4;
  reply[1] = profile.stratum;
  reply.writeInt8(6, 2); // poll 2^6 s
  reply.writeInt8(-20, 3); // precision ≈ 1 µs
  reply.writeUInt32BE(Math.round(0.0123 * 65536), 4); // root delay 12.3 ms
  reply.writeUInt32BE(Math.round(0.0456 * 65536), 8); // root dispersion 45.6 ms
  writeReferenceId(reply, profile);
  if (profile.stratum !== 0) writeNtpTimestamp(reply, 16, served - 64_000);
  request.copy(reply, 24, 40, 48);
  if (profile.stratum !== 0) {
    writeNtpTimestamp(reply, 32, served);
    writeNtpTimestamp(reply, 40, served);
  }
  return reply;
}

function writeReferenceId(reply: Buffer, profile: SntpServerProfile): void {
  const id = profile.referenceId ?? (profile.stratum <= 1 ? 'GPS' : '192.0.2.1');
  if (profile.stratum <= 1) {
    Buffer.from(id.padEnd(4, '\0').slice(0, 4), 'latin1').copy(reply, 12);
  } else {
    id.split('.').forEach((octet, i) => reply.writeUInt8(Number(octet) & 0xff, 12 + i));
  }
}

export type SntpHandler = (request: Buffer, from: RemoteInfo) => Buffer | undefined | Promise<Buffer | undefined>;

export interface SntpServer {
  host: string;
  port: number;
  /** As written in an inventory: 127.0.0.1:40123, [::1]:40123. */
  address: string;
  /** Datagrams received so far. */
  readonly requests: number;
  stop(): Promise<void>;
}

/** A UDP server on a random free loopback port; `handler` decides each reply (or silence). */
export async function startSntpServer(handler: SntpHandler, host = '127.0.0.1'): Promise<SntpServer> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  let requests = 0;
  let stopped = false;
  socket.on('message', (message, from) => {
    requests++;
    void Promise.resolve(handler(message, from)).then((reply) => {
      if (reply && !stopped) socket.send(reply, from.port, from.address);
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  // Sends to a client that has gone away must not crash the lab.
  socket.on('error', () => {});
  const port = socket.address().port;
  return {
    host,
    port,
    address: formatAddress({ host, port }),
    get requests() {
      return requests;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (stopped) return resolve();
        stopped = true;
        socket.close(() => resolve());
      }),
  };
}

/**
 * The lab's NTP: one good stratum-2 server and one at stratum 5, above the default policy of 3
 * (a deliberate MRA-NTP-002 warning; it still passes MRA-NTP-001 and MRA-NTP-003).
 */
export const ntpLabPart: LabPart = async ({ draft }) => {
  const good = await startSntpServer((request) => sntpServerReply(request, { stratum: 2, referenceId: '192.0.2.10' }));
  const distant = await startSntpServer((request) =>
    sntpServerReply(request, { stratum: 5, referenceId: '192.0.2.44' }),
  );
  draft.ntp.servers.push(good.address, distant.address);
  return async () => {
    await Promise.all([good.stop(), distant.stop()]);
  };
};
