import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { crc32 } from 'node:zlib';
import { printable } from '../peer-text.js';

/**
 * The STUN message codec (RFC 5389, as RFC 8489 keeps it on the wire) with the TURN attributes of
 * RFC 5766. Decoding never throws: whatever a peer sends comes back as a typed problem, so a
 * hostile TURN server cannot crash or stall a scan. Written here rather than taken from npm: see
 * docs/edge-discovery.md ("The STUN/TURN codec").
 */

/** RFC 5389 section 6: the fixed value that tells STUN from RFC 3489 and from other protocols. */
export const MAGIC_COOKIE = 0x2112a442;
export const HEADER_BYTES = 20;
/** The 16-bit length field counts attribute bytes and is always a multiple of 4. */
export const MAX_BODY_BYTES = 65532;
export const MAX_MESSAGE_BYTES = HEADER_BYTES + MAX_BODY_BYTES;
/**
 * A real answer carries a dozen attributes; a message packing thousands of empty ones is an
 * attempt to make the reader loop, so it is refused as malformed.
 */
export const MAX_ATTRIBUTES = 128;

export const StunMethod = { Binding: 0x001, Allocate: 0x003, Refresh: 0x004 } as const;
export type StunClass = 'request' | 'indication' | 'success' | 'error';

/** Attribute types used here (RFC 5389 section 18.2, RFC 5766 section 14). */
export const Attr = {
  MappedAddress: 0x0001,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  UnknownAttributes: 0x000a,
  Lifetime: 0x000d,
  XorPeerAddress: 0x0012,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorRelayedAddress: 0x0016,
  RequestedTransport: 0x0019,
  XorMappedAddress: 0x0020,
  Software: 0x8022,
  Fingerprint: 0x8028,
} as const;

/** RFC 5389 section 15.5: the CRC-32 is XORed with this so a STUN CRC never equals another protocol's. */
const FINGERPRINT_XOR = 0x5354554e;
/** UTF-8 byte limits of the text attributes (RFC 5389 sections 15.3, 15.7, 15.8, 15.10). */
const TEXT_LIMITS: Record<number, number> = {
  [Attr.Username]: 513,
  [Attr.Realm]: 763,
  [Attr.Nonce]: 763,
  [Attr.Software]: 763,
};

export interface StunAttribute {
  type: number;
  value: Buffer;
  /** Offset of the attribute's type field in the message (MESSAGE-INTEGRITY covers the bytes before it). */
  offset: number;
}

export interface StunMessage {
  method: number;
  cls: StunClass;
  transactionId: Buffer;
  attributes: StunAttribute[];
  /** The bytes decoded (MESSAGE-INTEGRITY is verified over them). */
  raw: Buffer;
}

export type DecodeProblem =
  'short' | 'not-stun' | 'cookie' | 'length' | 'attribute' | 'too-many-attributes' | 'fingerprint';

export type DecodeResult = { ok: true; message: StunMessage } | { ok: false; problem: DecodeProblem; detail: string };

export interface TransportAddress {
  family: 'IPv4' | 'IPv6';
  address: string;
  port: number;
}

export interface StunErrorCode {
  code: number;
  reason: string;
}

const CLASSES: readonly StunClass[] = ['request', 'indication', 'success', 'error'];

/** RFC 5389 section 6: the method's 12 bits and the class's 2 bits are interleaved in the type. */
export function messageType(method: number, cls: StunClass): number {
  const c = CLASSES.indexOf(cls);
  return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | ((c & 1) << 4) | ((c & 2) << 7);
}

function splitType(type: number): { method: number; cls: StunClass } {
  const c = ((type >> 4) & 1) | ((type >> 7) & 2);
  const method = (type & 0x000f) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0f80);
  return { method, cls: CLASSES[c] ?? 'request' };
}

export function newTransactionId(): Buffer {
  return randomBytes(12);
}

/**
 * Reads a whole message. Checks, in order: the header is there, the two top bits are zero and
 * the cookie is RFC 5389's (else it is not STUN), the length field is a multiple of 4 and matches
 * the bytes, every attribute fits, and a FINGERPRINT, when present, is last and correct.
 */
export function decodeMessage(bytes: Buffer): DecodeResult {
  if (bytes.length < HEADER_BYTES)
    return { ok: false, problem: 'short', detail: `${bytes.length} bytes, shorter than a STUN header` };
  const type = bytes.readUInt16BE(0);
  if ((type & 0xc000) !== 0)
    return { ok: false, problem: 'not-stun', detail: 'the first two bits are not zero (not a STUN message)' };
  const cookie = bytes.readUInt32BE(4);
  if (cookie !== MAGIC_COOKIE) {
    return {
      ok: false,
      problem: 'cookie',
      detail: `magic cookie 0x${cookie.toString(16).padStart(8, '0')} instead of 0x2112a442 (not an RFC 5389 message)`,
    };
  }
  const length = bytes.readUInt16BE(2);
  if (length % 4 !== 0)
    return { ok: false, problem: 'length', detail: `message length ${length} is not a multiple of 4` };
  if (HEADER_BYTES + length !== bytes.length) {
    return {
      ok: false,
      problem: 'length',
      detail: `the header announces ${length} attribute bytes but ${bytes.length - HEADER_BYTES} follow`,
    };
  }
  const attributes: StunAttribute[] = [];
  let offset = HEADER_BYTES;
  while (offset < bytes.length) {
    if (attributes.length >= MAX_ATTRIBUTES)
      return { ok: false, problem: 'too-many-attributes', detail: `more than ${MAX_ATTRIBUTES} attributes` };
    if (offset + 4 > bytes.length)
      return { ok: false, problem: 'attribute', detail: `a truncated attribute header at byte ${offset}` };
    const attributeType = bytes.readUInt16BE(offset);
    const valueLength = bytes.readUInt16BE(offset + 2);
    const end = offset + 4 + valueLength;
    if (end > bytes.length) {
      return {
        ok: false,
        problem: 'attribute',
        detail: `attribute 0x${attributeType.toString(16).padStart(4, '0')} claims ${valueLength} bytes past the end of the message`,
      };
    }
    attributes.push({ type: attributeType, value: bytes.subarray(offset + 4, end), offset });
    offset = end + ((4 - (valueLength % 4)) % 4);
  }
  if (offset !== bytes.length)
    return { ok: false, problem: 'attribute', detail: 'the last attribute padding runs past the end of the message' };
  const message: StunMessage = {
    ...splitType(type),
    transactionId: bytes.subarray(8, 20),
    attributes,
    raw: bytes,
  };
  const fingerprintAt = attributes.findIndex((attribute) => attribute.type === Attr.Fingerprint);
  if (fingerprintAt !== -1) {
    const fingerprint = attributes[fingerprintAt]!;
    if (fingerprintAt !== attributes.length - 1)
      return { ok: false, problem: 'fingerprint', detail: 'FINGERPRINT is not the last attribute' };
    if (
      fingerprint.value.length !== 4 ||
      fingerprint.value.readUInt32BE(0) !== fingerprintOf(bytes, fingerprint.offset)
    )
      return { ok: false, problem: 'fingerprint', detail: 'FINGERPRINT does not match the message' };
  }
  return { ok: true, message };
}

export interface OutgoingMessage {
  method: number;
  cls: StunClass;
  transactionId: Buffer;
  attributes: Array<{ type: number; value: Buffer }>;
}

export interface EncodeOptions {
  /** Adds MESSAGE-INTEGRITY (HMAC-SHA1) with this key after the attributes. */
  integrityKey?: Buffer;
  /** Adds FINGERPRINT as the last attribute. */
  fingerprint?: boolean;
}

export function encodeMessage(message: OutgoingMessage, options: EncodeOptions = {}): Buffer {
  const parts: Buffer[] = [];
  for (const attribute of message.attributes) {
    if (attribute.value.length > 0xffff) throw new RangeError(`attribute 0x${attribute.type.toString(16)} too long`);
    const header = Buffer.alloc(4);
    header.writeUInt16BE(attribute.type, 0);
    header.writeUInt16BE(attribute.value.length, 2);
    parts.push(header, attribute.value, Buffer.alloc((4 - (attribute.value.length % 4)) % 4));
  }
  let body = Buffer.concat(parts);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt16BE(messageType(message.method, message.cls), 0);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  message.transactionId.copy(header, 8, 0, 12);
  if (options.integrityKey) {
    // RFC 5389 section 15.4: the HMAC covers the message with its length already counting the
    // MESSAGE-INTEGRITY attribute (24 bytes) but not a FINGERPRINT that follows.
    header.writeUInt16BE(body.length + 24, 2);
    const hmac = createHmac('sha1', options.integrityKey).update(header).update(body).digest();
    body = Buffer.concat([body, attributeBytes(Attr.MessageIntegrity, hmac)]);
  }
  if (body.length + (options.fingerprint ? 8 : 0) > MAX_BODY_BYTES) throw new RangeError('STUN message too long');
  if (options.fingerprint) {
    header.writeUInt16BE(body.length + 8, 2);
    const crc = (crc32(Buffer.concat([header, body])) ^ FINGERPRINT_XOR) >>> 0;
    const value = Buffer.alloc(4);
    value.writeUInt32BE(crc, 0);
    body = Buffer.concat([body, attributeBytes(Attr.Fingerprint, value)]);
  }
  header.writeUInt16BE(body.length, 2);
  return Buffer.concat([header, body]);
}

function attributeBytes(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
}

/** The CRC the FINGERPRINT at `offset` must hold: over the bytes before it, length counting it. */
function fingerprintOf(bytes: Buffer, offset: number): number {
  const covered = Buffer.from(bytes.subarray(0, offset));
  covered.writeUInt16BE(offset - HEADER_BYTES + 8, 2);
  return (crc32(covered) ^ FINGERPRINT_XOR) >>> 0;
}

/** RFC 5389 section 15.4: long-term credential key = MD5(username ":" realm ":" password). */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  // SASLprep (RFC 4013) is not applied: the names and passwords TURN deployments use are ASCII.
  return createHash('md5').update(`${username}:${realm}:${password}`, 'utf8').digest();
}

/**
 * Whether the message's MESSAGE-INTEGRITY verifies with `key`: 'absent' when it has none,
 * 'invalid' when it is malformed or the HMAC differs.
 */
export function checkIntegrity(message: StunMessage, key: Buffer): 'valid' | 'invalid' | 'absent' {
  const attribute = message.attributes.find((candidate) => candidate.type === Attr.MessageIntegrity);
  if (!attribute) return 'absent';
  if (attribute.value.length !== 20) return 'invalid';
  const covered = Buffer.from(message.raw.subarray(0, attribute.offset));
  covered.writeUInt16BE(attribute.offset - HEADER_BYTES + 24, 2);
  const expected = createHmac('sha1', key).update(covered).digest();
  return timingSafeEqual(expected, attribute.value) ? 'valid' : 'invalid';
}

/** The first attribute of a type, ignoring those after MESSAGE-INTEGRITY (RFC 5389 section 15.4). */
export function findAttribute(message: StunMessage, type: number): StunAttribute | undefined {
  for (const attribute of message.attributes) {
    if (attribute.type === type) return attribute;
    if (attribute.type === Attr.MessageIntegrity) return undefined;
  }
  return undefined;
}

export type AttributeRead<T> = { ok: true; value: T } | { ok: false; detail: string };

/** MAPPED-ADDRESS, or an XOR-*-ADDRESS when `xor` (RFC 5389 sections 15.1 and 15.2). */
export function readAddress(message: StunMessage, type: number, xor: boolean): AttributeRead<TransportAddress> {
  const attribute = findAttribute(message, type);
  const name = attributeName(type);
  if (!attribute) return { ok: false, detail: `no ${name}` };
  const value = attribute.value;
  if (value.length < 4) return { ok: false, detail: `${name} is ${value.length} bytes` };
  const family = value[1];
  const expected = family === 0x01 ? 8 : family === 0x02 ? 20 : undefined;
  if (expected === undefined)
    return { ok: false, detail: `${name} has unknown address family 0x${family?.toString(16)}` };
  if (value.length !== expected)
    return { ok: false, detail: `${name} is ${value.length} bytes for family ${family === 1 ? 'IPv4' : 'IPv6'}` };
  const port = value.readUInt16BE(2) ^ (xor ? MAGIC_COOKIE >>> 16 : 0);
  const raw = Buffer.from(value.subarray(4));
  if (xor) {
    const mask = Buffer.alloc(16);
    mask.writeUInt32BE(MAGIC_COOKIE, 0);
    message.transactionId.copy(mask, 4);
    for (let i = 0; i < raw.length; i++) raw[i] = raw[i]! ^ mask[i]!;
  }
  const address =
    family === 0x01
      ? [...raw].join('.')
      : (raw.toString('hex').match(/.{4}/g) ?? []).join(':').replace(/\b0+(?=\w)/g, '');
  return { ok: true, value: { family: family === 0x01 ? 'IPv4' : 'IPv6', address: compressIPv6(address), port } };
}

/** An address attribute's value (XORed when `xor`) for messages we build and for the lab responders. */
export function addressValue(address: TransportAddress, transactionId: Buffer, xor: boolean): Buffer {
  const ipv4 = address.family === 'IPv4';
  const raw = ipv4 ? Buffer.from(address.address.split('.').map(Number)) : ipv6Bytes(address.address);
  const value = Buffer.alloc(4 + raw.length);
  value[1] = ipv4 ? 0x01 : 0x02;
  value.writeUInt16BE(address.port ^ (xor ? MAGIC_COOKIE >>> 16 : 0), 2);
  const mask = Buffer.alloc(16);
  mask.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.copy(mask, 4);
  for (let i = 0; i < raw.length; i++) value[4 + i] = raw[i]! ^ (xor ? mask[i]! : 0);
  return value;
}

function ipv6Bytes(address: string): Buffer {
  let text = address;
  // An IPv4-mapped tail (::ffff:192.0.2.1) becomes two hex groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::', 2) : [text, undefined];
  const groupsOf = (part: string | undefined): string[] => (part ? part.split(':') : []);
  const headGroups = groupsOf(head);
  const tailGroups = groupsOf(tail);
  const groups =
    tail === undefined
      ? headGroups
      : [
          ...headGroups,
          ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'),
          ...tailGroups,
        ];
  const bytes = Buffer.alloc(16);
  groups.slice(0, 8).forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16) & 0xffff, i * 2));
  return bytes;
}

/** RFC 5952 form: the longest run of zero groups becomes "::". */
function compressIPv6(address: string): string {
  if (isIPv4(address) || !address.includes(':')) return address;
  const groups = address.split(':').map((group) => group || '0');
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart === -1) return groups.join(':');
  const compressed = `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
  return isIPv6(compressed) ? compressed : groups.join(':');
}

/** ERROR-CODE (RFC 5389 section 15.6): class 3-6 and number 0-99 make the code 300-699. */
export function readErrorCode(message: StunMessage): AttributeRead<StunErrorCode> {
  const attribute = findAttribute(message, Attr.ErrorCode);
  if (!attribute) return { ok: false, detail: 'no ERROR-CODE' };
  const value = attribute.value;
  if (value.length < 4) return { ok: false, detail: `ERROR-CODE is ${value.length} bytes` };
  const errorClass = value[2]! & 0x07;
  const number = value[3]!;
  if (errorClass < 3 || errorClass > 6 || number > 99)
    return { ok: false, detail: `ERROR-CODE class ${errorClass} number ${number} is out of range` };
  return {
    ok: true,
    value: { code: errorClass * 100 + number, reason: printable(value.subarray(4).toString('utf8'), 200) },
  };
}

export function errorCodeValue(code: number, reason: string): Buffer {
  const text = Buffer.from(reason, 'utf8');
  const value = Buffer.alloc(4 + text.length);
  value[2] = Math.floor(code / 100);
  value[3] = code % 100;
  text.copy(value, 4);
  return value;
}

/** USERNAME, REALM, NONCE, SOFTWARE: UTF-8 within the RFC's byte limit. */
export function readText(message: StunMessage, type: number): AttributeRead<string> {
  const attribute = findAttribute(message, type);
  if (!attribute) return { ok: false, detail: `no ${attributeName(type)}` };
  const limit = TEXT_LIMITS[type] ?? 763;
  if (attribute.value.length > limit)
    return { ok: false, detail: `${attributeName(type)} is ${attribute.value.length} bytes (limit ${limit})` };
  return { ok: true, value: attribute.value.toString('utf8') };
}

/** The raw bytes of REALM or NONCE: they go back to the server exactly as received. */
export function readOpaque(message: StunMessage, type: number): AttributeRead<Buffer> {
  const text = readText(message, type);
  if (!text.ok) return text;
  return { ok: true, value: Buffer.from(findAttribute(message, type)!.value) };
}

export function readUint32(message: StunMessage, type: number): AttributeRead<number> {
  const attribute = findAttribute(message, type);
  if (!attribute) return { ok: false, detail: `no ${attributeName(type)}` };
  if (attribute.value.length !== 4)
    return { ok: false, detail: `${attributeName(type)} is ${attribute.value.length} bytes, not 4` };
  return { ok: true, value: attribute.value.readUInt32BE(0) };
}

export function uint32Value(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0, 0);
  return bytes;
}

/** RFC 5766 section 14.7: the protocol number (17 = UDP) then three reserved bytes. */
export function requestedTransportValue(protocol: number): Buffer {
  return Buffer.from([protocol, 0, 0, 0]);
}

const NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Attr).map(([key, type]) => [type, key.replace(/([a-z])([A-Z])/g, '$1-$2').toUpperCase()]),
);

export function attributeName(type: number): string {
  return NAMES[type] ?? `attribute 0x${type.toString(16).padStart(4, '0')}`;
}
