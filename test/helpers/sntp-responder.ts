import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sntpServerReply, startSntpServer, type SntpServer, type SntpServerProfile } from '../../lab/ntp.js';

/** How a scripted responder answers each request: the hostile and odd cases of an NTP peer. */
export type SntpScript =
  /** A proper reply with this profile, optionally after a delay (slow server). */
  | ({ kind: 'serve'; delayMs?: number } & SntpServerProfile)
  /** Kiss-of-death: stratum 0, the code in the reference id, leap 3 as ntpd sends it. */
  | { kind: 'kiss'; code: string }
  /** A well-formed reply whose origin timestamp is not our transmit timestamp (spoofed/stale). */
  | { kind: 'wrong-origin' }
  /** The first `length` bytes of a proper reply. */
  | { kind: 'short'; length: number }
  /** A proper reply followed by junk up to `length` bytes (unknown extension fields, a huge datagram). */
  | { kind: 'padded'; length: number }
  /** Bytes that are no NTP packet (mode 2, version 0). */
  | { kind: 'garbage' }
  /** Receives and never answers. */
  | { kind: 'silent' }
  /** A proper reply changed by `mutate` (wrong mode, version, zero timestamps...). */
  | { kind: 'mutate'; mutate: (reply: Buffer) => void };

export async function startSntpResponder(script: SntpScript, host = '127.0.0.1'): Promise<SntpServer> {
  return startSntpServer(async (request) => {
    switch (script.kind) {
      case 'serve':
        if (script.delayMs) await sleep(script.delayMs);
        return sntpServerReply(request, script);
      case 'kiss':
        return sntpServerReply(request, { stratum: 0, leap: 3, referenceId: script.code });
      case 'wrong-origin': {
        const reply = sntpServerReply(request, { stratum: 2 });
        randomBytes(8).copy(reply!, 24);
        return reply;
      }
      case 'short':
        return sntpServerReply(request, { stratum: 2 })?.subarray(0, script.length);
      case 'padded': {
        const reply = sntpServerReply(request, { stratum: 2 });
        return reply && Buffer.concat([reply, Buffer.alloc(script.length - reply.length, 0xee)]);
      }
      case 'garbage':
        return Buffer.alloc(64, 0x42).fill(0x02, 0, 1);
      case 'silent':
        return undefined;
      case 'mutate': {
        const reply = sntpServerReply(request, { stratum: 2 });
        if (reply) script.mutate(reply);
        return reply;
      }
    }
  }, host);
}
