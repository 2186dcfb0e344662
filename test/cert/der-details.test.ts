import { describe, expect, it } from 'vitest';
import {
  TAG,
  children,
  contentOf,
  contextTag,
  decodeBitString,
  decodeBoolean,
  decodeOid,
  decodeSmallInteger,
  encodingOf,
  expectTag,
  readTlv,
} from '../../src/cert/der.js';
import { derMessage, hex } from './der-text.js';

describe('readTlv: exact elements', () => {
  it('reads a zero-length element at the very end of the buffer', () => {
    expect(readTlv(hex('0500'), 0)).toEqual({ tag: 0x05, start: 0, contentStart: 2, end: 2 });
    expect(readTlv(hex('aa 0400'), 1)).toEqual({ tag: 0x04, start: 1, contentStart: 3, end: 3 });
  });

  it('reads short lengths up to 0x7f and long forms of one to four octets', () => {
    const short = Buffer.concat([hex('047f'), Buffer.alloc(0x7f)]);
    expect(readTlv(short, 0)).toEqual({ tag: 0x04, start: 0, contentStart: 2, end: 0x81 });
    const one = Buffer.concat([hex('0481ff'), Buffer.alloc(0xff)]);
    expect(readTlv(one, 0)).toEqual({ tag: 0x04, start: 0, contentStart: 3, end: 3 + 0xff });
    const two = Buffer.concat([hex('04820102'), Buffer.alloc(0x102)]);
    expect(readTlv(two, 0)).toEqual({ tag: 0x04, start: 0, contentStart: 4, end: 4 + 0x102 });
    const three = Buffer.concat([hex('0483000101'), Buffer.alloc(0x101)]);
    expect(readTlv(three, 0)).toEqual({ tag: 0x04, start: 0, contentStart: 5, end: 5 + 0x101 });
    const four = Buffer.concat([hex('048400000003'), Buffer.alloc(3)]);
    expect(readTlv(four, 0)).toEqual({ tag: 0x04, start: 0, contentStart: 6, end: 9 });
    // 0x81 0x00: a long form of length zero.
    expect(readTlv(hex('048100'), 0)).toEqual({ tag: 0x04, start: 0, contentStart: 3, end: 3 });
  });

  it('accepts an element that ends exactly at the limit and refuses one that passes it', () => {
    const buf = hex('0401aa 0401bb');
    expect(readTlv(buf, 0, 3)).toEqual({ tag: 0x04, start: 0, contentStart: 2, end: 3 });
    expect(derMessage(() => readTlv(buf, 0, 2))).toBe('element at offset 0 runs past its container');
    expect(readTlv(buf, 3)).toEqual({ tag: 0x04, start: 3, contentStart: 5, end: 6 });
    expect(derMessage(() => readTlv(buf, 3, 5))).toBe('element at offset 3 runs past its container');
  });

  it('names the offset of each refusal', () => {
    expect(derMessage(() => readTlv(hex('04'), 0))).toBe('truncated element at offset 0');
    expect(derMessage(() => readTlv(hex('0400 05'), 2))).toBe('truncated element at offset 2');
    expect(derMessage(() => readTlv(hex('0400'), 0, 1))).toBe('truncated element at offset 0');
    expect(derMessage(() => readTlv(hex('00 1f0100'), 1))).toBe('high tag number at offset 1');
    expect(derMessage(() => readTlv(hex('00 3f00'), 1))).toBe('high tag number at offset 1');
    expect(derMessage(() => readTlv(hex('00 3080'), 1))).toBe('indefinite length at offset 1 (BER, not DER)');
    expect(derMessage(() => readTlv(hex('00 0485 0000000001 aa'), 1))).toBe('bad length at offset 1');
    // The length octets themselves must lie inside the limit.
    expect(derMessage(() => readTlv(hex('0482 01'), 0))).toBe('bad length at offset 0');
    expect(derMessage(() => readTlv(hex('0482 0001 aa'), 0, 3))).toBe('bad length at offset 0');
    expect(readTlv(hex('0482 0001 aa'), 0, 5)).toEqual({ tag: 0x04, start: 0, contentStart: 4, end: 5 });
    expect(derMessage(() => readTlv(hex('0481 05 aa'), 0))).toBe('element at offset 0 runs past its container');
  });

  it('keeps tags below the high-tag form, context tags included', () => {
    expect(readTlv(hex('1e00'), 0).tag).toBe(0x1e);
    expect(readTlv(hex('a000'), 0).tag).toBe(0xa0);
    expect(readTlv(hex('9e00'), 0).tag).toBe(0x9e);
  });
});

describe('children, expectTag, contentOf, encodingOf', () => {
  it('walks the children inside the parent only, and none of an empty parent', () => {
    const buf = hex('3006 0201 05 0401 aa 0500');
    const top = readTlv(buf, 0);
    expect(children(buf, top)).toEqual([
      { tag: 0x02, start: 2, contentStart: 4, end: 5 },
      { tag: 0x04, start: 5, contentStart: 7, end: 8 },
    ]);
    expect(children(hex('3000'), readTlv(hex('3000'), 0))).toEqual([]);
    // A child running past its parent (though not past the buffer) is refused.
    const overrun = hex('3003 0402 aabb');
    expect(derMessage(() => children(overrun, readTlv(overrun, 0, 5)))).toBe(
      'element at offset 2 runs past its container',
    );
  });

  it('expectTag returns the element or names what is missing or mistagged', () => {
    const element = readTlv(hex('0400'), 0);
    expect(expectTag(element, TAG.OCTET_STRING, 'the key')).toBe(element);
    expect(derMessage(() => expectTag(undefined, TAG.SEQUENCE, 'the validity'))).toBe('the validity missing');
    expect(derMessage(() => expectTag(element, TAG.SEQUENCE, 'the validity'))).toBe(
      'the validity: expected tag 0x30, found 0x4',
    );
  });

  it('contentOf and encodingOf view the bytes of a sub-array at its own offset', () => {
    const outer = hex('ffff 0402 aabb ffff');
    const view = outer.subarray(2, 6);
    const element = readTlv(view, 0);
    expect(contentOf(view, element).toString('hex')).toBe('aabb');
    expect(encodingOf(view, element).toString('hex')).toBe('0402aabb');
  });

  it('contextTag sets the class and constructed bits', () => {
    expect(contextTag(0, true)).toBe(0xa0);
    expect(contextTag(3, true)).toBe(0xa3);
    expect(contextTag(2, false)).toBe(0x82);
    expect(contextTag(7, false)).toBe(0x87);
  });
});

describe('decodeOid', () => {
  it('splits the first octet into two arcs below 80 and into 2.x from 80', () => {
    expect(decodeOid(hex('00'))).toBe('0.0');
    expect(decodeOid(hex('27'))).toBe('0.39');
    expect(decodeOid(hex('28'))).toBe('1.0');
    expect(decodeOid(hex('4f'))).toBe('1.39');
    expect(decodeOid(hex('50'))).toBe('2.0');
    expect(decodeOid(hex('51'))).toBe('2.1');
    expect(decodeOid(hex('8837'))).toBe('2.999');
    expect(decodeOid(hex('2b0601'))).toBe('1.3.6.1');
  });

  it('reads multi-octet arcs and zero arcs after the first', () => {
    expect(decodeOid(hex('2b 00 8101 7f'))).toBe('1.3.0.129.127');
    expect(decodeOid(hex('2b 82e501'))).toBe('1.3.45697');
  });

  it('refuses empty, truncated, leading 0x80 and too-large arcs with their messages', () => {
    expect(derMessage(() => decodeOid(hex('')))).toBe('empty OBJECT IDENTIFIER');
    expect(derMessage(() => decodeOid(hex('2b81')))).toBe('truncated OBJECT IDENTIFIER');
    expect(derMessage(() => decodeOid(hex('81')))).toBe('truncated OBJECT IDENTIFIER');
    expect(derMessage(() => decodeOid(hex('2b 80 01')))).toBe('OBJECT IDENTIFIER arc with a leading 0x80 octet');
    expect(derMessage(() => decodeOid(hex('80 01')))).toBe('OBJECT IDENTIFIER arc with a leading 0x80 octet');
    // 0x80 inside an arc (not leading) is a zero septet and fine.
    expect(decodeOid(hex('2b 8100'))).toBe('1.3.128');
    // 2^53 - 1 is the largest arc taken; one more is refused.
    expect(decodeOid(hex('2b 8fffffffffffff7f'))).toBe(`1.3.${Number.MAX_SAFE_INTEGER}`);
    expect(derMessage(() => decodeOid(hex('2b 9080808080808080 00')))).toBe('OBJECT IDENTIFIER arc too large');
  });
});

describe('decodeBoolean, decodeSmallInteger, decodeBitString', () => {
  it('decodes only the DER booleans', () => {
    expect(decodeBoolean(hex('ff'))).toBe(true);
    expect(decodeBoolean(hex('00'))).toBe(false);
    expect(derMessage(() => decodeBoolean(hex('01')))).toBe('BOOLEAN neither 0x00 nor 0xFF');
    expect(derMessage(() => decodeBoolean(hex('7f')))).toBe('BOOLEAN neither 0x00 nor 0xFF');
    expect(derMessage(() => decodeBoolean(hex('')))).toBe('BOOLEAN of length other than 1');
    expect(derMessage(() => decodeBoolean(hex('ffff')))).toBe('BOOLEAN of length other than 1');
  });

  it('decodes small integers, -1 for any negative, clamping large ones', () => {
    expect(decodeSmallInteger(hex('00'))).toBe(0);
    expect(decodeSmallInteger(hex('7f'))).toBe(127);
    expect(decodeSmallInteger(hex('0080'))).toBe(128);
    expect(decodeSmallInteger(hex('0102'))).toBe(258);
    expect(decodeSmallInteger(hex('80'))).toBe(-1);
    expect(decodeSmallInteger(hex('ff'))).toBe(-1);
    expect(decodeSmallInteger(hex('8000'))).toBe(-1);
    expect(decodeSmallInteger(hex('1fffffffffffff'))).toBe(Number.MAX_SAFE_INTEGER);
    expect(decodeSmallInteger(hex('20000000000000'))).toBe(Number.MAX_SAFE_INTEGER);
    expect(decodeSmallInteger(hex('7fffffffffffffffffff'))).toBe(Number.MAX_SAFE_INTEGER);
    expect(derMessage(() => decodeSmallInteger(hex('')))).toBe('empty INTEGER');
  });

  it('decodes BIT STRING padding and refuses bad padding', () => {
    const { bits, unused } = decodeBitString(hex('07 80'));
    expect(unused).toBe(7);
    expect(Buffer.from(bits).toString('hex')).toBe('80');
    const empty = decodeBitString(hex('00'));
    expect(empty.unused).toBe(0);
    expect(empty.bits.length).toBe(0);
    expect(derMessage(() => decodeBitString(hex('08 00')))).toBe('bad BIT STRING padding');
    expect(derMessage(() => decodeBitString(hex('01')))).toBe('bad BIT STRING padding');
    expect(derMessage(() => decodeBitString(hex('')))).toBe('empty BIT STRING');
  });
});
