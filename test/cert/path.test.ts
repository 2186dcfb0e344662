import { describe, expect, it } from 'vitest';
import { parseCertificate, type Certificate } from '../../src/cert/certificate.js';
import { AnchorSet, buildPath, judgeDates } from '../../src/cert/path.js';
import { createCa, issueEcCertificate, type Issued, type IssuedEc } from '../../lab/pki.js';
import { DAY, leafFor, testPki } from '../helpers/pki.js';

const cert = (issued: Issued | IssuedEc): Certificate =>
  parseCertificate(Buffer.from(issued.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
const anchors = (...issued: Array<Issued | IssuedEc>): AnchorSet =>
  new AnchorSet(issued.map((item) => ({ certificate: cert(item), source: 'test store' })));
const subjects = (list: readonly Certificate[]): Array<string | undefined> => list.map((item) => item.commonName);

describe('buildPath', () => {
  it('builds leaf → intermediate → root through presented certificates in any order, ignoring extras', () => {
    const { rootA, intermediateA, rootB } = testPki();
    const leaf = leafFor('a.example.com', intermediateA);
    const path = buildPath([cert(leaf), cert(rootB), cert(intermediateA)], anchors(rootA));
    expect(subjects(path.certificates)).toEqual(['a.example.com', 'Test Issuing CA A1', 'Test Root CA A']);
    expect(path.anchor?.sources).toEqual(['test store']);
    expect(path.root?.commonName).toBe('Test Root CA A');
    expect(subjects(path.unused)).toEqual(['Test Root CA B']);
    expect(path.stop).toBeUndefined();
  });

  it('stops with issuer-not-found when the intermediate is neither presented nor trusted', () => {
    const { rootA, intermediateA } = testPki();
    const path = buildPath([cert(leafFor('a.example.com', intermediateA))], anchors(rootA));
    expect(path.anchor).toBeUndefined();
    expect(path.stop?.reason).toBe('issuer-not-found');
    expect(path.root).toBeUndefined();
  });

  it('stops with untrusted-root at a presented self-signed root no store holds', () => {
    const { rootA, intermediateA, rootB } = testPki();
    const path = buildPath(
      [cert(leafFor('a.example.com', intermediateA)), cert(intermediateA), cert(rootA)],
      anchors(rootB),
    );
    expect(path.stop).toMatchObject({ reason: 'untrusted-root' });
    expect(path.root?.commonName).toBe('Test Root CA A');
  });

  it('detects a forged issuer: same name, different key', () => {
    const { rootA } = testPki();
    const impostor = createCa('Test Root CA A');
    const path = buildPath([cert(leafFor('a.example.com', impostor))], anchors(rootA));
    expect(path.stop?.reason).toBe('bad-signature');
  });

  it('trusts a self-signed leaf when the store holds the leaf itself', () => {
    const selfSigned = leafFor('cucm-pub.example.com', undefined);
    const path = buildPath([cert(selfSigned)], anchors(selfSigned));
    expect(path.anchor?.certificate.sha256).toBe(cert(selfSigned).sha256);
    expect(path.root?.commonName).toBe('cucm-pub.example.com');
  });

  it('verifies ECDSA signatures (EC root, EC leaf)', () => {
    const ecRoot = issueEcCertificate({ commonName: 'EC Root', isCa: true });
    const ecLeaf = cert(issueEcCertificate({ commonName: 'ec-leaf.example.com' }, ecRoot));
    expect(ecLeaf.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    const path = buildPath([ecLeaf], anchors(ecRoot));
    expect(path.stop).toBeUndefined();
    expect(subjects(path.certificates)).toEqual(['ec-leaf.example.com', 'EC Root']);
    expect(path.anchor?.certificate.sha256).toBe(cert(ecRoot).sha256);
    expect(path.root?.key).toMatchObject({ type: 'EC', curve: 'prime256v1' });
    // The same leaf against another EC root of the same name: the ECDSA signature does not verify.
    const impostor = issueEcCertificate({ commonName: 'EC Root', isCa: true });
    expect(buildPath([ecLeaf], anchors(impostor)).stop?.reason).toBe('bad-signature');
  });

  it('verifies an EC leaf under an RSA root, and a self-signed EC root held in a store', () => {
    const ecUnderRsa = cert(issueEcCertificate({ commonName: 'ec-leaf.example.com' }, testPki().rootA));
    expect(ecUnderRsa.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    const underRsa = buildPath([ecUnderRsa], anchors(testPki().rootA));
    expect(underRsa.stop).toBeUndefined();
    expect(underRsa.root?.commonName).toBe('Test Root CA A');
    const ecSelf = cert(issueEcCertificate({ commonName: 'EC Root', isCa: true }));
    const self = buildPath([ecSelf], new AnchorSet([{ certificate: ecSelf, source: 's' }]));
    expect(self.stop).toBeUndefined();
    expect(self.anchor?.sources).toEqual(['s']);
    expect(subjects(self.certificates)).toEqual(['EC Root']);
  });
});

describe('judgeDates', () => {
  it('reports expired and not-yet-valid certificates at the given instant', () => {
    const { intermediateA } = testPki();
    const leaf = cert(
      leafFor('a.example.com', intermediateA, {
        notBefore: new Date(Date.now() - 10 * DAY),
        notAfter: new Date(Date.now() + 10 * DAY),
      }),
    );
    expect(judgeDates([leaf], new Date())).toEqual([]);
    expect(judgeDates([leaf], new Date(Date.now() + 20 * DAY))).toEqual([{ certificate: leaf, problem: 'expired' }]);
    expect(judgeDates([leaf], new Date(Date.now() - 20 * DAY))).toEqual([
      { certificate: leaf, problem: 'not-yet-valid' },
    ]);
  });
});
