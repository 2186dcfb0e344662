import { describe, expect, it } from 'vitest';
import { parseCertificate, type Certificate } from '../../src/cert/certificate.js';
import type { GeneralName, GeneralSubtree, NameAttribute, NameConstraints, Rdn } from '../../src/cert/extensions.js';
import { checkNameConstraints, constrainedNames } from '../../src/cert/name-constraints.js';
import { CN, JUDGED_AT, O, buildChain, conformingChain, ext, setExtension } from './chains.js';
import { opensslVerify } from './openssl.js';

/**
 * RFC 5280 4.2.1.10 name constraints in detail: the exact outcome (name label, reason, detail) of
 * each form's matching at its boundaries, the names a certificate is checked by, the host-name
 * test for a commonName, and the bound on names x constraints. The certificates are a real leaf
 * with its subject and subjectAltName replaced, so any name (including ones no encoder would
 * write) can be checked; the URI host rule is also compared with `openssl verify`.
 */

const OU = '2.5.4.11';
const EMAIL_ADDRESS = '1.2.840.113549.1.9.1';

const template = parseCertificate(buildChain(conformingChain()).leafDer);

/** The template leaf with this subject and (unless undefined) these subjectAltNames. */
function certOf(subjectName: Rdn[], subjectAltNames?: GeneralName[]): Certificate {
  const { subjectAltNames: _dropped, ...details } = template.details;
  return { ...template, details: { ...details, subjectName, ...(subjectAltNames ? { subjectAltNames } : {}) } };
}

const attr = (type: string, value: string): NameAttribute => ({ type, value, tag: 0x0c });
/** One RDN per [type, value] pair. */
const rdns = (...pairs: Array<[string, string]>): Rdn[] => pairs.map(([type, value]) => [attr(type, value)]);

const dns = (value: string): GeneralName => ({ kind: 'dNSName', value });
const email = (value: string): GeneralName => ({ kind: 'rfc822Name', value });
const uri = (value: string): GeneralName => ({ kind: 'uniformResourceIdentifier', value });
const ip = (hex: string): GeneralName => ({ kind: 'iPAddress', bytes: Buffer.from(hex, 'hex') });
const dir = (...names: Rdn[]): GeneralName => ({ kind: 'directoryName', rdns: names });
const other: GeneralName = { kind: 'otherName', raw: Buffer.from('0603550403a0030c0178', 'hex') };

const subtree = (base: GeneralName, extra: Partial<GeneralSubtree> = {}): GeneralSubtree => ({
  base,
  minimum: 0,
  ...extra,
});
const nc = (permitted: GeneralName[], excluded: GeneralName[] = []): NameConstraints => ({
  permitted: permitted.map((base) => subtree(base)),
  excluded: excluded.map((base) => subtree(base)),
});

/** The outcome for a certificate with an empty subject and these SANs, as a CA's certificate. */
const check = (sans: GeneralName[], constraints: NameConstraints) =>
  checkNameConstraints(certOf([], sans), constraints, false);
/** The outcome for a certificate with this subject and no subjectAltName, as a CA's certificate. */
const checkSubject = (subject: Rdn[], constraints: NameConstraints) =>
  checkNameConstraints(certOf(subject), constraints, false);

const OK = { ok: true };
const notPermitted = (name: string, detail: string) => ({ ok: false, name, reason: 'not-permitted', detail });
const unsupported = (name: string, detail: string) => ({ ok: false, name, reason: 'unsupported', detail });

describe('outcome labels: the failing name and the subtrees it was compared with', () => {
  it('dNSName: "DNS:" labels, every permitted subtree of the form listed with ", "', () => {
    expect(check([dns('a.example.net')], nc([dns('example.com'), dns('example.org')]))).toEqual(
      notPermitted('DNS:a.example.net', 'permitted: DNS:example.com, DNS:example.org'),
    );
  });

  it('rfc822Name: "email:" labels', () => {
    expect(check([email('ops@example.net')], nc([email('example.com')]))).toEqual(
      notPermitted('email:ops@example.net', 'permitted: email:example.com'),
    );
  });

  it('uniformResourceIdentifier: "URI:" labels', () => {
    expect(check([uri('https://example.net/')], nc([uri('example.com')]))).toEqual(
      notPermitted('URI:https://example.net/', 'permitted: URI:example.com'),
    );
  });

  it('iPAddress v4: dotted address, subtree as address/prefix length', () => {
    expect(check([ip('0a020000')], nc([ip('0a010000ffff0000')]))).toEqual(
      notPermitted('IP:10.2.0.0', 'permitted: IP:10.1.0.0/16'),
    );
  });

  it('iPAddress v6: hex address, subtree as hex address/prefix length', () => {
    const base = ip('20010db8000000000000000000000000ffffffff000000000000000000000000');
    expect(check([ip('20010db9000000000000000000000001')], nc([base]))).toEqual(
      notPermitted('IP:20010db9000000000000000000000001', 'permitted: IP:20010db8000000000000000000000000/32'),
    );
  });

  it('directoryName: values of a multi-valued RDN joined with "+", RDNs with ", "', () => {
    const subject: Rdn[] = [[attr(O, 'Example Org'), attr(OU, 'Ops')], [attr(CN, 'a.example.com')]];
    expect(checkSubject(subject, nc([dir(...rdns([O, 'Other Org']))]))).toEqual(
      notPermitted('DirName:Example Org+Ops, a.example.com', 'permitted: DirName:Other Org'),
    );
  });

  it('a form nothing compares (otherName) is labelled by its kind and refused, permitted or excluded', () => {
    const refused = unsupported('otherName', 'otherName constraints are not supported');
    expect(check([other], nc([other]))).toEqual(refused);
    expect(check([other], nc([], [other]))).toEqual(refused);
    expect(check([other], nc([dns('example.com')], [ip('0a000000ff000000')]))).toEqual(OK);
  });
});

describe('permitted and excluded subtrees (RFC 5280 6.1.3 (b)-(c), 6.1.4 (g))', () => {
  it('an excluded subtree the name falls in fails it with "excluded: <subtree>"', () => {
    expect(check([dns('a.example.com')], nc([], [dns('example.com')]))).toEqual({
      ok: false,
      name: 'DNS:a.example.com',
      reason: 'excluded',
      detail: 'excluded: DNS:example.com',
    });
    expect(check([ip('0a010203')], nc([], [ip('0a010000ffff0000')]))).toEqual({
      ok: false,
      name: 'IP:10.1.2.3',
      reason: 'excluded',
      detail: 'excluded: IP:10.1.0.0/16',
    });
  });

  it('an excluded subtree of the same form the name is outside of does not fail it', () => {
    expect(check([dns('a.example.com')], nc([], [dns('example.org')]))).toEqual(OK);
    expect(check([dns('a.example.com')], nc([dns('example.com')], [dns('b.example.com')]))).toEqual(OK);
  });

  it('excluded subtrees of other forms are not compared with the name', () => {
    const excluded = nc([], [ip('0a000000ff000000'), other, email('example.com')]);
    expect(check([dns('a.example.com')], excluded)).toEqual(OK);
    expect(
      check([dns('a.example.com')], { permitted: [], excluded: [subtree(ip('0a000000ff000000'), { minimum: 1 })] }),
    ).toEqual(OK);
  });

  it('a subtree with a maximum, or a minimum other than 0, is refused (4.2.1.10: MUST be 0 and absent)', () => {
    const refused = unsupported('DNS:a.example.com', 'a subtree has a minimum or maximum');
    const withMaximum: NameConstraints = { permitted: [subtree(dns('example.com'), { maximum: 3 })], excluded: [] };
    expect(check([dns('a.example.com')], withMaximum)).toEqual(refused);
    const excludedMinimum: NameConstraints = { permitted: [], excluded: [subtree(dns('example.org'), { minimum: 1 })] };
    expect(check([dns('a.example.com')], excludedMinimum)).toEqual(refused);
    const excludedMaximum: NameConstraints = { permitted: [], excluded: [subtree(dns('example.org'), { maximum: 0 })] };
    expect(check([dns('a.example.com')], excludedMaximum)).toEqual(refused);
  });
});

describe('dNSName matching', () => {
  it('an empty constraint permits (and excludes) every host name', () => {
    expect(check([dns('a.example.com')], nc([dns('')]))).toEqual(OK);
    expect(check([dns('a.example.com')], nc([], [dns('')]))).toEqual({
      ok: false,
      name: 'DNS:a.example.com',
      reason: 'excluded',
      detail: 'excluded: DNS:',
    });
  });

  it('a name shorter than the constraint is outside it', () => {
    expect(check([dns('com')], nc([dns('example.com')]))).toEqual(
      notPermitted('DNS:com', 'permitted: DNS:example.com'),
    );
  });
});

describe('rfc822Name matching (mailbox, host, domain)', () => {
  it('a name without "@" cannot be compared and is refused', () => {
    expect(check([email('example.com')], nc([email('example.com')]))).toEqual(
      unsupported('email:example.com', 'rfc822Name constraints are not supported'),
    );
  });

  it('an empty local part still has a host to compare', () => {
    expect(check([email('@example.com')], nc([email('example.com')]))).toEqual(OK);
  });

  it('a host constraint covers mailboxes at that host only, not at its subdomains', () => {
    expect(check([email('ops@EXAMPLE.com')], nc([email('example.com')]))).toEqual(OK);
    expect(check([email('ops@sub.example.com')], nc([email('example.com')]))).toEqual(
      notPermitted('email:ops@sub.example.com', 'permitted: email:example.com'),
    );
  });

  it('a domain constraint (leading ".") covers mailboxes at its subdomains, case-insensitively', () => {
    expect(check([email('ops@Mail.Example.COM')], nc([email('.example.com')]))).toEqual(OK);
    expect(check([email('ops@example.com')], nc([email('.example.com')]))).toEqual(
      notPermitted('email:ops@example.com', 'permitted: email:.example.com'),
    );
  });

  it('a constraint "@host" compares only the host', () => {
    expect(check([email('ops@example.com')], nc([email('@example.com')]))).toEqual(OK);
    expect(check([email('ops@example.org')], nc([email('@example.com')]))).toEqual(
      notPermitted('email:ops@example.org', 'permitted: email:@example.com'),
    );
  });

  it('a mailbox constraint: the local part exactly, the host case-insensitively', () => {
    expect(check([email('ops@example.com')], nc([email('ops@example.com')]))).toEqual(OK);
    expect(check([email('ops@Example.COM')], nc([email('ops@example.com')]))).toEqual(OK);
    expect(check([email('Ops@example.com')], nc([email('ops@example.com')]))).toEqual(
      notPermitted('email:Ops@example.com', 'permitted: email:ops@example.com'),
    );
    expect(check([email('ops@example.org')], nc([email('ops@example.com')]))).toEqual(
      notPermitted('email:ops@example.org', 'permitted: email:ops@example.com'),
    ); // A leading "." makes a domain constraint only without "@": ".ops@example.com" is a mailbox.
    expect(check([email('.ops@example.com')], nc([email('.ops@example.com')]))).toEqual(OK);
    expect(check([email('x.ops@example.com')], nc([email('.ops@example.com')]))).toEqual(
      notPermitted('email:x.ops@example.com', 'permitted: email:.ops@example.com'),
    );
  });
});

describe('uniformResourceIdentifier matching: on the host of scheme://host', () => {
  const refused = (value: string) =>
    unsupported(`URI:${value}`, 'uniformResourceIdentifier constraints are not supported');

  it('a host constraint matches the whole host, with or without path or port, case-insensitively', () => {
    expect(check([uri('https://example.com')], nc([uri('example.com')]))).toEqual(OK);
    expect(check([uri('https://EXAMPLE.com:443/x')], nc([uri('example.com')]))).toEqual(OK);
    expect(check([uri('a://example.com/')], nc([uri('example.com')]))).toEqual(OK);
    expect(check([uri('https://a.example.com/')], nc([uri('example.com')]))).toEqual(
      notPermitted('URI:https://a.example.com/', 'permitted: URI:example.com'),
    );
  });

  it('a domain constraint (leading ".") matches strict subdomains of the host only', () => {
    expect(check([uri('https://a.Example.com/x')], nc([uri('.example.com')]))).toEqual(OK);
    expect(check([uri('https://.example.com/')], nc([uri('.example.com')]))).toEqual(
      notPermitted('URI:https://.example.com/', 'permitted: URI:.example.com'),
    );
    expect(check([uri('https://a.example.org/')], nc([uri('.example.com')]))).toEqual(
      notPermitted('URI:https://a.example.org/', 'permitted: URI:.example.com'),
    );
  });

  it('a URI without "scheme://" or with an empty host is refused', () => {
    expect(check([uri('mailto:ops@example.com')], nc([uri('example.com')]))).toEqual(refused('mailto:ops@example.com'));
    expect(check([uri('https:///x')], nc([uri('example.com')]))).toEqual(refused('https:///x'));
    expect(check([uri('example.com')], nc([uri('example.com')]))).toEqual(refused('example.com'));
    // No scheme at all: RFC 3986 needs one (OpenSSL 3.0's nc_uri takes the host after "://").
    expect(check([uri('://example.com')], nc([uri('example.com')]))).toEqual(refused('://example.com'));
  });

  it('agrees with openssl verify on the host rule (leaf URI SAN under an issuing CA URI constraint)', () => {
    const rows: Array<[string, string, boolean]> = [
      ['https://example.com', 'example.com', true],
      ['https://EXAMPLE.com:443/', 'example.com', true],
      ['a://example.com', 'example.com', true],
      ['https://a.example.com/', 'example.com', false],
      ['https://a.example.com/x', '.example.com', true],
      ['https://.example.com/', '.example.com', false],
      ['mailto:ops@example.com', 'example.com', false],
      ['https:///x', 'example.com', false],
    ];
    const judged = rows.map(([value, base]) => {
      const chain = conformingChain();
      chain.intermediates[0]!.extensions.push(ext.nameConstraints([ext.uri(base)]));
      setExtension(chain.leaf, '2.5.29.17', ext.subjectAltName([ext.dns('a.example.com'), ext.uri(value)]));
      const built = buildChain(chain);
      const constraints = parseCertificate(built.intermediateDers[0]!).details.nameConstraints!;
      return [
        value,
        base,
        checkNameConstraints(parseCertificate(built.leafDer), constraints, true).ok,
        opensslVerify([built.rootDer], built.intermediateDers, built.leafDer, JUDGED_AT).ok,
      ];
    });
    expect(judged).toEqual(rows.map(([value, base, ok]) => [value, base, ok, ok]));
  });
});

describe('iPAddress matching: address and mask of the same family', () => {
  it('each octet is compared under its own mask octet', () => {
    expect(check([ip('0a01ff07')], nc([ip('0a010000ffff0000')]))).toEqual(OK);
    expect(check([ip('0a020000')], nc([ip('0a010000ffff0000')]))).toEqual(
      notPermitted('IP:10.2.0.0', 'permitted: IP:10.1.0.0/16'),
    );
  });

  it('an IPv6 address under an IPv6 subtree is permitted', () => {
    const base = ip('20010db8000000000000000000000000ffffffff000000000000000000000000');
    expect(check([ip('20010db8000000000000000000000001')], nc([base]))).toEqual(OK);
  });

  it('an address of 5 octets (neither IPv4 nor IPv6) is refused', () => {
    expect(check([ip('0a01020300')], nc([ip('0a000000ff000000')]))).toEqual(
      unsupported('IP:0a01020300', 'iPAddress constraints are not supported'),
    );
  });

  it('a subtree of 5 octets (not address+mask) is refused', () => {
    expect(check([ip('0a010203')], nc([ip('0a000000ff')]))).toEqual(
      unsupported('IP:10.1.2.3', 'iPAddress constraints are not supported'),
    );
  });
});

describe('directoryName matching: the constraint RDNs are a prefix of the subject', () => {
  const ORG = rdns([O, 'Example Org']);

  it('values compare after folding case, collapsing inner whitespace and trimming', () => {
    expect(checkSubject(rdns([O, '  EXAMPLE \t org ']), nc([dir(...ORG)]))).toEqual(OK);
    expect(checkSubject(rdns([O, 'Example Org']), nc([dir(...rdns([O, 'ExampleOrg']))]))).toEqual(
      notPermitted('DirName:Example Org', 'permitted: DirName:ExampleOrg'),
    );
  });

  it('a multi-valued RDN matches the same set of attributes in any order, and only the same set', () => {
    const both: Rdn[] = [[attr(O, 'Example Org'), attr(CN, 'a.example.com')]];
    const reversed: Rdn[] = [[attr(CN, 'a.example.com'), attr(O, 'Example Org')]];
    expect(checkSubject(both, nc([dir(...reversed)]))).toEqual(OK);
    expect(checkSubject(both, nc([dir(...ORG)]))).toEqual(
      notPermitted('DirName:Example Org+a.example.com', 'permitted: DirName:Example Org'),
    );
    const otherCn: Rdn[] = [[attr(O, 'Example Org'), attr(CN, 'b.example.com')]];
    expect(checkSubject(both, nc([dir(...otherCn)]))).toEqual(
      notPermitted('DirName:Example Org+a.example.com', 'permitted: DirName:Example Org+b.example.com'),
    );
  });

  it('the whole subject is a prefix of itself; a constraint longer than the subject is not', () => {
    const subject = rdns([O, 'Example Org'], [CN, 'a.example.com']);
    expect(checkSubject(subject, nc([dir(...subject)]))).toEqual(OK);
    expect(checkSubject(ORG, nc([dir(...subject)]))).toEqual(
      notPermitted('DirName:Example Org', 'permitted: DirName:Example Org, a.example.com'),
    );
  });

  it('every RDN of the constraint must match, not just one', () => {
    const subject = rdns([O, 'Example Org'], [CN, 'a.example.com']);
    expect(checkSubject(subject, nc([dir(...rdns([O, 'Example Org'], [CN, 'b.example.com']))]))).toEqual(
      notPermitted('DirName:Example Org, a.example.com', 'permitted: DirName:Example Org, b.example.com'),
    );
  });
});

describe('the names a certificate is checked by (RFC 5280 6.1.3 (b), OpenSSL NAME_CONSTRAINTS_check)', () => {
  it('subject as directoryName, its emailAddress as rfc822Name, then a host-like CN for the end entity', () => {
    const subject = rdns([O, 'Example Org'], [CN, 'a.example.com'], [EMAIL_ADDRESS, 'ops@example.org']);
    expect(constrainedNames(certOf(subject), true)).toEqual([
      dir(...subject),
      email('ops@example.org'),
      dns('a.example.com'),
    ]);
    expect(constrainedNames(certOf(subject), false)).toEqual([dir(...subject), email('ops@example.org')]); // Only commonName attributes are read as host names, not a host-like organizationName.
    const hostLikeOrg = rdns([O, 'example.org'], [CN, 'a.example.com']);
    expect(constrainedNames(certOf(hostLikeOrg), true)).toEqual([dir(...hostLikeOrg), dns('a.example.com')]);
  });

  it('an empty subject contributes no directoryName', () => {
    expect(constrainedNames(certOf([], [dns('a.example.com')]), true)).toEqual([dns('a.example.com')]);
    expect(constrainedNames(certOf([], [ip('0a010203')]), false)).toEqual([ip('0a010203')]);
  });

  it('the CN is not taken when a dNSName SAN exists, but is when the SANs are of other forms', () => {
    const subject = rdns([CN, 'cn.example.com']);
    expect(constrainedNames(certOf(subject, [dns('san.example.com')]), true)).toEqual([
      dir(...subject),
      dns('san.example.com'),
    ]);
    expect(constrainedNames(certOf(subject, [ip('0a010203')]), true)).toEqual([
      dir(...subject),
      ip('0a010203'),
      dns('cn.example.com'),
    ]);
  });

  it('a commonName counts as a host name only as OpenSSL cn2dnsid reads one', () => {
    const taken = (value: string): boolean =>
      constrainedNames(certOf(rdns([CN, value])), true).some((name) => name.kind === 'dNSName');
    const verdicts = Object.fromEntries(
      [
        'a-b_c.example.com',
        'A1.B2',
        'localhost',
        '-a.example.com',
        '.example.com',
        'a.example.com-',
        'example.com.',
        'a..example.com',
        'a-.example.com',
        'a.-example.com',
        'a.example .com',
      ].map((value) => [value, taken(value)]),
    );
    expect(verdicts).toEqual({
      'a-b_c.example.com': true,
      'A1.B2': true,
      localhost: false,
      '-a.example.com': false,
      '.example.com': false,
      'a.example.com-': false,
      'example.com.': false,
      'a..example.com': false,
      'a-.example.com': false,
      'a.-example.com': false,
      'a.example .com': false,
    });
  });
});

describe('the bound on names x constraints (OpenSSL NAME_CHECK_MAX, 2^20)', () => {
  const sans = (count: number): GeneralName[] => Array.from({ length: count }, (_, i) => dns(`h${i}.example.com`));
  const ipSubtrees = (count: number): GeneralName[] =>
    Array.from({ length: count }, (_, i) =>
      ip(`0a${(i >> 8).toString(16).padStart(2, '0')}${(i & 255).toString(16).padStart(2, '0')}00ffffff00`),
    );
  const constraints = nc(ipSubtrees(512), ipSubtrees(512));

  it('exactly 2^20 comparisons (1024 names x 512 permitted + 512 excluded) are made', () => {
    expect(check(sans(1024), constraints)).toEqual(OK);
  });

  it('more than 2^20 are refused before any is made', () => {
    expect(check(sans(1025), constraints)).toEqual({
      ok: false,
      name: '1025 names',
      reason: 'unsupported',
      detail: 'too many names and constraints to compare',
    });
  });
});
