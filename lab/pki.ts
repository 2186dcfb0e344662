import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Time,
  Validity,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  id_kp_serverAuth,
} from '@peculiar/asn1-x509';

/**
 * A small PKI for the lab and the tests: CAs and leaves with chosen names, SANs, EKUs, keys,
 * signature digests and dates. Keys are generated and certificates signed by node:crypto
 * (native OpenSSL); @peculiar/asn1-x509 encodes the certificate structures. Keys are P-256 ECDSA
 * unless RSA is asked for (keyBits or keyType), because no rule but MRA-CERT-008's key-size check
 * needs RSA and native P-256 key generation costs a fraction of a millisecond.
 *
 * Every certificate follows the RFC 5280 profile that `openssl verify -x509_strict` enforces:
 * basicConstraints critical on CAs, keyUsage with keyCertSign on CAs, subject and authority key
 * identifiers, whole-second validity times.
 */
export interface Issued {
  certPem: string;
  keyPem: string;
  certDer: Buffer;
  privateKey: KeyObject;
  /** The subject Name, copied byte for byte into the issuer field of what this certificate signs. */
  name: Name;
  /** Subject key identifier, the authority key identifier of what this certificate signs. */
  keyIdentifier: Buffer;
}

/** An ECDSA certificate: the same shape as any other since node:crypto holds every key type. */
export type IssuedEc = Issued;

export type Digest = 'sha256' | 'sha384' | 'sha1' | 'md5';

export interface CertOptions {
  commonName: string;
  /** DNS SANs; entries that are IP addresses become IP SANs. */
  sans?: string[];
  /** serverAuth / clientAuth. */
  extendedKeyUsage?: Array<'serverAuth' | 'clientAuth'>;
  /** RSA modulus length; setting it makes the key RSA. */
  keyBits?: number;
  /** Key algorithm; default EC (P-256), RSA when keyBits is set or a self-signed MD5 certificate is asked for. */
  keyType?: 'rsa' | 'ec';
  digest?: Digest;
  notBefore?: Date;
  notAfter?: Date;
  isCa?: boolean;
  /** basicConstraints pathLenConstraint of a CA. */
  pathLength?: number;
  organization?: string;
}

const DAY = 86_400_000;
const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]+)$/i;
const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATION = '2.5.4.10';

/** Signature algorithm OIDs by issuer key type and digest (RFC 4055, RFC 5758, RFC 3279). */
const SIGNATURE_OIDS: Record<'rsa' | 'ec', Partial<Record<Digest, string>>> = {
  rsa: {
    md5: '1.2.840.113549.1.1.4',
    sha1: '1.2.840.113549.1.1.5',
    sha256: '1.2.840.113549.1.1.11',
    sha384: '1.2.840.113549.1.1.12',
  },
  ec: { sha1: '1.2.840.10045.4.1', sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3' },
};

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

export function pemOfDer(der: Uint8Array): string {
  const body = Buffer.from(der)
    .toString('base64')
    .replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${body}-----END CERTIFICATE-----\n`;
}

export function nameOf(commonName: string, organization = 'mra-preflight lab'): Name {
  const attribute = (type: string, value: string): RelativeDistinguishedName =>
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) }),
    ]);
  return new Name([attribute(OID_COMMON_NAME, commonName), attribute(OID_ORGANIZATION, organization)]);
}

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING. */
function keyIdentifierOf(spkiDer: Buffer): Buffer {
  const spki = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
  return createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
}

export function extension(oid: string, critical: boolean, value: object | ArrayBuffer): Extension {
  const der = value instanceof ArrayBuffer ? value : AsnConvert.serialize(value);
  return new Extension({ extnID: oid, critical, extnValue: new OctetString(der) });
}

/** Everything a certificate states, before it is signed. */
export interface CertificateDraft {
  /** X.509 version number (1 or 3); default 3. */
  version?: 1 | 2 | 3;
  serial?: Buffer;
  subject: Name;
  issuer: Name;
  notBefore: Time;
  notAfter: Time;
  /** SubjectPublicKeyInfo, DER. */
  publicKey: Buffer;
  extensions: Extension[];
  /** Signature algorithm OID; by default the one that fits the signer's key and `digest`. */
  signatureOid?: string;
  /** Algorithm written into TBSCertificate.signature when it should differ from the outer one. */
  tbsSignatureOid?: string;
}

function algorithm(oid: string): AlgorithmIdentifier {
  // RFC 4055 5: the RSA PKCS #1 v1.5 signature algorithms carry a NULL parameter; ECDSA ones none (RFC 5758 3.2).
  return new AlgorithmIdentifier({
    algorithm: oid,
    ...(oid.startsWith('1.2.840.113549.') ? { parameters: null } : {}),
  });
}

/** Encodes and signs a draft with `signer` (node:crypto: RSA PKCS #1 v1.5 or ECDSA), returning the DER. */
export function signDraft(draft: CertificateDraft, signer: KeyObject, digest: Digest = 'sha256'): Buffer {
  const signerType = signer.asymmetricKeyType === 'rsa' ? 'rsa' : 'ec';
  const signatureOid = draft.signatureOid ?? SIGNATURE_OIDS[signerType][digest];
  if (!signatureOid) throw new Error(`no ${digest} signature algorithm for a ${signerType.toUpperCase()} issuer key`);
  const validity = new Validity();
  validity.notBefore = draft.notBefore;
  validity.notAfter = draft.notAfter;
  const tbs = new TBSCertificate({
    version: (draft.version ?? 3) - 1,
    serialNumber: toArrayBuffer(draft.serial ?? serialNumber()),
    signature: algorithm(draft.tbsSignatureOid ?? signatureOid),
    issuer: draft.issuer,
    validity,
    subject: draft.subject,
    subjectPublicKeyInfo: AsnConvert.parse(draft.publicKey, SubjectPublicKeyInfo),
    ...(draft.extensions.length > 0 ? { extensions: new Extensions(draft.extensions) } : {}),
  });
  if ((draft.version ?? 3) === 1) delete (tbs as Partial<TBSCertificate>).extensions;
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = sign(digest, tbsDer, signer);
  const certificate = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: algorithm(signatureOid),
    signatureValue: toArrayBuffer(signature),
  });
  return Buffer.from(AsnConvert.serialize(certificate));
}

/** A positive 16-octet serial (RFC 5280 4.1.2.2: positive, at most 20 octets). */
export function serialNumber(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  return serial;
}

export function generateKeys(type: 'rsa' | 'ec', bits = 2048): { privateKey: KeyObject; spki: Buffer; keyPem: string } {
  const { privateKey, publicKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: bits })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKey,
    spki: publicKey.export({ type: 'spki', format: 'der' }),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** The extensions of a conforming CA or leaf certificate. */
function profileExtensions(
  options: CertOptions,
  keyType: 'rsa' | 'ec',
  keyId: Buffer,
  issuerKeyId: Buffer,
): Extension[] {
  const list = [
    extension(
      id_ce_basicConstraints,
      true,
      new BasicConstraints({
        cA: options.isCa ?? false,
        ...(options.isCa && options.pathLength !== undefined ? { pathLenConstraint: options.pathLength } : {}),
      }),
    ),
    extension(
      id_ce_keyUsage,
      true,
      new KeyUsage(
        options.isCa
          ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature
          : // RSA key transport needs keyEncipherment; an ECDSA leaf only signs (RFC 8813 3).
            KeyUsageFlags.digitalSignature | (keyType === 'rsa' ? KeyUsageFlags.keyEncipherment : 0),
      ),
    ),
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(toArrayBuffer(keyId))),
    extension(
      id_ce_authorityKeyIdentifier,
      false,
      new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(toArrayBuffer(issuerKeyId)) }),
    ),
  ];
  if (options.sans && options.sans.length > 0) {
    list.push(
      extension(
        id_ce_subjectAltName,
        false,
        new SubjectAlternativeName(
          options.sans.map((san) => new GeneralName(IP.test(san) ? { iPAddress: san } : { dNSName: san })),
        ),
      ),
    );
  }
  if (options.extendedKeyUsage && options.extendedKeyUsage.length > 0) {
    list.push(
      extension(
        id_ce_extKeyUsage,
        false,
        new ExtendedKeyUsage(
          options.extendedKeyUsage.map((usage) => (usage === 'serverAuth' ? id_kp_serverAuth : id_kp_clientAuth)),
        ),
      ),
    );
  }
  return list;
}

/** Whole seconds: RFC 5280 4.1.2.5 has no fractional seconds. */
const wholeSeconds = (date: Date): Time => new Time(new Date(Math.floor(date.getTime() / 1000) * 1000));

/** Issues a certificate signed by `issuer`, or self-signed when issuer is undefined. */
export function issueCertificate(options: CertOptions, issuer?: Issued): Issued {
  const digest = options.digest ?? 'sha256';
  const keyType = options.keyType ?? (options.keyBits !== undefined || (!issuer && digest === 'md5') ? 'rsa' : 'ec');
  const keys = generateKeys(keyType, options.keyBits ?? 2048);
  const keyIdentifier = keyIdentifierOf(keys.spki);
  const name = nameOf(options.commonName, options.organization);
  const certDer = signDraft(
    {
      subject: name,
      issuer: issuer ? issuer.name : name,
      notBefore: wholeSeconds(options.notBefore ?? new Date(Date.now() - DAY)),
      notAfter: wholeSeconds(options.notAfter ?? new Date(Date.now() + 365 * DAY)),
      publicKey: keys.spki,
      extensions: profileExtensions(options, keyType, keyIdentifier, issuer ? issuer.keyIdentifier : keyIdentifier),
    },
    issuer ? issuer.privateKey : keys.privateKey,
    digest,
  );
  return { certPem: pemOfDer(certDer), keyPem: keys.keyPem, certDer, privateKey: keys.privateKey, name, keyIdentifier };
}

export function createCa(
  commonName: string,
  options: Omit<CertOptions, 'commonName' | 'isCa'> = {},
  issuer?: Issued,
): Issued {
  return issueCertificate({ ...options, commonName, isCa: true }, issuer);
}

/** A P-256 ECDSA certificate, self-signed (ecdsa-with-SHA256) or signed by `issuer` with its key's algorithm. */
export function issueEcCertificate(options: Omit<CertOptions, 'keyBits' | 'keyType'>, issuer?: Issued): IssuedEc {
  return issueCertificate({ ...options, keyType: 'ec' }, issuer);
}
