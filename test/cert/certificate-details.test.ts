import { describe, expect, it } from 'vitest';
import { Name } from '@peculiar/asn1-x509';
import {
  CertificateParseError,
  certificateEvidence,
  parseBundle,
  parseCertificate,
  parseTime,
  signatureHashOf,
} from '../../src/cert/certificate.js';
import { children, readTlv } from '../../src/cert/der.js';
import { pemOfDer } from '../../lab/pki.js';
import {
  CN,
  UNKNOWN_OID,
  buildChain,
  conformingChain,
  dn,
  ext,
  poolKey,
  resign,
  setExtension,
  tlv,
  type Chain,
} from './chains.js';
import { explicitCurveSpki } from './vectors.js';

/**
 * Exact outcomes of certificate.ts at its edges: every signature hash name, the RFC 5280
 * 4.1.2.5 time forms and their bounds, RFC 5952 IPv6 text, the TBSCertificate fields as encoded
 * (version, unique IDs, key parameters), the parse error texts, PEM bundle problems and evidence.
 */

const UTC = 0x17;
const GENERALIZED = 0x18;
const SAN = '2.5.29.17';
const EKU = '2.5.29.37';

const leafOf = (edit: (chain: Chain) => void = () => {}): Buffer => {
  const chain = conformingChain();
  edit(chain);
  return buildChain(chain).leafDer;
};

/** The leaf re-encoded with its TBSCertificate fields changed (signed again by its issuer's key). */
const patched = (patch: (fields: Buffer[]) => Buffer[]): Buffer => resign(leafOf(), patch, poolKey(1).privateKey);

const parseError = (der: Buffer): string => {
  try {
    parseCertificate(der);
  } catch (error) {
    expect(error).toBeInstanceOf(CertificateParseError);
    return (error as Error).message;
  }
  return 'parsed';
};

describe('signatureHashOf', () => {
  it('names the digest of every algorithm name OpenSSL prints, and unknown otherwise', () => {
    const cases: Array<[string, string]> = [
      ['md2WithRSAEncryption', 'md2'],
      ['md5WithRSAEncryption', 'md5'],
      ['sha1WithRSAEncryption', 'sha1'],
      ['dsa-with-sha1', 'sha1'],
      ['sha224WithRSAEncryption', 'sha224'],
      ['ecdsa-with-SHA224', 'sha224'],
      ['sha256WithRSAEncryption', 'sha256'],
      ['ecdsa-with-SHA256', 'sha256'],
      ['sha384WithRSAEncryption', 'sha384'],
      ['sha512WithRSAEncryption', 'sha512'],
      ['ecdsa-with-SHA512', 'sha512'],
      ['RSA-SHA-256', 'sha256'],
      ['SHA-384', 'sha384'],
      ['Ed25519', 'ed25519'],
      ['Ed448', 'ed448'],
      ['RSASSA-PSS', 'unknown'],
      // An unknown signature algorithm is named by its OID: its digits are not a digest.
      ['1.3.6.1.4.1.11129.2.5.1', 'unknown'],
      ['', 'unknown'],
    ];
    expect(cases.map(([name]) => [name, signatureHashOf(name)])).toEqual(cases);
  });
});

describe('parseTime: exact instants and nonconformities', () => {
  it('reads 29 February only in leap years (2000 and 2028 are, 2100 and 2029 are not)', () => {
    expect(parseTime(GENERALIZED, '20000229000000Z')).toStrictEqual({
      encoding: 'GeneralizedTime',
      text: '20000229000000Z',
      date: new Date('2000-02-29T00:00:00Z'),
    });
    expect(parseTime(UTC, '000229000000Z').date).toEqual(new Date('2000-02-29T00:00:00Z'));
    expect(() => parseTime(GENERALIZED, '21000229000000Z')).toThrow(
      new CertificateParseError('"21000229000000Z" is not a valid GeneralizedTime'),
    );
    expect(() => parseTime(UTC, '000230000000Z')).toThrow(
      new CertificateParseError('"000230000000Z" is not a valid UTCTime'),
    );
    // Months other than February keep their length in a leap year.
    expect(parseTime(UTC, '280131235959Z').date).toEqual(new Date('2028-01-31T23:59:59Z'));
    expect(parseTime(UTC, '281231000000Z').date).toEqual(new Date('2028-12-31T00:00:00Z'));
    expect(() => parseTime(UTC, '280431000000Z')).toThrow(
      new CertificateParseError('"280431000000Z" is not a valid UTCTime'),
    );
  });

  it('refuses day 0, hour 24, minute 60 and second 60, and accepts the last valid value of each', () => {
    for (const text of ['260100000000Z', '260101240000Z', '260101006000Z', '260101000060Z']) {
      expect(() => parseTime(UTC, text)).toThrow(new CertificateParseError(`"${text}" is not a valid UTCTime`));
    }
    for (const text of ['20260100000000Z', '20260101240000Z', '20260101006000Z', '20260101000060Z']) {
      expect(() => parseTime(GENERALIZED, text)).toThrow(
        new CertificateParseError(`"${text}" is not a valid GeneralizedTime`),
      );
    }
    expect(parseTime(UTC, '260101235959Z').date).toEqual(new Date('2026-01-01T23:59:59Z'));
    expect(parseTime(GENERALIZED, '20260101235959Z').date).toEqual(new Date('2026-01-01T23:59:59Z'));
  });

  it('refuses text before or after the time (the patterns are anchored)', () => {
    for (const text of ['1260102030405Z', '260102030405Zjunk', 'x260102030405Z']) {
      expect(() => parseTime(UTC, text)).toThrow(new CertificateParseError(`"${text}" is not a UTCTime`));
    }
    for (const text of ['x20260102030405Z', '20260102030405Zjunk', '20260102030405Z0']) {
      expect(() => parseTime(GENERALIZED, text)).toThrow(
        new CertificateParseError(`"${text}" is not a GeneralizedTime`),
      );
    }
  });

  it('reads time-zone offsets with their sign and minutes', () => {
    expect(parseTime(UTC, '260101000000-0130')).toStrictEqual({
      encoding: 'UTCTime',
      text: '260101000000-0130',
      date: new Date('2026-01-01T01:30:00Z'),
      nonconformity: 'time-zone offset -0130',
    });
    expect(parseTime(UTC, '260101000000+0130').date).toEqual(new Date('2025-12-31T22:30:00Z'));
    expect(parseTime(GENERALIZED, '20260101000000+0130')).toStrictEqual({
      encoding: 'GeneralizedTime',
      text: '20260101000000+0130',
      date: new Date('2025-12-31T22:30:00Z'),
      nonconformity: 'time-zone offset +0130',
    });
    expect(parseTime(GENERALIZED, '20260101000000-0045').date).toEqual(new Date('2026-01-01T00:45:00Z'));
    expect(() => parseTime(GENERALIZED, '20260101000000+01')).toThrow(
      new CertificateParseError('"20260101000000+01" is not a GeneralizedTime'),
    );
    expect(() => parseTime(GENERALIZED, '20260101000000Y0130')).toThrow(
      new CertificateParseError('"20260101000000Y0130" is not a GeneralizedTime'),
    );
  });

  it('reads GeneralizedTime without seconds or minutes and with long fractions, naming every nonconformity', () => {
    expect(parseTime(GENERALIZED, '2026010203Z')).toStrictEqual({
      encoding: 'GeneralizedTime',
      text: '2026010203Z',
      date: new Date('2026-01-02T03:00:00Z'),
      nonconformity: 'seconds omitted, minutes omitted',
    });
    expect(parseTime(GENERALIZED, '202601020304Z')).toStrictEqual({
      encoding: 'GeneralizedTime',
      text: '202601020304Z',
      date: new Date('2026-01-02T03:04:00Z'),
      nonconformity: 'seconds omitted',
    });
    expect(parseTime(GENERALIZED, '20260102030405.25Z')).toStrictEqual({
      encoding: 'GeneralizedTime',
      text: '20260102030405.25Z',
      date: new Date('2026-01-02T03:04:05.250Z'),
      nonconformity: 'fractional seconds',
    });
    expect(parseTime(GENERALIZED, '20260102030405,5')).toStrictEqual({
      encoding: 'GeneralizedTime',
      text: '20260102030405,5',
      date: new Date('2026-01-02T03:04:05.500Z'),
      nonconformity: 'fractional seconds, no "Z" (local time)',
    });
    // UTCTime always has minutes: only the seconds can be missing.
    expect(parseTime(UTC, '2601020304Z')).toStrictEqual({
      encoding: 'UTCTime',
      text: '2601020304Z',
      date: new Date('2026-01-02T03:04:00Z'),
      nonconformity: 'seconds omitted',
    });
    expect(parseTime(UTC, '260102030405Z')).toStrictEqual({
      encoding: 'UTCTime',
      text: '260102030405Z',
      date: new Date('2026-01-02T03:04:05Z'),
    });
  });
});

/** A leaf whose subjectAltName holds these iPAddress octets (raw, any length). */
const ipLeaf = (...addresses: number[][]): Buffer =>
  leafOf((chain) =>
    setExtension(
      chain.leaf,
      SAN,
      ext.raw(SAN, false, tlv(0x30, Buffer.concat(addresses.map((bytes) => tlv(0x87, Buffer.from(bytes)))))),
    ),
  );

const v6 = (...groups: number[]): number[] => groups.flatMap((group) => [group >> 8, group & 0xff]);

describe('iPAddress text (RFC 5952 4.2)', () => {
  it('compresses the first longest run of two or more zero groups, and nothing else', () => {
    const cert = parseCertificate(
      ipLeaf(
        [10, 0, 0, 1],
        v6(0x2001, 0xdb8, 1, 2, 3, 4, 5, 6),
        v6(1, 0, 0, 2, 0, 0, 3, 4),
        v6(1, 0, 0, 0, 2, 0, 0, 3),
        v6(1, 0, 2, 0, 0, 0, 3, 4),
        v6(1, 0, 2, 3, 4, 5, 6, 7),
        v6(1, 0, 0, 2, 3, 4, 5, 6),
        v6(0, 0, 1, 2, 3, 4, 5, 6),
        v6(1, 2, 3, 4, 5, 6, 0, 0),
        v6(0, 0, 0, 0, 0, 0, 0, 0),
        v6(0, 1, 2, 3, 4, 5, 6, 0),
        // Not an address length: the octets in hex (a SAN iPAddress is 4 or 16 octets).
        [0xc0, 0xa8, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00],
      ),
    );
    expect(cert.ipAddresses).toStrictEqual([
      '10.0.0.1',
      '2001:db8:1:2:3:4:5:6',
      '1::2:0:0:3:4',
      '1::2:0:0:3',
      '1:0:2::3:4',
      '1:0:2:3:4:5:6:7',
      '1::2:3:4:5:6',
      '::1:2:3:4:5:6',
      '1:2:3:4:5:6::',
      '::',
      '0:1:2:3:4:5:6:0',
      'c0a80000ffff0000',
    ]);
    expect(cert.dnsNames).toStrictEqual([]);
  });
});

describe('parseCertificate: the TBSCertificate as encoded', () => {
  it('reads a version 1 certificate (no version field, no extensions)', () => {
    const cert = parseCertificate(
      leafOf((chain) => {
        chain.leaf.version = 1;
      }),
    );
    expect(cert.version).toBe(1);
    expect(cert.details.extensions).toStrictEqual([]);
    expect(cert.details.extensionProblems).toStrictEqual([]);
    expect(cert.details.basicConstraints).toBeUndefined();
    expect(cert.isCa).toBe(false);
  });

  it('refuses an unknown version (v4, 256, -1) and trailing octets, with the exact reason', () => {
    for (const content of [[3], [1, 0], [0xff]]) {
      const der = patched((fields) => [tlv(0xa0, tlv(0x02, Buffer.from(content))), ...fields.slice(1)]);
      expect(parseError(der)).toBe('not a valid X.509 certificate (unknown certificate version)');
    }
    // An empty SEQUENCE after the certificate: OpenSSL reads it as trust settings (X509_CERT_AUX).
    expect(parseError(Buffer.concat([leafOf(), Buffer.from([0x30, 0x00])]))).toBe(
      'not a valid X.509 certificate (trailing octets after the certificate)',
    );
  });

  it('refuses a validity time in BER constructed form, which OpenSSL reads but DER forbids', () => {
    const constructed = patched((fields) => {
      const validity = fields[4]!;
      const [notBefore, notAfter] = children(validity, readTlv(validity, 0));
      const element = (tlvAt: typeof notBefore): Buffer => validity.subarray(tlvAt!.start, tlvAt!.end);
      return [
        ...fields.slice(0, 4),
        tlv(0x30, Buffer.concat([tlv(0x37, element(notBefore)), element(notAfter)])),
        ...fields.slice(5),
      ];
    });
    expect(parseError(constructed)).toBe('not a valid X.509 certificate (validity is not a Time)');
  });

  it('reads the extensions after issuerUniqueID and subjectUniqueID', () => {
    const cert = parseCertificate(
      patched((fields) => [
        ...fields.slice(0, 7),
        tlv(0x81, Buffer.from([0x00, 0x01])),
        tlv(0x82, Buffer.from([0x00, 0x02])),
        ...fields.slice(7),
      ]),
    );
    expect(cert.details.extensions.map((extension) => extension.name)).toStrictEqual([
      'basicConstraints',
      'keyUsage',
      'subjectKeyIdentifier',
      'authorityKeyIdentifier',
      'subjectAltName',
      'extKeyUsage',
    ]);
    expect(cert.dnsNames).toStrictEqual(['a.example.com']);
  });

  it('prints the serial number in upper-case hex, as openssl does', () => {
    const cert = parseCertificate(
      patched((fields) => [fields[0]!, tlv(0x02, Buffer.from([0x0a, 0xbc, 0xde])), ...fields.slice(2)]),
    );
    expect(cert.serial).toBe('0ABCDE');
  });

  it('names a validity field that is not a date: notBefore or notAfter', () => {
    const leaf = leafOf();
    const notAfterAt = leaf.indexOf(Buffer.from('310615120000Z', 'latin1'));
    expect(notAfterAt).toBeGreaterThan(0);
    const badNotAfter = Buffer.from(leaf);
    badNotAfter.write('13', notAfterAt + 2, 'latin1');
    expect(parseError(badNotAfter)).toBe(
      'validity dates cannot be read (notAfter "311315120000Z" is not a valid UTCTime)',
    );
  });
});

/** A leaf whose SubjectPublicKeyInfo has this AlgorithmIdentifier and the leaf key's BIT STRING. */
const spkiLeaf = (algorithm: Buffer): Buffer => {
  const spki = poolKey(9).spki;
  const [, bitString] = children(spki, readTlv(spki, 0));
  return leafOf((chain) => {
    chain.leaf.spki = tlv(0x30, Buffer.concat([algorithm, spki.subarray(bitString!.start, bitString!.end)]));
  });
};
const EC_PUBLIC_KEY = Buffer.from('06072a8648ce3d0201', 'hex');

describe('parseCertificate: one certificate, read once', () => {
  it('reads the DER octets it is given, not a PEM certificate embedded in them as text', () => {
    // node:crypto's X509Certificate tries PEM before DER: given these octets directly it read the
    // genuine certificate from the extension text (subject, serial, key, signature) while the
    // extensions came from the forged one around it.
    const genuine = leafOf();
    const forged = leafOf((chain) => {
      chain.leaf.subject = dn([CN, 'forged.example.com']);
      setExtension(chain.leaf, SAN, ext.subjectAltName([ext.dns('victim.example.com')]));
      chain.leaf.extensions.push(ext.raw(UNKNOWN_OID, false, Buffer.from(`\n${pemOfDer(genuine)}`, 'latin1')));
    });
    const cert = parseCertificate(forged);
    expect(cert.x509.raw.equals(forged)).toBe(true);
    expect(cert.subject).toBe('CN=forged.example.com');
    expect(cert.commonName).toBe('forged.example.com');
    expect(cert.dnsNames).toStrictEqual(['victim.example.com']);
    expect(cert.serial).not.toBe(parseCertificate(genuine).serial);
    // Text before a PEM block is not DER either: refused as what it is, not read through to the PEM.
    expect(parseError(tlv(0x04, Buffer.from(`\n${pemOfDer(genuine)}`, 'latin1')))).toMatch(
      /^not a valid X\.509 certificate \(error:[0-9A-F]{8}:asn1 encoding routines::[a-z ]+\)$/,
    );
  });
});

describe('parseCertificate: large certificates', () => {
  it('reads a certificate of over 9 KB (400 DNS names) whole', () => {
    const names = Array.from({ length: 400 }, (_, i) => `host${String(i).padStart(4, '0')}.example.com`);
    const der = leafOf((chain) =>
      setExtension(chain.leaf, SAN, ext.subjectAltName(names.map((name) => ext.dns(name)))),
    );
    expect(der.length).toBeGreaterThan(9_000);
    const cert = parseCertificate(der);
    expect(cert.x509.raw.equals(der)).toBe(true);
    expect(cert.dnsNames).toStrictEqual(names);
    expect(cert.x509.subjectAltName?.split(', ')).toHaveLength(400);
  });
});

describe('parseCertificate: key parameters and keys node:crypto cannot load', () => {
  it('tells implicitCurve (NULL) from absent parameters, and types a key it cannot load as UNKNOWN', () => {
    const implicit = parseCertificate(spkiLeaf(tlv(0x30, Buffer.concat([EC_PUBLIC_KEY, Buffer.from([0x05, 0x00])]))));
    expect(implicit.details.curveParameters).toBe('implicitCurve');
    expect(implicit.key).toStrictEqual({ type: 'UNKNOWN' });
    const absent = parseCertificate(spkiLeaf(tlv(0x30, EC_PUBLIC_KEY)));
    expect(absent.details.publicKeyAlgorithmOid).toBe('1.2.840.10045.2.1');
    expect(absent.details.curveParameters).toBe('specifiedCurve');
    expect(absent.key).toStrictEqual({ type: 'UNKNOWN' });
    const unknown = parseCertificate(spkiLeaf(tlv(0x30, Buffer.from('06032a0304', 'hex'))));
    expect(unknown.details.publicKeyAlgorithmOid).toBe('1.2.3.4');
    expect('curveParameters' in unknown.details).toBe(false);
    expect(unknown.key).toStrictEqual({ type: 'UNKNOWN' });
    expect(certificateEvidence(unknown).key).toBe('UNKNOWN');
  });

  it('types a key node:crypto loads but does not name (SM2) as UNKNOWN', () => {
    // An SM2 public key (id-ecPublicKey on the SM2 curve): asymmetricKeyType is undefined.
    const sm2 = Buffer.from(
      'MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE4NNmi3xNL7xmM7BkXCcnUlqaBvVRec4cII3uDNNUgDSsRmqNku+/We5fdIeaYrsxyYcCuENzvCnQWu5wTgTM/A==',
      'base64',
    );
    const cert = parseCertificate(
      leafOf((chain) => {
        chain.leaf.spki = sm2;
      }),
    );
    expect(cert.x509.publicKey.asymmetricKeyType).toBeUndefined();
    expect(cert.details.curveParameters).toBe('namedCurve');
    expect(cert.key).toStrictEqual({ type: 'UNKNOWN' });
  });

  it('states no bits and no curve for explicit curve parameters', () => {
    const cert = parseCertificate(
      leafOf((chain) => {
        chain.leaf.spki = explicitCurveSpki();
      }),
    );
    expect(cert.key).toStrictEqual({ type: 'EC' });
    expect(certificateEvidence(cert).key).toBe('EC');
  });
});

describe('parseCertificate: extension values', () => {
  it('keeps no authorityKeyIdentifier when the extension has no keyIdentifier', () => {
    const cert = parseCertificate(
      leafOf((chain) => {
        setExtension(chain.leaf, '2.5.29.35', ext.raw('2.5.29.35', false, Buffer.from([0x30, 0x03, 0x82, 0x01, 0x05])));
      }),
    );
    expect(cert.details.extensionProblems).toStrictEqual([]);
    expect('authorityKeyIdentifier' in cert.details).toBe(false);
  });

  it('lists an extKeyUsage that does not decode as a problem', () => {
    const cert = parseCertificate(
      leafOf((chain) => {
        setExtension(chain.leaf, EKU, ext.raw(EKU, false, Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01])));
      }),
    );
    expect(cert.details.extensionProblems).toStrictEqual([
      'extKeyUsage cannot be decoded (KeyPurposeId: expected tag 0x6, found 0x2)',
    ]);
  });
});

describe('parseCertificate: names, keys and the parser', () => {
  it('folds case and runs of white space of the subject as node:crypto prints it', () => {
    const cert = parseCertificate(
      leafOf((chain) => {
        chain.leaf.subject = dn([CN, '  Mixed  Case\tName  ']);
      }),
    );
    expect(cert.subject).toBe('CN=\\  Mixed  Case\\09Name \\ ');
    expect(cert.subjectKey).toBe('cn=\\ mixed case\\09name \\');
    expect(cert.commonName).toBe('\\  Mixed  Case\\09Name \\ ');
    expect(cert.parser).toBe('node:crypto');
  });

  it('has empty keys and no commonName property for an empty subject and issuer', () => {
    const cert = parseCertificate(
      leafOf((chain) => {
        chain.leaf.subject = new Name([]);
        chain.leaf.issuer = new Name([]);
      }),
    );
    expect(cert.subjectKey).toBe('');
    expect(cert.issuerKey).toBe('');
    expect(cert.selfIssued).toBe(true);
    expect(Object.hasOwn(cert, 'commonName')).toBe(false);
  });
});

describe('parseBundle: exact problems', () => {
  it('refuses a PEM body with characters outside base64 before or after the valid part', () => {
    const body = pemOfDer(leafOf())
      .replace(/-----[^-]+-----|\s/g, '')
      .slice(0, 64);
    for (const bad of [`!!!!${body}`, `${body}!!!!`]) {
      expect(
        parseBundle(Buffer.from(`-----BEGIN CERTIFICATE-----\n${bad}\n-----END CERTIFICATE-----\n`)),
      ).toStrictEqual({
        certificates: [],
        problems: ['PEM block 1 is not valid base64'],
      });
    }
  });

  it('counts the blocks without an END line', () => {
    const pem = pemOfDer(leafOf());
    const bundle = parseBundle(Buffer.from(`${pem}-----BEGIN CERTIFICATE-----\nMIIB\n`));
    expect(bundle.certificates.map((cert) => cert.commonName)).toStrictEqual(['a.example.com']);
    expect(bundle.problems).toStrictEqual(['1 PEM certificate block(s) without a matching END line']);
  });
});

describe('certificateEvidence', () => {
  it('states the facts of one certificate, SANs as DNS: and IP: entries', () => {
    const cert = parseCertificate(
      leafOf((chain) => {
        setExtension(
          chain.leaf,
          SAN,
          ext.subjectAltName([ext.dns('a.example.com'), ext.ip('10.0.0.1'), ext.dns('b.example.com')]),
        );
      }),
    );
    expect(certificateEvidence(cert)).toStrictEqual({
      subject: 'CN=a.example.com, O=mra-preflight test',
      issuer: 'CN=Issuing CA 1, O=mra-preflight test',
      serial: cert.serial,
      sha256: cert.sha256,
      notBefore: '2029-06-15T12:00:00.000Z',
      notAfter: '2031-06-15T12:00:00.000Z',
      key: 'EC prime256v1',
      signatureAlgorithm: 'ecdsa-with-SHA256',
      sans: ['DNS:a.example.com', 'DNS:b.example.com', 'IP:10.0.0.1'],
      extendedKeyUsage: ['serverAuth'],
    });
    expect(cert.signatureHash).toBe('sha256');
  });

  it('states an RSA key with its bits and no EKU as null', () => {
    const chain = conformingChain(1, true);
    setExtension(chain.leaf, EKU, undefined);
    const cert = parseCertificate(buildChain(chain).leafDer);
    expect(certificateEvidence(cert)).toMatchObject({
      key: 'RSA 2048',
      signatureAlgorithm: 'sha256WithRSAEncryption',
      sans: ['DNS:a.example.com'],
      extendedKeyUsage: null,
    });
  });
});
