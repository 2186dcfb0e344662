import { randomBytes } from 'node:crypto';
import { startUdpPeer, type UdpPeer } from './udp.js';

/**
 * Scripted NTP peers: what a broken or hostile server sends back to an SNTP client request. The
 * probe must answer every case with a typed failure, never a crash, a hang, or a "reachable".
 */
export type HostileNtpBehaviour =
  /** 10 octets: shorter than the 48-octet NTP header. */
  | 'short'
  /** 48 random octets. */
  | 'garbage'
  /** 48 zero octets (version 0, mode 0, no timestamps). */
  | 'zeros'
  /** The client's own request sent back (mode 3, not a server reply). */
  | 'echo'
  /** A 60,000-octet datagram of junk. */
  | 'huge'
  /** Fifty junk datagrams for every request. */
  | 'flood'
  /** Receives and never answers. */
  | 'silent';

export function hostileNtpReply(behaviour: HostileNtpBehaviour, request: Buffer): Buffer | Buffer[] | undefined {
  switch (behaviour) {
    case 'short':
      return randomBytes(10);
    case 'garbage':
      return randomBytes(48);
    case 'zeros':
      return Buffer.alloc(48);
    case 'echo':
      return Buffer.from(request);
    case 'huge':
      return randomBytes(60_000);
    case 'flood':
      return Array.from({ length: 50 }, () => randomBytes(48));
    case 'silent':
      return undefined;
  }
}

export function startHostileNtp(behaviour: HostileNtpBehaviour): Promise<UdpPeer> {
  return startUdpPeer((request) => hostileNtpReply(behaviour, request));
}
