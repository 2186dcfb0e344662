import { describe, expect, it } from 'vitest';
import { NTP_HEADER_LENGTH, offsetAndDelay, parseNtpPacket, validateReply } from '../../src/probes/ntp-packet.js';

/**
 * The NTP header as src/probes/ntp-packet.ts reads it, without sockets: timestamps across the era
 * boundary, zero timestamps, reference ids for people, and RFC 5905 offset and delay.
 */

/** A server reply (version 4, mode 4) with the given stratum, reference id and raw timestamp words. */
function serverReply(
  stratum: number,
  referenceId: Buffer,
  timestamps: Partial<Record<'reference' | 'origin' | 'receive' | 'transmit', [number, number]>> = {},
): Buffer {
  const packet = Buffer.alloc(NTP_HEADER_LENGTH);
  packet[0] = (0 << 6) | (4 << 3) | 4;
  packet[1] = stratum;
  referenceId.copy(packet, 12);
  const offsets = { reference: 16, origin: 24, receive: 32, transmit: 40 } as const;
  for (const [field, [seconds, fraction]] of Object.entries(timestamps) as [keyof typeof offsets, [number, number]][]) {
    packet.writeUInt32BE(seconds, offsets[field]);
    packet.writeUInt32BE(fraction, offsets[field] + 4);
  }
  return packet;
}

describe('timestamps', () => {
  it('reads whole seconds, the era-1 second 0 with a fraction, and the first era-0 second 2^31', () => {
    const packet = parseNtpPacket(
      serverReply(2, Buffer.from([10, 1, 1, 1]), {
        // 2024-01-01T00:00:00Z exactly: a zero fraction is not a zero timestamp.
        receive: [3_913_056_000, 0],
        // Era 1 starts 2036-02-07T06:28:16Z: second 0 of it, plus half a second.
        transmit: [0, 0x8000_0000],
        // The top bit set is era 0: 1968-01-20T03:14:08Z.
        reference: [0x8000_0000, 0],
      }),
    );
    expect(packet.receiveTimeMs).toBe(Date.UTC(2024, 0, 1));
    expect(packet.transmitTimeMs).toBe(Date.UTC(2036, 1, 7, 6, 28, 16, 500));
    expect(packet.referenceTimeMs).toBe(Date.UTC(1968, 0, 20, 3, 14, 8));
  });

  it('maps an all-zero timestamp to none, and refuses a reply whose receive timestamp is zero', () => {
    const message = serverReply(2, Buffer.from([10, 1, 1, 1]), {
      origin: [1, 2],
      transmit: [3_913_056_000, 1],
    });
    expect(parseNtpPacket(message).receiveTimeMs).toBeUndefined();
    expect(validateReply(message, (origin) => (origin === '0000000100000002' ? 'request' : undefined))).toStrictEqual({
      ok: false,
      kind: 'malformed',
      detail: 'receive timestamp is zero',
    });
  });
});

describe('offsetAndDelay', () => {
  it('computes RFC 5905 offset and round-trip delay', () => {
    // T1 1000, T2 1010, T3 1012, T4 1030: 2 ms at the server, 28 ms on the wire, clock 4 ms behind.
    expect(offsetAndDelay({ receiveTimeMs: 1010, transmitTimeMs: 1012 }, 1000, 1030)).toStrictEqual({
      offsetMs: -4,
      delayMs: 28,
    });
  });

  it('gives neither without both server timestamps', () => {
    const none = { offsetMs: undefined, delayMs: undefined };
    expect(offsetAndDelay({ receiveTimeMs: undefined, transmitTimeMs: 1012 }, 1000, 1030)).toStrictEqual(none);
    expect(offsetAndDelay({ receiveTimeMs: 1010, transmitTimeMs: undefined }, 1000, 1030)).toStrictEqual(none);
  });
});

describe('reference ids', () => {
  const referenceIdOf = (stratum: number, bytes: number[]) => {
    const packet = parseNtpPacket(serverReply(stratum, Buffer.from(bytes)));
    return { referenceId: packet.referenceId, kissCode: packet.kissCode };
  };

  it('trims the NUL padding of a clock name', () => {
    expect(referenceIdOf(1, [0x50, 0x50, 0x53, 0])).toEqual({ referenceId: 'PPS', kissCode: undefined });
    expect(referenceIdOf(1, [0x4c, 0x46, 0, 0])).toEqual({ referenceId: 'LF', kissCode: undefined });
    expect(referenceIdOf(0, [0x52, 0x41, 0x54, 0x45])).toEqual({ referenceId: 'RATE', kissCode: 'RATE' });
  });

  it('shows an id with a NUL inside or an unprintable byte at either end as hex', () => {
    expect(referenceIdOf(1, [0x41, 0, 0x42, 0x43]).referenceId).toBe('0x41004243');
    expect(referenceIdOf(0, [0x01, 0x41, 0x42, 0x43])).toEqual({ referenceId: '0x01414243', kissCode: '0x01414243' });
    expect(referenceIdOf(1, [0x41, 0x42, 0x43, 0x01]).referenceId).toBe('0x41424301');
  });

  it('shows a stratum-2 id as the upstream address', () => {
    expect(referenceIdOf(2, [192, 168, 100, 200])).toEqual({ referenceId: '192.168.100.200', kissCode: undefined });
  });
});
