/**
 * The NTP packet and how a reply is judged (RFC 4330, RFC 5905): our own 48-byte codec, because the
 * exchange (ntp.ts) must compare the 64-bit origin timestamp bit for bit and read stratum-0
 * reference ids as kiss codes. No sockets here: what arrives is judged here, how it arrives in ntp.ts.
 */

/** The minimum NTP header; extension fields and MACs may follow and are ignored. */
export const NTP_HEADER_LENGTH = 48;
/** Seconds from the NTP era-0 epoch (1900-01-01) to the Unix epoch. */
const NTP_UNIX_EPOCH_OFFSET_S = 2_208_988_800;
const TWO_POW_32 = 2 ** 32;

export type LeapIndicator = 0 | 1 | 2 | 3;

/** The 48-byte NTP header as received, decoded field by field. */
export interface NtpPacket {
  leap: LeapIndicator;
  version: number;
  mode: number;
  stratum: number;
  /** log2 seconds (signed). */
  poll: number;
  /** log2 seconds (signed), e.g. -20 ≈ 1 µs. */
  precision: number;
  rootDelayMs: number;
  rootDispersionMs: number;
  /** Raw reference id as 8 hex digits. */
  referenceIdHex: string;
  /** Reference id for people: kiss code / clock name (stratum 0–1) or dotted quad (stratum ≥ 2). */
  referenceId: string;
  /** Stratum 0 is a kiss-of-death; its reference id is the kiss code (RATE, DENY, RSTR...). */
  kissCode?: string;
  /** Raw 64-bit timestamps as 16 hex digits (the origin timestamp is our nonce, not a time). */
  referenceTimestampHex: string;
  originTimestampHex: string;
  receiveTimestampHex: string;
  transmitTimestampHex: string;
  /** Timestamps as Unix epoch milliseconds (fractional). Zero NTP timestamps map to undefined. */
  referenceTimeMs: number | undefined;
  receiveTimeMs: number | undefined;
  transmitTimeMs: number | undefined;
  length: number;
}

/** A client request: LI 0, version 4, mode 3; every other field zero except the transmit timestamp. */
export function buildClientRequest(transmitTimestamp: Buffer): Buffer {
  const packet = Buffer.alloc(NTP_HEADER_LENGTH);
  packet[0] = (0 << 6) | (4 << 3) | 3;
  transmitTimestamp.copy(packet, 40, 0, 8);
  return packet;
}

export type Verdict<R> =
  { ok: true; packet: NtpPacket; request: R } | { ok: false; kind: 'malformed' | 'spoofed'; detail: string };

/** RFC 4330 section 5 sanity checks on a reply, in the order that names the real problem. */
export function validateReply<R>(message: Buffer, requestFor: (originHex: string) => R | undefined): Verdict<R> {
  if (message.length < NTP_HEADER_LENGTH) {
    return {
      ok: false,
      kind: 'malformed',
      detail: `${message.length}-byte packet, shorter than the ${NTP_HEADER_LENGTH}-byte NTP header`,
    };
  }
  const packet = parseNtpPacket(message);
  if (packet.mode !== 4) return { ok: false, kind: 'malformed', detail: `mode ${packet.mode}, expected 4 (server)` };
  if (packet.version !== 3 && packet.version !== 4) {
    return { ok: false, kind: 'malformed', detail: `version ${packet.version}, expected 3 or 4` };
  }
  const request = requestFor(packet.originTimestampHex);
  if (request === undefined) {
    return {
      ok: false,
      kind: 'spoofed',
      detail: `origin timestamp ${packet.originTimestampHex} does not echo any transmit timestamp we sent`,
    };
  }
  // A kiss-of-death carries no usable time, only its code; servers differ in what they echo there.
  if (packet.stratum !== 0) {
    if (packet.transmitTimeMs === undefined)
      return { ok: false, kind: 'malformed', detail: 'transmit timestamp is zero' };
    if (packet.receiveTimeMs === undefined)
      return { ok: false, kind: 'malformed', detail: 'receive timestamp is zero' };
  }
  return { ok: true, packet, request };
}

/**
 * RFC 5905 section 8: offset = ((T2 - T1) + (T3 - T4)) / 2, delay = (T4 - T1) - (T3 - T2), with T1
 * and T4 this host's send and receive times and T2, T3 the server's; none without the server's two.
 */
export function offsetAndDelay(
  packet: Pick<NtpPacket, 'receiveTimeMs' | 'transmitTimeMs'>,
  t1: number,
  t4: number,
): { offsetMs: number | undefined; delayMs: number | undefined } {
  const t2 = packet.receiveTimeMs;
  const t3 = packet.transmitTimeMs;
  if (t2 === undefined || t3 === undefined) return { offsetMs: undefined, delayMs: undefined };
  return { offsetMs: (t2 - t1 + (t3 - t4)) / 2, delayMs: t4 - t1 - (t3 - t2) };
}

/** Decodes the 48-byte header; the caller has checked the length. */
export function parseNtpPacket(message: Buffer): NtpPacket {
  const first = message.readUInt8(0);
  const stratum = message.readUInt8(1);
  const referenceIdHex = message.subarray(12, 16).toString('hex');
  const referenceId = stratum <= 1 ? asciiCode(message.subarray(12, 16)) : [...message.subarray(12, 16)].join('.');
  return {
    leap: (first >> 6) as LeapIndicator,
    version: (first >> 3) & 0b111,
    mode: first & 0b111,
    stratum,
    poll: message.readInt8(2),
    precision: message.readInt8(3),
    rootDelayMs: shortFormatMs(message, 4),
    rootDispersionMs: shortFormatMs(message, 8),
    referenceIdHex,
    referenceId,
    ...(stratum === 0 ? { kissCode: referenceId } : {}),
    referenceTimestampHex: message.subarray(16, 24).toString('hex'),
    originTimestampHex: message.subarray(24, 32).toString('hex'),
    receiveTimestampHex: message.subarray(32, 40).toString('hex'),
    transmitTimestampHex: message.subarray(40, 48).toString('hex'),
    referenceTimeMs: timestampMs(message, 16),
    receiveTimeMs: timestampMs(message, 32),
    transmitTimeMs: timestampMs(message, 40),
    length: message.length,
  };
}

/** NTP short format (16.16 seconds); root delay is signed in RFC 5905, dispersion unsigned. */
function shortFormatMs(message: Buffer, offset: number): number {
  return (message.readUInt32BE(offset) / 65536) * 1000;
}

/**
 * NTP timestamp (32.32 seconds since 1900) as Unix ms. Seconds with the top bit clear are read as
 * era 1 (after 2036-02-07), as RFC 4330 section 3 suggests; this covers 1968–2104.
 */
function timestampMs(message: Buffer, offset: number): number | undefined {
  const seconds = message.readUInt32BE(offset);
  const fraction = message.readUInt32BE(offset + 4);
  if (seconds === 0 && fraction === 0) return undefined;
  const eraSeconds = seconds >= 0x8000_0000 ? seconds : seconds + TWO_POW_32;
  return (eraSeconds - NTP_UNIX_EPOCH_OFFSET_S) * 1000 + (fraction / TWO_POW_32) * 1000;
}

/** Unix ms as an NTP timestamp (era-aware inverse of timestampMs), for responders. */
export function writeNtpTimestamp(target: Buffer, offset: number, unixMs: number): void {
  const totalSeconds = unixMs / 1000 + NTP_UNIX_EPOCH_OFFSET_S;
  const seconds = Math.floor(totalSeconds);
  const fraction = Math.min(TWO_POW_32 - 1, Math.floor((totalSeconds - seconds) * TWO_POW_32));
  target.writeUInt32BE(seconds % TWO_POW_32, offset);
  target.writeUInt32BE(fraction, offset + 4);
}

/** Four ASCII characters (kiss code, clock name), NULs trimmed; anything unprintable as hex. */
function asciiCode(bytes: Buffer): string {
  const text = bytes.toString('latin1').replace(/\0+$/, '');
  return /^[\x20-\x7e]+$/.test(text) ? text : `0x${bytes.toString('hex')}`;
}
