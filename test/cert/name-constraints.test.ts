import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/cert/certificate.js';
import type { GeneralName, NameConstraints } from '../../src/cert/extensions.js';
import { checkNameConstraints, constrainedNames } from '../../src/cert/name-constraints.js';
import { CN, O, buildChain, conformingChain, dn, ext, setExtension } from './chains.js';

/** A leaf with the given SANs (none: no extension) and subject. */
function leafWith(names: ReturnType<typeof ext.dns>[], subject = dn([O, 'Example Org'], [CN, 'a.example.com'])) {
  const chain = conformingChain();
  setExtension(chain.leaf, '2.5.29.17', names.length > 0 ? ext.subjectAltName(names) : undefined);
  chain.leaf.subject = subject;
  return parseCertificate(buildChain(chain).leafDer);
}

const dns = (value: string): GeneralName => ({ kind: 'dNSName', value });
const permit = (...bases: GeneralName[]): NameConstraints => ({
  permitted: bases.map((base) => ({ base, minimum: 0 })),
  excluded: [],
});
const exclude = (...bases: GeneralName[]): NameConstraints => ({
  permitted: [],
  excluded: bases.map((base) => ({ base, minimum: 0 })),
});
const ipSubtree = (hex: string): GeneralName => ({ kind: 'iPAddress', bytes: Buffer.from(hex, 'hex') });

describe('name constraints (RFC 5280 4.2.1.10, matched as OpenSSL does)', () => {
  it('dNSName: a name and its subdomains, on label boundaries; a leading dot means subdomains only', () => {
    const ok = (name: string, constraints: NameConstraints) =>
      checkNameConstraints(leafWith([ext.dns(name)]), constraints, true).ok;
    expect(ok('example.com', permit(dns('example.com')))).toBe(true);
    expect(ok('expe.example.com', permit(dns('example.com')))).toBe(true);
    expect(ok('EXPE.Example.COM', permit(dns('example.com')))).toBe(true);
    expect(ok('badexample.com', permit(dns('example.com')))).toBe(false);
    expect(ok('example.com', permit(dns('.example.com')))).toBe(false);
    expect(ok('a.example.com', permit(dns('.example.com')))).toBe(true);
    expect(ok('a.example.com', exclude(dns('example.com')))).toBe(false);
    expect(ok('a.example.net', permit(dns('example.com'), dns('example.net')))).toBe(true);
    expect(ok('*.example.com', permit(dns('example.com')))).toBe(true);
  });

  it('iPAddress: address under mask, same family only', () => {
    const leaf = leafWith([ext.dns('a.example.com'), ext.ip('10.1.2.3')]);
    expect(checkNameConstraints(leaf, permit(ipSubtree('0a000000ff000000')), true).ok).toBe(true);
    expect(checkNameConstraints(leaf, permit(ipSubtree('c0a80000ffff0000')), true)).toMatchObject({
      ok: false,
      name: 'IP:10.1.2.3',
      reason: 'not-permitted',
      detail: 'permitted: IP:192.168.0.0/16',
    });
    const v6 = ipSubtree('20010db8000000000000000000000000ffffffff000000000000000000000000');
    expect(checkNameConstraints(leaf, permit(v6), true).ok).toBe(false);
  });

  it('rfc822Name: mailbox, host and domain forms, and emailAddress in the subject', () => {
    const leaf = leafWith([ext.dns('a.example.com'), ext.email('ops@mail.example.com')]);
    const email = (value: string): GeneralName => ({ kind: 'rfc822Name', value });
    expect(checkNameConstraints(leaf, permit(email('.example.com')), true).ok).toBe(true);
    expect(checkNameConstraints(leaf, permit(email('mail.example.com')), true).ok).toBe(true);
    expect(checkNameConstraints(leaf, permit(email('example.com')), true).ok).toBe(false);
    expect(checkNameConstraints(leaf, permit(email('ops@mail.example.com')), true).ok).toBe(true);
    expect(checkNameConstraints(leaf, permit(email('admin@mail.example.com')), true).ok).toBe(false);
    const subjectEmail = leafWith([], dn([CN, 'a.example.com'], ['1.2.840.113549.1.9.1', 'ops@example.org']));
    expect(constrainedNames(subjectEmail, true)).toContainEqual({ kind: 'rfc822Name', value: 'ops@example.org' });
  });

  it('directoryName: the constraint is a prefix of the subject, attribute values compared case-insensitively', () => {
    const leaf = leafWith([ext.dns('a.example.com')]);
    const dirName = (org: string): GeneralName => ({
      kind: 'directoryName',
      rdns: [[{ type: O, value: org, tag: 0x0c }]],
    });
    expect(checkNameConstraints(leaf, permit(dirName('example  org')), true).ok).toBe(true);
    expect(checkNameConstraints(leaf, permit(dirName('Other Org')), true).ok).toBe(false);
  });

  it('takes a host-like commonName as a dNSName only for the end entity without a DNS SAN', () => {
    const cnOnly = leafWith([], dn([CN, 'cucm-pub.example.net']));
    expect(constrainedNames(cnOnly, true)).toContainEqual({ kind: 'dNSName', value: 'cucm-pub.example.net' });
    expect(constrainedNames(cnOnly, false).some((name) => name.kind === 'dNSName')).toBe(false);
    expect(constrainedNames(leafWith([], dn([CN, 'Issuing CA 1'])), true).some((name) => name.kind === 'dNSName')).toBe(
      false,
    );
  });

  it('refuses forms it cannot compare and subtrees with a minimum or maximum', () => {
    const leaf = leafWith([ext.dns('a.example.com')]);
    expect(
      checkNameConstraints(leaf, { permitted: [{ base: dns('example.com'), minimum: 1 }], excluded: [] }, true),
    ).toMatchObject({ ok: false, reason: 'unsupported' });
    const uriLeaf = leafWith([ext.dns('a.example.com'), ext.uri('https://a.example.com/x')]);
    expect(
      checkNameConstraints(uriLeaf, permit({ kind: 'uniformResourceIdentifier', value: '.example.com' }), true).ok,
    ).toBe(true);
    expect(
      checkNameConstraints(uriLeaf, permit({ kind: 'uniformResourceIdentifier', value: 'b.example.com' }), true).ok,
    ).toBe(false);
  });
});
