import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressValue,
  Attr,
  checkIntegrity,
  decodeMessage,
  encodeMessage,
  errorCodeValue,
  HEADER_BYTES,
  longTermKey,
  MAGIC_COOKIE,
  MAX_ATTRIBUTES,
  readAddress,
  readErrorCode,
  readText,
  readUint32,
  StunMethod,
  type DecodeProblem,
  type StunClass,
} from '../../src/probes/stun/message.js';

/**
 * The STUN codec against hostile bytes: decoding never throws, every refusal is a typed problem,
 * and valid messages survive a round trip with their MESSAGE-INTEGRITY and FINGERPRINT.
 */

const PROBLEMS: readonly DecodeProblem[] = [
  'short',
  'not-stun',
  'cookie',
  'length',
  'attribute',
  'too-many-attributes',
  'fingerprint',
];

const methodArb = fc.constantFrom(StunMethod.Binding, StunMethod.Allocate, StunMethod.Refresh, 0x009, 0xfff);
const classArb = fc.constantFrom<StunClass>('request', 'indication', 'success', 'error');
const tidArb = fc.uint8Array({ minLength: 12, maxLength: 12 }).map((bytes) => Buffer.from(bytes));
const attributeArb = fc.record({
  type: fc
    .integer({ min: 0, max: 0xffff })
    .filter((type) => type !== Attr.MessageIntegrity && type !== Attr.Fingerprint),
  value: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
});
const messageArb = fc.record({
  method: methodArb,
  cls: classArb,
  transactionId: tidArb,
  attributes: fc.array(attributeArb, { maxLength: 12 }),
});
const keyArb = fc.option(
  fc.uint8Array({ minLength: 1, maxLength: 32 }).map((bytes) => Buffer.from(bytes)),
  { nil: undefined },
);

function decodeSafely(bytes: Buffer): ReturnType<typeof decodeMessage> {
  const result = decodeMessage(bytes);
  if (!result.ok) expect(PROBLEMS).toContain(result.problem);
  return result;
}

describe('STUN codec round trips', () => {
  it('decodes what it encodes, with MESSAGE-INTEGRITY and FINGERPRINT verified', () => {
    fc.assert(
      fc.property(messageArb, keyArb, fc.boolean(), (message, key, fingerprint) => {
        const bytes = encodeMessage(message, { ...(key ? { integrityKey: key } : {}), fingerprint });
        expect(bytes.length % 4).toBe(0);
        const decoded = decodeMessage(bytes);
        if (!decoded.ok) throw new Error(decoded.detail);
        expect(decoded.message.method).toBe(message.method);
        expect(decoded.message.cls).toBe(message.cls);
        expect(decoded.message.transactionId.equals(message.transactionId)).toBe(true);
        const plain = decoded.message.attributes.filter(
          (attribute) => attribute.type !== Attr.MessageIntegrity && attribute.type !== Attr.Fingerprint,
        );
        expect(plain.map((attribute) => [attribute.type, attribute.value.toString('hex')])).toEqual(
          message.attributes.map((attribute) => [attribute.type, attribute.value.toString('hex')]),
        );
        if (key) {
          expect(checkIntegrity(decoded.message, key)).toBe('valid');
          expect(checkIntegrity(decoded.message, Buffer.concat([key, Buffer.from([1])]))).toBe('invalid');
        } else expect(checkIntegrity(decoded.message, Buffer.from('k'))).toBe('absent');
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips XOR-MAPPED-ADDRESS for IPv4 and IPv6 with any transaction id', () => {
    const ipv4 = fc.ipV4();
    const ipv6 = fc
      .tuple(...Array.from({ length: 8 }, () => fc.integer({ min: 0, max: 0xffff })))
      .map((groups) => groups.map((group) => group.toString(16)).join(':'));
    fc.assert(
      fc.property(fc.oneof(ipv4, ipv6), fc.integer({ min: 0, max: 0xffff }), tidArb, (address, port, transactionId) => {
        const family = address.includes(':') ? ('IPv6' as const) : ('IPv4' as const);
        const bytes = encodeMessage({
          method: StunMethod.Binding,
          cls: 'success',
          transactionId,
          attributes: [
            { type: Attr.XorMappedAddress, value: addressValue({ family, address, port }, transactionId, true) },
          ],
        });
        const decoded = decodeMessage(bytes);
        if (!decoded.ok) throw new Error(decoded.detail);
        const read = readAddress(decoded.message, Attr.XorMappedAddress, true);
        if (!read.ok) throw new Error(read.detail);
        expect(read.value.family).toBe(family);
        expect(read.value.port).toBe(port);
        const expected = family === 'IPv4' ? address : new URL(`http://[${address}]/`).hostname.slice(1, -1);
        const actual =
          family === 'IPv4' ? read.value.address : new URL(`http://[${read.value.address}]/`).hostname.slice(1, -1);
        expect(actual).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('reads ERROR-CODE classes 3-6 and refuses the others', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 255 }),
        tidArb,
        (errorClass, number, transactionId) => {
          const value = errorCodeValue(300, 'x');
          value[2] = errorClass;
          value[3] = number;
          const decoded = decodeMessage(
            encodeMessage({
              method: StunMethod.Allocate,
              cls: 'error',
              transactionId,
              attributes: [{ type: Attr.ErrorCode, value }],
            }),
          );
          if (!decoded.ok) throw new Error(decoded.detail);
          const read = readErrorCode(decoded.message);
          expect(read.ok).toBe(errorClass >= 3 && errorClass <= 6 && number < 100);
          if (read.ok) expect(read.value.code).toBe(errorClass * 100 + number);
        },
      ),
    );
  });
});

describe('STUN codec against hostile bytes', () => {
  it('never throws on arbitrary bytes, and the attribute readers never throw on what decodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (raw) => {
        const decoded = decodeSafely(Buffer.from(raw));
        if (decoded.ok) {
          for (const type of [Attr.XorMappedAddress, Attr.MappedAddress, Attr.XorRelayedAddress])
            readAddress(decoded.message, type, true);
          readErrorCode(decoded.message);
          readText(decoded.message, Attr.Realm);
          readUint32(decoded.message, Attr.Lifetime);
          checkIntegrity(decoded.message, Buffer.from('key'));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on STUN-shaped bytes (right cookie, plausible lengths)', () => {
    const shaped = fc
      .record({
        type: fc.integer({ min: 0, max: 0x3fff }),
        tid: tidArb,
        body: fc.uint8Array({ maxLength: 400 }),
        lengthDelta: fc.integer({ min: -8, max: 8 }),
      })
      .map(({ type, tid, body, lengthDelta }) => {
        const header = Buffer.alloc(HEADER_BYTES);
        header.writeUInt16BE(type, 0);
        header.writeUInt16BE(Math.max(0, Math.min(0xffff, body.length + lengthDelta)), 2);
        header.writeUInt32BE(MAGIC_COOKIE, 4);
        tid.copy(header, 8);
        return Buffer.concat([header, Buffer.from(body)]);
      });
    fc.assert(
      fc.property(shaped, (bytes) => void decodeSafely(bytes)),
      { numRuns: 2000 },
    );
  });

  it('refuses every truncation of a valid message', () => {
    fc.assert(
      fc.property(messageArb, fc.boolean(), fc.nat(), (message, fingerprint, cut) => {
        const bytes = encodeMessage(message, { fingerprint, integrityKey: longTermKey('u', 'r', 'p') });
        const at = cut % bytes.length;
        const result = decodeSafely(bytes.subarray(0, at));
        expect(result.ok).toBe(false);
        if (!result.ok) expect(['short', 'length']).toContain(result.problem);
      }),
      { numRuns: 300 },
    );
  });

  it('never accepts a flipped byte of a fingerprinted message as fingerprinted', () => {
    fc.assert(
      fc.property(messageArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (message, position, mask) => {
        const bytes = Buffer.from(encodeMessage(message, { fingerprint: true }));
        const at = position % bytes.length;
        bytes[at] = bytes[at]! ^ mask;
        const result = decodeSafely(bytes);
        // A flip can only decode when it hides the FINGERPRINT (its type changed, or a length
        // swallowing it): FINGERPRINT is optional. A message still carrying one never passes altered.
        if (result.ok)
          expect(result.message.attributes.some((attribute) => attribute.type === Attr.Fingerprint)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('names each hostile shape', () => {
    const tid = Buffer.alloc(12, 7);
    const good = encodeMessage({
      method: StunMethod.Binding,
      cls: 'success',
      transactionId: tid,
      attributes: [{ type: Attr.Software, value: Buffer.from('x') }],
    });
    const problem = (bytes: Buffer): DecodeProblem | 'ok' => {
      const result = decodeMessage(bytes);
      return result.ok ? 'ok' : result.problem;
    };
    expect(problem(good)).toBe('ok');
    expect(problem(good.subarray(0, 10))).toBe('short');
    expect(problem(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).toBe('not-stun');
    const cookie = Buffer.from(good);
    cookie.writeUInt32BE(0, 4);
    expect(problem(cookie)).toBe('cookie');
    const odd = Buffer.from(good);
    odd.writeUInt16BE(6, 2);
    expect(problem(odd)).toBe('length');
    const past = Buffer.from(good);
    past.writeUInt16BE(400, HEADER_BYTES + 2);
    expect(problem(past)).toBe('attribute');
    const many = encodeMessage({
      method: StunMethod.Binding,
      cls: 'success',
      transactionId: tid,
      attributes: Array.from({ length: MAX_ATTRIBUTES + 1 }, () => ({ type: 0x8050, value: Buffer.alloc(0) })),
    });
    expect(problem(many)).toBe('too-many-attributes');
    const fingerprinted = encodeMessage(
      { method: StunMethod.Binding, cls: 'request', transactionId: tid, attributes: [] },
      { fingerprint: true },
    );
    const notLast = Buffer.concat([fingerprinted, Buffer.from([0x80, 0x22, 0, 0])]);
    notLast.writeUInt16BE(notLast.length - HEADER_BYTES, 2);
    expect(problem(notLast)).toBe('fingerprint');
  });

  it('reads no address from a wrong-length or unknown-family attribute', () => {
    const tid = Buffer.alloc(12, 1);
    for (const value of [
      Buffer.alloc(3),
      Buffer.from([0, 1, 0, 80, 1, 2, 3]),
      Buffer.from([0, 3, 0, 80, 1, 2, 3, 4]),
      Buffer.alloc(21, 2),
    ]) {
      const decoded = decodeMessage(
        encodeMessage({
          method: StunMethod.Binding,
          cls: 'success',
          transactionId: tid,
          attributes: [{ type: Attr.XorMappedAddress, value }],
        }),
      );
      if (!decoded.ok) throw new Error(decoded.detail);
      expect(readAddress(decoded.message, Attr.XorMappedAddress, true).ok).toBe(false);
    }
  });
});
