import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import forge from 'node-forge';

/**
 * A small PKI for the lab and the tests: CAs and leaves with chosen names, SANs, EKUs, key sizes,
 * signature digests and dates. Keys come from node:crypto (fast, native); node-forge signs.
 */
export interface Issued {
  certPem: string;
  keyPem: string;
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

export interface CertOptions {
  commonName: string;
  /** DNS SANs; entries that are IP addresses become IP SANs. */
  sans?: string[];
  /** serverAuth / clientAuth. */
  extendedKeyUsage?: Array<'serverAuth' | 'clientAuth'>;
  keyBits?: number;
  digest?: 'sha256' | 'sha1' | 'md5';
  notBefore?: Date;
  notAfter?: Date;
  isCa?: boolean;
  organization?: string;
}

const DAY = 86_400_000;

function rsaKeys(bits: number): {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  keyPem: string;
} {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), keyPem };
}

const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]+)$/i;

/** Issues a certificate signed by `issuer`, or self-signed when issuer is undefined. */
/**
 * A certificate with serial, validity, subject, issuer and extensions set, not yet signed: the
 * part RSA and EC issuing share. `base` are the extensions that differ between them.
 */
function draftCertificate(
  options: Omit<CertOptions, 'keyBits' | 'digest'>,
  publicKey: forge.pki.PublicKey,
  issuer: Issued | undefined,
  base: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - DAY);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 365 * DAY);
  const subject = [
    { name: 'commonName', value: options.commonName },
    { name: 'organizationName', value: options.organization ?? 'mra-preflight lab' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject);
  const extensions = [...base];
  if (options.sans && options.sans.length > 0) {
    extensions.push({
      name: 'subjectAltName',
      altNames: options.sans.map((san) => (IP.test(san) ? { type: 7, ip: san } : { type: 2, value: san })),
    });
  }
  if (options.extendedKeyUsage && options.extendedKeyUsage.length > 0) {
    extensions.push({
      name: 'extKeyUsage',
      serverAuth: options.extendedKeyUsage.includes('serverAuth'),
      clientAuth: options.extendedKeyUsage.includes('clientAuth'),
    });
  }
  cert.setExtensions(extensions);
  return cert;
}

/** Issues a certificate signed by `issuer`, or self-signed when issuer is undefined. */
export function issueCertificate(options: CertOptions, issuer?: Issued): Issued {
  const keys = rsaKeys(options.keyBits ?? 2048);
  const cert = draftCertificate(options, keys.publicKey, issuer, [
    { name: 'basicConstraints', cA: options.isCa ?? false, critical: true },
    options.isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  const digest = options.digest ?? 'sha256';
  const md =
    digest === 'sha1' ? forge.md.sha1.create() : digest === 'md5' ? forge.md.md5.create() : forge.md.sha256.create();
  cert.sign(issuer ? issuer.key : keys.privateKey, md);
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem, cert, key: keys.privateKey };
}

export function createCa(
  commonName: string,
  options: Omit<CertOptions, 'commonName' | 'isCa'> = {},
  issuer?: Issued,
): Issued {
  return issueCertificate({ ...options, commonName, isCa: true }, issuer);
}

/** An EC certificate (forge cannot hold EC keys, so only the PEMs are returned). */
export interface IssuedEc {
  certPem: string;
  keyPem: string;
}

const OID_SHA256_RSA = '1.2.840.113549.1.1.11';
const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';

function algorithmIdentifier(oid: string): forge.asn1.Asn1 {
  const { asn1 } = forge;
  const parts = [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes())];
  // RSA signature algorithms carry a NULL parameter; ECDSA ones carry none (RFC 5758).
  if (oid === OID_SHA256_RSA) parts.push(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''));
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, parts);
}

/**
 * Issues a P-256 ECDSA certificate, self-signed (ecdsa-with-SHA256) or signed by an RSA `issuer`
 * (sha256WithRSAEncryption). forge builds the TBSCertificate with a placeholder key; the subject
 * key and the signature are then swapped in with node:crypto.
 */
export function issueEcCertificate(options: Omit<CertOptions, 'keyBits' | 'digest'>, issuer?: Issued): IssuedEc {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const placeholder = rsaKeys(1024);
  const cert = draftCertificate(options, placeholder.publicKey, issuer, [
    { name: 'basicConstraints', cA: options.isCa ?? false, critical: true },
  ]);
  const signatureOid = issuer ? OID_SHA256_RSA : OID_ECDSA_SHA256;
  cert.siginfo.algorithmOid = OID_SHA256_RSA;
  const tbs = (
    forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }
  ).getTBSCertificate(cert);
  const fields = tbs.value as forge.asn1.Asn1[];
  const spkiDer = publicKey.export({ type: 'spki', format: 'der' });
  fields[2] = algorithmIdentifier(signatureOid);
  fields[6] = forge.asn1.fromDer(forge.util.createBuffer(spkiDer.toString('binary')));
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, issuer ? issuer.keyPem : privateKey);
  const { asn1 } = forge;
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    algorithmIdentifier(signatureOid),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${signature.toString('binary')}`),
  ]);
  const der = Buffer.from(asn1.toDer(certificate).getBytes(), 'binary');
  const body = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${body}-----END CERTIFICATE-----\n`,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
