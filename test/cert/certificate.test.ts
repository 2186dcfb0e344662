import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBundle, parseCertificate } from '../../src/cert/certificate.js';
import { issueEcCertificate } from '../../lab/pki.js';
import { DAY, leafFor, pemOf, testPki } from '../helpers/pki.js';

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
