import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/**
 * One X.509 certificate as the checks see it: the facts a person can re-check with
 * `openssl x509 -text` (subject, issuer, serial, SHA-256 fingerprint, dates, key, signature
 * algorithm, SANs, EKUs). node-forge reads RSA certificates; it cannot read EC keys, so ECDSA
 * (and Ed25519) certificates are read with node:crypto's X509Certificate instead. Signatures are
 * verified with node:crypto for every key type.
 */
export interface Certificate {
  der: Buffer;
  x509: X509Certificate;
  /** `C=US, O=Example, CN=expc.example.com` (RDNs in certificate order). */
  subject: string;
  issuer: string;
  commonName?: string;
  /** Normalised subject / issuer used to find issuers (case and spacing folded). */
  subjectKey: string;
  issuerKey: string;
  /** Hex, upper case, as openssl prints it. */
  serial: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex (openssl x509 -fingerprint -sha256). */
  sha256: string;
  notBefore: Date;
  notAfter: Date;
  key: { type: string; bits?: number; curve?: string };
  /** e.g. sha256WithRSAEncryption, ecdsa-with-SHA256. */
  signatureAlgorithm: string;
  /** Digest of the signature: md5, sha1, sha256... or unknown. */
  signatureHash: string;
  dnsNames: string[];
  ipAddresses: string[];
  /** Extended key usages by name (serverAuth, clientAuth...); undefined when the extension is absent. */
  extendedKeyUsage?: string[];
  isCa: boolean;
  /** Subject equals issuer (a root, or a self-signed leaf). */
  selfIssued: boolean;
  parser: 'node-forge' | 'node:crypto';
}

export class CertificateParseError extends Error {}

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

/** Signature algorithms forge has no name for (EC, EdDSA, PSS). */
const SIGNATURE_NAMES: Record<string, string> = {
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.10040.4.3': 'dsa-with-sha1',
};

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
  'P-256': 256,
  'P-384': 384,
  'P-521': 521,
};

export function signatureHashOf(name: string): string {
  const lower = name.toLowerCase();
  for (const hash of ['md2', 'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']) {
    if (lower.includes(hash) || lower.includes(hash.replace('sha', 'sha-'))) return hash;
  }
  if (lower === 'ed25519' || lower === 'ed448') return lower;
  return 'unknown';
}

const foldName = (name: string): string => name.toLowerCase().replace(/\s+/g, ' ').trim();
const rdnList = (name: string): string => name.split('\n').filter(Boolean).join(', ');

/** Splits Node's `DNS:a, DNS:"b,c", IP Address:1.2.3.4` into entries (quoted values may hold commas). */
export function splitSubjectAltName(text: string | undefined): Array<[string, string]> {
  if (!text) return [];
  const entries: Array<[string, string]> = [];
  const pattern = /\s*([^:,]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:,|$)/g;
  for (const match of text.matchAll(pattern)) {
    const kind = match[1]?.trim() ?? '';
    let value = match[2]?.trim() ?? '';
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        value = value.slice(1, -1);
      }
    }
    if (kind) entries.push([kind, value]);
  }
  return entries;
}

function signatureOidOf(der: Buffer): string {
  const top = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
  const algorithm = (top.value as forge.asn1.Asn1[])[1];
  const oid = (algorithm?.value as forge.asn1.Asn1[] | undefined)?.[0];
  if (!oid || typeof oid.value !== 'string') throw new CertificateParseError('no signature algorithm');
  return forge.asn1.derToOid(oid.value);
}

interface ForgeFields {
  dnsNames: string[];
  ipAddresses: string[];
  isCa: boolean;
}

/** RSA certificates: forge reads the extensions; it throws on EC keys, then node:crypto takes over. */
function forgeFields(der: Buffer): ForgeFields | undefined {
  let cert: forge.pki.Certificate;
  try {
    cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary'))));
  } catch {
    return undefined;
  }
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  const san = cert.getExtension('subjectAltName') as
    { altNames?: Array<{ type: number; value?: string; ip?: string }> } | undefined;
  for (const name of san?.altNames ?? []) {
    if (name.type === 2 && typeof name.value === 'string') dnsNames.push(name.value);
    if (name.type === 7 && typeof name.ip === 'string') ipAddresses.push(name.ip);
  }
  const constraints = cert.getExtension('basicConstraints') as { cA?: boolean } | undefined;
  return { dnsNames, ipAddresses, isCa: constraints?.cA === true };
}

function cryptoFields(x509: X509Certificate): ForgeFields {
  const entries = splitSubjectAltName(x509.subjectAltName);
  return {
    dnsNames: entries.filter(([kind]) => kind === 'DNS').map(([, value]) => value),
    ipAddresses: entries.filter(([kind]) => kind === 'IP Address').map(([, value]) => value),
    isCa: x509.ca,
  };
}

/** Reads one DER certificate; throws CertificateParseError when it is not one. */
export function parseCertificate(der: Buffer): Certificate {
  let x509: X509Certificate;
  let signatureOid: string;
  try {
    x509 = new X509Certificate(der);
    signatureOid = signatureOidOf(der);
  } catch (error) {
    throw new CertificateParseError(`not a valid X.509 certificate (${(error as Error).message.split('\n')[0]})`);
  }
  // A damaged validity field can still decode (e.g. month 13): reject it here, or every later
  // date comparison and toISOString() would throw inside the rules.
  const notBefore = new Date(x509.validFrom);
  const notAfter = new Date(x509.validTo);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw new CertificateParseError(
      `validity dates cannot be read (notBefore "${x509.validFrom}", notAfter "${x509.validTo}")`,
    );
  }
  const fromForge = forgeFields(der);
  const fields = fromForge ?? cryptoFields(x509);
  const details = x509.publicKey.asymmetricKeyDetails ?? {};
  const keyType = (x509.publicKey.asymmetricKeyType ?? 'unknown').toUpperCase();
  const curve = details.namedCurve;
  const bits = details.modulusLength ?? (curve ? CURVE_BITS[curve] : undefined);
  const signatureAlgorithm = SIGNATURE_NAMES[signatureOid] ?? forge.pki.oids[signatureOid] ?? signatureOid;
  const subject = rdnList(x509.subject);
  const issuer = rdnList(x509.issuer);
  const commonName = x509.subject
    .split('\n')
    .filter((line) => line.startsWith('CN='))
    .map((line) => line.slice(3))
    .pop();
  const eku = x509.keyUsage;
  return {
    der,
    x509,
    subject,
    issuer,
    ...(commonName !== undefined ? { commonName } : {}),
    subjectKey: foldName(x509.subject),
    issuerKey: foldName(x509.issuer),
    serial: x509.serialNumber.toUpperCase(),
    sha256: x509.fingerprint256,
    notBefore,
    notAfter,
    key: {
      type: keyType === 'RSA-PSS' ? 'RSA-PSS' : keyType,
      ...(bits !== undefined ? { bits } : {}),
      ...(curve ? { curve } : {}),
    },
    signatureAlgorithm,
    signatureHash: signatureHashOf(signatureAlgorithm),
    dnsNames: fields.dnsNames,
    ipAddresses: fields.ipAddresses,
    ...(eku ? { extendedKeyUsage: eku.map((oid) => EKU_NAMES[oid] ?? oid) } : {}),
    isCa: fields.isCa,
    selfIssued: foldName(x509.subject) === foldName(x509.issuer),
    parser: fromForge ? 'node-forge' : 'node:crypto',
  };
}

export interface ParsedBundle {
  certificates: Certificate[];
  /** What could not be read (a malformed PEM block, a non-certificate DER). */
  problems: string[];
}

const PEM_BLOCK = /-----BEGIN ((?:TRUSTED |X509 )?CERTIFICATE)-----([\s\S]*?)-----END \1-----/g;

/**
 * Certificates in a PEM bundle (leaf first, chain after, as exported) or one DER certificate.
 * Other PEM blocks (private keys) are ignored; an unterminated or undecodable block is a problem.
 */
export function parseBundle(data: Buffer): ParsedBundle {
  const text = data.toString('latin1');
  const certificates: Certificate[] = [];
  const problems: string[] = [];
  if (text.includes('-----BEGIN')) {
    let blocks = 0;
    for (const match of text.matchAll(PEM_BLOCK)) {
      blocks++;
      const body = (match[2] ?? '').replace(/[\r\n\t ]/g, '');
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
        problems.push(`PEM block ${blocks} is not valid base64`);
        continue;
      }
      try {
        certificates.push(parseCertificate(Buffer.from(body, 'base64')));
      } catch (error) {
        problems.push(`PEM block ${blocks}: ${(error as Error).message}`);
      }
    }
    const begun = (text.match(/-----BEGIN (?:TRUSTED |X509 )?CERTIFICATE-----/g) ?? []).length;
    if (begun > blocks) problems.push(`${begun - blocks} PEM certificate block(s) without a matching END line`);
    if (begun === 0) problems.push('no CERTIFICATE block in the PEM data');
    return { certificates, problems };
  }
  try {
    certificates.push(parseCertificate(data));
  } catch (error) {
    problems.push(`neither PEM nor a DER certificate: ${(error as Error).message}`);
  }
  return { certificates, problems };
}

/** The facts of one certificate for a finding's evidence (dates as ISO strings). */
export function certificateEvidence(cert: Certificate): Record<string, unknown> {
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serial: cert.serial,
    sha256: cert.sha256,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    key: cert.key.curve
      ? `${cert.key.type} ${cert.key.curve}`
      : `${cert.key.type}${cert.key.bits ? ` ${cert.key.bits}` : ''}`,
    signatureAlgorithm: cert.signatureAlgorithm,
    sans: [...cert.dnsNames.map((name) => `DNS:${name}`), ...cert.ipAddresses.map((ip) => `IP:${ip}`)],
    extendedKeyUsage: cert.extendedKeyUsage ?? null,
  };
}
