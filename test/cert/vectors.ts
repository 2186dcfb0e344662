import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Name, Time } from '@peculiar/asn1-x509';
import { nameOf } from '../../lab/pki.js';
import type { PathCondition } from '../../src/cert/validate.js';
import {
  CA_USAGE,
  CN,
  DAY,
  O,
  dn,
  JUDGED_AT,
  LEAF_USAGE,
  UNKNOWN_OID,
  buildChain,
  conformingChain,
  ext,
  poolKey,
  resign,
  setExtension,
  time,
  tlv,
  type Chain,
} from './chains.js';

/**
 * The defect classes of issue 17 and their valid twins, as generated chains. Each vector says
 * what RFC 5280 6.1 (as implemented in src/cert/validate.ts) decides and, when OpenSSL decides
 * otherwise by design, why (docs/path-validation.md lists the same classes).
 */
export interface Vector {
  name: string;
  trusted: Buffer[];
  untrusted: Buffer[];
  leaf: Buffer;
  at: Date;
  valid: boolean;
  /** The condition the validator must name when `valid` is false. */
  condition?: PathCondition;
  /** The subject the failure must name (a substring), when `valid` is false. */
  names?: string;
  /** Set when `openssl verify -x509_strict` decides the opposite, with the reason. */
  opensslDiffers?: string;
  /**
   * Set when a newer OpenSSL inside Node refuses to decode the certificate at all, so it is
   * unreadable (MRA-CERT-001 inconclusive) there rather than judged: the reason.
   */
  nodeMayRefuse?: string;
}

const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  authorityKeyIdentifier: '2.5.29.35',
  subjectKeyIdentifier: '2.5.29.14',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  certificatePolicies: '2.5.29.32',
};

/** A P-256 SubjectPublicKeyInfo with explicit (specifiedCurve) parameters, made by the openssl command. */
export function explicitCurveSpki(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'mra-explicit-curve-'));
  try {
    const key = join(dir, 'key.pem');
    execFileSync('openssl', [
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-pkeyopt',
      'ec_param_enc:explicit',
      '-out',
      key,
    ]);
    return execFileSync('openssl', ['pkey', '-in', key, '-pubout', '-outform', 'DER']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function vector(
  name: string,
  chain: Chain,
  expect: { valid: true } | { valid: false; condition: PathCondition; names?: string },
  extra: Partial<Vector> = {},
): Vector {
  const built = buildChain(chain);
  return {
    name,
    trusted: [built.rootDer],
    untrusted: built.intermediateDers,
    leaf: built.leafDer,
    at: JUDGED_AT,
    ...expect,
    ...extra,
  };
}

/** A chain changed by `change` before it is signed. */
const chainWith = (change: (chain: Chain) => void, depth = 1): Chain => {
  const chain = conformingChain(depth);
  change(chain);
  return chain;
};

export function vectors(): Vector[] {
  const list: Vector[] = [];
  const add = (...items: Vector[]): void => void list.push(...items);

  add(
    vector('a conforming P-256 chain: root, issuing CA, leaf', conformingChain(), { valid: true }),
    vector('a conforming RSA chain', conformingChain(1, true), { valid: true }),
    vector('a conforming chain with two issuing CAs', conformingChain(2), { valid: true }),
  );

  // basicConstraints on every issuer (RFC 5280 6.1.4 (k)), the trust anchor included.
  add(
    vector(
      'an intermediate without basicConstraints',
      chainWith((c) => setExtension(c.intermediates[0]!, OID.basicConstraints, undefined)),
      { valid: false, condition: 'not-a-ca', names: 'CN=Issuing CA 1' },
    ),
    vector(
      'an intermediate with cA=FALSE',
      chainWith((c) => setExtension(c.intermediates[0]!, OID.basicConstraints, ext.basicConstraints(false))),
      { valid: false, condition: 'not-a-ca', names: 'CN=Issuing CA 1' },
    ),
    vector(
      'a root without basicConstraints',
      chainWith((c) => setExtension(c.root, OID.basicConstraints, undefined)),
      { valid: false, condition: 'not-a-ca', names: 'CN=Test Root' },
    ),
    vector(
      'a root whose keyUsage lacks keyCertSign (inconsistent CA extensions)',
      chainWith((c) => setExtension(c.root, OID.keyUsage, ext.keyUsage(LEAF_USAGE))),
      { valid: false, condition: 'key-cert-sign', names: 'CN=Test Root' },
    ),
    vector(
      'a root with keyCertSign but cA=FALSE (inconsistent CA extensions)',
      chainWith((c) => setExtension(c.root, OID.basicConstraints, ext.basicConstraints(false))),
      { valid: false, condition: 'not-a-ca', names: 'CN=Test Root' },
    ),
    vector(
      'an intermediate whose keyUsage lacks keyCertSign',
      chainWith((c) => setExtension(c.intermediates[0]!, OID.keyUsage, ext.keyUsage(LEAF_USAGE | 64))),
      { valid: false, condition: 'key-cert-sign', names: 'CN=Issuing CA 1' },
    ),
  );

  // pathLenConstraint (6.1.4 (l)-(m)); self-issued intermediates do not count.
  add(
    vector(
      'pathLenConstraint 0 with one intermediate below',
      chainWith((c) => setExtension(c.intermediates[0]!, OID.basicConstraints, ext.basicConstraints(true, 0)), 2),
      { valid: false, condition: 'path-length', names: 'CN=Issuing CA 1' },
    ),
    vector(
      'pathLenConstraint 1 with one intermediate below (twin)',
      chainWith((c) => setExtension(c.intermediates[0]!, OID.basicConstraints, ext.basicConstraints(true, 1)), 2),
      { valid: true },
    ),
    vector(
      'a root with pathLenConstraint 1 above three intermediates',
      chainWith((c) => setExtension(c.root, OID.basicConstraints, ext.basicConstraints(true, 1)), 3),
      { valid: false, condition: 'path-length', names: 'CN=Test Root' },
    ),
    vector(
      'pathLenConstraint 0 above a self-issued intermediate (key rollover)',
      chainWith((c) => {
        const [first, second] = c.intermediates;
        setExtension(first!, OID.basicConstraints, ext.basicConstraints(true, 0));
        second!.subject = first!.subject;
      }, 2),
      { valid: true },
    ),
    vector(
      'pathLenConstraint 0 above a differently named intermediate (twin)',
      chainWith((c) => setExtension(c.intermediates[0]!, OID.basicConstraints, ext.basicConstraints(true, 0)), 2),
      { valid: false, condition: 'path-length', names: 'CN=Issuing CA 1' },
    ),
  );

  // Unrecognised critical extensions (6.1.4 (o)) on the leaf, an intermediate, the root.
  for (const [role, label] of [
    ['leaf', 'CN=a.example.com'],
    ['intermediate', 'CN=Issuing CA 1'],
    ['root', 'CN=Test Root'],
  ] as const) {
    const pick = (c: Chain) => (role === 'leaf' ? c.leaf : role === 'root' ? c.root : c.intermediates[0]!);
    add(
      vector(
        `an unknown critical extension on the ${role}`,
        chainWith((c) => void pick(c).extensions.push(ext.raw(UNKNOWN_OID, true, Buffer.from([0x05, 0x00])))),
        { valid: false, condition: 'unrecognised-critical-extension', names: label },
      ),
      vector(
        `an unknown non-critical extension on the ${role} (twin)`,
        chainWith((c) => void pick(c).extensions.push(ext.raw(UNKNOWN_OID, false, Buffer.from([0x05, 0x00])))),
        { valid: true },
      ),
    );
  }
  add(
    vector(
      'a critical authority key identifier on the leaf',
      chainWith((c) =>
        setExtension(c.leaf, OID.authorityKeyIdentifier, ext.authorityKeyId(c.intermediates[0]!.keys.keyId, true)),
      ),
      { valid: false, condition: 'unrecognised-critical-extension', names: 'CN=a.example.com' },
    ),
    vector(
      'a critical subject key identifier on the intermediate',
      chainWith((c) =>
        setExtension(
          c.intermediates[0]!,
          OID.subjectKeyIdentifier,
          ext.subjectKeyId(c.intermediates[0]!.keys.keyId, true),
        ),
      ),
      { valid: false, condition: 'unrecognised-critical-extension', names: 'CN=Issuing CA 1' },
    ),
    vector(
      'a critical authorityInfoAccess with an invalid value',
      chainWith(
        (c) =>
          void c.leaf.extensions.push(
            ext.raw(OID.authorityInfoAccess, true, Buffer.from([0x30, 0x03, 0x02, 0x01, 0x07])),
          ),
      ),
      { valid: false, condition: 'unrecognised-critical-extension', names: 'CN=a.example.com' },
    ),
    vector(
      'a non-critical authorityInfoAccess (twin)',
      chainWith((c) => void c.leaf.extensions.push(ext.authorityInfoAccess('http://ocsp.example.com'))),
      { valid: true },
    ),
  );

  // Repeated extensions (RFC 5280 4.2) and undecodable values.
  add(
    vector(
      'the leaf repeats subjectAltName',
      chainWith((c) => void c.leaf.extensions.push(ext.subjectAltName([ext.dns('b.example.com')]))),
      { valid: false, condition: 'invalid-extension', names: 'CN=a.example.com' },
    ),
    vector(
      'the intermediate repeats basicConstraints',
      chainWith((c) => void c.intermediates[0]!.extensions.push(ext.basicConstraints(true))),
      { valid: false, condition: 'invalid-extension', names: 'CN=Issuing CA 1' },
    ),
    vector(
      'the leaf repeats certificatePolicies',
      chainWith((c) => void c.leaf.extensions.push(ext.certificatePolicies(), ext.certificatePolicies())),
      { valid: false, condition: 'invalid-extension', names: 'CN=a.example.com' },
      {
        opensslDiffers:
          'OpenSSL 3.0 detects repetition only of the extensions it decodes (X509_get_ext_d2i returns -2); RFC 5280 4.2 forbids repeating any',
      },
    ),
    vector(
      'basicConstraints that does not decode',
      chainWith((c) =>
        setExtension(
          c.intermediates[0]!,
          OID.basicConstraints,
          ext.raw(OID.basicConstraints, true, Buffer.from([0x04, 0x00])),
        ),
      ),
      { valid: false, condition: 'invalid-extension', names: 'CN=Issuing CA 1' },
    ),
    vector(
      'a keyUsage with no bit set',
      chainWith((c) =>
        setExtension(c.leaf, OID.keyUsage, ext.raw(OID.keyUsage, true, Buffer.from([0x03, 0x01, 0x00]))),
      ),
      { valid: false, condition: 'invalid-extension', names: 'CN=a.example.com' },
    ),
    vector(
      'a negative pathLenConstraint',
      chainWith((c) =>
        setExtension(
          c.intermediates[0]!,
          OID.basicConstraints,
          ext.raw(OID.basicConstraints, true, Buffer.from([0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0xff])),
        ),
      ),
      { valid: false, condition: 'invalid-extension', names: 'CN=Issuing CA 1' },
    ),
  );

  // Keys: named curves only.
  const explicit = explicitCurveSpki();
  add(
    vector(
      'a leaf EC key with explicit curve parameters',
      chainWith((c) => {
        c.leaf.spki = explicit;
      }),
      { valid: false, condition: 'explicit-curve', names: 'CN=a.example.com' },
    ),
  );

  // Validity at the judged instant, in RFC 5280 time forms.
  add(
    vector(
      'notAfter as GeneralizedTime with fractional seconds',
      chainWith((c) => {
        c.leaf.notAfter = new Time({ generalTime: new Date('2051-01-01T00:00:00.500Z') });
      }),
      { valid: false, condition: 'time-encoding', names: 'CN=a.example.com' },
    ),
    vector(
      'notAfter as GeneralizedTime without fraction before 2050 (tolerated, as OpenSSL does)',
      chainWith((c) => {
        c.leaf.notAfter = new Time({ generalTime: new Date('2031-01-01T00:00:00Z') });
      }),
      { valid: true },
    ),
    vector(
      'an expired leaf',
      chainWith((c) => void (c.leaf.notAfter = time(new Date(JUDGED_AT.getTime() - DAY)))),
      {
        valid: false,
        condition: 'expired',
        names: 'CN=a.example.com',
      },
    ),
    vector(
      'an intermediate not yet valid',
      chainWith((c) => void (c.intermediates[0]!.notBefore = time(new Date(JUDGED_AT.getTime() + DAY)))),
      { valid: false, condition: 'not-yet-valid', names: 'CN=Issuing CA 1' },
    ),
    vector(
      'an expired root',
      chainWith((c) => void (c.root.notAfter = time(new Date(JUDGED_AT.getTime() - DAY)))),
      {
        valid: false,
        condition: 'expired',
        names: 'CN=Test Root',
      },
    ),
    vector(
      'judged the second the leaf expires (OpenSSL counts notAfter itself as expired)',
      chainWith((c) => void (c.leaf.notAfter = time(JUDGED_AT))),
      { valid: false, condition: 'expired', names: 'CN=a.example.com' },
    ),
  );
  {
    // A UTCTime without seconds: no library writes one, so the leaf is re-encoded by hand.
    const chain = conformingChain();
    const built = buildChain(chain);
    const leaf = resign(
      built.leafDer,
      (fields) => {
        const validity = tlv(
          0x30,
          Buffer.concat([
            tlv(0x17, Buffer.from('2901010000Z', 'latin1')),
            tlv(0x17, Buffer.from('3101010000Z', 'latin1')),
          ]),
        );
        return fields.map((field, i) => (i === 4 ? validity : field));
      },
      chain.intermediates[0]!.keys.privateKey,
    );
    add({
      name: 'notBefore and notAfter as UTCTime without seconds',
      trusted: [built.rootDer],
      untrusted: built.intermediateDers,
      leaf,
      at: JUDGED_AT,
      valid: false,
      condition: 'time-encoding',
      names: 'CN=a.example.com',
      nodeMayRefuse: 'OpenSSL 3.5 (Node 22.23 and 24) refuses a UTCTime without seconds when decoding the certificate',
    });
  }

  // Names: a non-empty issuer (RFC 5280 4.1.2.4); subjects of CAs.
  add(
    vector(
      'a leaf with an empty issuer name',
      chainWith((c) => void (c.leaf.issuer = new Name([]))),
      {
        valid: false,
        condition: 'empty-issuer',
        names: 'CN=a.example.com',
      },
    ),
    vector(
      'an intermediate with an empty subject, named as issuer by the leaf',
      chainWith((c) => void (c.intermediates[0]!.subject = new Name([]))),
      { valid: false, condition: 'empty-issuer', names: 'CN=a.example.com' },
    ),
  );

  // Name constraints (6.1.3 (b)-(c)) from an intermediate or the root.
  const permitDns = (c: Chain) =>
    void c.intermediates[0]!.extensions.push(ext.nameConstraints([ext.dns('example.com')]));
  add(
    vector('a leaf inside permitted dNSName example.com', chainWith(permitDns), { valid: true }),
    vector(
      'a leaf outside permitted dNSName example.com',
      chainWith((c) => {
        permitDns(c);
        setExtension(c.leaf, OID.subjectAltName, ext.subjectAltName([ext.dns('a.example.net')]));
      }),
      { valid: false, condition: 'name-constraints', names: 'CN=a.example.com' },
    ),
    vector(
      'a leaf under excluded dNSName, from the root',
      chainWith((c) => void c.root.extensions.push(ext.nameConstraints([], [ext.dns('example.com')]))),
      { valid: false, condition: 'name-constraints', names: 'CN=a.example.com' },
    ),
    vector(
      'a leaf commonName host outside the permitted dNSName, no SAN',
      chainWith((c) => {
        permitDns(c);
        setExtension(c.leaf, OID.subjectAltName, undefined);
        c.leaf.subject = nameOf('a.example.net', 'mra-preflight test');
      }),
      { valid: false, condition: 'name-constraints', names: 'CN=a.example.net' },
    ),
    vector(
      'a leaf IP outside permitted 10.0.0.0/8',
      chainWith((c) => {
        c.intermediates[0]!.extensions.push(
          ext.raw('2.5.29.30', true, Buffer.from('300ea00c300a8708' + '0a000000ff000000', 'hex')),
        );
        setExtension(
          c.leaf,
          OID.subjectAltName,
          ext.subjectAltName([ext.dns('a.example.com'), ext.ip('192.168.1.10')]),
        );
      }),
      { valid: false, condition: 'name-constraints', names: 'CN=a.example.com' },
    ),
    vector(
      'a leaf IP inside permitted 10.0.0.0/8 (twin)',
      chainWith((c) => {
        c.intermediates[0]!.extensions.push(
          ext.raw('2.5.29.30', true, Buffer.from('300ea00c300a8708' + '0a000000ff000000', 'hex')),
        );
        setExtension(c.leaf, OID.subjectAltName, ext.subjectAltName([ext.dns('a.example.com'), ext.ip('10.1.1.10')]));
      }),
      { valid: true },
    ),
    vector(
      'a leaf email outside permitted .example.com',
      chainWith((c) => {
        c.intermediates[0]!.extensions.push(ext.nameConstraints([ext.email('.example.com')]));
        setExtension(
          c.leaf,
          OID.subjectAltName,
          ext.subjectAltName([ext.dns('a.example.com'), ext.email('ops@example.org')]),
        );
      }),
      { valid: false, condition: 'name-constraints', names: 'CN=a.example.com' },
    ),
    vector(
      'a leaf subject inside a permitted directoryName',
      chainWith((c) => {
        c.intermediates[0]!.extensions.push(ext.nameConstraints([ext.directoryName(dn([O, 'Example Org']))]));
        c.leaf.subject = dn([O, 'Example Org'], [CN, 'a.example.com']);
      }),
      { valid: true },
    ),
    vector(
      'a leaf subject outside a permitted directoryName',
      chainWith((c) => {
        c.intermediates[0]!.extensions.push(ext.nameConstraints([ext.directoryName(dn([O, 'Other Org']))]));
        c.leaf.subject = dn([O, 'Example Org'], [CN, 'a.example.com']);
      }),
      { valid: false, condition: 'name-constraints', names: 'CN=a.example.com' },
    ),
  );

  // Signatures and trust.
  add(
    vector(
      "a leaf signed by a key other than its issuer's",
      chainWith((c) => void (c.leaf.signer = poolKey(7).privateKey)),
      {
        valid: false,
        condition: 'bad-signature',
        names: 'CN=a.example.com',
      },
    ),
    vector(
      'a tbs signature algorithm that differs from the outer one',
      chainWith((c) => void (c.leaf.tbsSignatureOid = '1.2.840.10045.4.3.3')),
      {
        valid: false,
        condition: 'signature-algorithm-mismatch',
        names: 'CN=a.example.com',
      },
    ),
    {
      ...vector('a chain to a root no store holds', conformingChain(), { valid: false, condition: 'issuer-not-found' }),
      trusted: [buildChain(chainWith((c) => void (c.root.subject = nameOf('Other Root', 'elsewhere')))).rootDer],
    },
  );

  // Profile rules `-x509_strict` adds to 6.1.
  add(
    vector(
      'a CA whose basicConstraints is not critical',
      chainWith((c) =>
        setExtension(c.intermediates[0]!, OID.basicConstraints, ext.basicConstraints(true, undefined, false)),
      ),
      { valid: false, condition: 'ca-profile', names: 'CN=Issuing CA 1' },
    ),
    vector(
      'a CA without keyUsage',
      chainWith((c) => setExtension(c.intermediates[0]!, OID.keyUsage, undefined)),
      { valid: false, condition: 'ca-profile', names: 'CN=Issuing CA 1' },
    ),
    vector(
      'a leaf asserting keyCertSign',
      chainWith((c) => setExtension(c.leaf, OID.keyUsage, ext.keyUsage(LEAF_USAGE | CA_USAGE))),
      { valid: false, condition: 'ca-profile', names: 'CN=a.example.com' },
    ),
    vector(
      'a leaf with pathLenConstraint but cA=FALSE',
      chainWith((c) => setExtension(c.leaf, OID.basicConstraints, ext.basicConstraints(false, 0))),
      { valid: false, condition: 'ca-profile', names: 'CN=a.example.com' },
    ),
    vector(
      'a root whose basicConstraints is not critical',
      chainWith((c) => setExtension(c.root, OID.basicConstraints, ext.basicConstraints(true, undefined, false))),
      { valid: true },
      {
        opensslDiffers:
          "RFC 5280 6.1 does not judge the profile of the trust anchor; one root of Node's store (Chunghwa Telecom ePKI Root CA) is like this. Reported as a note",
      },
    ),
    vector(
      'a root without keyUsage',
      chainWith((c) => setExtension(c.root, OID.keyUsage, undefined)),
      { valid: true },
      { opensslDiffers: 'as for the non-critical basicConstraints of a root: a note' },
    ),
    vector(
      'an intermediate without an authority key identifier',
      chainWith((c) => setExtension(c.intermediates[0]!, OID.authorityKeyIdentifier, undefined)),
      { valid: true },
      {
        opensslDiffers:
          'RFC 5280 4.2.1.1 asks conforming CAs for the AKI as a path-building aid; 6.1 does not use it and TLS clients accept chains without it. Reported as a note',
      },
    ),
    vector(
      'a CA without a subject key identifier',
      chainWith((c) => setExtension(c.intermediates[0]!, OID.subjectKeyIdentifier, undefined)),
      { valid: true },
      { opensslDiffers: 'RFC 5280 4.2.1.2, as for the AKI: reported as a note' },
    ),
  );

  // Trust anchors that are not self-signed (an intermediate uploaded to a trust store).
  {
    const built = buildChain(conformingChain());
    add({
      name: 'an issuing CA held in the trust store, its root not',
      trusted: built.intermediateDers,
      untrusted: [],
      leaf: built.leafDer,
      at: JUDGED_AT,
      valid: true,
      opensslDiffers:
        'CUCM and Expressway trust any certificate uploaded to a trust store; openssl verify needs -partial_chain for that',
    });
  }
  return list;
}
