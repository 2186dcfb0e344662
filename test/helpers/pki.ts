import { randomBytes, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { createCa, issueCertificate, pemOfDer, type CertOptions, type Issued, type IssuedEc } from '../../lab/pki.js';

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

/** DER: tag, definite length, contents. */
function tlv(tag: number, contents: Buffer): Buffer {
  const length = contents.length;
  const header =
    length < 0x80
      ? Buffer.from([length])
      : Buffer.concat([Buffer.from([0x80 | 2]), Buffer.from([length >> 8, length & 0xff])]);
  return Buffer.concat([Buffer.from([tag]), header, contents]);
}

/** SubjectPublicKeyInfo of an RSA public key whose modulus has exactly `bits` bits (RFC 8017 A.1.1). */
export function rsaSpkiOfBits(bits: number): Buffer {
  const modulus = randomBytes(Math.ceil(bits / 8));
  const top = (bits - 1) % 8;
  modulus[0] = (modulus[0]! & ((1 << (top + 1)) - 1)) | (1 << top);
  modulus[modulus.length - 1]! |= 1;
  const integer = (bytes: Buffer): Buffer =>
    tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
  const rsaPublicKey = tlv(0x30, Buffer.concat([integer(modulus), integer(Buffer.from([1, 0, 1]))]));
  const rsaEncryption = Buffer.from('300d06092a864886f70d0101010500', 'hex');
  return tlv(0x30, Buffer.concat([rsaEncryption, tlv(0x03, Buffer.concat([Buffer.from([0]), rsaPublicKey]))]));
}

/**
 * `leaf` with its public key replaced by an RSA key of exactly `bits` bits, re-signed by `issuer`.
 * Key-size rules read only the public key, so no private key is needed, and an 8192-bit or odd-size
 * key (2047, 4097) costs no key generation.
 */
export function withRsaKeyOfBits(leaf: Issued, issuer: Issued, bits: number): Issued {
  const certificate = AsnConvert.parse(leaf.certDer, Certificate);
  const tbs = certificate.tbsCertificate;
  tbs.subjectPublicKeyInfo = AsnConvert.parse(rsaSpkiOfBits(bits), SubjectPublicKeyInfo);
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signed = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: certificate.signatureAlgorithm,
    signatureValue: new Uint8Array(sign('sha256', tbsDer, issuer.privateKey)).buffer,
  });
  const certDer = Buffer.from(AsnConvert.serialize(signed));
  return { ...leaf, certDer, certPem: pemOfDer(certDer) };
}
