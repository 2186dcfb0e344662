import { beforeAll, describe, expect, it } from 'vitest';
import { KeyUsageFlags, Name, Time } from '@peculiar/asn1-x509';
import { nameOf } from '../../lab/pki.js';
import { CertificateParseError, parseCertificate, type Certificate } from '../../src/cert/certificate.js';
import { AnchorSet } from '../../src/cert/path.js';
import {
  PATH_CANDIDATE_BUDGET,
  certificateLabel,
  judgePath,
  validatePath,
  type PathValidation,
} from '../../src/cert/validate.js';
import {
  CA_USAGE,
  CN,
  DAY,
  JUDGED_AT,
  LEAF_USAGE,
  O,
  buildChain,
  conformingChain,
  dn,
  ext,
  poolKey,
  resign,
  setExtension,
  time,
  tlv,
  type BuiltChain,
  type Chain,
} from './chains.js';
import { opensslVerify, opensslVersion } from './openssl.js';
import { vectors, type Vector } from './vectors.js';

/**
 * The exact verdicts of validatePath: for every differential vector the condition, the RFC
 * reference, the sentence, the candidates tried, the notes and the path kept; and for the
 * branches the vectors do not reach (proxy certificates, version 2 with extensions, empty
 * subjects, paths of one, the candidate order, the closest path, the budget message) the same,
 * with OpenSSL's `-x509_strict` verdict wherever it is the yardstick. Certificates are made once.
 */
type Failure = [condition: string, reference: string, message: string];
type Row = [
  name: string,
  failure: Failure | undefined,
  candidates: number,
  notes: Array<[string, string, string]>,
  path: Array<string | undefined>,
  root: string | undefined,
  stop: string | undefined,
];

/** What every vector of vectors.ts gives, exactly (checked by hand against the source and OpenSSL). */
const EXPECTED: Row[] = [
  [
    'a conforming P-256 chain: root, issuing CA, leaf',
    undefined,
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  ['a conforming RSA chain', undefined, 2, [], ['a.example.com', 'Issuing CA 1', 'Test Root'], 'Test Root', undefined],
  [
    'a conforming chain with two issuing CAs',
    undefined,
    3,
    [],
    ['a.example.com', 'Issuing CA 2', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'an intermediate without basicConstraints',
    ['not-a-ca', 'RFC 5280 6.1.4 (k)', 'CN=Issuing CA 1, O=mra-preflight test is not a CA: basicConstraints absent'],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'an intermediate with cA=FALSE',
    [
      'not-a-ca',
      'RFC 5280 6.1.4 (k)',
      'CN=Issuing CA 1, O=mra-preflight test is not a CA: basicConstraints cA is FALSE',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a root without basicConstraints',
    ['not-a-ca', 'RFC 5280 6.1.4 (k)', 'CN=Test Root, O=mra-preflight test is not a CA: basicConstraints absent'],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a root whose keyUsage lacks keyCertSign (inconsistent CA extensions)',
    [
      'key-cert-sign',
      'RFC 5280 6.1.4 (n)',
      'CN=Test Root, O=mra-preflight test may not sign certificates: its keyUsage lacks keyCertSign',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a root with keyCertSign but cA=FALSE (inconsistent CA extensions)',
    ['not-a-ca', 'RFC 5280 6.1.4 (k)', 'CN=Test Root, O=mra-preflight test is not a CA: basicConstraints cA is FALSE'],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'an intermediate whose keyUsage lacks keyCertSign',
    [
      'key-cert-sign',
      'RFC 5280 6.1.4 (n)',
      'CN=Issuing CA 1, O=mra-preflight test may not sign certificates: its keyUsage lacks keyCertSign',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'pathLenConstraint 0 with one intermediate below',
    [
      'path-length',
      'RFC 5280 6.1.4 (m)',
      'CN=Issuing CA 1, O=mra-preflight test allows 0 intermediate CA certificate(s) below it (pathLenConstraint 0), the path has 1',
    ],
    3,
    [],
    ['a.example.com', 'Issuing CA 2', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'pathLenConstraint 1 with one intermediate below (twin)',
    undefined,
    3,
    [],
    ['a.example.com', 'Issuing CA 2', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a root with pathLenConstraint 1 above three intermediates',
    [
      'path-length',
      'RFC 5280 6.1.4 (m)',
      'CN=Test Root, O=mra-preflight test allows 1 intermediate CA certificate(s) below it (pathLenConstraint 1), the path has 3',
    ],
    4,
    [],
    ['a.example.com', 'Issuing CA 3', 'Issuing CA 2', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'pathLenConstraint 0 above a self-issued intermediate (key rollover)',
    undefined,
    3,
    [],
    ['a.example.com', 'Issuing CA 1', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'pathLenConstraint 0 above a differently named intermediate (twin)',
    [
      'path-length',
      'RFC 5280 6.1.4 (m)',
      'CN=Issuing CA 1, O=mra-preflight test allows 0 intermediate CA certificate(s) below it (pathLenConstraint 0), the path has 1',
    ],
    3,
    [],
    ['a.example.com', 'Issuing CA 2', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'an unknown critical extension on the leaf',
    [
      'unrecognised-critical-extension',
      'RFC 5280 4.2, 6.1.4 (o)',
      'CN=a.example.com, O=mra-preflight test has a critical extension that is not recognised: 1.3.6.1.4.1.55555.1.1',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'an unknown non-critical extension on the leaf (twin)',
    undefined,
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'an unknown critical extension on the intermediate',
    [
      'unrecognised-critical-extension',
      'RFC 5280 4.2, 6.1.4 (o)',
      'CN=Issuing CA 1, O=mra-preflight test has a critical extension that is not recognised: 1.3.6.1.4.1.55555.1.1',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'an unknown non-critical extension on the intermediate (twin)',
    undefined,
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'an unknown critical extension on the root',
    [
      'unrecognised-critical-extension',
      'RFC 5280 4.2, 6.1.4 (o)',
      'CN=Test Root, O=mra-preflight test has a critical extension that is not recognised: 1.3.6.1.4.1.55555.1.1',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'an unknown non-critical extension on the root (twin)',
    undefined,
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a critical authority key identifier on the leaf',
    [
      'unrecognised-critical-extension',
      'RFC 5280 4.2.1.1/4.2.1.2, 6.1.4 (o)',
      'CN=a.example.com, O=mra-preflight test marks authorityKeyIdentifier critical, which conforming CAs must not and which no validator here processes as critical',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a critical subject key identifier on the intermediate',
    [
      'unrecognised-critical-extension',
      'RFC 5280 4.2.1.1/4.2.1.2, 6.1.4 (o)',
      'CN=Issuing CA 1, O=mra-preflight test marks subjectKeyIdentifier critical, which conforming CAs must not and which no validator here processes as critical',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a critical authorityInfoAccess with an invalid value',
    [
      'unrecognised-critical-extension',
      'RFC 5280 4.2, 6.1.4 (o)',
      'CN=a.example.com, O=mra-preflight test has a critical extension that is not recognised: authorityInfoAccess',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a non-critical authorityInfoAccess (twin)',
    undefined,
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'the leaf repeats subjectAltName',
    [
      'invalid-extension',
      'RFC 5280 4.2',
      'CN=a.example.com, O=mra-preflight test is invalid: subjectAltName appears more than once (RFC 5280 4.2)',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'the intermediate repeats basicConstraints',
    [
      'invalid-extension',
      'RFC 5280 4.2',
      'CN=Issuing CA 1, O=mra-preflight test is invalid: basicConstraints appears more than once (RFC 5280 4.2)',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'the leaf repeats certificatePolicies',
    [
      'invalid-extension',
      'RFC 5280 4.2',
      'CN=a.example.com, O=mra-preflight test is invalid: certificatePolicies appears more than once (RFC 5280 4.2)',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'basicConstraints that does not decode',
    [
      'invalid-extension',
      'RFC 5280 4.2',
      'CN=Issuing CA 1, O=mra-preflight test is invalid: basicConstraints cannot be decoded (BasicConstraints: expected tag 0x30, found 0x4)',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a keyUsage with no bit set',
    [
      'invalid-extension',
      'RFC 5280 4.2',
      'CN=a.example.com, O=mra-preflight test is invalid: keyUsage cannot be decoded (keyUsage with no bit set)',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a negative pathLenConstraint',
    [
      'invalid-extension',
      'RFC 5280 4.2',
      'CN=Issuing CA 1, O=mra-preflight test is invalid: basicConstraints cannot be decoded (negative pathLenConstraint)',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a leaf EC key with explicit curve parameters',
    [
      'explicit-curve',
      'RFC 5480 2.1.1',
      'CN=a.example.com, O=mra-preflight test has an EC key with explicit curve parameters; only named curves are accepted',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'notAfter as GeneralizedTime with fractional seconds',
    [
      'time-encoding',
      'RFC 5280 4.1.2.5.2',
      'CN=a.example.com, O=mra-preflight test has notAfter GeneralizedTime "20510101000000.5Z" (fractional seconds), not the form YYYYMMDDHHMMSSZ',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'notAfter as GeneralizedTime without fraction before 2050 (tolerated, as OpenSSL does)',
    undefined,
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'an expired leaf',
    ['expired', 'RFC 5280 6.1.3 (a)(2)', 'CN=a.example.com, O=mra-preflight test expired on 2030-06-14T12:00:00.000Z'],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'an intermediate not yet valid',
    [
      'not-yet-valid',
      'RFC 5280 6.1.3 (a)(2)',
      'CN=Issuing CA 1, O=mra-preflight test is not valid before 2030-06-16T12:00:00.000Z',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'an expired root',
    ['expired', 'RFC 5280 6.1.3 (a)(2)', 'CN=Test Root, O=mra-preflight test expired on 2030-06-14T12:00:00.000Z'],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'judged the second the leaf expires (OpenSSL counts notAfter itself as expired)',
    ['expired', 'RFC 5280 6.1.3 (a)(2)', 'CN=a.example.com, O=mra-preflight test expired on 2030-06-15T12:00:00.000Z'],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'notBefore and notAfter as UTCTime without seconds',
    [
      'time-encoding',
      'RFC 5280 4.1.2.5.1',
      'CN=a.example.com, O=mra-preflight test has notBefore UTCTime "2901010000Z" (seconds omitted), not the form YYMMDDHHMMSSZ',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a leaf with an empty issuer name',
    ['empty-issuer', 'RFC 5280 4.1.2.4', 'CN=a.example.com, O=mra-preflight test has an empty issuer name'],
    0,
    [],
    ['a.example.com'],
    undefined,
    'issuer-not-found',
  ],
  [
    'an intermediate with an empty subject, named as issuer by the leaf',
    ['empty-issuer', 'RFC 5280 4.1.2.4', 'CN=a.example.com, O=mra-preflight test has an empty issuer name'],
    2,
    [],
    ['a.example.com', undefined, 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a leaf inside permitted dNSName example.com',
    undefined,
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a leaf outside permitted dNSName example.com',
    [
      'name-constraints',
      'RFC 5280 6.1.3 (b)-(c)',
      'CN=a.example.com, O=mra-preflight test: DNS:a.example.net is outside the permitted subtrees of the name constraints of CN=Issuing CA 1, O=mra-preflight test (permitted: DNS:example.com)',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a leaf under excluded dNSName, from the root',
    [
      'name-constraints',
      'RFC 5280 6.1.3 (b)-(c)',
      'CN=a.example.com, O=mra-preflight test: DNS:a.example.com is excluded by the name constraints of CN=Test Root, O=mra-preflight test (excluded: DNS:example.com)',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a leaf commonName host outside the permitted dNSName, no SAN',
    [
      'name-constraints',
      'RFC 5280 6.1.3 (b)-(c)',
      'CN=a.example.net, O=mra-preflight test: DNS:a.example.net is outside the permitted subtrees of the name constraints of CN=Issuing CA 1, O=mra-preflight test (permitted: DNS:example.com)',
    ],
    2,
    [],
    ['a.example.net', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a leaf IP outside permitted 10.0.0.0/8',
    [
      'name-constraints',
      'RFC 5280 6.1.3 (b)-(c)',
      'CN=a.example.com, O=mra-preflight test: IP:192.168.1.10 is outside the permitted subtrees of the name constraints of CN=Issuing CA 1, O=mra-preflight test (permitted: IP:10.0.0.0/8)',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a leaf IP inside permitted 10.0.0.0/8 (twin)',
    undefined,
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a leaf email outside permitted .example.com',
    [
      'name-constraints',
      'RFC 5280 6.1.3 (b)-(c)',
      'CN=a.example.com, O=mra-preflight test: email:ops@example.org is outside the permitted subtrees of the name constraints of CN=Issuing CA 1, O=mra-preflight test (permitted: email:.example.com)',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a leaf subject inside a permitted directoryName',
    undefined,
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a leaf subject outside a permitted directoryName',
    [
      'name-constraints',
      'RFC 5280 6.1.3 (b)-(c)',
      'O=Example Org, CN=a.example.com: DirName:Example Org, a.example.com is outside the permitted subtrees of the name constraints of CN=Issuing CA 1, O=mra-preflight test (permitted: DirName:Other Org)',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    "a leaf signed by a key other than its issuer's",
    [
      'bad-signature',
      'RFC 5280 6.1.3 (a)(1)',
      'the signature of CN=a.example.com, O=mra-preflight test does not verify with the key of any certificate named CN=Issuing CA 1, O=mra-preflight test',
    ],
    1,
    [],
    ['a.example.com'],
    undefined,
    'bad-signature',
  ],
  [
    'a tbs signature algorithm that differs from the outer one',
    [
      'signature-algorithm-mismatch',
      'RFC 5280 4.1.1.2',
      'CN=a.example.com, O=mra-preflight test names a different signature algorithm inside the signed part than outside it, so its signature cannot verify',
    ],
    1,
    [],
    ['a.example.com'],
    undefined,
    'bad-signature',
  ],
  [
    'a chain to a root no store holds',
    [
      'issuer-not-found',
      'RFC 5280 6.1',
      'CN=Issuing CA 1, O=mra-preflight test was issued by CN=Test Root, O=mra-preflight test, which was neither presented nor found in any trust store',
    ],
    1,
    [],
    ['a.example.com', 'Issuing CA 1'],
    undefined,
    'issuer-not-found',
  ],
  [
    'a CA whose basicConstraints is not critical',
    [
      'ca-profile',
      'RFC 5280 4.2.1.9',
      'CN=Issuing CA 1, O=mra-preflight test is a CA whose basicConstraints is not critical',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a CA without keyUsage',
    ['ca-profile', 'RFC 5280 4.2.1.3', 'CN=Issuing CA 1, O=mra-preflight test is a CA without a keyUsage extension'],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a leaf asserting keyCertSign',
    ['ca-profile', 'RFC 5280 4.2.1.3', 'CN=a.example.com, O=mra-preflight test asserts keyCertSign but is not a CA'],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a leaf with pathLenConstraint but cA=FALSE',
    [
      'ca-profile',
      'RFC 5280 4.2.1.9',
      'CN=a.example.com, O=mra-preflight test has pathLenConstraint 0 without cA in basicConstraints',
    ],
    2,
    [],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a root whose basicConstraints is not critical',
    undefined,
    2,
    [
      [
        'anchor-profile',
        'RFC 5280 4.2.1.9',
        'CN=Test Root, O=mra-preflight test is a CA whose basicConstraints is not critical',
      ],
    ],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a root without keyUsage',
    undefined,
    2,
    [['anchor-profile', 'RFC 5280 4.2.1.3', 'CN=Test Root, O=mra-preflight test is a CA without a keyUsage extension']],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'an intermediate without an authority key identifier',
    undefined,
    2,
    [['key-identifier', 'RFC 5280 4.2.1.1', 'CN=Issuing CA 1, O=mra-preflight test has no authority key identifier']],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'a CA without a subject key identifier',
    undefined,
    2,
    [
      [
        'key-identifier',
        'RFC 5280 4.2.1.2',
        'CN=Issuing CA 1, O=mra-preflight test is a CA without a subject key identifier',
      ],
    ],
    ['a.example.com', 'Issuing CA 1', 'Test Root'],
    'Test Root',
    undefined,
  ],
  [
    'an issuing CA held in the trust store, its root not',
    undefined,
    1,
    [],
    ['a.example.com', 'Issuing CA 1'],
    undefined,
    undefined,
  ],
];

const parse = (der: Buffer): Certificate => parseCertificate(der);
const anchorsOf = (...ders: Buffer[]): AnchorSet =>
  new AnchorSet(ders.map((der) => ({ certificate: parse(der), source: 'test store' })));
const presentedOf = (built: BuiltChain): Certificate[] => [built.leafDer, ...built.intermediateDers].map(parse);
const failureOf = (verdict: PathValidation): Failure | undefined =>
  verdict.valid ? undefined : [verdict.failure.condition, verdict.failure.reference, verdict.failure.message];
const notesOf = (verdict: PathValidation): Array<[string, string, string]> =>
  verdict.notes.map((note) => [note.kind, note.reference, note.message]);
const names = (list: readonly Certificate[]): Array<string | undefined> => list.map((cert) => cert.commonName);
const chainWith = (change: (chain: Chain) => void, depth = 1): Chain => {
  const chain = conformingChain(depth);
  change(chain);
  return chain;
};
const LEAF = 'CN=a.example.com, O=mra-preflight test';
const CA1 = 'CN=Issuing CA 1, O=mra-preflight test';

/**
 * A chain judged by validatePath and by `openssl verify -x509_strict`, the root trusted. The
 * certificates are made and OpenSSL asked once, in beforeAll; validatePath runs each time a test
 * reads `verdict` (and the leaf is parsed each time `leaf` is read), inside the test: the mutation
 * run (stryker.config.mjs) reruns, for a changed line, only the tests that ran that line, and
 * counts a line run in beforeAll as run by none of them.
 */
interface Judged {
  readonly verdict: PathValidation;
  readonly openssl: boolean;
  readonly leaf: Certificate;
}

function judgeBoth(built: BuiltChain, at = JUDGED_AT, trusted = [built.rootDer]): Judged {
  // A certificate this Node cannot read throws here, in beforeAll, as before.
  presentedOf(built);
  const openssl = opensslVerify(trusted, built.intermediateDers, built.leafDer, at).ok;
  return {
    openssl,
    get verdict() {
      return validatePath(presentedOf(built), anchorsOf(...trusted), { at });
    },
    get leaf() {
      return parse(built.leafDer);
    },
  };
}

/** The leaf re-encoded with TBSCertificate field `index` replaced, signed again by the issuing CA. */
function patchLeaf(chain: Chain, index: number, field: Buffer): BuiltChain {
  const built = buildChain(chain);
  const leafDer = resign(
    built.leafDer,
    (fields) => fields.map((value, i) => (i === index ? field : value)),
    chain.intermediates.at(-1)!.keys.privateKey,
  );
  return { ...built, leafDer };
}

/** A self-signed leaf certificate trusted directly: a path of one. */
function selfSigned(change: (chain: Chain) => void): Buffer {
  const chain = conformingChain();
  chain.leaf.issuer = chain.leaf.subject;
  chain.leaf.signer = chain.leaf.keys.privateKey;
  change(chain);
  return buildChain(chain).leafDer;
}

const PROXY_CERT_INFO = Buffer.from('300c300a06082b06010505071501', 'hex');
/** NameConstraints permitting dNSName example.com with minimum 1 (RFC 5280 4.2.1.10: MUST be zero). */
const MINIMUM_ONE = Buffer.from('3014a0123010820b6578616d706c652e636f6d800101', 'hex');

let all: Vector[];
/** Set when this Node's OpenSSL cannot read the UTCTime-without-seconds leaf at all. */
let unreadableHere: string | undefined;
const cases: Record<string, Judged> = {};
const selfCases: Record<string, { readonly verdict: PathValidation; readonly openssl: boolean }> = {};

/**
 * Each vector's verdict, judged when a test asks (inside the test, as `Judged` above), and the
 * vectors this Node's OpenSSL cannot read (allowed only where the vector says so, as in
 * path-validation.test.ts).
 */
function judgeVectors(): { rows: Map<string, PathValidation>; refused: Set<string> } {
  const rows = new Map<string, PathValidation>();
  const refused = new Set<string>();
  for (const vector of all) {
    let verdict: PathValidation;
    try {
      verdict = validatePath([vector.leaf, ...vector.untrusted].map(parse), anchorsOf(...vector.trusted), {
        at: vector.at,
      });
    } catch (error) {
      if (!(vector.nodeMayRefuse && error instanceof CertificateParseError)) throw error;
      refused.add(vector.name);
      continue;
    }
    rows.set(vector.name, verdict);
  }
  return { rows, refused };
}

beforeAll(() => {
  opensslVersion();
  all = vectors();
  const add = (name: string, chain: Chain, at = JUDGED_AT): void => {
    cases[name] = judgeBoth(buildChain(chain), at);
  };
  add(
    'proxy',
    chainWith((c) => void c.leaf.extensions.push(ext.raw('1.3.6.1.5.5.7.1.14', true, PROXY_CERT_INFO))),
  );
  cases['v2 with extensions'] = judgeBoth(patchLeaf(conformingChain(), 0, Buffer.from('a003020101', 'hex')));
  add(
    'v1 leaf',
    chainWith((c) => void (c.leaf.version = 1)),
  );
  const emptySubject = (san: 'none' | 'plain' | 'critical', usage = LEAF_USAGE) =>
    chainWith((c) => {
      c.leaf.subject = new Name([]);
      setExtension(c.leaf, '2.5.29.15', ext.keyUsage(usage));
      setExtension(
        c.leaf,
        '2.5.29.17',
        san === 'none' ? undefined : ext.subjectAltName([ext.dns('a.example.com')], san === 'critical'),
      );
    });
  add('empty subject, no SAN', emptySubject('none'));
  add('empty subject, non-critical SAN', emptySubject('plain'));
  add('empty subject, critical SAN', emptySubject('critical'));
  add('empty subject, critical SAN, cRLSign', emptySubject('critical', LEAF_USAGE | KeyUsageFlags.cRLSign));
  add(
    'empty SAN',
    chainWith((c) => setExtension(c.leaf, '2.5.29.17', ext.raw('2.5.29.17', false, Buffer.from('3000', 'hex')))),
  );
  add(
    'CA pathLen without keyUsage',
    chainWith((c) => {
      setExtension(c.intermediates[0]!, '2.5.29.19', ext.basicConstraints(true, 1));
      setExtension(c.intermediates[0]!, '2.5.29.15', undefined);
    }),
  );
  add(
    'leaf cA pathLen without keyCertSign',
    chainWith((c) => setExtension(c.leaf, '2.5.29.19', ext.basicConstraints(true, 0))),
  );
  add(
    'leaf keyCertSign without basicConstraints',
    chainWith((c) => {
      setExtension(c.leaf, '2.5.29.19', undefined);
      setExtension(c.leaf, '2.5.29.15', ext.keyUsage(LEAF_USAGE | CA_USAGE));
    }),
  );
  add(
    'notBefore fractional',
    chainWith((c) => void (c.leaf.notBefore = new Time({ generalTime: new Date('2029-01-01T00:00:00.250Z') }))),
  );
  // OpenSSL 3.5 (Node 22.23 and 24) refuses a UTCTime without seconds when decoding (vectors.ts).
  try {
    cases['notAfter UTCTime without seconds'] = judgeBoth(
      patchLeaf(
        conformingChain(),
        4,
        tlv(
          0x30,
          Buffer.concat([
            tlv(0x17, Buffer.from('290101000000Z', 'latin1')),
            tlv(0x17, Buffer.from('3101010000Z', 'latin1')),
          ]),
        ),
      ),
    );
  } catch (error) {
    if (!(error instanceof CertificateParseError)) throw error;
    unreadableHere = error.message;
  }
  add(
    'notBefore is the judged instant',
    chainWith((c) => void (c.leaf.notBefore = time(JUDGED_AT))),
  );
  add(
    'notBefore a second after',
    chainWith((c) => void (c.leaf.notBefore = time(new Date(JUDGED_AT.getTime() + 1000)))),
  );
  add(
    'notAfter a second after',
    chainWith((c) => void (c.leaf.notAfter = time(new Date(JUDGED_AT.getTime() + 1000)))),
  );
  add(
    'subtree minimum',
    chainWith((c) => void c.intermediates[0]!.extensions.push(ext.raw('2.5.29.30', true, MINIMUM_ONE))),
  );
  add(
    'self-issued intermediate outside the constraints of the CA above it',
    chainWith((c) => {
      const [first, second] = c.intermediates;
      first!.extensions.push(ext.nameConstraints([ext.directoryName(dn([O, 'Other Org']))]));
      second!.subject = first!.subject;
      c.leaf.subject = dn([O, 'Other Org'], [CN, 'a.example.com']);
    }, 2),
  );
  add(
    'intermediate commonName host outside the permitted dNSName',
    chainWith((c) => {
      c.root.extensions.push(ext.nameConstraints([ext.dns('example.com')]));
      c.intermediates[0]!.subject = nameOf('ca.example.net', 'mra-preflight test');
    }),
  );
  add('100 intermediates', conformingChain(100));
  add('101 intermediates', conformingChain(101));
  add(
    'a CA leaf with an empty subject and a critical subjectAltName',
    chainWith((c) => {
      c.leaf.subject = new Name([]);
      setExtension(c.leaf, '2.5.29.19', ext.basicConstraints(true));
      setExtension(c.leaf, '2.5.29.15', ext.keyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.digitalSignature));
      setExtension(c.leaf, '2.5.29.17', ext.subjectAltName([ext.dns('a.example.com')], true));
    }),
  );
  add(
    'no AKI on the root, no SKI on the leaf',
    chainWith((c) => {
      setExtension(c.root, '2.5.29.35', undefined);
      setExtension(c.leaf, '2.5.29.14', undefined);
    }),
  );
  add(
    'a self-issued leaf under an excluded dNSName',
    chainWith((c) => {
      c.root.extensions.push(ext.nameConstraints([], [ext.dns('a.example.com')]));
      c.leaf.subject = c.intermediates[0]!.subject;
    }),
  );
  {
    // Two issuing CAs that certify each other: "Issuing CA 1" is issued by "Issuing CA 2" and the other way round.
    const loop = conformingChain(2);
    loop.root.subject = loop.intermediates[1]!.subject;
    loop.root.keys = poolKey(2);
    const built = buildChain(loop);
    cases['issuing CAs that certify each other'] = judgeBoth(built, JUDGED_AT, [
      buildChain(conformingChain(1, true)).rootDer,
    ]);
  }
  {
    const spki = Buffer.from(poolKey(9).spki);
    const named = Buffer.from('06082a8648ce3d030107', 'hex');
    const at = spki.indexOf(named);
    const implicit = Buffer.concat([
      spki.subarray(0, at),
      Buffer.from('0500', 'hex'),
      spki.subarray(at + named.length),
    ]);
    // Lengths: the AlgorithmIdentifier and the SPKI shrink by the 8 octets the OID had over NULL.
    implicit[1] = implicit[1]! - 8;
    implicit[3] = implicit[3]! - 8;
    cases['implicit curve'] = judgeBoth(buildChain(chainWith((c) => void (c.leaf.spki = implicit))));
  }
  add(
    'an issuing CA outside the permitted directoryName of the root',
    chainWith((c) => {
      c.root.extensions.push(ext.nameConstraints([ext.directoryName(dn([O, 'Other Org']))]));
      c.leaf.subject = dn([O, 'Other Org'], [CN, 'a.example.com']);
    }),
  );
  add(
    'a leaf signed by its own key, its issuer absent',
    chainWith((c) => void (c.leaf.signer = c.leaf.keys.privateKey)),
  );
  const emptySan = ext.raw('2.5.29.17', false, Buffer.from('3000', 'hex'));
  add(
    'a root with a non-critical basicConstraints and an empty subjectAltName',
    chainWith((c) => {
      setExtension(c.root, '2.5.29.19', ext.basicConstraints(true, undefined, false));
      c.root.extensions.push(emptySan);
    }),
  );
  add(
    'a root without keyUsage and with an empty subjectAltName',
    chainWith((c) => {
      setExtension(c.root, '2.5.29.15', undefined);
      c.root.extensions.push(emptySan);
    }),
  );
  add(
    'a root naming a different signature algorithm inside its signed part',
    chainWith((c) => void (c.root.tbsSignatureOid = '1.2.840.10045.4.3.3')),
  );
  add(
    'a version 1 leaf with an empty subject',
    chainWith((c) => {
      c.leaf.version = 1;
      c.leaf.subject = new Name([]);
    }),
  );
  add(
    'a version 3 leaf without basicConstraints',
    chainWith((c) => setExtension(c.leaf, '2.5.29.19', undefined)),
  );
  const self = (name: string, der: Buffer): void => {
    selfCases[name] = {
      get verdict() {
        return validatePath([parse(der)], anchorsOf(der), { at: JUDGED_AT });
      },
      openssl: opensslVerify([der], [], der, JUDGED_AT).ok,
    };
  };
  self(
    'keyCertSign without basicConstraints',
    selfSigned((c) => {
      setExtension(c.leaf, '2.5.29.19', undefined);
      setExtension(c.leaf, '2.5.29.15', ext.keyUsage(LEAF_USAGE | CA_USAGE));
    }),
  );
  self('a root trusted as itself', buildChain(conformingChain()).rootDer);
  self(
    'version 3 without basicConstraints',
    selfSigned((c) => {
      setExtension(c.leaf, '2.5.29.19', undefined);
      // The authority key identifier would name the issuing CA's key, so OpenSSL would not see it as self-signed.
      setExtension(c.leaf, '2.5.29.35', undefined);
    }),
  );
  self(
    'version 1',
    selfSigned((c) => void (c.leaf.version = 1)),
  );
  self(
    'a CA profile that only paths of two or more must follow',
    selfSigned((c) => {
      setExtension(c.leaf, '2.5.29.19', ext.basicConstraints(true, undefined, false));
      setExtension(c.leaf, '2.5.29.15', undefined);
      setExtension(c.leaf, '2.5.29.14', undefined);
      setExtension(c.leaf, '2.5.29.35', undefined);
      setExtension(c.leaf, '2.5.29.17', ext.raw('2.5.29.17', false, Buffer.from('3000', 'hex')));
    }),
  );
});

describe('validatePath on the differential vectors: exact verdicts', () => {
  it('gives every vector its condition, reference, sentence, candidates, notes and path', () => {
    const { rows, refused } = judgeVectors();
    expect([...rows.keys(), ...refused].sort()).toEqual(EXPECTED.map(([name]) => name).sort());
    for (const [name, failure, candidates, notes, path, root, stop] of EXPECTED) {
      if (refused.has(name)) continue;
      const verdict = rows.get(name)!;
      expect({ name, failure: failureOf(verdict) }).toEqual({ name, failure });
      expect({ name, valid: verdict.valid }).toEqual({ name, valid: failure === undefined });
      expect({ name, candidates: verdict.candidates }).toEqual({ name, candidates });
      expect({ name, notes: notesOf(verdict) }).toEqual({ name, notes });
      expect({ name, path: names(verdict.path.certificates) }).toEqual({ name, path });
      expect({ name, root: verdict.path.root?.commonName }).toEqual({ name, root });
      expect({ name, stop: verdict.path.stop?.reason }).toEqual({ name, stop });
      // The failure names the certificate it is about; a complete path keeps its anchor.
      if (!verdict.valid) expect(verdict.failure.message).toContain(certificateLabel(verdict.failure.certificate!));
      expect({ name, anchored: verdict.path.anchor !== undefined }).toEqual({ name, anchored: stop === undefined });
    }
  });
});

describe('validatePath: branches beyond the vectors, against openssl verify -x509_strict', () => {
  const expectCase = (name: string, failure: Failure | undefined, openssl = failure === undefined): void => {
    const judged = cases[name]!;
    expect(failureOf(judged.verdict)).toEqual(failure);
    expect(judged.openssl).toBe(openssl);
  };

  it('refuses a proxy certificate (RFC 3820), as OpenSSL does without -allow_proxy_certs', () => {
    expectCase('proxy', ['proxy-certificate', 'RFC 3820', `${LEAF} is a proxy certificate, which is not accepted`]);
  });

  it('refuses extensions in a version 2 certificate and accepts a version 1 leaf without any, with no notes', () => {
    expectCase('v2 with extensions', [
      'extensions-need-v3',
      'RFC 5280 4.1.2.1',
      `${LEAF} is a version 2 certificate with extensions, which require version 3`,
    ]);
    expectCase('v1 leaf', undefined);
    // A version 1 leaf has no extensions, so no missing key identifier is worth a note.
    expect(cases['v1 leaf']!.verdict.notes).toEqual([]);
  });

  it('allows an empty subject only to an end entity with a critical subjectAltName', () => {
    const label = (name: string): string => certificateLabel(cases[name]!.leaf);
    expect(label('empty subject, no SAN')).toBe(
      `the certificate with an empty subject (serial ${cases['empty subject, no SAN']!.leaf.serial})`,
    );
    expectCase('empty subject, no SAN', [
      'empty-subject',
      'RFC 5280 4.1.2.6',
      `${label('empty subject, no SAN')} has an empty subject name`,
    ]);
    expectCase('empty subject, non-critical SAN', [
      'empty-subject',
      'RFC 5280 4.2.1.6',
      `${label('empty subject, non-critical SAN')} has an empty subject and a subjectAltName that is not critical`,
    ]);
    expectCase('empty subject, critical SAN', undefined);
    expectCase('empty subject, critical SAN, cRLSign', [
      'empty-subject',
      'RFC 5280 4.1.2.6',
      `${label('empty subject, critical SAN, cRLSign')} has an empty subject name`,
    ]);
  });

  it('refuses an empty subject on a version 1 leaf, which has neither basicConstraints nor keyUsage', () => {
    const judged = cases['a version 1 leaf with an empty subject']!;
    expectCase('a version 1 leaf with an empty subject', [
      'empty-subject',
      'RFC 5280 4.1.2.6',
      `${certificateLabel(judged.leaf)} has an empty subject name`,
    ]);
  });

  it('accepts a version 3 leaf without basicConstraints', () => {
    expectCase('a version 3 leaf without basicConstraints', undefined);
    expect(cases['a version 3 leaf without basicConstraints']!.verdict.notes).toEqual([]);
  });

  it('refuses an empty subjectAltName', () => {
    expectCase('empty SAN', ['invalid-extension', 'RFC 5280 4.2.1.6', `${LEAF} has an empty subjectAltName`]);
  });

  it('refuses pathLenConstraint without keyCertSign, on a CA without keyUsage and on a leaf', () => {
    expectCase('CA pathLen without keyUsage', [
      'ca-profile',
      'RFC 5280 4.2.1.9',
      `${CA1} has pathLenConstraint 1 without keyCertSign in keyUsage`,
    ]);
    expectCase('leaf cA pathLen without keyCertSign', [
      'ca-profile',
      'RFC 5280 4.2.1.9',
      `${LEAF} has pathLenConstraint 0 without keyCertSign in keyUsage`,
    ]);
    expectCase('leaf keyCertSign without basicConstraints', [
      'ca-profile',
      'RFC 5280 4.2.1.3',
      `${LEAF} asserts keyCertSign but is not a CA`,
    ]);
  });

  it('names the time field and form that break RFC 5280 4.1.2.5', () => {
    expectCase('notBefore fractional', [
      'time-encoding',
      'RFC 5280 4.1.2.5.2',
      `${LEAF} has notBefore GeneralizedTime "20290101000000.25Z" (fractional seconds), not the form YYYYMMDDHHMMSSZ`,
    ]);
    if (unreadableHere) expect(unreadableHere).toMatch(/not a valid X\.509 certificate/);
    else
      expectCase('notAfter UTCTime without seconds', [
        'time-encoding',
        'RFC 5280 4.1.2.5.1',
        `${LEAF} has notAfter UTCTime "3101010000Z" (seconds omitted), not the form YYMMDDHHMMSSZ`,
      ]);
  });

  it('counts the notBefore second as valid and the second after it as not yet valid, as OpenSSL does', () => {
    expectCase('notBefore is the judged instant', undefined);
    expectCase('notBefore a second after', [
      'not-yet-valid',
      'RFC 5280 6.1.3 (a)(2)',
      `${LEAF} is not valid before 2030-06-15T12:00:01.000Z`,
    ]);
    expectCase('notAfter a second after', undefined);
  });

  it('says a subtree with a minimum cannot be checked (OpenSSL: unsupported subtree)', () => {
    expectCase('subtree minimum', [
      'name-constraints',
      'RFC 5280 6.1.3 (b)-(c)',
      `${LEAF}: DNS:a.example.com cannot be checked against the name constraints of ${CA1} (a subtree has a minimum or maximum)`,
    ]);
  });

  it('applies name constraints only below the CA that sets them, skipping self-issued intermediates', () => {
    const judged = cases['self-issued intermediate outside the constraints of the CA above it']!;
    expect(failureOf(judged.verdict)).toBeUndefined();
    expect(judged.openssl).toBe(true);
    expect(names(judged.verdict.path.certificates)).toEqual([
      'a.example.com',
      'Issuing CA 1',
      'Issuing CA 1',
      'Test Root',
    ]);
  });

  it('refuses an empty subject on a CA even with a critical subjectAltName', () => {
    const judged = cases['a CA leaf with an empty subject and a critical subjectAltName']!;
    expectCase('a CA leaf with an empty subject and a critical subjectAltName', [
      'empty-subject',
      'RFC 5280 4.1.2.6',
      `${certificateLabel(judged.leaf)} has an empty subject name`,
    ]);
  });

  it('notes no AKI on the trust anchor and no SKI on an end entity', () => {
    expectCase('no AKI on the root, no SKI on the leaf', undefined);
    expect(cases['no AKI on the root, no SKI on the leaf']!.verdict.notes).toEqual([]);
  });

  it('checks the names of a self-issued leaf, which only intermediates are spared', () => {
    expectCase('a self-issued leaf under an excluded dNSName', [
      'name-constraints',
      'RFC 5280 6.1.3 (b)-(c)',
      `${CA1}: DNS:a.example.com is excluded by the name constraints of CN=Test Root, O=mra-preflight test (excluded: DNS:a.example.com)`,
    ]);
  });

  it('does not go round two issuing CAs that certify each other', () => {
    const judged = cases['issuing CAs that certify each other']!;
    expectCase('issuing CAs that certify each other', [
      'issuer-not-found',
      'RFC 5280 6.1',
      `${CA1} was issued by CN=Issuing CA 2, O=mra-preflight test, which was neither presented nor found in any trust store`,
    ]);
    expect(names(judged.verdict.path.certificates)).toEqual(['a.example.com', 'Issuing CA 2', 'Issuing CA 1']);
    expect(judged.verdict.candidates).toBe(2);
  });

  it('refuses an EC key with implicit curve parameters', () => {
    expectCase('implicit curve', [
      'explicit-curve',
      'RFC 5480 2.1.1',
      `${LEAF} has an EC key with implicit curve parameters; only named curves are accepted`,
    ]);
  });

  it('checks the subject of an issuing CA against the name constraints of the root', () => {
    expectCase('an issuing CA outside the permitted directoryName of the root', [
      'name-constraints',
      'RFC 5280 6.1.3 (b)-(c)',
      `${CA1}: DirName:Issuing CA 1, mra-preflight test is outside the permitted subtrees of the name constraints of CN=Test Root, O=mra-preflight test (permitted: DirName:Other Org)`,
    ]);
  });

  it('does not call a certificate signed by its own key a self-signed root when it names another issuer', () => {
    expectCase('a leaf signed by its own key, its issuer absent', [
      'bad-signature',
      'RFC 5280 6.1.3 (a)(1)',
      `the signature of ${LEAF} does not verify with the key of any certificate named ${CA1}`,
    ]);
  });

  it('refuses a trust anchor whose two signature algorithms differ, though nothing verifies its signature', () => {
    expectCase('a root naming a different signature algorithm inside its signed part', [
      'signature-algorithm-mismatch',
      'RFC 5280 4.1.1.2',
      'CN=Test Root, O=mra-preflight test names a different signature algorithm inside the signed part than outside it',
    ]);
  });

  it('still judges the rest of an anchor whose profile is only noted', () => {
    for (const name of [
      'a root with a non-critical basicConstraints and an empty subjectAltName',
      'a root without keyUsage and with an empty subjectAltName',
    ]) {
      expect(failureOf(cases[name]!.verdict)).toEqual([
        'invalid-extension',
        'RFC 5280 4.2.1.6',
        'CN=Test Root, O=mra-preflight test has an empty subjectAltName',
      ]);
      expect(cases[name]!.openssl).toBe(false);
    }
  });

  it('checks a host-like commonName against dNSName constraints on the leaf only', () => {
    expectCase('intermediate commonName host outside the permitted dNSName', undefined);
  });

  it('builds paths up to 100 intermediate CAs and calls one more too long, as OpenSSL does', () => {
    expectCase('100 intermediates', undefined);
    expect(cases['100 intermediates']!.verdict.path.certificates).toHaveLength(102);
    const tooLong = cases['101 intermediates']!;
    expectCase('101 intermediates', [
      'too-long',
      'RFC 5280 6.1',
      'the path is longer than 101 certificates without reaching a trust anchor',
    ]);
    expect(tooLong.verdict.valid ? undefined : tooLong.verdict.failure.certificate?.commonName).toBe('Issuing CA 1');
    expect(tooLong.verdict.path.stop?.reason).toBe('too-long');
    expect(tooLong.verdict.path.certificates).toHaveLength(102);
  });
});

describe('validatePath: a path of one (a self-signed leaf in a trust store)', () => {
  it('refuses what OpenSSL would take for a CA root: keyCertSign without basicConstraints, version 1', () => {
    const keyCertSign = selfCases['keyCertSign without basicConstraints']!;
    expect(failureOf(keyCertSign.verdict)).toEqual([
      'ca-profile',
      'RFC 5280 4.2.1.3',
      `${LEAF} asserts keyCertSign without basicConstraints`,
    ]);
    expect(keyCertSign.openssl).toBe(false);
    const version1 = selfCases['version 1']!;
    expect(failureOf(version1.verdict)).toEqual([
      'ca-profile',
      'RFC 5280 4.1.2.1',
      `${LEAF} is a version 1 self-signed certificate, which OpenSSL treats as a CA root, not an end-entity certificate`,
    ]);
    expect(version1.openssl).toBe(false);
  });

  it('accepts a CA root trusted as itself', () => {
    const root = selfCases['a root trusted as itself']!;
    expect(failureOf(root.verdict)).toBeUndefined();
    expect(root.openssl).toBe(true);
  });

  it('accepts a version 3 self-signed leaf without basicConstraints', () => {
    const plain = selfCases['version 3 without basicConstraints']!;
    expect(failureOf(plain.verdict)).toBeUndefined();
    expect(plain.openssl).toBe(true);
  });

  it('does not apply the profile rules of longer paths, and makes no notes', () => {
    const profile = selfCases['a CA profile that only paths of two or more must follow']!;
    expect(failureOf(profile.verdict)).toBeUndefined();
    expect(profile.verdict.notes).toEqual([]);
    expect(profile.openssl).toBe(true);
  });
});

describe('validatePath: building, the closest path and the budget', () => {
  const rootNamed = (name: string) => (c: Chain) => void (c.root.subject = nameOf(name, 'mra-preflight test'));

  it('needs the leaf', () => {
    expect(() => validatePath([], anchorsOf(), { at: JUDGED_AT })).toThrow(
      'validatePath needs at least the leaf certificate',
    );
  });

  it('with no candidate allowed, fails without naming a certificate and keeps the leaf as the path', () => {
    const built = buildChain(conformingChain());
    const verdict = validatePath(presentedOf(built), anchorsOf(built.rootDer), { at: JUDGED_AT, budget: 0 });
    expect(verdict.valid).toBe(false);
    if (verdict.valid) return;
    expect(verdict.failure).toEqual({
      condition: 'no-valid-path-within-budget',
      reference: 'RFC 5280 6.1',
      message: 'no valid path within 0 candidates',
    });
    expect('certificate' in verdict.failure).toBe(false);
    expect(verdict.candidates).toBe(0);
    expect(names(verdict.path.certificates)).toEqual(['a.example.com']);
    expect(verdict.path.stop).toBeUndefined();
    expect(verdict.path.anchor).toBeUndefined();
    expect(verdict.path.root?.commonName).toBe('Test Root');
    expect(names(verdict.path.unused)).toEqual(['Issuing CA 1']);
    expect(verdict.notes).toEqual([]);
  });

  it('names the closest judged path in the budget message and keeps its notes', () => {
    const good = conformingChain();
    setExtension(good.leaf, '2.5.29.35', undefined);
    const bad = conformingChain();
    setExtension(bad.intermediates[0]!, '2.5.29.19', ext.basicConstraints(false));
    const built = buildChain(good);
    const badCa = buildChain(bad).intermediateDers[0]!;
    const presented = [built.leafDer, badCa, ...built.intermediateDers].map(parse);
    const leafNote: [string, string, string] = [
      'key-identifier',
      'RFC 5280 4.2.1.1',
      `${LEAF} has no authority key identifier`,
    ];
    const short = validatePath(presented, anchorsOf(built.rootDer), { at: JUDGED_AT, budget: 2 });
    expect(failureOf(short)).toEqual([
      'no-valid-path-within-budget',
      'RFC 5280 6.1',
      `no valid path within 2 candidates (closest: ${CA1} is not a CA: basicConstraints cA is FALSE)`,
    ]);
    expect(short.candidates).toBe(2);
    expect(short.path.anchor?.certificate.commonName).toBe('Test Root');
    expect(short.path.certificates[1]!.der.equals(badCa)).toBe(true);
    expect(names(short.path.unused)).toEqual(['Issuing CA 1']);
    expect(notesOf(short)).toEqual([leafNote]);
    // Without the good issuing CA the judged failure itself is the verdict, with the same notes.
    const alone = validatePath(presented.slice(0, 2), anchorsOf(built.rootDer), { at: JUDGED_AT });
    expect(failureOf(alone)).toEqual([
      'not-a-ca',
      'RFC 5280 6.1.4 (k)',
      `${CA1} is not a CA: basicConstraints cA is FALSE`,
    ]);
    expect(notesOf(alone)).toEqual([leafNote]);
    const enough = validatePath(presented, anchorsOf(built.rootDer), { at: JUDGED_AT });
    expect(enough.valid).toBe(true);
    expect(enough.candidates).toBe(4);
    expect(notesOf(enough)).toEqual([leafNote]);
  });

  it('keeps the first of two stopped paths of the same length, and a longer one over a later shorter one', () => {
    const a = buildChain(chainWith(rootNamed('Root A')));
    const b = buildChain(chainWith(rootNamed('Root B')));
    const anchors = anchorsOf(buildChain(conformingChain(1, true)).rootDer);
    const stoppedAt = (ders: Buffer[]): [Failure | undefined, Array<string | undefined>, number] => {
      const verdict = validatePath(ders.map(parse), anchors, { at: JUDGED_AT });
      return [failureOf(verdict), names(verdict.path.certificates), verdict.candidates];
    };
    const notFound = (issuer: string, label = CA1): Failure => [
      'issuer-not-found',
      'RFC 5280 6.1',
      `${label} was issued by CN=${issuer}, O=mra-preflight test, which was neither presented nor found in any trust store`,
    ];
    expect(stoppedAt([a.leafDer, a.intermediateDers[0]!, b.intermediateDers[0]!])).toEqual([
      notFound('Root A'),
      ['a.example.com', 'Issuing CA 1'],
      2,
    ]);
    expect(stoppedAt([a.leafDer, b.intermediateDers[0]!, a.intermediateDers[0]!])).toEqual([
      notFound('Root B'),
      ['a.example.com', 'Issuing CA 1'],
      2,
    ]);
    // Two levels under "Root A", one under "Root B": the longer path is the closest, in either order.
    const deep = buildChain(chainWith(rootNamed('Root A'), 2));
    const shallowChain = chainWith(rootNamed('Root B'));
    shallowChain.intermediates[0]!.subject = nameOf('Issuing CA 2', 'mra-preflight test');
    shallowChain.intermediates[0]!.keys = poolKey(2);
    // Its subject key identifier matches the leaf's authority key identifier too, so the presented order decides.
    setExtension(shallowChain.intermediates[0]!, '2.5.29.14', ext.subjectKeyId(poolKey(2).keyId));
    const shallow = buildChain(shallowChain).intermediateDers[0]!;
    const longer: ReturnType<typeof stoppedAt> = [
      notFound('Root A'),
      ['a.example.com', 'Issuing CA 2', 'Issuing CA 1'],
      3,
    ];
    expect(stoppedAt([deep.leafDer, ...deep.intermediateDers, shallow])).toEqual(longer);
    expect(stoppedAt([deep.leafDer, shallow, ...deep.intermediateDers])).toEqual(longer);
  });

  it('tries first the issuer whose subject key identifier matches the authority key identifier', () => {
    const built = buildChain(conformingChain());
    const impostorRoot = chainWith((c) => {
      c.root.keys = poolKey(5);
      setExtension(c.root, '2.5.29.14', undefined);
    });
    const impostorRootDer = buildChain(impostorRoot).rootDer;
    const trustedFirst = validatePath(presentedOf(built), anchorsOf(impostorRootDer, built.rootDer), { at: JUDGED_AT });
    expect(trustedFirst.valid).toBe(true);
    expect(trustedFirst.candidates).toBe(2);
    expect(trustedFirst.path.anchor?.certificate.der.equals(built.rootDer)).toBe(true);

    const impostorCa = chainWith((c) => {
      c.intermediates[0]!.keys = poolKey(6);
      setExtension(c.intermediates[0]!, '2.5.29.14', undefined);
    });
    const impostorCaDer = buildChain(impostorCa).intermediateDers[0]!;
    const presented = [built.leafDer, impostorCaDer, ...built.intermediateDers].map(parse);
    const matched = validatePath(presented, anchorsOf(built.rootDer), { at: JUDGED_AT });
    expect(matched.valid).toBe(true);
    expect(matched.candidates).toBe(2);
    // Without an authority key identifier on the leaf the presented order decides.
    const plain = conformingChain();
    setExtension(plain.leaf, '2.5.29.35', undefined);
    const plainBuilt = buildChain(plain);
    const unordered = validatePath(
      [plainBuilt.leafDer, impostorCaDer, ...plainBuilt.intermediateDers].map(parse),
      anchorsOf(plainBuilt.rootDer),
      { at: JUDGED_AT },
    );
    expect(unordered.valid).toBe(true);
    expect(unordered.candidates).toBe(3);
  });

  it('does not try a presented copy of a trust anchor a second time', () => {
    const chain = chainWith((c) => void (c.root.notAfter = time(new Date(JUDGED_AT.getTime() - DAY))));
    const built = buildChain(chain);
    const verdict = validatePath([...presentedOf(built), parse(built.rootDer)], anchorsOf(built.rootDer), {
      at: JUDGED_AT,
    });
    expect(failureOf(verdict)).toEqual([
      'expired',
      'RFC 5280 6.1.3 (a)(2)',
      'CN=Test Root, O=mra-preflight test expired on 2030-06-14T12:00:00.000Z',
    ]);
    expect(verdict.candidates).toBe(2);
    expect(verdict.path.unused).toEqual([]);
  });

  it('says exactly why a path ends in a self-signed root no store holds, or in a self-issued one that is not self-signed', () => {
    const built = buildChain(conformingChain());
    const anchors = anchorsOf(buildChain(conformingChain(1, true)).rootDer);
    const untrusted = validatePath([...presentedOf(built), parse(built.rootDer)], anchors, { at: JUDGED_AT });
    expect(failureOf(untrusted)).toEqual([
      'untrusted-root',
      'RFC 5280 6.1',
      'the path ends in the self-signed CN=Test Root, O=mra-preflight test, which no trust store, caFile or Node root store holds',
    ]);
    expect(untrusted.path.root?.commonName).toBe('Test Root');
    const forged = conformingChain();
    forged.root.signer = poolKey(5).privateKey;
    const forgedRoot = buildChain(forged).rootDer;
    // Under a same-named anchor whose key does not verify it, the signature is what fails.
    expect(failureOf(validatePath([...presentedOf(built), parse(forgedRoot)], anchors, { at: JUDGED_AT }))).toEqual([
      'bad-signature',
      'RFC 5280 6.1.3 (a)(1)',
      'the signature of CN=Test Root, O=mra-preflight test does not verify with the key of any certificate named CN=Test Root, O=mra-preflight test',
    ]);
    const elsewhere = anchorsOf(buildChain(chainWith(rootNamed('Other Root'))).rootDer);
    const selfIssued = validatePath([...presentedOf(built), parse(forgedRoot)], elsewhere, { at: JUDGED_AT });
    expect(failureOf(selfIssued)).toEqual([
      'issuer-not-found',
      'RFC 5280 6.1',
      'CN=Test Root, O=mra-preflight test was issued by CN=Test Root, O=mra-preflight test, which was neither presented nor found in any trust store',
    ]);
    expect(selfIssued.path.stop?.reason).toBe('issuer-not-found');
    expect(selfIssued.path.root).toBeUndefined();
  });

  it('judges a path directly: a lone leaf needs nothing of an issuer', () => {
    const built = buildChain(conformingChain());
    expect(judgePath([parse(built.leafDer)], JUDGED_AT)).toEqual({ notes: [] });
    expect(PATH_CANDIDATE_BUDGET).toBe(1024);
  });
});

describe('validatePath: signatures it cannot verify', () => {
  it('names an unsupported signature algorithm with the RFC step', () => {
    const chain = conformingChain();
    const built = buildChain(chain);
    const unknownAlgorithm = Buffer.from('300b06092b0601040182e50101', 'hex');
    const leafDer = resign(
      built.leafDer,
      (fields) => fields.map((field, i) => (i === 2 ? unknownAlgorithm : field)),
      chain.intermediates[0]!.keys.privateKey,
      unknownAlgorithm,
    );
    const verdict = validatePath([parse(leafDer), ...built.intermediateDers.map(parse)], anchorsOf(built.rootDer), {
      at: JUDGED_AT,
    });
    expect(failureOf(verdict)).toEqual([
      'unsupported-signature-algorithm',
      'RFC 5280 6.1.3 (a)(1)',
      `${LEAF} is signed with 1.3.6.1.4.1.45697.1, a signature algorithm that is not supported`,
    ]);
    expect(verdict.path.stop?.reason).toBe('bad-signature');
  });
});
