import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueCertificate, type CertOptions, type Issued, type IssuedEc } from '../../lab/pki.js';

/**
 * The certificate tests' PKI, generated at run time: two unrelated roots, an issuing intermediate
 * under root A, and helpers for leaves with chosen SANs, EKUs, key sizes, digests and dates. The
 * CAs hold RSA 2048 keys because tests assert RSA signature algorithms (sha1WithRSAEncryption,
 * md5 roots) under them; leaves are P-256 unless a test asks for RSA with keyBits.
 */
export interface TestPki {
  rootA: Issued;
  intermediateA: Issued;
  rootB: Issued;
}

let cached: TestPki | undefined;

export function testPki(): TestPki {
  if (!cached) {
    const rsa = { keyBits: 2048 };
    const rootA = createCa('Test Root CA A', rsa);
    cached = {
      rootA,
      intermediateA: createCa('Test Issuing CA A1', rsa, rootA),
      rootB: createCa('Test Root CA B', rsa),
    };
  }
  return cached;
}

export const DAY = 86_400_000;

/** A leaf for `fqdn` (CN and SAN), serverAuth + clientAuth, unless options say otherwise. */
export function leafFor(fqdn: string, issuer: Issued | undefined, options: Partial<CertOptions> = {}): Issued {
  return issueCertificate(
    { commonName: fqdn, sans: [fqdn], extendedKeyUsage: ['serverAuth', 'clientAuth'], ...options },
    issuer,
  );
}

/** PEM text of certificates in the given order (leaf first, as exported or presented). */
export function pemOf(...certificates: Array<Issued | IssuedEc>): string {
  return certificates.map((certificate) => certificate.certPem).join('');
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mra-cert-test-'));
}

export function writePem(dir: string, name: string, ...certificates: Array<Issued | IssuedEc>): string {
  const path = join(dir, name);
  writeFileSync(path, pemOf(...certificates));
  return path;
}
