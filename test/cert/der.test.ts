import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DerError, children, decodeOid, readTlv } from '../../src/cert/der.js';
import {
  decodeBasicConstraints,
  decodeGeneralNames,
  decodeKeyUsage,
  decodeNameConstraints,
} from '../../src/cert/extensions.js';

describe('the DER reader', () => {
  it('reads definite lengths in short and long form and walks children', () => {
    const buf = Buffer.from('3009020101' + '0481' + '03' + 'aabbcc', 'hex');
    const top = readTlv(buf, 0);
    expect(top).toEqual({ tag: 0x30, start: 0, contentStart: 2, end: 11 });
    expect(children(buf, top).map((child) => child.tag)).toEqual([0x02, 0x04]);
  });

  it('refuses BER indefinite lengths, high tags, truncation and overlong lengths', () => {
    expect(() => readTlv(Buffer.from('3080', 'hex'), 0)).toThrow(/indefinite length/);
    expect(() => readTlv(Buffer.from('1f0100', 'hex'), 0)).toThrow(/high tag/);
    expect(() => readTlv(Buffer.from('3005', 'hex'), 0)).toThrow(/runs past/);
    expect(() => readTlv(Buffer.from('3085ffffffffff', 'hex'), 0)).toThrow(/bad length/);
  });

  it('decodes OIDs, refusing non-minimal and truncated arcs', () => {
    expect(decodeOid(Buffer.from('551d13', 'hex'))).toBe('2.5.29.19');
    expect(decodeOid(Buffer.from('2a864886f70d010101', 'hex'))).toBe('1.2.840.113549.1.1.1');
    expect(() => decodeOid(Buffer.from('5580', 'hex'))).toThrow(DerError);
    expect(() => decodeOid(Buffer.from('558001', 'hex'))).toThrow(/leading 0x80/);
  });

  it('turns any bytes into a value or a DerError, never another exception or a hang', () => {
    const decoders = [decodeBasicConstraints, decodeGeneralNames, decodeKeyUsage, decodeNameConstraints];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        for (const decode of decoders) {
          try {
            decode(Buffer.from(bytes));
          } catch (error) {
            expect(error).toBeInstanceOf(DerError);
          }
        }
      }),
      { seed: 5280, numRuns: 2000 },
    );
  });
});
