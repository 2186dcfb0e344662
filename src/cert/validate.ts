import { SIGNATURE_ALGORITHMS, type Certificate, type TimeField } from './certificate.js';
import { OID, RECOGNISED_CRITICAL } from './extensions.js';
import { checkNameConstraints } from './name-constraints.js';
import { MAX_DEPTH, rootAbove, signedBy, type Anchor, type AnchorSet, type ChainPath, type PathStop } from './path.js';

/**
 * RFC 5280 section 6.1 basic path validation over the paths a chain offers (SPEC 8.5).
 *
 * Building is as in buildPath: from the leaf through the presented certificates in any order
 * (extras ignored) to a trust anchor, every signature verified with node:crypto; where several
 * issuers fit, each candidate path is judged in turn until one is valid. Judging follows RFC 5280
 * 6.1.3-6.1.5 and, where the RFC leaves a choice to the implementation, `openssl verify
 * -x509_strict` (OpenSSL 3.0, x509_vfy.c check_extensions / check_name_constraints), the
 * yardstick of the differential tests:
 * - the trust anchor is a certificate and is judged as one (RFC 5937 allows enforcing its
 *   constraints; OpenSSL does): when it signs a certificate of the path it must be a CA by
 *   basicConstraints (a root without basicConstraints is refused, as X509_check_ca under
 *   -x509_strict refuses v1 and keyUsage-only roots), its pathLenConstraint and name constraints
 *   apply, and its validity dates must hold;
 * - a certificate of a trust store ends the path even when it is not self-signed (CUCM and
 *   Expressway trust what is uploaded to a trust store; `openssl verify` needs -partial_chain);
 * - certificate policies are not processed (`openssl verify` does so only with -policy_check);
 * - the profile rules `-x509_strict` adds to 6.1 (RFC 5280 section 4: critical basicConstraints and
 *   keyUsage on CAs, no pathLenConstraint without cA and keyCertSign, non-empty names, one
 *   signature algorithm in and outside the TBSCertificate, version 3 for extensions, no explicit
 *   curve parameters) fail the path too, except the presence of subject and authority key
 *   identifiers, which are notes (they help build paths; TLS clients do not require them), and a
 *   trust anchor's non-critical basicConstraints or missing keyUsage, also notes (they change
 *   nothing about what the anchor may sign).
 * docs/path-validation.md lists every class where the verdict differs from OpenSSL's and why.
 */

/** Issuer candidates tried before the search gives up: a real chain needs a handful. */
export const PATH_CANDIDATE_BUDGET = 1024;

export type PathCondition =
  /** Building: no certificate with the issuer's name was presented or trusted. */
  | 'issuer-not-found'
  /** Building: certificates with the issuer's name exist, none verifies the signature. */
  | 'bad-signature'
  /** Building: the signature algorithm is not one node:crypto verifies. */
  | 'unsupported-signature-algorithm'
  /** Building: the path ends in a self-signed certificate that no trust store holds. */
  | 'untrusted-root'
  | 'too-long'
  /** Building: the candidate budget ran out before a valid path was found. */
  | 'no-valid-path-within-budget'
  | 'not-a-ca'
  | 'key-cert-sign'
  | 'path-length'
  | 'name-constraints'
  | 'unrecognised-critical-extension'
  | 'invalid-extension'
  | 'proxy-certificate'
  | 'time-encoding'
  | 'not-yet-valid'
  | 'expired'
  | 'empty-issuer'
  | 'empty-subject'
  | 'explicit-curve'
  | 'signature-algorithm-mismatch'
  | 'extensions-need-v3'
  | 'ca-profile';

export interface PathFailure {
  condition: PathCondition;
  /** The certificate the condition is about (absent only when the budget ran out). */
  certificate?: Certificate;
  /** Where the condition is defined, e.g. "RFC 5280 6.1.4 (k)". */
  reference: string;
  /** One sentence naming the certificate and the condition, without the reference. */
  message: string;
}

/** A profile defect that does not fail the path (see the module comment). */
export interface PathNote {
  /** key-identifier: an AKI or SKI is missing; anchor-profile: the trust anchor's basicConstraints or keyUsage. */
  kind: 'key-identifier' | 'anchor-profile';
  certificate: Certificate;
  reference: string;
  message: string;
}

export interface PathValidationOptions {
  /** The judged instant (the run's --as-of). */
  at: Date;
  /** Issuer candidates tried before giving up; default PATH_CANDIDATE_BUDGET. */
  budget?: number;
}

export type PathValidation =
  | {
      valid: true;
      /** The valid path, leaf first, the trust anchor last. */
      path: ChainPath & { anchor: Anchor };
      /** Issuer candidates tried. */
      candidates: number;
      notes: PathNote[];
    }
  | {
      valid: false;
      /** The candidate that came closest: a complete path that failed a condition, else the longest one built. */
      path: ChainPath;
      failure: PathFailure;
      candidates: number;
      notes: PathNote[];
    };

/** How a certificate is named in messages: its subject, or its serial when the subject is empty. */
export const certificateLabel = (certificate: Certificate): string =>
  certificate.subject || `the certificate with an empty subject (serial ${certificate.serial})`;

const fail = (
  condition: PathCondition,
  certificate: Certificate | undefined,
  reference: string,
  message: string,
): PathFailure => ({ condition, ...(certificate ? { certificate } : {}), reference, message });

function timeFailure(certificate: Certificate, field: 'notBefore' | 'notAfter', time: TimeField): PathFailure {
  const form = time.encoding === 'UTCTime' ? 'YYMMDDHHMMSSZ' : 'YYYYMMDDHHMMSSZ';
  return fail(
    'time-encoding',
    certificate,
    `RFC 5280 4.1.2.5.${time.encoding === 'UTCTime' ? 1 : 2}`,
    `${certificateLabel(certificate)} has ${field} ${time.encoding} "${time.text}" (${time.nonconformity}), not the form ${form}`,
  );
}

/** The certificate as encoded: extensions that do not decode, repeat, or are critical and unknown. */
function encodingFailure(certificate: Certificate): PathFailure | undefined {
  const label = certificateLabel(certificate);
  const { details } = certificate;
  const [problem] = details.extensionProblems;
  if (problem) return fail('invalid-extension', certificate, 'RFC 5280 4.2', `${label} is invalid: ${problem}`);
  for (const extension of details.extensions) {
    if (extension.oid === OID.proxyCertInfo) {
      return fail(
        'proxy-certificate',
        certificate,
        'RFC 3820',
        `${label} is a proxy certificate, which is not accepted`,
      );
    }
    if (extension.critical && !RECOGNISED_CRITICAL.has(extension.oid)) {
      const keyIdentifier = extension.oid === OID.authorityKeyIdentifier || extension.oid === OID.subjectKeyIdentifier;
      return fail(
        'unrecognised-critical-extension',
        certificate,
        keyIdentifier ? 'RFC 5280 4.2.1.1/4.2.1.2, 6.1.4 (o)' : 'RFC 5280 4.2, 6.1.4 (o)',
        keyIdentifier
          ? `${label} marks ${extension.name} critical, which conforming CAs must not and which no validator here processes as critical`
          : `${label} has a critical extension that is not recognised: ${extension.name}`,
      );
    }
  }
  return undefined;
}

/** Checks that hold for every certificate of the path, issuer or not, after its encoding. */
function certificateFailure(
  certificate: Certificate,
  at: Date,
  pathLength: number,
  anchorNotes?: PathNote[],
): PathFailure | undefined {
  const label = certificateLabel(certificate);
  const { details } = certificate;
  if (details.notBefore.nonconformity) return timeFailure(certificate, 'notBefore', details.notBefore);
  if (details.notAfter.nonconformity) return timeFailure(certificate, 'notAfter', details.notAfter);
  if (at.getTime() < certificate.notBefore.getTime()) {
    return fail(
      'not-yet-valid',
      certificate,
      'RFC 5280 6.1.3 (a)(2)',
      `${label} is not valid before ${certificate.notBefore.toISOString()}`,
    );
  }
  // OpenSSL's X509_cmp_time counts the notAfter second itself as expired; RFC 5280 4.1.2.5 calls
  // the period inclusive. The one-second difference follows OpenSSL (docs/path-validation.md).
  if (at.getTime() >= certificate.notAfter.getTime()) {
    return fail(
      'expired',
      certificate,
      'RFC 5280 6.1.3 (a)(2)',
      `${label} expired on ${certificate.notAfter.toISOString()}`,
    );
  }
  if (pathLength === 1) return undefined;
  // From here: the RFC 5280 section 4 profile rules `openssl verify -x509_strict` enforces on
  // every certificate of a path longer than one (RFC 6818 2: not on a lone self-signed leaf).
  if (details.curveParameters && details.curveParameters !== 'namedCurve') {
    return fail(
      'explicit-curve',
      certificate,
      'RFC 5480 2.1.1',
      `${label} has an EC key with ${details.curveParameters === 'specifiedCurve' ? 'explicit' : 'implicit'} curve parameters; only named curves are accepted`,
    );
  }
  if (certificate.version < 3 && details.extensions.length > 0) {
    return fail(
      'extensions-need-v3',
      certificate,
      'RFC 5280 4.1.2.1',
      `${label} is a version ${certificate.version} certificate with extensions, which require version 3`,
    );
  }
  if (!details.signatureAlgorithmsMatch) {
    return fail(
      'signature-algorithm-mismatch',
      certificate,
      'RFC 5280 4.1.1.2',
      `${label} names a different signature algorithm inside the signed part than outside it`,
    );
  }
  const constraints = details.basicConstraints;
  const keyCertSign = details.keyUsage?.has('keyCertSign') === true;
  if (constraints?.pathLenConstraint !== undefined && (!constraints.cA || !keyCertSign)) {
    return fail(
      'ca-profile',
      certificate,
      'RFC 5280 4.2.1.9',
      `${label} has pathLenConstraint ${constraints.pathLenConstraint} without ${constraints.cA ? 'keyCertSign in keyUsage' : 'cA in basicConstraints'}`,
    );
  }
  // For the trust anchor these two are notes: they change nothing about what it may sign, and
  // one root of Node's store (Chunghwa Telecom ePKI Root CA) has a non-critical basicConstraints.
  const profile = (reference: string, message: string): PathFailure | undefined => {
    if (!anchorNotes) return fail('ca-profile', certificate, reference, message);
    anchorNotes.push({ kind: 'anchor-profile', certificate, reference, message });
    return undefined;
  };
  if (constraints?.cA && !constraints.critical) {
    const failure = profile('RFC 5280 4.2.1.9', `${label} is a CA whose basicConstraints is not critical`);
    if (failure) return failure;
  }
  if (constraints?.cA && !details.keyUsage) {
    const failure = profile('RFC 5280 4.2.1.3', `${label} is a CA without a keyUsage extension`);
    if (failure) return failure;
  }
  if (!constraints?.cA && keyCertSign) {
    return fail('ca-profile', certificate, 'RFC 5280 4.2.1.3', `${label} asserts keyCertSign but is not a CA`);
  }
  if (details.issuerName.length === 0) {
    return fail('empty-issuer', certificate, 'RFC 5280 4.1.2.4', `${label} has an empty issuer name`);
  }
  const sans = details.subjectAltNames;
  if (details.subjectName.length === 0) {
    if (constraints?.cA || details.keyUsage?.has('cRLSign') || !sans) {
      return fail('empty-subject', certificate, 'RFC 5280 4.1.2.6', `${label} has an empty subject name`);
    }
    if (!details.subjectAltNameCritical) {
      return fail(
        'empty-subject',
        certificate,
        'RFC 5280 4.2.1.6',
        `${label} has an empty subject and a subjectAltName that is not critical`,
      );
    }
  }
  if (sans && sans.length === 0) {
    return fail('invalid-extension', certificate, 'RFC 5280 4.2.1.6', `${label} has an empty subjectAltName`);
  }
  return undefined;
}

/** RFC 5280 6.1.4 (k), (n): the issuer of the next certificate must be a CA allowed to sign certificates. */
function issuerFailure(issuer: Certificate): PathFailure | undefined {
  const label = certificateLabel(issuer);
  const constraints = issuer.details.basicConstraints;
  if (!constraints) {
    return fail('not-a-ca', issuer, 'RFC 5280 6.1.4 (k)', `${label} is not a CA: basicConstraints absent`);
  }
  if (!constraints.cA) {
    return fail('not-a-ca', issuer, 'RFC 5280 6.1.4 (k)', `${label} is not a CA: basicConstraints cA is FALSE`);
  }
  if (issuer.details.keyUsage && !issuer.details.keyUsage.has('keyCertSign')) {
    return fail(
      'key-cert-sign',
      issuer,
      'RFC 5280 6.1.4 (n)',
      `${label} may not sign certificates: its keyUsage lacks keyCertSign`,
    );
  }
  return undefined;
}

/**
 * OpenSSL's X509_check_ca under -x509_strict also refuses, as an end-entity certificate, one
 * that only looks like a CA: a version 1 self-issued certificate, or keyCertSign without
 * basicConstraints.
 */
function leafFailure(leaf: Certificate): PathFailure | undefined {
  const label = certificateLabel(leaf);
  if (leaf.details.basicConstraints) return undefined;
  if (leaf.details.keyUsage?.has('keyCertSign')) {
    return fail('ca-profile', leaf, 'RFC 5280 4.2.1.3', `${label} asserts keyCertSign without basicConstraints`);
  }
  if (leaf.version === 1 && leaf.selfIssued) {
    return fail(
      'ca-profile',
      leaf,
      'RFC 5280 4.1.2.1',
      `${label} is a version 1 self-signed certificate, which OpenSSL treats as a CA root, not an end-entity certificate`,
    );
  }
  return undefined;
}

/** Judges one complete candidate path (leaf first, trust anchor last). */
export function judgePath(path: readonly Certificate[], at: Date): { failure?: PathFailure; notes: PathNote[] } {
  const notes: PathNote[] = [];
  const last = path.length - 1;
  for (let i = 0; i <= last; i++) {
    const certificate = path[i]!;
    // An issuer is judged as a CA first (6.1.4), so its message names the 6.1 condition.
    const failure =
      encodingFailure(certificate) ??
      (i === 0
        ? (certificateFailure(certificate, at, path.length) ?? leafFailure(certificate))
        : (issuerFailure(certificate) ??
          certificateFailure(certificate, at, path.length, i === last ? notes : undefined)));
    if (failure) return { failure, notes };
    if (path.length > 1 && certificate.version === 3) {
      const { details } = certificate;
      if (i < last && !details.authorityKeyIdentifier) {
        notes.push({
          kind: 'key-identifier',
          certificate,
          reference: 'RFC 5280 4.2.1.1',
          message: `${certificateLabel(certificate)} has no authority key identifier`,
        });
      }
      if (details.basicConstraints?.cA && !details.subjectKeyIdentifier) {
        notes.push({
          kind: 'key-identifier',
          certificate,
          reference: 'RFC 5280 4.2.1.2',
          message: `${certificateLabel(certificate)} is a CA without a subject key identifier`,
        });
      }
    }
  }
  // RFC 5280 6.1.4 (l)-(m): each non-self-issued intermediate below a CA counts against its
  // pathLenConstraint; the end-entity certificate and self-issued intermediates do not.
  let below = 0;
  for (let i = 1; i <= last; i++) {
    const certificate = path[i]!;
    const limit = certificate.details.basicConstraints?.pathLenConstraint;
    if (i > 1 && limit !== undefined && below > limit) {
      return {
        failure: fail(
          'path-length',
          certificate,
          'RFC 5280 6.1.4 (m)',
          `${certificateLabel(certificate)} allows ${limit} intermediate CA certificate(s) below it (pathLenConstraint ${limit}), the path has ${below}`,
        ),
        notes,
      };
    }
    if (!certificate.selfIssued) below++;
  }
  // RFC 5280 6.1.3 (b)-(c), 6.1.4 (g): the names of each certificate (self-issued intermediates
  // excepted) against the name constraints of every CA above it, the trust anchor included.
  for (let i = 0; i < last; i++) {
    const certificate = path[i]!;
    if (i > 0 && certificate.selfIssued) continue;
    for (let j = last; j > i; j--) {
      const constraints = path[j]!.details.nameConstraints;
      if (!constraints) continue;
      const outcome = checkNameConstraints(certificate, constraints, i === 0);
      if (!outcome.ok) {
        const verb =
          outcome.reason === 'excluded'
            ? 'is excluded by'
            : outcome.reason === 'not-permitted'
              ? 'is outside the permitted subtrees of'
              : 'cannot be checked against';
        return {
          failure: fail(
            'name-constraints',
            certificate,
            'RFC 5280 6.1.3 (b)-(c)',
            `${certificateLabel(certificate)}: ${outcome.name} ${verb} the name constraints of ${certificateLabel(path[j]!)} (${outcome.detail})`,
          ),
          notes,
        };
      }
    }
  }
  return { notes };
}

interface Judged {
  path: Certificate[];
  anchor: Anchor;
  failure: PathFailure;
  notes: PathNote[];
}

interface Open {
  path: Certificate[];
  stop: { reason: PathStop; at: Certificate };
}

function openFailure(open: Open): PathFailure {
  const top = open.stop.at;
  const label = certificateLabel(top);
  switch (open.stop.reason) {
    case 'untrusted-root':
      return fail(
        'untrusted-root',
        top,
        'RFC 5280 6.1',
        `the path ends in the self-signed ${label}, which no trust store, caFile or Node root store holds`,
      );
    case 'bad-signature':
      if (!top.details.signatureAlgorithmsMatch) {
        return fail(
          'signature-algorithm-mismatch',
          top,
          'RFC 5280 4.1.1.2',
          `${label} names a different signature algorithm inside the signed part than outside it, so its signature cannot verify`,
        );
      }
      if (!SIGNATURE_ALGORITHMS[top.details.signatureAlgorithmOid]) {
        return fail(
          'unsupported-signature-algorithm',
          top,
          'RFC 5280 6.1.3 (a)(1)',
          `${label} is signed with ${top.signatureAlgorithm}, a signature algorithm that is not supported`,
        );
      }
      return fail(
        'bad-signature',
        top,
        'RFC 5280 6.1.3 (a)(1)',
        `the signature of ${label} does not verify with the key of any certificate named ${top.issuer}`,
      );
    case 'too-long':
      return fail(
        'too-long',
        top,
        'RFC 5280 6.1',
        `the path is longer than ${MAX_DEPTH} certificates without reaching a trust anchor`,
      );
    case 'issuer-not-found':
      if (top.details.issuerName.length === 0) {
        return fail('empty-issuer', top, 'RFC 5280 4.1.2.4', `${label} has an empty issuer name`);
      }
      return fail(
        'issuer-not-found',
        top,
        'RFC 5280 6.1',
        `${label} was issued by ${top.issuer}, which was neither presented nor found in any trust store`,
      );
  }
}

/** Issuers whose subject key identifier matches the child's authority key identifier are tried first. */
function byKeyIdentifier(child: Certificate): (a: Certificate, b: Certificate) => number {
  const wanted = child.details.authorityKeyIdentifier;
  const score = (candidate: Certificate): number =>
    wanted && candidate.details.subjectKeyIdentifier?.equals(wanted) ? 0 : 1;
  return (a, b) => score(a) - score(b);
}

/**
 * Finds a path from `presented[0]` (the leaf) to a trust anchor that RFC 5280 6.1 accepts at
 * `options.at`, trying candidate issuers depth-first within a budget, and says why not otherwise.
 * Never throws for any certificates it is given (they were parsed already); the work is bounded
 * by the budget (each candidate costs at most one signature verification, cached per pair).
 */
export function validatePath(
  presented: readonly Certificate[],
  anchors: AnchorSet,
  options: PathValidationOptions,
): PathValidation {
  const [leaf, ...rest] = presented;
  if (!leaf) throw new Error('validatePath needs at least the leaf certificate');
  const budget = options.budget ?? PATH_CANDIDATE_BUDGET;
  let candidates = 0;
  let exhausted = false;
  let closestJudged: Judged | undefined;
  let closestOpen: Open | undefined;
  let found: { path: Certificate[]; anchor: Anchor; notes: PathNote[] } | undefined;

  const judge = (path: Certificate[], anchor: Anchor): boolean => {
    const verdict = judgePath(path, options.at);
    if (!verdict.failure) {
      found = { path, anchor, notes: verdict.notes };
      return true;
    }
    closestJudged ??= { path, anchor, failure: verdict.failure, notes: verdict.notes };
    return false;
  };
  const stopAt = (path: Certificate[], reason: PathStop): void => {
    if (!closestOpen || path.length > closestOpen.path.length)
      closestOpen = { path, stop: { reason, at: path.at(-1)! } };
  };

  const explore = (path: Certificate[]): boolean => {
    const top = path[path.length - 1]!;
    const exact = anchors.exact(top);
    if (exact) return judge(path, exact);
    if (path.length > MAX_DEPTH) {
      stopAt(path, 'too-long');
      return false;
    }
    const onPath = new Set(path.map((certificate) => certificate.sha256));
    const trusted = anchors
      .issuersOf(top)
      .filter((anchor) => !onPath.has(anchor.certificate.sha256))
      .sort((a, b) => byKeyIdentifier(top)(a.certificate, b.certificate));
    const trustedKeys = new Set(trusted.map((anchor) => anchor.certificate.sha256));
    const untrusted = rest
      .filter(
        (candidate) =>
          candidate.subjectKey === top.issuerKey && !onPath.has(candidate.sha256) && !trustedKeys.has(candidate.sha256),
      )
      .sort(byKeyIdentifier(top));
    let extended = false;
    let sawBadSignature = false;
    for (const candidate of [...trusted.map((anchor) => anchor.certificate), ...untrusted]) {
      if (candidates >= budget) {
        exhausted = true;
        return false;
      }
      candidates++;
      if (!signedBy(top, candidate)) {
        sawBadSignature = true;
        continue;
      }
      extended = true;
      if (explore([...path, candidate])) return true;
      if (exhausted) return false;
    }
    if (!extended) {
      const reason =
        top.selfIssued && signedBy(top, top)
          ? 'untrusted-root'
          : sawBadSignature
            ? 'bad-signature'
            : 'issuer-not-found';
      stopAt(path, reason);
    }
    return false;
  };

  explore([leaf]);
  const chainPath = (path: Certificate[], extra: Partial<ChainPath>): ChainPath => {
    const onPath = new Set(path.map((certificate) => certificate.sha256));
    const root = rootAbove(path, rest, anchors);
    return {
      certificates: path,
      ...extra,
      ...(root ? { root } : {}),
      unused: rest.filter((certificate) => !onPath.has(certificate.sha256)),
    };
  };
  if (found) {
    return {
      valid: true,
      path: chainPath(found.path, { anchor: found.anchor }) as ChainPath & { anchor: Anchor },
      candidates,
      notes: found.notes,
    };
  }
  const judged = closestJudged as Judged | undefined;
  const open = closestOpen as Open | undefined;
  const path = judged
    ? chainPath(judged.path, { anchor: judged.anchor })
    : chainPath(open ? open.path : [leaf], open ? { stop: open.stop } : {});
  const closest = judged?.failure ?? (open ? openFailure(open) : undefined);
  const failure = exhausted
    ? fail(
        'no-valid-path-within-budget',
        undefined,
        'RFC 5280 6.1',
        `no valid path within ${budget} candidates${closest ? ` (closest: ${closest.message})` : ''}`,
      )
    : (closest ?? fail('issuer-not-found', leaf, 'RFC 5280 6.1', `no issuer of ${certificateLabel(leaf)} was found`));
  return { valid: false, path, failure, candidates, notes: judged?.notes ?? [] };
}
