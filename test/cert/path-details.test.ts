import { beforeAll, describe, expect, it } from 'vitest';
import { nameOf } from '../../lab/pki.js';
import { certificateMaze } from '../helpers/hostile/pki.js';
import { parseCertificate, type Certificate } from '../../src/cert/certificate.js';
import { AnchorSet, MAX_DEPTH, buildPath, judgeDates, rootAbove, signedBy } from '../../src/cert/path.js';
import {
  DAY,
  JUDGED_AT,
  buildChain,
  conformingChain,
  poolKey,
  setExtension,
  time,
  type BuiltChain,
  type Chain,
} from './chains.js';

/**
 * The exact paths buildPath and rootAbove find (which issuer, where and why building stops, which
 * root is above), the anchor index, signature checks and judgeDates at the instants around the
 * validity bounds. Certificates are made once for the file.
 */
const parse = (der: Buffer): Certificate => parseCertificate(der);
const names = (list: readonly Certificate[]): Array<string | undefined> => list.map((cert) => cert.commonName);
const chainWith = (change: (chain: Chain) => void, depth = 1): Chain => {
  const chain = conformingChain(depth);
  change(chain);
  return chain;
};
const rootNamed = (name: string) => (c: Chain) => void (c.root.subject = nameOf(name, 'mra-preflight test'));

let conforming: BuiltChain;
let leaf: Certificate;
let ca: Certificate;
let root: Certificate;
let rsaRoot: Certificate;
let otherRoot: Certificate;

beforeAll(() => {
  conforming = buildChain(conformingChain());
  leaf = parse(conforming.leafDer);
  ca = parse(conforming.intermediateDers[0]!);
  root = parse(conforming.rootDer);
  // Named "Test Root" as well, with another (RSA) key.
  rsaRoot = parse(buildChain(conformingChain(1, true)).rootDer);
  otherRoot = parse(buildChain(chainWith(rootNamed('Other Root'))).rootDer);
});

const anchorsOf = (...certificates: Certificate[]): AnchorSet =>
  new AnchorSet(certificates.map((certificate) => ({ certificate, source: 'test store' })));

describe('AnchorSet', () => {
  it('holds each certificate once, collecting the sources that trust it', () => {
    const anchors = new AnchorSet();
    expect(anchors.size).toBe(0);
    anchors.add(root, 'tomcat-trust');
    anchors.add(root, 'CallManager-trust');
    anchors.add(root, 'tomcat-trust');
    expect(anchors.size).toBe(1);
    expect(anchors.exact(root)?.sources).toEqual(['tomcat-trust', 'CallManager-trust']);
    expect(anchors.issuersOf(ca).map((anchor) => anchor.certificate)).toEqual([root]);
    expect(anchors.exact(ca)).toBeUndefined();
    expect(anchors.issuersOf(leaf)).toEqual([]);
  });

  it('lists every anchor with the issuer name, in the order added', () => {
    const anchors = new AnchorSet([
      { certificate: rsaRoot, source: 'a' },
      { certificate: root, source: 'b' },
      { certificate: otherRoot, source: 'c' },
    ]);
    expect(anchors.size).toBe(3);
    expect(anchors.issuersOf(ca).map((anchor) => anchor.sources)).toEqual([['a'], ['b']]);
  });
});

describe('signedBy', () => {
  it('verifies with the issuer key only, the same answer every time', () => {
    expect(signedBy(leaf, ca)).toBe(true);
    expect(signedBy(leaf, ca)).toBe(true);
    expect(signedBy(leaf, root)).toBe(false);
    expect(signedBy(leaf, root)).toBe(false);
    expect(signedBy(ca, rsaRoot)).toBe(false);
    expect(signedBy(root, root)).toBe(true);
  });
});

describe('buildPath', () => {
  it('needs the leaf', () => {
    expect(() => buildPath([], anchorsOf(root))).toThrow('buildPath needs at least the leaf certificate');
  });

  it('takes a trusted issuer before a presented one and ends at the anchor', () => {
    const path = buildPath([leaf, ca, root], anchorsOf(root));
    expect(names(path.certificates)).toEqual(['a.example.com', 'Issuing CA 1', 'Test Root']);
    expect(path.anchor?.certificate).toBe(root);
    expect(path.stop).toBeUndefined();
    expect(path.root).toBe(root);
    expect(path.unused).toEqual([]);
    // An issuing CA in the store ends the path there.
    const partial = buildPath([leaf], anchorsOf(ca));
    expect(names(partial.certificates)).toEqual(['a.example.com', 'Issuing CA 1']);
    expect(partial.anchor?.certificate).toBe(ca);
    expect(partial.root).toBeUndefined();
  });

  it('says bad-signature when a same-named anchor does not verify and nothing else fits', () => {
    const path = buildPath([leaf, ca], anchorsOf(rsaRoot));
    expect(path.stop).toEqual({ reason: 'bad-signature', at: ca });
    expect(names(path.certificates)).toEqual(['a.example.com', 'Issuing CA 1']);
    expect(path.anchor).toBeUndefined();
  });

  it('says issuer-not-found when no certificate has the issuer name, keeping the root it can still find', () => {
    const path = buildPath([leaf, ca], anchorsOf(otherRoot), anchorsOf(root));
    expect(path.stop).toEqual({ reason: 'issuer-not-found', at: ca });
    expect(path.root).toBe(root);
    expect(buildPath([leaf, ca], anchorsOf(otherRoot)).root).toBeUndefined();
  });

  it('climbs past a presented self-signed root through a cross-certificate of its key to an anchor', () => {
    // The root key certified by a trusted "Other Root": the self-signed root stops, the
    // cross-certificate reaches the anchor.
    const cross = chainWith(rootNamed('Other Root'));
    cross.intermediates[0]!.subject = nameOf('Test Root', 'mra-preflight test');
    cross.intermediates[0]!.keys = poolKey(0);
    const crossCa = parse(buildChain(cross).intermediateDers[0]!);
    const path = buildPath([leaf, ca, root, crossCa], anchorsOf(otherRoot));
    expect(path.stop).toBeUndefined();
    expect(path.certificates).toEqual([leaf, ca, crossCa, otherRoot]);
    expect(path.anchor?.certificate).toBe(otherRoot);
    expect(path.root).toBe(otherRoot);
    expect(path.unused).toEqual([root]);
    // Without the cross-certificate the self-signed root ends the path.
    const stopped = buildPath([leaf, ca, root], anchorsOf(otherRoot));
    expect(stopped.stop).toEqual({ reason: 'untrusted-root', at: root });
    expect(stopped.root).toBe(root);
  });

  it('keeps the longest of the paths that stop, the first of equal ones, and returns as soon as one is anchored', () => {
    const a = buildChain(chainWith(rootNamed('Root A')));
    const b = buildChain(chainWith(rootNamed('Root B')));
    const [caA, caB] = [parse(a.intermediateDers[0]!), parse(b.intermediateDers[0]!)];
    const leafA = parse(a.leafDer);
    expect(buildPath([leafA, caA, caB], anchorsOf(otherRoot)).stop).toEqual({ reason: 'issuer-not-found', at: caA });
    expect(buildPath([leafA, caB, caA], anchorsOf(otherRoot)).stop).toEqual({ reason: 'issuer-not-found', at: caB });
    const deep = buildChain(chainWith(rootNamed('Root A'), 2));
    const shallowChain = chainWith(rootNamed('Root B'));
    shallowChain.intermediates[0]!.subject = nameOf('Issuing CA 2', 'mra-preflight test');
    shallowChain.intermediates[0]!.keys = poolKey(2);
    const shallow = parse(buildChain(shallowChain).intermediateDers[0]!);
    const deepCerts = [deep.leafDer, ...deep.intermediateDers].map(parse);
    for (const presented of [
      [...deepCerts, shallow],
      [deepCerts[0]!, shallow, ...deepCerts.slice(1)],
    ]) {
      const path = buildPath(presented, anchorsOf(otherRoot));
      expect(names(path.certificates)).toEqual(['a.example.com', 'Issuing CA 2', 'Issuing CA 1']);
      expect(path.stop).toEqual({ reason: 'issuer-not-found', at: deepCerts[2] });
      expect(path.unused).toEqual([shallow]);
    }
    // The first presented issuer that reaches an anchor wins.
    const anchored = buildPath([leafA, caB, caA], anchorsOf(parse(a.rootDer)));
    expect(anchored.anchor?.certificate.commonName).toBe('Root A');
    expect(names(anchored.certificates)).toEqual(['a.example.com', 'Issuing CA 1', 'Root A']);
    expect(anchored.unused).toEqual([caB]);
  });

  it('follows 100 intermediate CAs and stops after one more as too long', () => {
    for (const [depth, reached] of [
      [100, true],
      [101, false],
    ] as const) {
      const built = buildChain(conformingChain(depth));
      const presented = [built.leafDer, ...built.intermediateDers].map(parse);
      const path = buildPath(presented, anchorsOf(parse(built.rootDer)));
      expect(path.anchor !== undefined).toBe(reached);
      expect(path.certificates).toHaveLength(MAX_DEPTH + 1);
      if (!reached) expect(path.stop).toEqual({ reason: 'too-long', at: presented.at(-1) });
      expect(rootAbove([presented[0]!], presented.slice(1), anchorsOf(parse(built.rootDer)))?.commonName).toBe(
        reached ? 'Test Root' : undefined,
      );
    }
    expect(MAX_DEPTH).toBe(101);
  });
});

describe('buildPath through a CA key rollover', () => {
  // The new CA key's certificate is self-issued (issuer = subject) and signed by the old key, whose
  // certificate the root issued: RFC 5280 6.1 lets a path run through it, and so does OpenSSL.
  const rollover = (): BuiltChain =>
    buildChain(
      chainWith((c) => {
        const [older, newer] = c.intermediates;
        newer!.subject = older!.subject;
      }, 2),
    );

  it('goes past the self-issued certificate of the new key to the old key and the anchor', () => {
    const built = rollover();
    const [newer, older] = built.intermediateDers.map(parse);
    const rolled = parse(built.leafDer);
    expect(newer!.selfIssued).toBe(true);
    expect(signedBy(newer!, newer!)).toBe(false);
    const path = buildPath([rolled, newer!, older!], anchorsOf(root));
    expect(path.stop).toBeUndefined();
    expect(path.certificates).toEqual([rolled, newer, older, root]);
    expect(path.anchor?.certificate).toBe(root);
    expect(path.root).toBe(root);
    expect(rootAbove([rolled, newer!], [older!], anchorsOf(root))).toBe(root);
    // Without the old key's certificate the path stops at the self-issued one, not as an untrusted root.
    expect(buildPath([rolled, newer!], anchorsOf(root)).stop).toEqual({ reason: 'issuer-not-found', at: newer });
    expect(rootAbove([rolled, newer!], [], anchorsOf(root))).toBeUndefined();
  });
});

describe('rootAbove', () => {
  it('climbs through anchors and presented certificates to a self-signed root', () => {
    expect(rootAbove([leaf], [], anchorsOf(ca, root))).toBe(root);
    expect(rootAbove([leaf], [ca], anchorsOf(root))).toBe(root);
    expect(rootAbove([leaf], [ca, root], new AnchorSet())).toBe(root);
    expect(rootAbove([leaf, ca, root], [], new AnchorSet())).toBe(root);
    expect(rootAbove([leaf], [ca], new AnchorSet())).toBeUndefined();
    expect(rootAbove([], [ca, root], anchorsOf(root))).toBeUndefined();
  });

  it('skips issuers whose signature does not verify and certificates already on the path', () => {
    expect(rootAbove([leaf], [ca, rsaRoot, root], new AnchorSet())).toBe(root);
    expect(rootAbove([leaf], [ca], anchorsOf(rsaRoot))).toBeUndefined();
    // The issuing CA is on the path already, so it is not found again above the leaf.
    expect(rootAbove([ca, leaf], [ca], anchorsOf(root))).toBeUndefined();
  });

  it('finds no root above a self-issued certificate that is not self-signed', () => {
    const forged = chainWith((c) => void (c.root.signer = poolKey(5).privateKey));
    const forgedRoot = parse(buildChain(forged).rootDer);
    expect(forgedRoot.selfIssued).toBe(true);
    expect(rootAbove([forgedRoot], [root], anchorsOf(root))).toBeUndefined();
  });
});

describe('judgeDates', () => {
  it('counts both bounds as inside the validity period', () => {
    const notBefore = new Date(JUDGED_AT.getTime() - DAY);
    const notAfter = new Date(JUDGED_AT.getTime() + DAY);
    const dated = parse(
      buildChain(
        chainWith((c) => {
          c.leaf.notBefore = time(notBefore);
          c.leaf.notAfter = time(notAfter);
        }),
      ).leafDer,
    );
    const expired = parse(
      buildChain(chainWith((c) => void (c.leaf.notAfter = time(new Date(JUDGED_AT.getTime() - DAY))))).leafDer,
    );
    expect(judgeDates([dated], notBefore)).toEqual([]);
    expect(judgeDates([dated], notAfter)).toEqual([]);
    expect(judgeDates([dated], new Date(notBefore.getTime() - 1))).toEqual([
      { certificate: dated, problem: 'not-yet-valid' },
    ]);
    expect(judgeDates([dated], new Date(notAfter.getTime() + 1))).toEqual([{ certificate: dated, problem: 'expired' }]);
    expect(judgeDates([dated, expired, leaf], JUDGED_AT)).toEqual([{ certificate: expired, problem: 'expired' }]);
    expect(judgeDates([expired, dated], new Date(notAfter.getTime() + 1))).toEqual([
      { certificate: expired, problem: 'expired' },
      { certificate: dated, problem: 'expired' },
    ]);
    expect(judgeDates([], JUDGED_AT)).toEqual([]);
  });
});

describe('a key identifier mismatch does not stop building', () => {
  it('builds through an issuer whose subject key identifier is missing', () => {
    const chain = chainWith((c) => setExtension(c.intermediates[0]!, '2.5.29.14', undefined));
    const built = buildChain(chain);
    const path = buildPath([built.leafDer, ...built.intermediateDers].map(parse), anchorsOf(parse(built.rootDer)));
    expect(path.anchor?.certificate.commonName).toBe('Test Root');
  });
});

describe('buildPath over a cross-signed maze', () => {
  it('gives up after its step budget instead of trying every ordering', () => {
    const maze = certificateMaze(8, 'ec');
    const presented = [maze.leafPem, ...maze.intermediatePems.slice(0, 15)].map((pem) =>
      parse(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')),
    );
    const started = performance.now();
    const path = buildPath(presented, anchorsOf(root));
    expect(path.stop?.reason).toBe('issuer-not-found');
    expect(path.anchor).toBeUndefined();
    expect(path.certificates.length).toBeGreaterThan(1);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('buildPath: which presented issuer it takes', () => {
  it('refuses a same-named presented issuer whose key does not verify', () => {
    const impostor = chainWith((c) => void (c.intermediates[0]!.keys = poolKey(6)));
    const impostorCa = parse(buildChain(impostor).intermediateDers[0]!);
    const path = buildPath([leaf, impostorCa], anchorsOf(root));
    expect(path.stop).toEqual({ reason: 'bad-signature', at: leaf });
    expect(path.certificates).toEqual([leaf]);
    expect(path.unused).toEqual([impostorCa]);
  });

  it('does not go round two issuing CAs that certify each other', () => {
    const loop = conformingChain(2);
    loop.root.subject = loop.intermediates[1]!.subject;
    loop.root.keys = poolKey(2);
    const built = buildChain(loop);
    const presented = [built.leafDer, ...built.intermediateDers].map(parse);
    const path = buildPath(presented, anchorsOf(otherRoot));
    expect(names(path.certificates)).toEqual(['a.example.com', 'Issuing CA 2', 'Issuing CA 1']);
    expect(path.stop).toEqual({ reason: 'issuer-not-found', at: presented[2] });
  });

  it('returns an anchored path even when a stopped one of the same length came first', () => {
    const deep = buildChain(chainWith(rootNamed('Root A'), 2));
    const shallowChain = chainWith(rootNamed('Root B'));
    shallowChain.intermediates[0]!.subject = nameOf('Issuing CA 2', 'mra-preflight test');
    shallowChain.intermediates[0]!.keys = poolKey(2);
    const shallowBuilt = buildChain(shallowChain);
    const shallow = parse(shallowBuilt.intermediateDers[0]!);
    const rootB = parse(shallowBuilt.rootDer);
    const deepCerts = [deep.leafDer, ...deep.intermediateDers].map(parse);
    const path = buildPath([...deepCerts, shallow], anchorsOf(rootB));
    expect(path.certificates).toEqual([deepCerts[0], shallow, rootB]);
    expect(path.anchor?.certificate).toBe(rootB);
    expect(path.stop).toBeUndefined();
  });

  it('does not call a certificate signed by its own key an untrusted root when it names another issuer', () => {
    const own = parse(buildChain(chainWith((c) => void (c.leaf.signer = c.leaf.keys.privateKey))).leafDer);
    expect(own.selfIssued).toBe(false);
    expect(buildPath([own], anchorsOf(otherRoot)).stop).toEqual({ reason: 'issuer-not-found', at: own });
  });
});
