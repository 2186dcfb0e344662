import { describe, expect, it } from 'vitest';
import { Name } from '@peculiar/asn1-x509';
import { parseCertificate, type Certificate } from '../../src/cert/certificate.js';
import { AnchorSet } from '../../src/cert/path.js';
import { PATH_CANDIDATE_BUDGET, validatePath } from '../../src/cert/validate.js';
import { certificateMaze } from '../helpers/hostile/pki.js';
import {
  JUDGED_AT,
  buildChain,
  conformingChain,
  ext,
  poolKey,
  resign,
  setExtension,
  specsOf,
  type BuiltChain,
  type Chain,
} from './chains.js';

const parse = (der: Buffer): Certificate => parseCertificate(der);
const anchorsOf = (...ders: Buffer[]): AnchorSet =>
  new AnchorSet(ders.map((der) => ({ certificate: parse(der), source: 'test store' })));
const presentedOf = (built: BuiltChain): Certificate[] => [built.leafDer, ...built.intermediateDers].map(parse);
const names = (list: readonly Certificate[]): Array<string | undefined> => list.map((cert) => cert.commonName);
const derOf = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');

describe('validatePath: building', () => {
  it('accepts a conforming chain presented in any order, extras ignored, and names the anchor', () => {
    const built = buildChain(conformingChain(2));
    const stranger = buildChain(conformingChain(1, true));
    const presented = [built.leafDer, stranger.leafDer, ...[...built.intermediateDers].reverse()].map(parse);
    const verdict = validatePath(presented, anchorsOf(built.rootDer), { at: JUDGED_AT });
    expect(verdict.valid).toBe(true);
    expect(names(verdict.path.certificates)).toEqual(['a.example.com', 'Issuing CA 2', 'Issuing CA 1', 'Test Root']);
    expect(verdict.path.anchor?.sources).toEqual(['test store']);
    expect(verdict.path.root?.commonName).toBe('Test Root');
    expect(names(verdict.path.unused)).toEqual(['a.example.com']);
    expect(verdict.notes).toEqual([]);
  });

  it('judges each candidate path: a same-named issuer that is not a CA does not hide a valid one', () => {
    const good = conformingChain();
    const bad: Chain = conformingChain();
    // Same name and key as the good issuing CA, but basicConstraints says it is no CA.
    setExtension(bad.intermediates[0]!, '2.5.29.19', ext.basicConstraints(false));
    const goodBuilt = buildChain(good);
    const badIntermediate = buildChain(bad).intermediateDers[0]!;
    const verdict = validatePath(
      [goodBuilt.leafDer, badIntermediate, ...goodBuilt.intermediateDers].map(parse),
      anchorsOf(goodBuilt.rootDer),
      { at: JUDGED_AT },
    );
    expect(verdict.valid).toBe(true);
    expect(verdict.candidates).toBeGreaterThanOrEqual(3);
    expect(verdict.path.certificates[1]!.der.equals(goodBuilt.intermediateDers[0]!)).toBe(true);
  });

  it('prefers, as the closest path, one that reached an anchor and failed over one that stopped', () => {
    const chain = conformingChain();
    setExtension(chain.intermediates[0]!, '2.5.29.19', undefined);
    const built = buildChain(chain);
    const verdict = validatePath(presentedOf(built), anchorsOf(built.rootDer), { at: JUDGED_AT });
    expect(verdict.valid).toBe(false);
    if (verdict.valid) return;
    expect(verdict.failure.condition).toBe('not-a-ca');
    expect(verdict.path.anchor).toBeDefined();
    expect(names(verdict.path.certificates)).toEqual(['a.example.com', 'Issuing CA 1', 'Test Root']);
  });

  it('stops at a presented self-signed root that no store holds, keeping the path', () => {
    const built = buildChain(conformingChain());
    const other = buildChain(conformingChain(1, true));
    const verdict = validatePath([...presentedOf(built), parse(built.rootDer)], anchorsOf(other.rootDer), {
      at: JUDGED_AT,
    });
    expect(verdict.valid).toBe(false);
    if (verdict.valid) return;
    expect(verdict.failure).toMatchObject({ condition: 'untrusted-root' });
    expect(verdict.failure.message).toMatch(/^the path ends in the self-signed CN=Test Root/);
    expect(verdict.path.stop?.reason).toBe('untrusted-root');
    expect(names(verdict.path.certificates)).toEqual(['a.example.com', 'Issuing CA 1', 'Test Root']);
  });

  it('says which issuer is missing when the chain is incomplete', () => {
    const built = buildChain(conformingChain());
    const verdict = validatePath([parse(built.leafDer)], anchorsOf(built.rootDer), { at: JUDGED_AT });
    expect(verdict.valid).toBe(false);
    if (verdict.valid) return;
    expect(verdict.failure.condition).toBe('issuer-not-found');
    expect(verdict.failure.message).toBe(
      'CN=a.example.com, O=mra-preflight test was issued by CN=Issuing CA 1, O=mra-preflight test, which was neither presented nor found in any trust store',
    );
  });

  it('trusts a self-signed leaf held in a store (a CUCM self-signed tomcat certificate)', () => {
    const chain = conformingChain();
    chain.leaf.issuer = chain.leaf.subject;
    chain.leaf.signer = chain.leaf.keys.privateKey;
    const leaf = buildChain(chain).leafDer;
    const verdict = validatePath([parse(leaf)], anchorsOf(leaf), { at: JUDGED_AT });
    expect(verdict.valid).toBe(true);
  });

  it('names an unsupported signature algorithm', () => {
    const chain = conformingChain();
    const built = buildChain(chain);
    const unknownAlgorithm = Buffer.from('300b06092b0601040182e50101', 'hex');
    const leaf = resign(
      built.leafDer,
      (fields) => fields.map((field, i) => (i === 2 ? unknownAlgorithm : field)),
      chain.intermediates[0]!.keys.privateKey,
      unknownAlgorithm,
    );
    const verdict = validatePath([parse(leaf), ...built.intermediateDers.map(parse)], anchorsOf(built.rootDer), {
      at: JUDGED_AT,
    });
    expect(verdict.valid).toBe(false);
    if (verdict.valid) return;
    expect(verdict.failure.condition).toBe('unsupported-signature-algorithm');
    expect(verdict.failure.message).toBe(
      'CN=a.example.com, O=mra-preflight test is signed with 1.3.6.1.4.1.45697.1, a signature algorithm that is not supported',
    );
  });

  it('fails a leaf with an empty issuer name with a finding, not an exception', () => {
    const chain = conformingChain();
    chain.leaf.issuer = new Name([]);
    const built = buildChain(chain);
    const verdict = validatePath(presentedOf(built), anchorsOf(built.rootDer), { at: JUDGED_AT });
    expect(verdict.valid).toBe(false);
    if (verdict.valid) return;
    expect(verdict.failure).toMatchObject({ condition: 'empty-issuer', reference: 'RFC 5280 4.1.2.4' });
    expect(verdict.failure.message).toBe('CN=a.example.com, O=mra-preflight test has an empty issuer name');
  });

  it('names a leaf signed by a forged key as a bad signature', () => {
    const chain = conformingChain();
    chain.leaf.signer = poolKey(8).privateKey;
    const built = buildChain(chain);
    const verdict = validatePath(presentedOf(built), anchorsOf(built.rootDer), { at: JUDGED_AT });
    expect(verdict.valid).toBe(false);
    if (verdict.valid) return;
    expect(verdict.failure.condition).toBe('bad-signature');
    expect(verdict.failure.certificate?.commonName).toBe('a.example.com');
  });
});

describe('validatePath: the candidate budget', () => {
  it('fails a cross-signed maze with "no valid path within N candidates", within the budget', () => {
    const maze = certificateMaze(8, 'ec');
    const presented = [maze.leafPem, ...maze.intermediatePems.slice(0, 15)].map((pem) => parse(derOf(pem)));
    const root = buildChain(conformingChain()).rootDer;
    const verdict = validatePath(presented, anchorsOf(root), { at: new Date() });
    expect(verdict.valid).toBe(false);
    if (verdict.valid) return;
    expect(verdict.failure.condition).toBe('no-valid-path-within-budget');
    expect(verdict.failure.message).toMatch(new RegExp(`^no valid path within ${PATH_CANDIDATE_BUDGET} candidates`));
    expect(verdict.candidates).toBe(PATH_CANDIDATE_BUDGET);
    expect(verdict.path.certificates.length).toBeGreaterThan(1);
  });

  it('counts every issuer tried against a caller-given budget', () => {
    const built = buildChain(conformingChain(3));
    const verdict = validatePath(presentedOf(built), anchorsOf(built.rootDer), { at: JUDGED_AT, budget: 2 });
    expect(verdict.valid).toBe(false);
    if (verdict.valid) return;
    expect(verdict.failure.message).toBe('no valid path within 2 candidates');
    expect(verdict.candidates).toBe(2);
    const enough = validatePath(presentedOf(built), anchorsOf(built.rootDer), { at: JUDGED_AT, budget: 4 });
    expect(enough.valid).toBe(true);
    expect(enough.candidates).toBe(4);
  });
});

describe('validatePath on every certificate of a chain, every role', () => {
  it('names the certificate whose validity fails, whichever role it has', () => {
    for (const role of [0, 1, 2]) {
      const chain = conformingChain();
      const spec = specsOf(chain)[role]!;
      spec.notAfter = chain.leaf.notBefore;
      const built = buildChain(chain);
      const verdict = validatePath(presentedOf(built), anchorsOf(built.rootDer), { at: JUDGED_AT });
      expect(verdict.valid).toBe(false);
      if (verdict.valid) continue;
      expect(verdict.failure.condition).toBe('expired');
      expect(verdict.failure.certificate?.subject).toBe(
        parse(role === 0 ? built.rootDer : role === 1 ? built.intermediateDers[0]! : built.leafDer).subject,
      );
    }
  });
});
