import { createHash, X509Certificate } from 'node:crypto';
import { DerError, TAG, children, contentOf, contextTag, decodeOid, encodingOf, expectTag, readTlv } from './der.js';
import {
  OID,
  decodeAuthorityKeyIdentifier,
  decodeBasicConstraints,
  decodeExtendedKeyUsage,
  decodeExtensions,
  decodeGeneralNames,
  decodeKeyUsage,
  decodeName,
  decodeNameConstraints,
  decodeSubjectKeyIdentifier,
  type BasicConstraints,
  type Extension,
  type GeneralName,
  type KeyUsageBit,
  type NameConstraints,
  type Rdn,
} from './extensions.js';

/** A validity time as encoded (RFC 5280 4.1.2.5) and the instant it denotes. */
export interface TimeField {
  encoding: 'UTCTime' | 'GeneralizedTime';
  /** The characters as encoded, e.g. `260102030405Z`. */
  text: string;
  date: Date;
  /**
   * Why the encoding is not the one RFC 5280 4.1.2.5.1/4.1.2.5.2 mandates (YYMMDDHHMMSSZ or
   * YYYYMMDDHHMMSSZ): fractional seconds, seconds missing, a time-zone offset.
   */
  nonconformity?: string;
}

/** What RFC 5280 path validation reads of one certificate, as encoded. */
export interface CertificateDetails {
  issuerName: Rdn[];
  subjectName: Rdn[];
  notBefore: TimeField;
  notAfter: TimeField;
  signatureAlgorithmOid: string;
  /** The TBSCertificate `signature` field equals the outer signatureAlgorithm (RFC 5280 4.1.1.2). */
  signatureAlgorithmsMatch: boolean;
  publicKeyAlgorithmOid: string;
  /** EC keys: RFC 5480 2.1.1 allows only namedCurve; specifiedCurve is explicit parameters. */
  curveParameters?: 'namedCurve' | 'specifiedCurve' | 'implicitCurve';
  extensions: Extension[];
  basicConstraints?: BasicConstraints & { critical: boolean };
  keyUsage?: Set<KeyUsageBit>;
  subjectAltNames?: GeneralName[];
  subjectAltNameCritical?: boolean;
  nameConstraints?: NameConstraints;
  subjectKeyIdentifier?: Buffer;
  authorityKeyIdentifier?: Buffer;
  /**
   * Extensions that break RFC 5280 4.2 as encoded: repeated, or a value that does not decode
   * (OpenSSL marks such a certificate EXFLAG_INVALID). Each entry is one sentence.
   */
  extensionProblems: string[];
}

/**
 * One X.509 certificate as the checks see it: the facts a person can re-check with
 * `openssl x509 -text` (subject, issuer, serial, SHA-256 fingerprint, dates, key, signature
 * algorithm, SANs, EKUs). node:crypto's X509Certificate reads the certificate, prints the names
 * and verifies signatures for every key type (RSA, RSA-PSS, ECDSA, EdDSA); the extensions and the
 * time encodings path validation needs as encoded are read from the DER (der.ts, extensions.ts).
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
  parser: 'node:crypto';
  /** X.509 version: 1, 2 or 3. */
  version: number;
  details: CertificateDetails;
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

/** Signature algorithms by OID, named as OpenSSL prints them. */
export const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.2.840.10040.4.3': 'dsa-with-sha1',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-sha256',
};

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

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

const foldName = (name: string | undefined): string => (name ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
const rdnList = (name: string | undefined): string => (name ?? '').split('\n').filter(Boolean).join(', ');

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * Reads a validity time. RFC 5280 4.1.2.5 fixes the forms (UTCTime YYMMDDHHMMSSZ, GeneralizedTime
 * YYYYMMDDHHMMSSZ, no fractional seconds); X.680 allows more (seconds omitted, fractions, offsets).
 * Those looser forms are still read to an instant, so evidence can show it, and flagged as a
 * nonconformity that path validation refuses, as OpenSSL's X509_cmp_time does. A value that is
 * not a time at all (month 13, letters) makes the certificate unreadable.
 */
export function parseTime(tag: number, text: string): TimeField {
  const encoding = tag === TAG.UTC_TIME ? 'UTCTime' : 'GeneralizedTime';
  const pattern =
    encoding === 'UTCTime'
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?([.,]\d+)?(Z|[+-]\d{4})?$/;
  const match = pattern.exec(text);
  if (!match) throw new CertificateParseError(`"${text}" is not a ${encoding}`);
  const number = (index: number): number => (match[index] === undefined ? 0 : Number(match[index]));
  let year = number(1);
  // RFC 5280 4.1.2.5.1: YY >= 50 is 19YY, YY < 50 is 20YY.
  if (encoding === 'UTCTime') year += year >= 50 ? 1900 : 2000;
  const [month, day, hour, minute, second] = [number(2), number(3), number(4), number(5), number(6)];
  const fraction = encoding === 'GeneralizedTime' && match[7] ? Number(`0.${match[7].slice(1)}`) : 0;
  const zone = (encoding === 'UTCTime' ? match[7] : match[8]) ?? '';
  const monthDays = month === 2 && leap(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (monthDays === undefined || day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) {
    throw new CertificateParseError(`"${text}" is not a valid ${encoding}`);
  }
  let offsetMinutes = 0;
  if (zone.length === 5) {
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
  }
  const date = new Date(
    Date.UTC(year, month - 1, day, hour, minute, second) + Math.floor(fraction * 1000) - offsetMinutes * 60_000,
  );
  const reasons: string[] = [];
  if (match[7] && encoding === 'GeneralizedTime') reasons.push('fractional seconds');
  if (match[6] === undefined) reasons.push('seconds omitted');
  if (encoding === 'GeneralizedTime' && match[5] === undefined) reasons.push('minutes omitted');
  if (zone !== 'Z') reasons.push(zone ? `time-zone offset ${zone}` : 'no "Z" (local time)');
  return { encoding, text, date, ...(reasons.length > 0 ? { nonconformity: reasons.join(', ') } : {}) };
}

function formatIp(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) return bytes.toString('hex');
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16));
  // RFC 5952 4.2: the longest run of two or more zero groups becomes "::".
  let best = { at: -1, length: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.length && j - i >= 2) best = { at: i, length: j - i };
    i = j;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`;
}

interface Skeleton {
  version: number;
  details: CertificateDetails;
}

/** Walks Certificate / TBSCertificate (RFC 5280 4.1) and decodes the extensions path validation reads. */
function readSkeleton(der: Buffer): Skeleton {
  const top = readTlv(der, 0);
  if (top.end !== der.length) throw new DerError('trailing octets after the certificate');
  const [tbs, outerAlgorithm] = children(der, expectTag(top, TAG.SEQUENCE, 'Certificate'));
  const fields = children(der, expectTag(tbs, TAG.SEQUENCE, 'TBSCertificate'));
  let index = 0;
  let version = 1;
  if (fields[0]?.tag === contextTag(0, true)) {
    const [versionInteger] = children(der, fields[0]);
    const content = contentOf(der, expectTag(versionInteger, TAG.INTEGER, 'version'));
    if (content.length !== 1 || content[0]! > 2) throw new DerError('unknown certificate version');
    version = content[0]! + 1;
    index++;
  }
  const tbsAlgorithm = expectTag(fields[index + 1], TAG.SEQUENCE, 'signature');
  const issuer = fields[index + 2]!;
  const validity = children(der, expectTag(fields[index + 3], TAG.SEQUENCE, 'validity'));
  const subject = fields[index + 4]!;
  const spki = children(der, expectTag(fields[index + 5], TAG.SEQUENCE, 'subjectPublicKeyInfo'));
  const outer = expectTag(outerAlgorithm, TAG.SEQUENCE, 'signatureAlgorithm');
  const [outerOid] = children(der, outer);
  const times = validity.map((element, i) => {
    if (element.tag !== TAG.UTC_TIME && element.tag !== TAG.GENERALIZED_TIME)
      throw new DerError('validity is not a Time');
    try {
      return parseTime(element.tag, contentOf(der, element).toString('latin1'));
    } catch (error) {
      throw new CertificateParseError(`${i === 0 ? 'notBefore' : 'notAfter'} ${(error as Error).message}`);
    }
  });
  if (times.length !== 2) throw new DerError('validity must hold notBefore and notAfter');
  const [keyAlgorithm] = spki;
  const [keyOid, keyParameters] = children(der, expectTag(keyAlgorithm, TAG.SEQUENCE, 'AlgorithmIdentifier'));
  const publicKeyAlgorithmOid = decodeOid(contentOf(der, expectTag(keyOid, TAG.OID, 'algorithm')));
  let curveParameters: CertificateDetails['curveParameters'];
  if (publicKeyAlgorithmOid === OID_EC_PUBLIC_KEY) {
    // RFC 5480 2.1.1: ECParameters ::= CHOICE { namedCurve OID, implicitCurve NULL, specifiedCurve SEQUENCE }.
    curveParameters =
      keyParameters?.tag === TAG.OID
        ? 'namedCurve'
        : keyParameters?.tag === TAG.NULL
          ? 'implicitCurve'
          : 'specifiedCurve';
  }
  const details: CertificateDetails = {
    issuerName: decodeName(der, issuer),
    subjectName: decodeName(der, subject),
    notBefore: times[0]!,
    notAfter: times[1]!,
    signatureAlgorithmOid: decodeOid(contentOf(der, expectTag(outerOid, TAG.OID, 'signatureAlgorithm'))),
    signatureAlgorithmsMatch: encodingOf(der, tbsAlgorithm).equals(encodingOf(der, outer)),
    publicKeyAlgorithmOid,
    ...(curveParameters ? { curveParameters } : {}),
    extensions: [],
    extensionProblems: [],
  };
  const extensionsField = fields.slice(index + 6).find((field) => field.tag === contextTag(3, true));
  if (extensionsField) {
    details.extensions = decodeExtensions(der, extensionsField);
    readExtensionValues(details);
  }
  return { version, details };
}

/** Decodes the extensions path validation acts on; a repeated or undecodable one is a problem, not a throw. */
function readExtensionValues(details: CertificateDetails): void {
  const seen = new Set<string>();
  for (const extension of details.extensions) {
    if (seen.has(extension.oid)) {
      details.extensionProblems.push(`${extension.name} appears more than once (RFC 5280 4.2)`);
      continue;
    }
    seen.add(extension.oid);
    try {
      switch (extension.oid) {
        case OID.basicConstraints:
          details.basicConstraints = { ...decodeBasicConstraints(extension.value), critical: extension.critical };
          break;
        case OID.keyUsage:
          details.keyUsage = decodeKeyUsage(extension.value);
          break;
        case OID.subjectAltName:
          details.subjectAltNames = decodeGeneralNames(extension.value);
          details.subjectAltNameCritical = extension.critical;
          break;
        case OID.nameConstraints:
          details.nameConstraints = decodeNameConstraints(extension.value);
          break;
        case OID.subjectKeyIdentifier:
          details.subjectKeyIdentifier = decodeSubjectKeyIdentifier(extension.value);
          break;
        case OID.authorityKeyIdentifier: {
          const { keyIdentifier } = decodeAuthorityKeyIdentifier(extension.value);
          if (keyIdentifier) details.authorityKeyIdentifier = keyIdentifier;
          break;
        }
        case OID.extKeyUsage:
          decodeExtendedKeyUsage(extension.value);
          break;
      }
    } catch (error) {
      details.extensionProblems.push(`${extension.name} cannot be decoded (${(error as Error).message})`);
    }
  }
}

/** Reads one DER certificate; throws CertificateParseError when it is not one. */
export function parseCertificate(der: Buffer): Certificate {
  let x509: X509Certificate;
  let skeleton: Skeleton;
  try {
    // X509Certificate reads a PEM block anywhere in its input before trying DER: handed as PEM,
    // it reads exactly these octets, not a certificate embedded in them as text.
    x509 = new X509Certificate(asPem(der));
    skeleton = readSkeleton(der);
  } catch (error) {
    if (error instanceof CertificateParseError) {
      throw new CertificateParseError(`validity dates cannot be read (${error.message})`);
    }
    throw new CertificateParseError(`not a valid X.509 certificate (${(error as Error).message.split('\n')[0]})`);
  }
  const { details, version } = skeleton;
  let keyType = 'UNKNOWN';
  let keyDetails: { modulusLength?: number; namedCurve?: string } = {};
  try {
    keyType = (x509.publicKey.asymmetricKeyType ?? 'unknown').toUpperCase();
    keyDetails = x509.publicKey.asymmetricKeyDetails ?? {};
  } catch {
    // A key node:crypto cannot load (an unknown algorithm): the certificate is still readable.
  }
  const curve = details.curveParameters === 'namedCurve' ? keyDetails.namedCurve : undefined;
  const bits = keyDetails.modulusLength ?? (curve ? CURVE_BITS[curve] : undefined);
  const signatureAlgorithm = SIGNATURE_ALGORITHMS[details.signatureAlgorithmOid] ?? details.signatureAlgorithmOid;
  // node:crypto leaves subject and issuer undefined when the Name is empty.
  const commonName = (x509.subject ?? '')
    .split('\n')
    .filter((line) => line.startsWith('CN='))
    .map((line) => line.slice(3))
    .pop();
  const sans = details.subjectAltNames ?? [];
  const eku = x509.keyUsage;
  return {
    der,
    x509,
    subject: rdnList(x509.subject),
    issuer: rdnList(x509.issuer),
    ...(commonName !== undefined ? { commonName } : {}),
    subjectKey: foldName(x509.subject),
    issuerKey: foldName(x509.issuer),
    serial: x509.serialNumber.toUpperCase(),
    // Of the bytes as they were read, as `sha256sum` and `openssl x509 -fingerprint -sha256` print it
    // for any certificate OpenSSL does not re-encode; x509.fingerprint256 hashes OpenSSL's own
    // encoding, which differs for damaged but readable DER (a fuzz counterexample on Node 22).
    sha256: fingerprint(der),
    notBefore: details.notBefore.date,
    notAfter: details.notAfter.date,
    key: {
      type: keyType,
      ...(bits !== undefined ? { bits } : {}),
      ...(curve ? { curve } : {}),
    },
    signatureAlgorithm,
    signatureHash: signatureHashOf(signatureAlgorithm),
    dnsNames: sans.flatMap((name) => (name.kind === 'dNSName' ? [name.value] : [])),
    ipAddresses: sans.flatMap((name) => (name.kind === 'iPAddress' ? [formatIp(name.bytes)] : [])),
    ...(eku ? { extendedKeyUsage: eku.map((oid) => EKU_NAMES[oid] ?? oid) } : {}),
    isCa: details.basicConstraints?.cA === true,
    selfIssued: foldName(x509.subject) === foldName(x509.issuer),
    parser: 'node:crypto',
    version,
    details,
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

/** One PEM block of exactly these octets (OpenSSL's PEM reader takes base64 lines of any length). */
const asPem = (der: Buffer): string =>
  `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;

/** SHA-256 of DER bytes, colon-separated upper-case hex. */
function fingerprint(der: Buffer): string {
  const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  return hex.replace(/(..)(?!$)/g, '$1:');
}
