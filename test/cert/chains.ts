import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AccessDescription,
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CertificatePolicies,
  ExtendedKeyUsage,
  GeneralName,
  GeneralSubtree,
  GeneralSubtrees,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  NameConstraints,
  PolicyInformation,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  Time,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_certificatePolicies,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_nameConstraints,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_serverAuth,
  id_pe_authorityInfoAccess,
  AttributeTypeAndValue,
  AttributeValue,
  Name,
  RelativeDistinguishedName,
  type Extension,
} from '@peculiar/asn1-x509';
import { children, readTlv } from '../../src/cert/der.js';
import { extension, nameOf, signDraft, type CertificateDraft } from '../../lab/pki.js';

/**
 * Generated certificate chains for the path-validation tests: a root, intermediates and a leaf,
 * each described by a mutable spec (names, key, validity, extensions as encoded) and signed in
 * order, so a test can state any defect RFC 5280 path validation must catch (or must accept)
 * and compare the verdict with `openssl verify -x509_strict`. Keys come from a small pool made
 * once per process, so generating a chain costs only the signatures.
 */
export interface KeyPair {
  privateKey: KeyObject;
  spki: Buffer;
  keyId: Buffer;
}

export type Role = 'root' | 'intermediate' | 'leaf';

export interface CertSpec {
  role: Role;
  subject: Name;
  /** Issuer name written into the certificate; by default the subject of the certificate above. */
  issuer?: Name;
  keys: KeyPair;
  /** Signs instead of the key of the certificate above (a forged signature). */
  signer?: KeyObject;
  /** SubjectPublicKeyInfo written into the certificate instead of keys.spki (explicit curve parameters). */
  spki?: Buffer;
  version: 1 | 3;
  notBefore: Time;
  notAfter: Time;
  extensions: Extension[];
  tbsSignatureOid?: string;
}

export interface Chain {
  root: CertSpec;
  /** Top-down: intermediates[0] is issued by the root, the last one issues the leaf. */
  intermediates: CertSpec[];
  leaf: CertSpec;
}

export interface BuiltChain {
  rootDer: Buffer;
  /** Bottom-up, as a server presents them after the leaf. */
  intermediateDers: Buffer[];
  leafDer: Buffer;
}

const keyIdOf = (spki: Buffer): Buffer =>
  createHash('sha1')
    .update(Buffer.from(AsnConvert.parse(spki, SubjectPublicKeyInfo).subjectPublicKey))
    .digest();

const pool = new Map<string, KeyPair>();

/** Key `index` of the pool (P-256 unless `rsa`), the same object on every call. */
export function poolKey(index: number, rsa = false): KeyPair {
  const id = `${rsa ? 'rsa' : 'ec'}-${index}`;
  let keys = pool.get(id);
  if (!keys) {
    const { privateKey, publicKey } = rsa
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    keys = { privateKey, spki, keyId: keyIdOf(spki) };
    pool.set(id, keys);
  }
  return keys;
}

/** A Name from [attribute OID, value] pairs in order, one attribute per RDN. */
export function dn(...attributes: Array<[string, string]>): Name {
  return new Name(
    attributes.map(
      ([type, value]) =>
        new RelativeDistinguishedName([
          new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) }),
        ]),
    ),
  );
}
export const CN = '2.5.4.3';
export const O = '2.5.4.10';

export const JUDGED_AT = new Date('2030-06-15T12:00:00Z');
export const DAY = 86_400_000;
export const time = (date: Date): Time => new Time(date);

const valueOf = (structure: object): ArrayBuffer => AsnConvert.serialize(structure);

export const ext = {
  basicConstraints: (cA: boolean, pathLen?: number, critical = true): Extension =>
    extension(
      id_ce_basicConstraints,
      critical,
      new BasicConstraints({ cA, ...(pathLen !== undefined ? { pathLenConstraint: pathLen } : {}) }),
    ),
  keyUsage: (flags: number, critical = true): Extension => extension(id_ce_keyUsage, critical, new KeyUsage(flags)),
  subjectKeyId: (keyId: Buffer, critical = false): Extension =>
    extension(id_ce_subjectKeyIdentifier, critical, new SubjectKeyIdentifier(new Uint8Array(keyId).buffer)),
  authorityKeyId: (keyId: Buffer, critical = false): Extension =>
    extension(
      id_ce_authorityKeyIdentifier,
      critical,
      new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(new Uint8Array(keyId).buffer) }),
    ),
  subjectAltName: (names: GeneralName[], critical = false): Extension =>
    extension(id_ce_subjectAltName, critical, new SubjectAlternativeName(names)),
  dns: (name: string): GeneralName => new GeneralName({ dNSName: name }),
  ip: (address: string): GeneralName => new GeneralName({ iPAddress: address }),
  email: (address: string): GeneralName => new GeneralName({ rfc822Name: address }),
  directoryName: (name: Name): GeneralName => new GeneralName({ directoryName: name }),
  uri: (value: string): GeneralName => new GeneralName({ uniformResourceIdentifier: value }),
  serverAuth: (): Extension => extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth])),
  nameConstraints: (permitted: GeneralName[], excluded: GeneralName[] = [], critical = true): Extension =>
    extension(
      id_ce_nameConstraints,
      critical,
      new NameConstraints({
        ...(permitted.length > 0
          ? { permittedSubtrees: new GeneralSubtrees(permitted.map((base) => new GeneralSubtree({ base }))) }
          : {}),
        ...(excluded.length > 0
          ? { excludedSubtrees: new GeneralSubtrees(excluded.map((base) => new GeneralSubtree({ base }))) }
          : {}),
      }),
    ),
  authorityInfoAccess: (url: string, critical = false): Extension =>
    extension(
      id_pe_authorityInfoAccess,
      critical,
      new AuthorityInfoAccessSyntax([
        new AccessDescription({
          accessMethod: '1.3.6.1.5.5.7.48.1',
          accessLocation: new GeneralName({ uniformResourceIdentifier: url }),
        }),
      ]),
    ),
  certificatePolicies: (critical = false): Extension =>
    extension(
      id_ce_certificatePolicies,
      critical,
      new CertificatePolicies([new PolicyInformation({ policyIdentifier: '2.23.140.1.2.1' })]),
    ),
  /** An extension with an arbitrary OID and value octets (an unknown one, or a known one with a bad value). */
  raw: (oid: string, critical: boolean, value: Uint8Array): Extension =>
    extension(oid, critical, new Uint8Array(value).buffer),
};

export { valueOf };

export const CA_USAGE = KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature;
export const LEAF_USAGE = KeyUsageFlags.digitalSignature;
export const UNKNOWN_OID = '1.3.6.1.4.1.55555.1.1';

/** The extensions of a conforming certificate for `role`, as the lab PKI writes them. */
export function conformingExtensions(
  role: Role,
  keys: KeyPair,
  issuerKeys: KeyPair | undefined,
  san = 'a.example.com',
): Extension[] {
  const keyIds = [ext.subjectKeyId(keys.keyId), ...(issuerKeys ? [ext.authorityKeyId(issuerKeys.keyId)] : [])];
  if (role === 'leaf') {
    return [
      ext.basicConstraints(false),
      ext.keyUsage(LEAF_USAGE),
      ...keyIds,
      ext.subjectAltName([ext.dns(san)]),
      ext.serverAuth(),
    ];
  }
  return [ext.basicConstraints(true), ext.keyUsage(CA_USAGE), ...keyIds];
}

/**
 * A conforming chain: "Test Root" -> `depth` intermediates "Issuing CA 1..n" -> a leaf for
 * a.example.com, valid from a year before JUDGED_AT to a year after. Root key 0, intermediates
 * 1..n, leaf key 9 of the pool (RSA keys with `rsa`).
 */
export function conformingChain(depth = 1, rsa = false): Chain {
  const notBefore = time(new Date(JUDGED_AT.getTime() - 365 * DAY));
  const notAfter = time(new Date(JUDGED_AT.getTime() + 365 * DAY));
  const spec = (role: Role, commonName: string, keys: KeyPair, issuerKeys: KeyPair | undefined): CertSpec => ({
    role,
    subject: nameOf(commonName, 'mra-preflight test'),
    keys,
    version: 3,
    notBefore,
    notAfter,
    extensions: conformingExtensions(role, keys, issuerKeys),
  });
  const rootKeys = poolKey(0, rsa);
  const root = spec('root', 'Test Root', rootKeys, rootKeys);
  const intermediates: CertSpec[] = [];
  let above = rootKeys;
  for (let i = 1; i <= depth; i++) {
    const keys = poolKey(i, rsa);
    intermediates.push(spec('intermediate', `Issuing CA ${i}`, keys, above));
    above = keys;
  }
  const leaf = spec('leaf', 'a.example.com', poolKey(9, rsa), above);
  return { root, intermediates, leaf };
}

/** Signs every certificate of the chain, the root first. */
export function buildChain(chain: Chain): BuiltChain {
  const sign = (spec: CertSpec, issuer: CertSpec | undefined): Buffer => {
    const draft: CertificateDraft = {
      version: spec.version,
      subject: spec.subject,
      issuer: spec.issuer ?? issuer?.subject ?? spec.subject,
      notBefore: spec.notBefore,
      notAfter: spec.notAfter,
      publicKey: spec.spki ?? spec.keys.spki,
      extensions: spec.extensions,
      ...(spec.tbsSignatureOid ? { tbsSignatureOid: spec.tbsSignatureOid } : {}),
    };
    return signDraft(draft, spec.signer ?? (issuer ?? spec).keys.privateKey);
  };
  const rootDer = sign(chain.root, undefined);
  const intermediateDers: Buffer[] = [];
  let above = chain.root;
  for (const intermediate of chain.intermediates) {
    intermediateDers.unshift(sign(intermediate, above));
    above = intermediate;
  }
  return { rootDer, intermediateDers, leafDer: sign(chain.leaf, above) };
}

/** Replaces (or with `value` undefined, removes) the extensions of `spec` with this OID. */
export function setExtension(spec: CertSpec, oid: string, value: Extension | undefined): void {
  const index = spec.extensions.findIndex((candidate) => candidate.extnID === oid);
  if (index >= 0) {
    if (value) spec.extensions[index] = value;
    else spec.extensions.splice(index, 1);
  } else if (value) {
    spec.extensions.push(value);
  }
}

/** Every certificate of the chain, top-down. */
export const specsOf = (chain: Chain): CertSpec[] => [chain.root, ...chain.intermediates, chain.leaf];

/** DER element with `tag` around `content` (definite length, minimal form). */
export function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  const header =
    length < 0x80
      ? Buffer.from([tag, length])
      : length < 0x100
        ? Buffer.from([tag, 0x81, length])
        : Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  return Buffer.concat([header, content]);
}

/**
 * Re-encodes a signed certificate with its TBSCertificate fields changed by `patch` and signs it
 * again with `signer`: for encodings no certificate library writes (a UTCTime without seconds).
 */
export function resign(
  der: Buffer,
  patch: (tbsFields: Buffer[]) => Buffer[],
  signer: KeyObject,
  outerAlgorithm?: Buffer,
): Buffer {
  const top = readTlv(der, 0);
  const [tbs, algorithm] = children(der, top);
  const fields = children(der, tbs!).map((field) => der.subarray(field.start, field.end));
  const newTbs = tlv(0x30, Buffer.concat(patch(fields)));
  const signature = sign('sha256', newTbs, signer);
  const bitString = tlv(0x03, Buffer.concat([Buffer.from([0]), signature]));
  return tlv(
    0x30,
    Buffer.concat([newTbs, outerAlgorithm ?? der.subarray(algorithm!.start, algorithm!.end), bitString]),
  );
}
