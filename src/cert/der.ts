/**
 * A bounded reader for the DER that RFC 5280 path validation has to see as encoded: the time
 * forms of the validity field, each extension's criticality and repetition, the curve parameters
 * of a key, the exact bytes of an iPAddress subtree. Typed ASN.1 decoders normalise exactly these
 * away (a GeneralizedTime becomes a Date, an IP subtree a CIDR string, an absent critical flag
 * and an explicit FALSE the same boolean), so the certificate is walked here, element by element.
 * Every read is checked against the buffer: a damaged certificate gives a DerError, never an
 * out-of-range read or an unbounded loop.
 */
export class DerError extends Error {}

export interface Tlv {
  /** The identifier octet: class bits, constructed bit and a low tag number (high tags are refused). */
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just past the last content octet. */
  end: number;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific tag [n], constructed or primitive. */
export const contextTag = (n: number, constructed: boolean): number => 0x80 | (constructed ? 0x20 : 0) | n;

/** Reads the element that starts at `offset`, which must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError(`truncated element at offset ${offset}`);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`high tag number at offset ${offset}`);
  let length = buf[offset + 1]!;
  let contentStart = offset + 2;
  if (length === 0x80) throw new DerError(`indefinite length at offset ${offset} (BER, not DER)`);
  if (length > 0x80) {
    const octets = length & 0x7f;
    if (octets > 4 || contentStart + octets > limit) throw new DerError(`bad length at offset ${offset}`);
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + buf[contentStart + i]!;
    contentStart += octets;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError(`element at offset ${offset} runs past its container`);
  return { tag, start: offset, contentStart, end };
}

/** The elements inside a constructed element, in order. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let offset = parent.contentStart;
  while (offset < parent.end) {
    const child = readTlv(buf, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

export function expectTag(element: Tlv | undefined, tag: number, what: string): Tlv {
  if (!element) throw new DerError(`${what} missing`);
  if (element.tag !== tag) {
    throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${element.tag.toString(16)}`);
  }
  return element;
}

export const contentOf = (buf: Uint8Array, element: Tlv): Buffer =>
  Buffer.from(buf.buffer, buf.byteOffset + element.contentStart, element.end - element.contentStart);

export const encodingOf = (buf: Uint8Array, element: Tlv): Buffer =>
  Buffer.from(buf.buffer, buf.byteOffset + element.start, element.end - element.start);

/** Dotted OBJECT IDENTIFIER (X.690 8.19); arcs beyond 2^53 are refused rather than rounded. */
export function decodeOid(content: Uint8Array): string {
  if (content.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < content.length; i++) {
    const byte = content[i]!;
    if (value === 0 && byte === 0x80) throw new DerError('OBJECT IDENTIFIER arc with a leading 0x80 octet');
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER) throw new DerError('OBJECT IDENTIFIER arc too large');
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    } else if (i === content.length - 1) {
      throw new DerError('truncated OBJECT IDENTIFIER');
    }
  }
  return arcs.join('.');
}

export function decodeBoolean(content: Uint8Array): boolean {
  if (content.length !== 1) throw new DerError('BOOLEAN of length other than 1');
  // X.690 11.1: DER encodes TRUE as 0xFF only.
  if (content[0] !== 0x00 && content[0] !== 0xff) throw new DerError('BOOLEAN neither 0x00 nor 0xFF');
  return content[0] === 0xff;
}

/** A small INTEGER (path lengths, versions); larger magnitudes are clamped to MAX_SAFE_INTEGER. */
export function decodeSmallInteger(content: Uint8Array): number {
  if (content.length === 0) throw new DerError('empty INTEGER');
  const negative = (content[0]! & 0x80) !== 0;
  if (negative) return -1;
  let value = 0;
  for (const byte of content) {
    value = value * 256 + byte;
    if (value > Number.MAX_SAFE_INTEGER) return Number.MAX_SAFE_INTEGER;
  }
  return value;
}

/** BIT STRING content: the unused-bit count and the bits, most significant first. */
export function decodeBitString(content: Uint8Array): { bits: Uint8Array; unused: number } {
  if (content.length === 0) throw new DerError('empty BIT STRING');
  const unused = content[0]!;
  if (unused > 7 || (content.length === 1 && unused !== 0)) throw new DerError('bad BIT STRING padding');
  return { bits: content.subarray(1), unused };
}
