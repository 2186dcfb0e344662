import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/cert/certificate.js';
import { readTlv } from '../../src/cert/der.js';
import {
  decodeAuthorityKeyIdentifier,
  decodeBasicConstraints,
  decodeExtendedKeyUsage,
  decodeExtensions,
  decodeGeneralNames,
  decodeKeyUsage,
  decodeName,
  decodeNameConstraints,
  decodeSubjectKeyIdentifier,
} from '../../src/cert/extensions.js';
import { buildChain, conformingChain, resign } from './chains.js';
import { derMessage, hex } from './der-text.js';

/**
 * The RFC 5280 4.1.2.4 Name and 4.2 extension decoders, fed hand-built DER: every decoded value
 * is compared whole, and every refusal by its exact DerError message, so a decoder that accepts
 * a malformed value, drops a field or names the wrong element fails here.
 */

/** A DER element: `tag`, a minimal definite length, then the parts (hex text or octets) in order. */
function der(tag: number, ...parts: Array<string | Buffer>): Buffer {
  const content = Buffer.concat(parts.map((part) => (typeof part === 'string' ? hex(part) : part)));
  const length = content.length;
  const header = length < 0x80 ? [tag, length] : [tag, 0x81, length];
  return Buffer.concat([Buffer.from(header), content]);
}

const SEQ = 0x30;
const SET = 0x31;
const CN = '0603 550403';
const O = '0603 55040a';
const OU = '0603 55040b';
const C = '0603 550406';

const nameOf = (buf: Buffer): ReturnType<typeof decodeName> => decodeName(buf, readTlv(buf, 0));
/** A Name of one RDN holding one commonName with `value` (a whole string element). */
const cnName = (value: Buffer): Buffer => der(SEQ, der(SET, der(SEQ, CN, value)));

describe('decodeName: directory strings (RFC 5280 4.1.2.4, X.520 DirectoryString)', () => {
  it('reads UTF8String as UTF-8, PrintableString and T61String (Latin-1) octet by octet', () => {
    const name = der(
      SEQ,
      der(SET, der(SEQ, C, der(0x13, Buffer.from('DE')))),
      der(SET, der(SEQ, O, der(0x0c, Buffer.from('Zürich AG', 'utf8')))),
      der(SET, der(SEQ, OU, der(0x14, '4d fc 6e 63 68 65 6e'))),
    );
    expect(nameOf(name)).toStrictEqual([
      [{ type: '2.5.4.6', value: 'DE', tag: 0x13 }],
      [{ type: '2.5.4.10', value: 'Zürich AG', tag: 0x0c }],
      [{ type: '2.5.4.11', value: 'München', tag: 0x14 }],
    ]);
  });

  it('reads BMPString as big-endian UCS-2', () => {
    expect(nameOf(cnName(der(0x1e, '0041 00e9 20ac')))).toStrictEqual([[{ type: '2.5.4.3', value: 'Aé€', tag: 0x1e }]]);
    expect(nameOf(cnName(der(0x1e, '')))).toStrictEqual([[{ type: '2.5.4.3', value: '', tag: 0x1e }]]);
  });

  it('refuses a BMPString of an odd number of octets', () => {
    expect(derMessage(() => nameOf(cnName(der(0x1e, '0041 00'))))).toBe('BMPString of odd length');
    expect(derMessage(() => nameOf(cnName(der(0x1e, '41'))))).toBe('BMPString of odd length');
  });

  it('reads UniversalString as big-endian UCS-4, one code point per four octets, the astral planes included', () => {
    // Regression: a mask of 0x10ffff used to clear bits 16-19, reading U+1F600 as U+F600.
    expect(nameOf(cnName(der(0x1c, '00000041 000000e9 0001f600')))).toStrictEqual([
      [{ type: '2.5.4.3', value: 'Aé\u{1f600}', tag: 0x1c }],
    ]);
    expect(nameOf(cnName(der(0x1c, '0010ffff 000e0001')))).toStrictEqual([
      [{ type: '2.5.4.3', value: '\u{10ffff}\u{e0001}', tag: 0x1c }],
    ]);
    expect(nameOf(cnName(der(0x1c, '00000042')))).toStrictEqual([[{ type: '2.5.4.3', value: 'B', tag: 0x1c }]]);
    expect(nameOf(cnName(der(0x1c, '')))).toStrictEqual([[{ type: '2.5.4.3', value: '', tag: 0x1c }]]);
  });

  it('refuses a UniversalString character beyond U+10FFFF, as OpenSSL refuses the certificate', () => {
    const message = 'UniversalString character beyond U+10FFFF';
    expect(derMessage(() => nameOf(cnName(der(0x1c, '00000041 00110000'))))).toBe(message);
    expect(derMessage(() => nameOf(cnName(der(0x1c, 'ffffffff'))))).toBe(message);
  });

  it('a certificate whose commonName is a UniversalString outside the BMP: the same text as node:crypto reads', () => {
    const chain = conformingChain(0);
    const built = buildChain(chain);
    const subject = cnName(der(0x1c, '00000041 0001f600'));
    // TBSCertificate fields: version, serial, signature, issuer, validity, subject (index 5).
    const leaf = resign(
      built.leafDer,
      (fields) => fields.map((field, index) => (index === 5 ? subject : field)),
      chain.root.keys.privateKey,
    );
    const certificate = parseCertificate(leaf);
    expect(certificate.commonName).toBe('A\u{1f600}');
    expect(certificate.details.subjectName).toStrictEqual([[{ type: '2.5.4.3', value: 'A\u{1f600}', tag: 0x1c }]]);
  });

  it('refuses a UniversalString whose length is not a multiple of four', () => {
    const message = 'UniversalString length not a multiple of 4';
    expect(derMessage(() => nameOf(cnName(der(0x1c, '00000041 0000'))))).toBe(message);
    expect(derMessage(() => nameOf(cnName(der(0x1c, '000041'))))).toBe(message);
    expect(derMessage(() => nameOf(cnName(der(0x1c, '00000041 000000'))))).toBe(message);
  });

  it('keeps every attribute of a multi-valued RDN, in order, and reads an empty Name as no RDN', () => {
    const name = der(SEQ, der(SET, der(SEQ, CN, der(0x0c, '61')), der(SEQ, O, der(0x13, '62'))));
    expect(nameOf(name)).toStrictEqual([
      [
        { type: '2.5.4.3', value: 'a', tag: 0x0c },
        { type: '2.5.4.10', value: 'b', tag: 0x13 },
      ],
    ]);
    expect(nameOf(hex('3000'))).toStrictEqual([]);
  });
});

describe('decodeName: malformed Names are refused with what is wrong', () => {
  it('a Name that is not a SEQUENCE, an RDN that is not a SET', () => {
    expect(derMessage(() => nameOf(hex('3100')))).toBe('Name: expected tag 0x30, found 0x31');
    expect(derMessage(() => nameOf(hex('3002 3000')))).toBe('RelativeDistinguishedName: expected tag 0x31, found 0x30');
  });

  it('an empty RelativeDistinguishedName (X.501: a SET SIZE (1..MAX))', () => {
    expect(derMessage(() => nameOf(hex('3002 3100')))).toBe('empty RelativeDistinguishedName');
    // Also after a good RDN.
    const name = der(SEQ, der(SET, der(SEQ, CN, der(0x0c, '61'))), der(SET));
    expect(derMessage(() => nameOf(name))).toBe('empty RelativeDistinguishedName');
  });

  it('an AttributeTypeAndValue that is not a SEQUENCE, lacks a type OID or lacks its value', () => {
    expect(derMessage(() => nameOf(hex('3004 3102 3100')))).toBe(
      'AttributeTypeAndValue: expected tag 0x30, found 0x31',
    );
    expect(derMessage(() => nameOf(hex('3004 3102 3000')))).toBe('attribute type missing');
    expect(derMessage(() => nameOf(hex('3006 3104 3002 0c00')))).toBe('attribute type: expected tag 0x6, found 0xc');
    expect(derMessage(() => nameOf(der(SEQ, der(SET, der(SEQ, CN)))))).toBe('attribute without a value');
  });
});

describe('decodeGeneralNames (RFC 5280 4.2.1.6)', () => {
  it('reads every GeneralName alternative by its context tag', () => {
    const directory = der(SEQ, der(SET, der(SEQ, CN, der(0x0c, '4341'))));
    const value = der(
      SEQ,
      der(0xa0, '0603 2a0304', der(0xa0, '0c01 78')),
      der(0x81, Buffer.from('ops@example.com')),
      der(0x82, Buffer.from('a.example.com')),
      der(0xa3, '3000'),
      der(0xa4, directory),
      der(0xa5, '8101 41'),
      der(0x86, Buffer.from('https://example.com/')),
      der(0x87, '0a000001'),
      der(0x88, '2a0304'),
    );
    expect(decodeGeneralNames(value)).toStrictEqual([
      { kind: 'otherName', raw: hex('0603 2a0304 a003 0c01 78') },
      { kind: 'rfc822Name', value: 'ops@example.com' },
      { kind: 'dNSName', value: 'a.example.com' },
      { kind: 'x400Address', raw: hex('3000') },
      { kind: 'directoryName', rdns: [[{ type: '2.5.4.3', value: 'CA', tag: 0x0c }]] },
      { kind: 'ediPartyName', raw: hex('8101 41') },
      { kind: 'uniformResourceIdentifier', value: 'https://example.com/' },
      { kind: 'iPAddress', bytes: hex('0a000001') },
      { kind: 'registeredID', raw: hex('2a0304') },
    ]);
    expect(decodeGeneralNames(hex('3000'))).toStrictEqual([]);
  });

  it('refuses a GeneralName outside the context-specific class', () => {
    const message = 'GeneralName is not context-tagged';
    // Universal INTEGER 2, application [2], private [2]: each has the low tag number of dNSName.
    expect(derMessage(() => decodeGeneralNames(hex('3003 0201 61')))).toBe(message);
    expect(derMessage(() => decodeGeneralNames(hex('3003 4201 61')))).toBe(message);
    expect(derMessage(() => decodeGeneralNames(hex('3003 c201 61')))).toBe(message);
    // After a good one too.
    expect(derMessage(() => decodeGeneralNames(hex('3006 8201 61 1601 61')))).toBe(message);
  });

  it('refuses context tags above [8] with the tag number', () => {
    expect(derMessage(() => decodeGeneralNames(hex('3002 8900')))).toBe('unknown GeneralName tag [9]');
    expect(derMessage(() => decodeGeneralNames(hex('3002 be00')))).toBe('unknown GeneralName tag [30]');
  });

  it('requires exactly one Name inside the EXPLICIT [4] of a directoryName', () => {
    const message = 'directoryName must hold exactly one Name';
    expect(derMessage(() => decodeGeneralNames(hex('3002 a400')))).toBe(message);
    expect(derMessage(() => decodeGeneralNames(hex('3006 a404 3000 3000')))).toBe(message);
  });

  it('refuses a value that is not a SEQUENCE or has octets after it', () => {
    expect(derMessage(() => decodeGeneralNames(hex('3100')))).toBe('GeneralNames: expected tag 0x30, found 0x31');
    expect(derMessage(() => decodeGeneralNames(hex('3000 00')))).toBe('trailing octets after the extension value');
    expect(derMessage(() => decodeGeneralNames(hex('3003 8201 61 3000')))).toBe(
      'trailing octets after the extension value',
    );
  });
});

describe('decodeBasicConstraints (RFC 5280 4.2.1.9)', () => {
  it('reads cA (DEFAULT FALSE) and pathLenConstraint, leaving an absent one absent', () => {
    expect(decodeBasicConstraints(hex('3000'))).toStrictEqual({ cA: false });
    expect(decodeBasicConstraints(hex('3003 0101ff'))).toStrictEqual({ cA: true });
    expect(decodeBasicConstraints(hex('3003 010100'))).toStrictEqual({ cA: false });
    expect(decodeBasicConstraints(hex('3006 0101ff 020100'))).toStrictEqual({ cA: true, pathLenConstraint: 0 });
    expect(decodeBasicConstraints(hex('3003 020105'))).toStrictEqual({ cA: false, pathLenConstraint: 5 });
    expect('pathLenConstraint' in decodeBasicConstraints(hex('3003 0101ff'))).toBe(false);
  });

  it('refuses a negative path length, fields out of order or extra, and a non-SEQUENCE', () => {
    expect(derMessage(() => decodeBasicConstraints(hex('3006 0101ff 0201ff')))).toBe('negative pathLenConstraint');
    expect(derMessage(() => decodeBasicConstraints(hex('3003 020180')))).toBe('negative pathLenConstraint');
    const unexpected = 'unexpected field in BasicConstraints';
    expect(derMessage(() => decodeBasicConstraints(hex('3006 020100 0101ff')))).toBe(unexpected);
    expect(derMessage(() => decodeBasicConstraints(hex('3009 0101ff 020100 020100')))).toBe(unexpected);
    expect(derMessage(() => decodeBasicConstraints(hex('3002 0500')))).toBe(unexpected);
    expect(derMessage(() => decodeBasicConstraints(hex('0101ff')))).toBe(
      'BasicConstraints: expected tag 0x30, found 0x1',
    );
    expect(derMessage(() => decodeBasicConstraints(hex('3000 3000')))).toBe(
      'trailing octets after the extension value',
    );
  });
});

describe('decodeKeyUsage (RFC 5280 4.2.1.3)', () => {
  it('reads the named bits, bit 0 first, including decipherOnly in the second octet', () => {
    expect([...decodeKeyUsage(hex('0302 0780'))]).toStrictEqual(['digitalSignature']);
    expect([...decodeKeyUsage(hex('0302 0106'))]).toStrictEqual(['keyCertSign', 'cRLSign']);
    expect([...decodeKeyUsage(hex('0303 07 0080'))]).toStrictEqual(['decipherOnly']);
    expect([...decodeKeyUsage(hex('0303 07 ff80'))]).toStrictEqual([
      'digitalSignature',
      'nonRepudiation',
      'keyEncipherment',
      'dataEncipherment',
      'keyAgreement',
      'keyCertSign',
      'cRLSign',
      'encipherOnly',
      'decipherOnly',
    ]);
  });

  it('refuses a keyUsage with no bit set ("at least one of the bits MUST be set") and a non-BIT STRING', () => {
    expect(derMessage(() => decodeKeyUsage(hex('0302 0000')))).toBe('keyUsage with no bit set');
    expect(derMessage(() => decodeKeyUsage(hex('0301 00')))).toBe('keyUsage with no bit set');
    expect(derMessage(() => decodeKeyUsage(hex('0402 0780')))).toBe('KeyUsage: expected tag 0x3, found 0x4');
  });
});

describe('key identifiers (RFC 5280 4.2.1.1, 4.2.1.2)', () => {
  it('reads the SubjectKeyIdentifier OCTET STRING and refuses anything else', () => {
    expect(decodeSubjectKeyIdentifier(hex('0402 abcd'))).toStrictEqual(hex('abcd'));
    expect(derMessage(() => decodeSubjectKeyIdentifier(hex('0302 00ab')))).toBe(
      'SubjectKeyIdentifier: expected tag 0x4, found 0x3',
    );
  });

  it('reads keyIdentifier [0] next to authorityCertIssuer [1] and authorityCertSerialNumber [2]', () => {
    // [0] abcd, [1] { directoryName [4] { empty Name } }, [2] 01.
    expect(decodeAuthorityKeyIdentifier(hex('300d 8002 abcd a104 a402 3000 8201 01'))).toStrictEqual({
      keyIdentifier: hex('abcd'),
    });
    // keyIdentifier after the other two.
    expect(decodeAuthorityKeyIdentifier(hex('300d a104 a402 3000 8201 01 8002 abcd'))).toStrictEqual({
      keyIdentifier: hex('abcd'),
    });
  });

  it('gives no keyIdentifier when [0] is absent', () => {
    expect(decodeAuthorityKeyIdentifier(hex('3000'))).toStrictEqual({});
    expect(decodeAuthorityKeyIdentifier(hex('3009 a104 a402 3000 8201 01'))).toStrictEqual({});
    expect(decodeAuthorityKeyIdentifier(hex('3003 8201 01'))).toStrictEqual({});
  });

  it('refuses fields other than primitive [0], constructed [1] and primitive [2]', () => {
    const message = 'unexpected field in AuthorityKeyIdentifier';
    expect(derMessage(() => decodeAuthorityKeyIdentifier(hex('3002 a000')))).toBe(message);
    expect(derMessage(() => decodeAuthorityKeyIdentifier(hex('3002 8100')))).toBe(message);
    expect(derMessage(() => decodeAuthorityKeyIdentifier(hex('3002 a200')))).toBe(message);
    expect(derMessage(() => decodeAuthorityKeyIdentifier(hex('3003 8301 00')))).toBe(message);
    expect(derMessage(() => decodeAuthorityKeyIdentifier(hex('3006 8002 abcd 0400')))).toBe(message);
    expect(derMessage(() => decodeAuthorityKeyIdentifier(hex('0400')))).toBe(
      'AuthorityKeyIdentifier: expected tag 0x30, found 0x4',
    );
  });
});

describe('decodeNameConstraints (RFC 5280 4.2.1.10)', () => {
  it('reads permitted and excluded subtrees with their minimum and maximum', () => {
    const permitted = der(0xa0, der(SEQ, der(0x82, Buffer.from('example.com')), '8001 02', '8101 05'));
    const excluded = der(0xa1, der(SEQ, '8708 0a000000 ff000000'), der(SEQ, '8201 62'));
    expect(decodeNameConstraints(der(SEQ, permitted, excluded))).toStrictEqual({
      permitted: [{ base: { kind: 'dNSName', value: 'example.com' }, minimum: 2, maximum: 5 }],
      excluded: [
        { base: { kind: 'iPAddress', bytes: hex('0a000000ff000000') }, minimum: 0 },
        { base: { kind: 'dNSName', value: 'b' }, minimum: 0 },
      ],
    });
    expect(decodeNameConstraints(hex('3007 a105 3003 8201 61'))).toStrictEqual({
      permitted: [],
      excluded: [{ base: { kind: 'dNSName', value: 'a' }, minimum: 0 }],
    });
    expect(decodeNameConstraints(hex('300a a008 3006 8201 61 8101 00'))).toStrictEqual({
      permitted: [{ base: { kind: 'dNSName', value: 'a' }, minimum: 0, maximum: 0 }],
      excluded: [],
    });
  });

  it('refuses an empty NameConstraints and an empty GeneralSubtrees', () => {
    expect(derMessage(() => decodeNameConstraints(hex('3000')))).toBe('empty NameConstraints');
    expect(derMessage(() => decodeNameConstraints(hex('3002 a000')))).toBe('empty GeneralSubtrees');
    expect(derMessage(() => decodeNameConstraints(hex('3002 a100')))).toBe('empty GeneralSubtrees');
  });

  it('refuses a subtree without a base, not a SEQUENCE, or with an unknown field', () => {
    expect(derMessage(() => decodeNameConstraints(hex('3004 a002 3000')))).toBe('GeneralSubtree without a base');
    expect(derMessage(() => decodeNameConstraints(hex('3004 a002 3100')))).toBe(
      'GeneralSubtree: expected tag 0x30, found 0x31',
    );
    expect(derMessage(() => decodeNameConstraints(hex('3009 a007 3005 8201 61 8200')))).toBe(
      'unexpected field in GeneralSubtree',
    );
    expect(derMessage(() => decodeNameConstraints(hex('3009 a007 3005 8201 61 a000')))).toBe(
      'unexpected field in GeneralSubtree',
    );
  });

  it('refuses fields other than [0] and [1] constructed, and a non-SEQUENCE', () => {
    const message = 'unexpected field in NameConstraints';
    expect(derMessage(() => decodeNameConstraints(hex('3007 a205 3003 8201 61')))).toBe(message);
    expect(derMessage(() => decodeNameConstraints(hex('3007 8105 3003 8201 61')))).toBe(message);
    expect(derMessage(() => decodeNameConstraints(hex('3007 8005 3003 8201 61')))).toBe(message);
    expect(derMessage(() => decodeNameConstraints(hex('3100')))).toBe('NameConstraints: expected tag 0x30, found 0x31');
  });
});

describe('decodeExtendedKeyUsage (RFC 5280 4.2.1.12)', () => {
  it('reads every KeyPurposeId in order', () => {
    expect(decodeExtendedKeyUsage(hex('3014 0608 2b06010505070301 0608 2b06010505070302'))).toStrictEqual([
      '1.3.6.1.5.5.7.3.1',
      '1.3.6.1.5.5.7.3.2',
    ]);
    expect(decodeExtendedKeyUsage(hex('3005 0603 551d25'))).toStrictEqual(['2.5.29.37']);
  });

  it('refuses an empty ExtKeyUsageSyntax (SIZE (1..MAX)), a non-OID purpose and a non-SEQUENCE', () => {
    expect(derMessage(() => decodeExtendedKeyUsage(hex('3000')))).toBe('empty ExtKeyUsageSyntax');
    expect(derMessage(() => decodeExtendedKeyUsage(hex('3002 0400')))).toBe(
      'KeyPurposeId: expected tag 0x6, found 0x4',
    );
    expect(derMessage(() => decodeExtendedKeyUsage(hex('3100')))).toBe(
      'ExtKeyUsageSyntax: expected tag 0x30, found 0x31',
    );
  });
});

describe('decodeExtensions (RFC 5280 4.1.2.9, 4.2)', () => {
  const extensionsOf = (buf: Buffer): ReturnType<typeof decodeExtensions> => decodeExtensions(buf, readTlv(buf, 0));

  it('reads each extension: OID, readable name, critical flag (DEFAULT FALSE) and extnValue octets', () => {
    const wrapper = der(
      0xa3,
      der(
        SEQ,
        der(SEQ, '0603 551d13', '0101ff', '0402 3000'),
        der(SEQ, '0603 551d0f', '0404 03020780'),
        der(SEQ, '0603 2a0304', '010100', '0400'),
      ),
    );
    expect(extensionsOf(wrapper)).toStrictEqual([
      { oid: '2.5.29.19', name: 'basicConstraints', critical: true, value: hex('3000') },
      { oid: '2.5.29.15', name: 'keyUsage', critical: false, value: hex('03020780') },
      { oid: '1.2.3.4', name: '1.2.3.4', critical: false, value: hex('') },
    ]);
  });

  it('refuses a second element in [3], a missing or non-SEQUENCE list, and an empty list', () => {
    expect(derMessage(() => extensionsOf(hex('a304 3000 3000')))).toBe('trailing element after Extensions');
    expect(derMessage(() => extensionsOf(hex('a300')))).toBe('Extensions missing');
    expect(derMessage(() => extensionsOf(hex('a302 3100')))).toBe('Extensions: expected tag 0x30, found 0x31');
    expect(derMessage(() => extensionsOf(hex('a302 3000')))).toBe('empty Extensions');
  });

  it('refuses an extension without an OID, without an extnValue, or with fields after it', () => {
    const one = (...fields: string[]): Buffer => der(0xa3, der(SEQ, der(SEQ, ...fields)));
    expect(derMessage(() => extensionsOf(one('0400')))).toBe('extnID: expected tag 0x6, found 0x4');
    expect(derMessage(() => extensionsOf(one()))).toBe('extnID missing');
    expect(derMessage(() => extensionsOf(one('0603 551d13')))).toBe('extnValue of basicConstraints missing');
    expect(derMessage(() => extensionsOf(one('0603 551d13', '0101ff')))).toBe('extnValue of basicConstraints missing');
    expect(derMessage(() => extensionsOf(one('0603 551d0f', '0101ff', '0301 00')))).toBe(
      'extnValue of keyUsage: expected tag 0x4, found 0x3',
    );
    expect(derMessage(() => extensionsOf(one('0603 2a0304', '0500')))).toBe(
      'extnValue of 1.2.3.4: expected tag 0x4, found 0x5',
    );
    expect(derMessage(() => extensionsOf(one('0603 551d0f', '0400', '0400')))).toBe(
      'unexpected field in extension keyUsage',
    );
    expect(derMessage(() => extensionsOf(one('0603 551d0f', '0400', '0101ff')))).toBe(
      'unexpected field in extension keyUsage',
    );
  });
});
