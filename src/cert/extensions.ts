import {
  DerError,
  TAG,
  children,
  contentOf,
  contextTag,
  decodeBitString,
  decodeBoolean,
  decodeOid,
  decodeSmallInteger,
  expectTag,
  readTlv,
  type Tlv,
} from './der.js';

/** One attribute of a relative distinguished name, its value decoded to text. */
export interface NameAttribute {
  /** Attribute type OID (2.5.4.3 is commonName). */
  type: string;
  value: string;
  /** The ASN.1 string tag it was encoded with (UTF8String, PrintableString...). */
  tag: number;
}

/** A Name as RFC 5280 4.1.2.4 defines it: a sequence of RDNs, each a set of attributes. */
export type Rdn = NameAttribute[];

/** GeneralName (RFC 5280 4.2.1.6), with the alternatives spelled as the RFC spells them. */
export type GeneralName =
  | { kind: 'dNSName'; value: string }
  | { kind: 'rfc822Name'; value: string }
  | { kind: 'uniformResourceIdentifier'; value: string }
  | { kind: 'iPAddress'; bytes: Buffer }
  | { kind: 'directoryName'; rdns: Rdn[] }
  | { kind: 'otherName' | 'x400Address' | 'ediPartyName' | 'registeredID'; raw: Buffer };

export interface GeneralSubtree {
  base: GeneralName;
  /** RFC 5280 4.2.1.10: minimum MUST be zero and maximum absent; anything else is unsupported. */
  minimum: number;
  maximum?: number;
}

export interface NameConstraints {
  permitted: GeneralSubtree[];
  excluded: GeneralSubtree[];
}

/** One extension as encoded: OID, criticality and the extnValue octets. */
export interface Extension {
  oid: string;
  /** Readable name (basicConstraints, keyUsage...) or the OID when unknown. */
  name: string;
  critical: boolean;
  value: Buffer;
}

export const OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  freshestCRL: '2.5.29.46',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
  ipAddrBlocks: '1.3.6.1.5.5.7.1.7',
  autonomousSysIds: '1.3.6.1.5.5.7.1.8',
  proxyCertInfo: '1.3.6.1.5.5.7.1.14',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  netscapeCertType: '2.16.840.1.113730.1.1',
  ctPrecertificateScts: '1.3.6.1.4.1.11129.2.4.2',
} as const;

const EXTENSION_NAMES = new Map<string, string>(Object.entries(OID).map(([name, oid]) => [oid, name]));

export const extensionName = (oid: string): string => EXTENSION_NAMES.get(oid) ?? oid;

/**
 * Extensions a validator here acts on when they are critical (RFC 5280 6.1.4 (o): any other
 * critical extension fails the path). The set is OpenSSL's X509_supported_extension list, the
 * yardstick of SPEC 8.5, less the RFC 3779 resource extensions (OpenSSL validates IP and AS
 * resources; nothing here does, so a critical one is refused rather than silently ignored) and
 * proxyCertInfo (proxy certificates are refused outright, as `openssl verify` does by default).
 * certificatePolicies and the policy extensions are recognised without policy processing, as
 * `openssl verify` without -policy_check does.
 */
export const RECOGNISED_CRITICAL = new Set<string>([
  OID.netscapeCertType,
  OID.keyUsage,
  OID.subjectAltName,
  OID.basicConstraints,
  OID.certificatePolicies,
  OID.cRLDistributionPoints,
  OID.extKeyUsage,
  OID.ocspNoCheck,
  OID.policyConstraints,
  OID.nameConstraints,
  OID.policyMappings,
  OID.inhibitAnyPolicy,
]);

/** keyUsage bits (RFC 5280 4.2.1.3), bit 0 first. */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageBit = (typeof KEY_USAGE_BITS)[number];

export interface BasicConstraints {
  cA: boolean;
  pathLenConstraint?: number;
}

/** Text of a directory string; T61String is read as Latin-1, as OpenSSL does. */
function decodeString(buf: Uint8Array, element: Tlv): string {
  const content = contentOf(buf, element);
  switch (element.tag) {
    case TAG.UTF8_STRING:
      return content.toString('utf8');
    case TAG.BMP_STRING: {
      const swapped = Buffer.from(content);
      if (swapped.length % 2 !== 0) throw new DerError('BMPString of odd length');
      return swapped.swap16().toString('utf16le');
    }
    case TAG.UNIVERSAL_STRING: {
      if (content.length % 4 !== 0) throw new DerError('UniversalString length not a multiple of 4');
      let text = '';
      for (let i = 0; i < content.length; i += 4) {
        const codePoint = content.readUInt32BE(i);
        // As OpenSSL, which refuses such a certificate: beyond U+10FFFF is no Unicode character.
        if (codePoint > 0x10ffff) throw new DerError('UniversalString character beyond U+10FFFF');
        text += String.fromCodePoint(codePoint);
      }
      return text;
    }
    default:
      return content.toString('latin1');
  }
}

/** Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue). */
export function decodeName(buf: Uint8Array, name: Tlv): Rdn[] {
  expectTag(name, TAG.SEQUENCE, 'Name');
  return children(buf, name).map((set) => {
    expectTag(set, TAG.SET, 'RelativeDistinguishedName');
    const attributes = children(buf, set);
    if (attributes.length === 0) throw new DerError('empty RelativeDistinguishedName');
    return attributes.map((attribute) => {
      const [type, value] = children(buf, expectTag(attribute, TAG.SEQUENCE, 'AttributeTypeAndValue'));
      const oid = decodeOid(contentOf(buf, expectTag(type, TAG.OID, 'attribute type')));
      if (!value) throw new DerError('attribute without a value');
      return { type: oid, value: decodeString(buf, value), tag: value.tag };
    });
  });
}

function decodeGeneralName(buf: Uint8Array, element: Tlv): GeneralName {
  const number = element.tag & 0x1f;
  if ((element.tag & 0xc0) !== 0x80) throw new DerError('GeneralName is not context-tagged');
  const content = contentOf(buf, element);
  switch (number) {
    case 0:
      return { kind: 'otherName', raw: Buffer.from(content) };
    case 1:
      return { kind: 'rfc822Name', value: content.toString('latin1') };
    case 2:
      return { kind: 'dNSName', value: content.toString('latin1') };
    case 3:
      return { kind: 'x400Address', raw: Buffer.from(content) };
    case 4: {
      // directoryName is EXPLICIT (Name is a CHOICE): [4] wraps the Name SEQUENCE.
      const inner = children(buf, element);
      if (inner.length !== 1) throw new DerError('directoryName must hold exactly one Name');
      return { kind: 'directoryName', rdns: decodeName(buf, inner[0]!) };
    }
    case 5:
      return { kind: 'ediPartyName', raw: Buffer.from(content) };
    case 6:
      return { kind: 'uniformResourceIdentifier', value: content.toString('latin1') };
    case 7:
      return { kind: 'iPAddress', bytes: Buffer.from(content) };
    case 8:
      return { kind: 'registeredID', raw: Buffer.from(content) };
    default:
      throw new DerError(`unknown GeneralName tag [${number}]`);
  }
}

/** The single element an extnValue must hold, with nothing after it. */
function valueRoot(value: Buffer): Tlv {
  const root = readTlv(value, 0);
  if (root.end !== value.length) throw new DerError('trailing octets after the extension value');
  return root;
}

export function decodeGeneralNames(value: Buffer): GeneralName[] {
  const root = expectTag(valueRoot(value), TAG.SEQUENCE, 'GeneralNames');
  return children(value, root).map((element) => decodeGeneralName(value, element));
}

export function decodeBasicConstraints(value: Buffer): BasicConstraints {
  const fields = children(value, expectTag(valueRoot(value), TAG.SEQUENCE, 'BasicConstraints'));
  let index = 0;
  let cA = false;
  if (fields[index]?.tag === TAG.BOOLEAN) {
    cA = decodeBoolean(contentOf(value, fields[index]!));
    index++;
  }
  let pathLenConstraint: number | undefined;
  if (fields[index]?.tag === TAG.INTEGER) {
    pathLenConstraint = decodeSmallInteger(contentOf(value, fields[index]!));
    // OpenSSL sets EXFLAG_INVALID for a negative path length (X509V3_R_NEGATIVE_PATHLEN).
    if (pathLenConstraint < 0) throw new DerError('negative pathLenConstraint');
    index++;
  }
  if (index !== fields.length) throw new DerError('unexpected field in BasicConstraints');
  return pathLenConstraint === undefined ? { cA } : { cA, pathLenConstraint };
}

export function decodeKeyUsage(value: Buffer): Set<KeyUsageBit> {
  const root = expectTag(valueRoot(value), TAG.BIT_STRING, 'KeyUsage');
  const { bits } = decodeBitString(contentOf(value, root));
  const set = new Set<KeyUsageBit>();
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = bits[bit >> 3] ?? 0;
    if (byte & (0x80 >> (bit & 7))) set.add(name);
  });
  // RFC 5280 4.2.1.3: "at least one of the bits MUST be set to 1" (OpenSSL: X509V3_R_EMPTY_KEY_USAGE).
  if (set.size === 0) throw new DerError('keyUsage with no bit set');
  return set;
}

/** KeyIdentifier of SubjectKeyIdentifier (an OCTET STRING). */
export function decodeSubjectKeyIdentifier(value: Buffer): Buffer {
  return Buffer.from(contentOf(value, expectTag(valueRoot(value), TAG.OCTET_STRING, 'SubjectKeyIdentifier')));
}

/** keyIdentifier [0] of AuthorityKeyIdentifier, when present. */
export function decodeAuthorityKeyIdentifier(value: Buffer): { keyIdentifier?: Buffer } {
  const fields = children(value, expectTag(valueRoot(value), TAG.SEQUENCE, 'AuthorityKeyIdentifier'));
  for (const field of fields) {
    if (![contextTag(0, false), contextTag(1, true), contextTag(2, false)].includes(field.tag)) {
      throw new DerError('unexpected field in AuthorityKeyIdentifier');
    }
  }
  const keyId = fields.find((field) => field.tag === contextTag(0, false));
  return keyId ? { keyIdentifier: Buffer.from(contentOf(value, keyId)) } : {};
}

function decodeSubtrees(buf: Buffer, element: Tlv): GeneralSubtree[] {
  const subtrees = children(buf, element);
  if (subtrees.length === 0) throw new DerError('empty GeneralSubtrees');
  return subtrees.map((subtree) => {
    const [base, ...rest] = children(buf, expectTag(subtree, TAG.SEQUENCE, 'GeneralSubtree'));
    if (!base) throw new DerError('GeneralSubtree without a base');
    const result: GeneralSubtree = { base: decodeGeneralName(buf, base), minimum: 0 };
    for (const field of rest) {
      if (field.tag === contextTag(0, false)) result.minimum = decodeSmallInteger(contentOf(buf, field));
      else if (field.tag === contextTag(1, false)) result.maximum = decodeSmallInteger(contentOf(buf, field));
      else throw new DerError('unexpected field in GeneralSubtree');
    }
    return result;
  });
}

export function decodeNameConstraints(value: Buffer): NameConstraints {
  const fields = children(value, expectTag(valueRoot(value), TAG.SEQUENCE, 'NameConstraints'));
  const constraints: NameConstraints = { permitted: [], excluded: [] };
  for (const field of fields) {
    if (field.tag === contextTag(0, true)) constraints.permitted = decodeSubtrees(value, field);
    else if (field.tag === contextTag(1, true)) constraints.excluded = decodeSubtrees(value, field);
    else throw new DerError('unexpected field in NameConstraints');
  }
  // RFC 5280 4.2.1.10: "Conforming CAs MUST NOT issue certificates where name constraints is an empty sequence."
  if (fields.length === 0) throw new DerError('empty NameConstraints');
  return constraints;
}

export function decodeExtendedKeyUsage(value: Buffer): string[] {
  const purposes = children(value, expectTag(valueRoot(value), TAG.SEQUENCE, 'ExtKeyUsageSyntax'));
  if (purposes.length === 0) throw new DerError('empty ExtKeyUsageSyntax');
  return purposes.map((purpose) => decodeOid(contentOf(value, expectTag(purpose, TAG.OID, 'KeyPurposeId'))));
}

/** Reads `Extensions` ([3] EXPLICIT SEQUENCE OF Extension) into their encoded parts. */
export function decodeExtensions(buf: Uint8Array, wrapper: Tlv): Extension[] {
  const [sequence, extra] = children(buf, wrapper);
  if (extra) throw new DerError('trailing element after Extensions');
  const list = children(buf, expectTag(sequence, TAG.SEQUENCE, 'Extensions'));
  // RFC 5280 4.1.2.9: "If present, this field is a SEQUENCE of one or more certificate extensions."
  if (list.length === 0) throw new DerError('empty Extensions');
  return list.map((extension) => {
    const fields = children(buf, expectTag(extension, TAG.SEQUENCE, 'Extension'));
    const oid = decodeOid(contentOf(buf, expectTag(fields[0], TAG.OID, 'extnID')));
    let critical = false;
    let index = 1;
    if (fields[index]?.tag === TAG.BOOLEAN) {
      critical = decodeBoolean(contentOf(buf, fields[index]!));
      index++;
    }
    const value = expectTag(fields[index], TAG.OCTET_STRING, `extnValue of ${extensionName(oid)}`);
    if (index + 1 !== fields.length) throw new DerError(`unexpected field in extension ${extensionName(oid)}`);
    return { oid, name: extensionName(oid), critical, value: Buffer.from(contentOf(buf, value)) };
  });
}
