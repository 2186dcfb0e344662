import { describe, expect, it } from 'vitest';
import { parseCertificate, type Certificate } from '../../src/cert/certificate.js';
import { certificateMatchesHost, matchesDnsId, presentedNames } from '../../src/cert/hostname.js';
import { nameOf } from '../../lab/pki.js';
import { buildChain, conformingChain, dn, ext, O, setExtension } from './chains.js';

/**
 * RFC 6125 6.4 reference-identifier matching at its edges (normalisation, empty names, wildcards
 * the rules refuse) and the choice of presented identifiers: DNS-IDs, else the CN (6.4.4).
 */

const SUBJECT_ALT_NAME = '2.5.29.17';

/** A leaf signed by a conforming root, with this commonName (none when undefined) and these DNS SANs. */
function leaf(commonName: string | undefined, dnsNames: string[]): Certificate {
  const chain = conformingChain(0);
  chain.leaf.subject = commonName ? nameOf(commonName, 'mra-preflight test') : dn([O, 'mra-preflight test']);
  setExtension(
    chain.leaf,
    SUBJECT_ALT_NAME,
    dnsNames.length > 0 ? ext.subjectAltName(dnsNames.map((name) => ext.dns(name))) : undefined,
  );
  return parseCertificate(buildChain(chain).leafDer);
}

describe('matchesDnsId: normalisation and empty names', () => {
  it('ignores surrounding white space, letter case and one trailing dot on both sides', () => {
    expect(matchesDnsId(' Expc.Example.COM. ', 'expc.example.com')).toBe(true);
    expect(matchesDnsId('expc.example.com', '\tEXPC.example.com.\n')).toBe(true);
    expect(matchesDnsId('EXPC.example.com', ' *.Example.Com. ')).toBe(true);
  });

  it('an empty reference or presented name matches nothing, not even another empty name', () => {
    expect(matchesDnsId('', '')).toBe(false);
    expect(matchesDnsId('.', '.')).toBe(false);
    expect(matchesDnsId(' ', ' . ')).toBe(false);
    expect(matchesDnsId('', '*.example.com')).toBe(false);
    expect(matchesDnsId('expc.example.com', '.')).toBe(false);
  });
});

describe('matchesDnsId: wildcards RFC 6125 6.4.3 refuses', () => {
  it('a wildcard in any label after the first never matches, not even the same text', () => {
    expect(matchesDnsId('a.*.example.com', '*.*.example.com')).toBe(false);
    expect(matchesDnsId('a.b.*', '*.b.*')).toBe(false);
    expect(matchesDnsId('a.b*.example.com', '*.b*.example.com')).toBe(false);
  });

  it('the wildcard does not stand for an empty left-most label', () => {
    expect(matchesDnsId('.example.com', '*.example.com')).toBe(false);
    expect(matchesDnsId(' .example.com.', '*.example.com')).toBe(false);
  });
});

describe('presentedNames and certificateMatchesHost (RFC 6125 6.4.4)', () => {
  it('presents the DNS SANs when there are any, ignoring the CN', () => {
    const certificate = leaf('cn.example.com', ['a.example.com', '*.b.example.com']);
    expect(presentedNames(certificate)).toStrictEqual({ names: ['a.example.com', '*.b.example.com'], from: 'SAN' });
    expect(certificateMatchesHost(certificate, 'a.example.com')).toBe(true);
    // Only the second SAN matches: one matching name is enough.
    expect(certificateMatchesHost(certificate, 'x.b.example.com')).toBe(true);
    expect(certificateMatchesHost(certificate, 'cn.example.com')).toBe(false);
    expect(certificateMatchesHost(certificate, 'b.example.com')).toBe(false);
  });

  it('falls back to the CN only without a DNS SAN', () => {
    const certificate = leaf('cn.example.com', []);
    expect(presentedNames(certificate)).toStrictEqual({ names: ['cn.example.com'], from: 'CN' });
    expect(certificateMatchesHost(certificate, 'CN.example.com')).toBe(true);
    expect(certificateMatchesHost(certificate, 'a.example.com')).toBe(false);
  });

  it('presents nothing, and matches no host, without a DNS SAN or CN', () => {
    const certificate = leaf(undefined, []);
    expect(presentedNames(certificate)).toStrictEqual({ names: [], from: 'none' });
    expect(certificateMatchesHost(certificate, 'a.example.com')).toBe(false);
  });
});
