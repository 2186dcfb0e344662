import type { Certificate } from './certificate.js';

/** A certificate trusted by someone: where it was found (trust store, caFile, Node's root store). */
export interface Anchor {
  certificate: Certificate;
  sources: string[];
}

/** Trust anchors indexed for path building. */
export class AnchorSet {
  private readonly bySubject = new Map<string, Anchor[]>();
  private readonly byFingerprint = new Map<string, Anchor>();

  constructor(entries: Iterable<{ certificate: Certificate; source: string }> = []) {
    for (const entry of entries) this.add(entry.certificate, entry.source);
  }

  add(certificate: Certificate, source: string): void {
    const known = this.byFingerprint.get(certificate.sha256);
    if (known) {
      if (!known.sources.includes(source)) known.sources.push(source);
      return;
    }
    const anchor: Anchor = { certificate, sources: [source] };
    this.byFingerprint.set(certificate.sha256, anchor);
    const list = this.bySubject.get(certificate.subjectKey) ?? [];
    list.push(anchor);
    this.bySubject.set(certificate.subjectKey, list);
  }

  get size(): number {
    return this.byFingerprint.size;
  }

  exact(certificate: Certificate): Anchor | undefined {
    return this.byFingerprint.get(certificate.sha256);
  }

  issuersOf(certificate: Certificate): Anchor[] {
    return this.bySubject.get(certificate.issuerKey) ?? [];
  }
}

export type PathStop =
  /** No presented certificate and no anchor has the issuer's name. */
  | 'issuer-not-found'
  /** A certificate with the issuer's name exists, but the signature does not verify with its key. */
  | 'bad-signature'
  /** The path ends in a self-signed certificate that no trust store holds. */
  | 'untrusted-root'
  | 'too-long';

export interface ChainPath {
  /** Leaf first, then each issuer found, up to the anchor (included) or where building stopped. */
  certificates: Certificate[];
  /** Set when the path reached a trusted certificate. */
  anchor?: Anchor;
  /** Why the path is not trusted, and the certificate whose issuer was wanted. */
  stop?: { reason: PathStop; at: Certificate };
  /** The self-signed root above the path (through anchors and presented certificates), when known. */
  root?: Certificate;
  /** Presented certificates that are not on the path (ignored, as a TLS client would). */
  unused: Certificate[];
}

/**
 * Certificates a path may hold before it reaches a trust anchor: the leaf and 100 intermediate CAs,
 * as OpenSSL's default verify depth (100) allows; a chain one intermediate longer fails there with
 * "certificate chain too long" and here as too long.
 */
export const MAX_DEPTH = 101;
/**
 * Issuer candidates tried while building one path. A real chain offers one issuer per level; a
 * hostile peer presenting certificates that cross-sign each other (8 named A issued by B, 7 named
 * B issued by A) offers millions of orderings, and path building is synchronous: unbounded, one
 * such endpoint blocked the event loop for seconds per path and every other probe timed out
 * (test/hardening/certificate-maze.test.ts). Past the budget the path stops as too long.
 */
const MAX_PATH_STEPS = 2000;

const signatureCache = new WeakMap<Certificate, Map<string, boolean>>();

/** Whether `issuer`'s key verifies `child`'s signature (node:crypto: RSA, ECDSA, EdDSA, any digest). */
export function signedBy(child: Certificate, issuer: Certificate): boolean {
  let cache = signatureCache.get(child);
  if (!cache) {
    cache = new Map();
    signatureCache.set(child, cache);
  }
  const known = cache.get(issuer.sha256);
  if (known !== undefined) return known;
  let valid = false;
  try {
    valid = child.x509.verify(issuer.x509.publicKey);
  } catch {
    valid = false;
  }
  cache.set(issuer.sha256, valid);
  return valid;
}

interface Attempt {
  path: Certificate[];
  anchor?: Anchor;
  stop?: { reason: PathStop; at: Certificate };
}

function extend(
  path: Certificate[],
  presented: readonly Certificate[],
  anchors: AnchorSet,
  budget: { steps: number },
): Attempt {
  const top = path[path.length - 1]!;
  const exact = anchors.exact(top);
  if (exact) return { path, anchor: exact };
  if (path.length > MAX_DEPTH || ++budget.steps > MAX_PATH_STEPS)
    return { path, stop: { reason: 'too-long', at: top } };
  let sawBadSignature = false;
  for (const anchor of anchors.issuersOf(top)) {
    if (anchor.certificate.sha256 === top.sha256) continue;
    if (signedBy(top, anchor.certificate)) return { path: [...path, anchor.certificate], anchor };
    sawBadSignature = true;
  }
  let best: Attempt | undefined;
  // A self-signed certificate ends the path (below, as an untrusted root); a self-issued one signed by
  // another key of the same CA (key rollover, RFC 5280 6.1) goes on to that key's certificate.
  const selfSigned = top.selfIssued && signedBy(top, top);
  if (!selfSigned) {
    for (const candidate of presented) {
      if (candidate.subjectKey !== top.issuerKey) continue;
      if (path.some((cert) => cert.sha256 === candidate.sha256)) continue;
      if (!signedBy(top, candidate)) {
        sawBadSignature = true;
        continue;
      }
      const attempt = extend([...path, candidate], presented, anchors, budget);
      if (attempt.anchor) return attempt;
      if (!best || attempt.path.length > best.path.length) best = attempt;
    }
  }
  if (best) return best;
  if (selfSigned) return { path, stop: { reason: 'untrusted-root', at: top } };
  return { path, stop: { reason: sawBadSignature ? 'bad-signature' : 'issuer-not-found', at: top } };
}

/** Follows issuers above the path's top (anchors first, then presented) to a self-signed root. */
export function rootAbove(
  path: readonly Certificate[],
  presented: readonly Certificate[],
  anchors: AnchorSet,
): Certificate | undefined {
  let top = path[path.length - 1];
  const seen = new Set(path.map((cert) => cert.sha256));
  for (let depth = 0; top && depth <= MAX_DEPTH; depth++) {
    // A self-issued certificate of a rolled-over key is not the root: the older key's certificate is above it.
    if (top.selfIssued && signedBy(top, top)) return top;
    const current: Certificate = top;
    const next: Certificate | undefined = [
      ...anchors.issuersOf(current).map((anchor) => anchor.certificate),
      ...presented,
    ].find(
      (candidate) =>
        candidate.subjectKey === current.issuerKey && !seen.has(candidate.sha256) && signedBy(current, candidate),
    );
    if (!next) return undefined;
    seen.add(next.sha256);
    top = next;
  }
  return undefined;
}

/**
 * Builds a path from the leaf through the presented certificates (any order, extras ignored) to a
 * trust anchor, checking each signature. Dates are judged separately (judgeDates), at the run's
 * --as-of instant, so the same path serves every rule.
 */
export function buildPath(
  presented: readonly Certificate[],
  anchors: AnchorSet,
  rootAnchors: AnchorSet = anchors,
): ChainPath {
  const [leaf, ...rest] = presented;
  if (!leaf) throw new Error('buildPath needs at least the leaf certificate');
  const attempt = extend([leaf], rest, anchors, { steps: 0 });
  const onPath = new Set(attempt.path.map((cert) => cert.sha256));
  const root = rootAbove(attempt.path, rest, rootAnchors);
  return {
    certificates: attempt.path,
    ...(attempt.anchor ? { anchor: attempt.anchor } : {}),
    ...(attempt.stop ? { stop: attempt.stop } : {}),
    ...(root ? { root } : {}),
    unused: rest.filter((cert) => !onPath.has(cert.sha256)),
  };
}

export interface DateProblem {
  certificate: Certificate;
  problem: 'expired' | 'not-yet-valid';
}

/** Certificates of the path outside their validity period at `now`. */
export function judgeDates(certificates: readonly Certificate[], now: Date): DateProblem[] {
  const problems: DateProblem[] = [];
  for (const certificate of certificates) {
    if (certificate.notAfter.getTime() < now.getTime()) problems.push({ certificate, problem: 'expired' });
    else if (certificate.notBefore.getTime() > now.getTime()) problems.push({ certificate, problem: 'not-yet-valid' });
  }
  return problems;
}
