import type { Certificate } from './certificate.js';
import type { GeneralName, GeneralSubtree, NameConstraints, Rdn } from './extensions.js';

/**
 * RFC 5280 4.2.1.10 / 6.1.3 (b)-(c): the names of a certificate must lie within every permitted
 * subtree of their form and outside every excluded one, for the name constraints of each CA
 * above it. Matching follows OpenSSL's v3_ncons.c where the RFC leaves room, since
 * `openssl verify -x509_strict` is the yardstick (SPEC 8.5):
 * - dNSName: "example.com" covers the name and its subdomains, ".example.com" only subdomains,
 *   compared case-insensitively on label boundaries;
 * - rfc822Name: a mailbox, a host ("example.com": mailboxes at that host) or a domain
 *   (".example.com": mailboxes at its subdomains);
 * - iPAddress: address and mask of the same family (4+4 or 16+16 octets);
 * - directoryName: the constraint's RDNs are a prefix of the subject's;
 * - uniformResourceIdentifier: on the URI's host, as dNSName with the leading-dot rule;
 * - the subject DN counts as a directoryName and its emailAddress attributes as rfc822Names; for
 *   the end-entity certificate without a dNSName SAN, a commonName that looks like a host name
 *   counts as a dNSName (OpenSSL's NAME_CONSTRAINTS_check_CN).
 * A constraint of a form nothing here can compare (otherName, x400Address, ...), or one with a
 * minimum or maximum (4.2.1.10: MUST be 0 and absent), fails when a name of that form is checked.
 */
export type ConstraintOutcome =
  { ok: true } | { ok: false; name: string; reason: 'not-permitted' | 'excluded' | 'unsupported'; detail: string };

const OID_EMAIL_ADDRESS = '1.2.840.113549.1.9.1';
const OID_COMMON_NAME = '2.5.4.3';
/** OpenSSL's NAME_CHECK_MAX: names x constraints beyond this is refused rather than computed. */
const NAME_CHECK_MAX = 1 << 20;

const lower = (text: string): string => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** X.520 caseIgnoreMatch as OpenSSL canonicalises it: ASCII case folded, inner whitespace collapsed, trimmed. */
const canonical = (value: string): string => lower(value).replace(/\s+/g, ' ').trim();

function sameRdn(a: Rdn, b: Rdn): boolean {
  if (a.length !== b.length) return false;
  const key = (rdn: Rdn): string[] => rdn.map((attribute) => `${attribute.type}=${canonical(attribute.value)}`).sort();
  const [left, right] = [key(a), key(b)];
  return left.every((entry, i) => entry === right[i]);
}

function matchDirectoryName(name: Rdn[], base: Rdn[]): boolean {
  if (base.length > name.length) return false;
  return base.every((rdn, i) => sameRdn(rdn, name[i]!));
}

function matchDns(name: string, base: string): boolean {
  if (base.length === 0) return true;
  const [dns, constraint] = [lower(name), lower(base)];
  if (dns.length < constraint.length) return false;
  if (
    dns.length > constraint.length &&
    !constraint.startsWith('.') &&
    dns[dns.length - constraint.length - 1] !== '.'
  ) {
    return false;
  }
  return dns.endsWith(constraint);
}

function matchEmail(name: string, base: string): boolean | 'unsupported' {
  const at = name.lastIndexOf('@');
  if (at < 0) return 'unsupported';
  const baseAt = base.lastIndexOf('@');
  if (baseAt < 0 && base.startsWith('.')) {
    return name.length > base.length && lower(name).endsWith(lower(base));
  }
  let host = base;
  if (baseAt >= 0) {
    // A mailbox constraint: the local part compares exactly, the host case-insensitively.
    if (baseAt > 0 && base.slice(0, baseAt) !== name.slice(0, at)) return false;
    host = base.slice(baseAt + 1);
  }
  return lower(name.slice(at + 1)) === lower(host);
}

function matchUri(name: string, base: string): boolean | 'unsupported' {
  const scheme = name.indexOf(':');
  if (scheme < 1 || name.slice(scheme, scheme + 3) !== '://') return 'unsupported';
  const rest = name.slice(scheme + 3);
  const hostEnd = rest.search(/[:/]/);
  const host = hostEnd < 0 ? rest : rest.slice(0, hostEnd);
  if (host.length === 0) return 'unsupported';
  if (base.startsWith('.')) return host.length > base.length && lower(host).endsWith(lower(base));
  return lower(host) === lower(base);
}

function matchIp(address: Buffer, base: GeneralName & { kind: 'iPAddress' }): boolean | 'unsupported' {
  if (address.length !== 4 && address.length !== 16) return 'unsupported';
  if (base.bytes.length !== 8 && base.bytes.length !== 32) return 'unsupported';
  if (base.bytes.length !== address.length * 2) return false;
  for (let i = 0; i < address.length; i++) {
    const mask = base.bytes[address.length + i]!;
    if ((address[i]! & mask) !== (base.bytes[i]! & mask)) return false;
  }
  return true;
}

function describe(name: GeneralName): string {
  switch (name.kind) {
    case 'dNSName':
      return `DNS:${name.value}`;
    case 'rfc822Name':
      return `email:${name.value}`;
    case 'uniformResourceIdentifier':
      return `URI:${name.value}`;
    case 'iPAddress':
      return `IP:${name.bytes.length === 4 ? [...name.bytes].join('.') : name.bytes.toString('hex')}`;
    case 'directoryName':
      return `DirName:${name.rdns.map((rdn) => rdn.map((a) => a.value).join('+')).join(', ')}`;
    default:
      return name.kind;
  }
}

function describeSubtree(subtree: GeneralSubtree): string {
  const base = subtree.base;
  if (base.kind === 'iPAddress' && (base.bytes.length === 8 || base.bytes.length === 32)) {
    const half = base.bytes.length / 2;
    const prefix = [...base.bytes.subarray(half)].reduce(
      (bits, byte) => bits + byte.toString(2).replace(/0/g, '').length,
      0,
    );
    const address =
      half === 4 ? [...base.bytes.subarray(0, half)].join('.') : base.bytes.subarray(0, half).toString('hex');
    return `IP:${address}/${prefix}`;
  }
  return describe(base);
}

function matchSingle(name: GeneralName, base: GeneralName): boolean | 'unsupported' {
  if (name.kind === 'dNSName' && base.kind === 'dNSName') return matchDns(name.value, base.value);
  if (name.kind === 'rfc822Name' && base.kind === 'rfc822Name') return matchEmail(name.value, base.value);
  if (name.kind === 'uniformResourceIdentifier' && base.kind === 'uniformResourceIdentifier') {
    return matchUri(name.value, base.value);
  }
  if (name.kind === 'iPAddress' && base.kind === 'iPAddress') return matchIp(name.bytes, base);
  if (name.kind === 'directoryName' && base.kind === 'directoryName') return matchDirectoryName(name.rdns, base.rdns);
  return 'unsupported';
}

function checkName(name: GeneralName, constraints: NameConstraints): ConstraintOutcome {
  const label = describe(name);
  const sameForm = (subtree: GeneralSubtree): boolean => subtree.base.kind === name.kind;
  const malformed = (subtree: GeneralSubtree): boolean => subtree.minimum !== 0 || subtree.maximum !== undefined;
  const permitted = constraints.permitted.filter(sameForm);
  let matched = permitted.length === 0;
  for (const subtree of permitted) {
    if (malformed(subtree)) {
      return { ok: false, name: label, reason: 'unsupported', detail: 'a subtree has a minimum or maximum' };
    }
    const result = matchSingle(name, subtree.base);
    if (result === 'unsupported') {
      return { ok: false, name: label, reason: 'unsupported', detail: `${name.kind} constraints are not supported` };
    }
    if (result) matched = true;
  }
  if (!matched) {
    return {
      ok: false,
      name: label,
      reason: 'not-permitted',
      detail: `permitted: ${permitted.map(describeSubtree).join(', ')}`,
    };
  }
  for (const subtree of constraints.excluded.filter(sameForm)) {
    if (malformed(subtree)) {
      return { ok: false, name: label, reason: 'unsupported', detail: 'a subtree has a minimum or maximum' };
    }
    const result = matchSingle(name, subtree.base);
    if (result === 'unsupported') {
      return { ok: false, name: label, reason: 'unsupported', detail: `${name.kind} constraints are not supported` };
    }
    if (result) return { ok: false, name: label, reason: 'excluded', detail: `excluded: ${describeSubtree(subtree)}` };
  }
  return { ok: true };
}

/**
 * A commonName that OpenSSL's cn2dnsid takes for a host name: letters, digits and "_", with "-"
 * and "." allowed inside, a dot never next to another dot or a hyphen, and at least one dot.
 */
function looksLikeHostName(value: string): boolean {
  let dotted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (/[A-Za-z0-9_]/.test(c)) continue;
    const inner = i > 0 && i < value.length - 1;
    if (inner && c === '-') continue;
    if (inner && c === '.' && value[i + 1] !== '.' && value[i - 1] !== '-' && value[i + 1] !== '-') {
      dotted = true;
      continue;
    }
    return false;
  }
  return dotted;
}

/** The names of `certificate` that name constraints apply to (RFC 5280 6.1.3 (b)). */
export function constrainedNames(certificate: Certificate, isEndEntity: boolean): GeneralName[] {
  const { subjectName, subjectAltNames = [] } = certificate.details;
  const names: GeneralName[] = [];
  if (subjectName.length > 0) {
    names.push({ kind: 'directoryName', rdns: subjectName });
    for (const attribute of subjectName.flat()) {
      if (attribute.type === OID_EMAIL_ADDRESS) names.push({ kind: 'rfc822Name', value: attribute.value });
    }
  }
  names.push(...subjectAltNames);
  if (isEndEntity && !subjectAltNames.some((name) => name.kind === 'dNSName')) {
    for (const attribute of subjectName.flat()) {
      if (attribute.type === OID_COMMON_NAME && looksLikeHostName(attribute.value)) {
        names.push({ kind: 'dNSName', value: attribute.value });
      }
    }
  }
  return names;
}

/** Checks every name of `certificate` against one CA's name constraints. */
export function checkNameConstraints(
  certificate: Certificate,
  constraints: NameConstraints,
  isEndEntity: boolean,
): ConstraintOutcome {
  const names = constrainedNames(certificate, isEndEntity);
  const work = names.length * (constraints.permitted.length + constraints.excluded.length);
  if (work > NAME_CHECK_MAX) {
    return {
      ok: false,
      name: `${names.length} names`,
      reason: 'unsupported',
      detail: 'too many names and constraints to compare',
    };
  }
  for (const name of names) {
    const outcome = checkName(name, constraints);
    if (!outcome.ok) return outcome;
  }
  return { ok: true };
}
