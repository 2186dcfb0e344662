import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Name } from '@peculiar/asn1-x509';
import { parseBundle, parseCertificate, parseTime } from '../../src/cert/certificate.js';
import { issueEcCertificate } from '../../lab/pki.js';
import { DAY, leafFor, pemOf, testPki } from '../helpers/pki.js';
import { buildChain, conformingChain, ext } from './chains.js';
import { explicitCurveSpki } from './vectors.js';

const der = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');

describe('parseCertificate', () => {
  it('reads an RSA leaf: subject, issuer, SANs, EKUs, key, signature, dates', () => {
    const { intermediateA } = testPki();
    const notAfter = new Date(Date.now() + 90 * DAY);
    const leaf = leafFor('cucm-pub.example.com', intermediateA, {
      sans: ['cucm-pub.example.com', '10.1.1.10'],
      notAfter,
      digest: 'sha1',
      keyBits: 2048,
    });
    const cert = parseCertificate(der(leaf.certPem));
    expect(cert.subject).toContain('CN=cucm-pub.example.com');
    expect(cert.issuer).toContain('CN=Test Issuing CA A1');
    expect(cert.commonName).toBe('cucm-pub.example.com');
    expect(cert.dnsNames).toEqual(['cucm-pub.example.com']);
    expect(cert.ipAddresses).toEqual(['10.1.1.10']);
    expect(cert.extendedKeyUsage).toEqual(['serverAuth', 'clientAuth']);
    expect(cert.key).toEqual({ type: 'RSA', bits: 2048 });
    expect(cert.signatureAlgorithm).toBe('sha1WithRSAEncryption');
    expect(cert.signatureHash).toBe('sha1');
    expect(Math.abs(cert.notAfter.getTime() - notAfter.getTime())).toBeLessThan(1000);
    expect(cert.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(cert.selfIssued).toBe(false);
    expect(cert.isCa).toBe(false);
  });

  it('reads an ECDSA certificate under an RSA issuer, and a self-signed one', () => {
    const { rootA } = testPki();
    const ec = issueEcCertificate(
      {
        commonName: 'expe.example.com',
        sans: ['expe.example.com', 'collab-edge.example.com'],
        extendedKeyUsage: ['serverAuth'],
      },
      rootA,
    );
    const cert = parseCertificate(der(ec.certPem));
    expect(cert.key).toEqual({ type: 'EC', bits: 256, curve: 'prime256v1' });
    expect(cert.dnsNames).toEqual(['expe.example.com', 'collab-edge.example.com']);
    expect(cert.extendedKeyUsage).toEqual(['serverAuth']);
    expect(cert.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    const selfSigned = parseCertificate(der(issueEcCertificate({ commonName: 'EC Root', isCa: true }).certPem));
    expect(selfSigned.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(selfSigned.selfIssued).toBe(true);
    expect(selfSigned.isCa).toBe(true);
  });

  it('has no EKU list when the extension is absent', () => {
    const cert = parseCertificate(der(leafFor('a.example.com', undefined, { extendedKeyUsage: [] }).certPem));
    expect(cert.extendedKeyUsage).toBeUndefined();
  });

  it('throws a typed error on bytes that are not a certificate', () => {
    expect(() => parseCertificate(Buffer.from('not a certificate'))).toThrow(/not a valid X.509 certificate/);
  });

  it('rejects a certificate whose validity date decodes but is not a date (month 13; found by fuzzing)', () => {
    const issued = leafFor('cucm-pub.example.com', testPki().intermediateA, {
      notBefore: new Date('2026-01-02T03:04:05Z'),
    });
    const bytes = der(issued.certPem);
    const at = bytes.indexOf(Buffer.from('260102030405Z', 'latin1'));
    expect(at).toBeGreaterThan(0);
    bytes.write('13', at + 2, 'latin1');
    expect(() => parseCertificate(bytes)).toThrow(
      /validity dates cannot be read \(notBefore "261302030405Z" is not a valid UTCTime\)/,
    );
  });
});

describe('parseBundle', () => {
  it('reads every certificate of a PEM bundle in order and ignores private keys', () => {
    const { rootA, intermediateA } = testPki();
    const leaf = leafFor('a.example.com', intermediateA);
    const bundle = parseBundle(Buffer.from(`${leaf.keyPem}${pemOf(leaf, intermediateA, rootA)}`));
    expect(bundle.problems).toEqual([]);
    expect(bundle.certificates.map((cert) => cert.commonName)).toEqual([
      'a.example.com',
      'Test Issuing CA A1',
      'Test Root CA A',
    ]);
  });

  it('reads a DER certificate', () => {
    const bundle = parseBundle(der(testPki().rootB.certPem));
    expect(bundle.certificates[0]?.commonName).toBe('Test Root CA B');
  });

  it('reports malformed PEM (bad base64, truncated block, no END line, no block) as problems', () => {
    const { rootA } = testPki();
    const badBase64 = parseBundle(Buffer.from('-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n'));
    expect(badBase64.problems[0]).toMatch(/not valid base64/);
    const truncated = rootA.certPem.slice(0, 400) + '\n-----END CERTIFICATE-----\n';
    expect(parseBundle(Buffer.from(truncated)).problems[0]).toMatch(/not a valid X.509/);
    const unterminated = parseBundle(Buffer.from(rootA.certPem.slice(0, 300)));
    expect(unterminated.problems.join()).toMatch(/without a matching END/);
    expect(parseBundle(Buffer.from('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).problems).toEqual(
      ['no CERTIFICATE block in the PEM data'],
    );
    expect(parseBundle(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00])).problems[0]).toMatch(/neither PEM nor a DER/);
  });
});

describe('parseBundle on hostile input', () => {
  it('never throws: random bytes, random PEM bodies and bit-flipped certificates give problems or certificates', () => {
    const good = der(testPki().rootA.certPem);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
          fc
            .string({ maxLength: 600 })
            .map((body) => Buffer.from(`-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`)),
          fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })).map(([index, mask]) => {
            const copy = Buffer.from(good);
            copy[index] = (copy[index] ?? 0) ^ mask;
            return copy;
          }),
        ),
        (data) => {
          const bundle = parseBundle(data);
          expect(bundle.certificates.length + bundle.problems.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseTime (RFC 5280 4.1.2.5)', () => {
  const UTC = 0x17;
  const GENERALIZED = 0x18;
  it('reads the mandated forms without a nonconformity, UTCTime years 50-99 as 19xx', () => {
    expect(parseTime(UTC, '491231235959Z')).toEqual({
      encoding: 'UTCTime',
      text: '491231235959Z',
      date: new Date('2049-12-31T23:59:59Z'),
    });
    expect(parseTime(UTC, '500101000000Z').date).toEqual(new Date('1950-01-01T00:00:00Z'));
    expect(parseTime(GENERALIZED, '20500101000000Z')).toEqual({
      encoding: 'GeneralizedTime',
      text: '20500101000000Z',
      date: new Date('2050-01-01T00:00:00Z'),
    });
  });

  it('reads looser X.680 forms to an instant and names what is wrong with them', () => {
    expect(parseTime(GENERALIZED, '20510101000000.5Z')).toMatchObject({
      date: new Date('2051-01-01T00:00:00.500Z'),
      nonconformity: 'fractional seconds',
    });
    expect(parseTime(UTC, '2901010000Z')).toMatchObject({
      date: new Date('2029-01-01T00:00:00Z'),
      nonconformity: 'seconds omitted',
    });
    expect(parseTime(UTC, '290101000000+0100')).toMatchObject({
      date: new Date('2028-12-31T23:00:00Z'),
      nonconformity: 'time-zone offset +0100',
    });
    expect(parseTime(GENERALIZED, '20290101000000')).toMatchObject({ nonconformity: 'no "Z" (local time)' });
  });

  it('refuses what is not a time at all, leap years included', () => {
    expect(() => parseTime(UTC, '290229000000Z')).toThrow(/not a valid UTCTime/);
    expect(parseTime(UTC, '280229000000Z').date).toEqual(new Date('2028-02-29T00:00:00Z'));
    expect(() => parseTime(UTC, '291301000000Z')).toThrow(/not a valid UTCTime/);
    expect(() => parseTime(UTC, '29010100000aZ')).toThrow(/is not a UTCTime/);
    expect(() => parseTime(GENERALIZED, '20290101246000Z')).toThrow(/not a valid GeneralizedTime/);
  });
});

describe('parseCertificate: what path validation reads, as encoded', () => {
  it('reads basicConstraints, keyUsage, key identifiers, SANs and the key parameters', () => {
    const { intermediateA } = testPki();
    const leaf = parseCertificate(
      der(leafFor('a.example.com', intermediateA, { sans: ['a.example.com', '2001:db8::1', '10.0.0.1'] }).certPem),
    );
    expect(leaf.version).toBe(3);
    expect(leaf.details.basicConstraints).toEqual({ cA: false, critical: true });
    expect([...(leaf.details.keyUsage ?? [])]).toEqual(['digitalSignature']);
    expect(leaf.details.curveParameters).toBe('namedCurve');
    expect(leaf.details.subjectKeyIdentifier?.length).toBe(20);
    expect(
      leaf.details.authorityKeyIdentifier?.equals(
        parseCertificate(der(intermediateA.certPem)).details.subjectKeyIdentifier!,
      ),
    ).toBe(true);
    expect(leaf.ipAddresses).toEqual(['2001:db8::1', '10.0.0.1']);
    expect(leaf.details.extensionProblems).toEqual([]);
    expect(leaf.details.signatureAlgorithmsMatch).toBe(true);
    const ca = parseCertificate(der(intermediateA.certPem));
    expect(ca.details.basicConstraints).toEqual({ cA: true, critical: true });
    expect(ca.isCa).toBe(true);
    expect(ca.details.keyUsage?.has('keyCertSign')).toBe(true);
  });

  it('lists repeated and undecodable extensions as problems instead of throwing', () => {
    const chain = conformingChain();
    chain.leaf.extensions.push(ext.subjectAltName([ext.dns('b.example.com')]));
    chain.leaf.extensions.push(ext.raw('2.5.29.15', true, Buffer.from([0x03, 0x01, 0x00])));
    const leaf = parseCertificate(buildChain(chain).leafDer);
    expect(leaf.details.extensionProblems).toEqual([
      'subjectAltName appears more than once (RFC 5280 4.2)',
      'keyUsage appears more than once (RFC 5280 4.2)',
    ]);
    const other = conformingChain();
    other.leaf.extensions = [ext.raw('2.5.29.19', true, Buffer.from([0x30, 0x03, 0x01, 0x01, 0x01]))];
    expect(parseCertificate(buildChain(other).leafDer).details.extensionProblems).toEqual([
      'basicConstraints cannot be decoded (BOOLEAN neither 0x00 nor 0xFF)',
    ]);
  });

  it('reads a certificate with an empty subject and issuer, and one with explicit curve parameters', () => {
    const chain = conformingChain();
    chain.leaf.subject = new Name([]);
    chain.leaf.issuer = new Name([]);
    const leaf = parseCertificate(buildChain(chain).leafDer);
    expect(leaf.subject).toBe('');
    expect(leaf.details.issuerName).toEqual([]);
    expect(leaf.commonName).toBeUndefined();
    const explicit = conformingChain();
    explicit.leaf.spki = explicitCurveSpki();
    const explicitLeaf = parseCertificate(buildChain(explicit).leafDer);
    expect(explicitLeaf.details.curveParameters).toBe('specifiedCurve');
    expect(explicitLeaf.key).toEqual({ type: 'EC' });
  });
});
